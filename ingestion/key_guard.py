"""One pseudonymisation key per warehouse: pseudonyms made with two keys never mix.

The warehouse records a fingerprint of the key that produced its stored pseudonyms (a
keyed hash of a fixed text: it identifies the key without revealing it). A load with
another key is refused with the way out: restore the key, or re-pseudonymise, which
reloads every source holding employee ids from its landing files under the new key.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb

from ingestion import ledger
from ingestion.contracts import CONTRACTS, SourceContract
from ingestion.duckdb_helpers import table_exists
from ingestion.errors import IngestionError
from ingestion.file_rows import RAW_SCHEMA, transaction

TABLE = f"{ledger.SCHEMA}.pseudonymisation_key"
REPSEUDONYMISE = "python -m ingestion re-pseudonymise"


class KeyChangedError(IngestionError):
    """The key differs from the one behind the stored pseudonyms."""


def fingerprint(key: bytes) -> str:
    return hmac.new(key, b"ai-roi-warehouse key fingerprint", hashlib.sha256).hexdigest()[:16]


def pseudonymised_sources() -> list[SourceContract]:
    return [c for c in CONTRACTS.values() if any(column.pseudonymise for column in c.columns)]


def check_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Record the key's fingerprint on first use; refuse a different key afterwards."""
    ledger.ensure_schema(con)
    con.execute(
        f"create table if not exists {TABLE} (fingerprint varchar not null, "
        "recorded_at timestamp not null)"
    )
    stored = con.execute(f"select fingerprint from {TABLE}").fetchall()
    current = fingerprint(key)
    if not stored:
        con.execute(f"insert into {TABLE} values (?, now()::timestamp)", [current])
    elif stored[0][0] != current:
        raise KeyChangedError(
            "AIROI_PSEUDONYMISATION_KEY",
            f"the pseudonymisation key (fingerprint {current}) is not the one that produced "
            f"the pseudonyms in the warehouse (fingerprint {stored[0][0]}); loading with it "
            "would count one person twice",
            fix="restore the previous key (the variable, or the key file), or re-pseudonymise "
            f"everything under the new key with `{REPSEUDONYMISE}`",
        )


def repseudonymise(con: duckdb.DuckDBPyConnection, landing_dir: Path, key: bytes) -> list[str]:
    """Forget every load of the sources holding employee ids, so the next run reloads them
    from their landing files under `key`; returns the files to be reloaded. Refused if a
    loaded file is no longer in the landing folder: its rows would be lost."""
    ledger.ensure_schema(con)
    sources = [contract.table for contract in pseudonymised_sources()]
    files = con.execute(
        f"select source, file_path from {ledger.SCHEMA}.load_ledger "
        "where list_contains(?, source) and status = 'loaded' order by 1, 2",
        [sources],
    ).fetchall()
    missing = [path for _, path in files if not (landing_dir / path).is_file()]
    if missing:
        raise IngestionError(
            landing_dir,
            f"{len(missing)} loaded file(s) are no longer in the landing folder "
            f"(first: {missing[0]}); re-pseudonymising would lose their rows",
            fix="put the files back, then run the command again",
        )
    with transaction(con):
        for source in sources:
            _forget_source(con, source)
        con.execute(f"delete from {TABLE}")
        con.execute(f"insert into {TABLE} values (?, now()::timestamp)", [fingerprint(key)])
    return [path for _, path in files]


def _forget_source(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Every row a source's loads wrote: raw rows, quarantine, restatements, ledger."""
    if table_exists(con, f"{RAW_SCHEMA}.{source}"):
        con.execute(f"delete from {RAW_SCHEMA}.{source}")
    for table in ("quarantine", "restatements", "load_ledger"):
        con.execute(f"delete from {ledger.SCHEMA}.{table} where source = ?", [source])
