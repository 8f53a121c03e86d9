"""Keyed hashing of employee identifiers, so raw ids never enter the warehouse."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

import polars as pl

KEY_VARIABLE = "AIROI_PSEUDONYMISATION_KEY"
log = logging.getLogger(__name__)


def load_key(key_file: Path) -> bytes:
    """The HMAC key: from the environment, else from a local key file made on first use.

    The generated file keeps pseudonyms stable across runs on one machine; production
    deployments set the variable from their secret store.
    """
    value = os.environ.get(KEY_VARIABLE)
    if value:
        return value.encode()
    if not key_file.exists():
        log.warning(
            "%s is not set: generating a local key in %s. Set it from a secret store in "
            "production, or pseudonyms will differ between machines.",
            KEY_VARIABLE,
            key_file,
        )
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    else:
        log.warning("%s is not set: using the local key file %s.", KEY_VARIABLE, key_file)
    return key_file.read_text().strip().encode()


def pseudonym(key: bytes, identifier: str) -> str:
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


def pseudonymise_column(frame: pl.DataFrame, column: str, key: bytes) -> pl.DataFrame:
    """Replace `column` by its keyed hash; hashing each distinct id once keeps it cheap."""
    distinct = frame.get_column(column).drop_nulls().unique()
    hashed = [pseudonym(key, value) for value in distinct]
    return frame.with_columns(
        pl.col(column).replace_strict(distinct, hashed, default=None, return_dtype=pl.String)
    )
