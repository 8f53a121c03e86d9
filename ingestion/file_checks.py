"""Check a landing file's rows against its contract, whole or one part at a time.

The pieces both loaders share: conform a text frame (names, pseudonyms, types, rules),
and, when too many rows are invalid, reject the file with every row quarantined.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingestion.contracts import SourceContract
from ingestion.errors import IngestionError
from ingestion.file_name_values import fill_from_file_name
from ingestion.load_job import LoadJob
from ingestion.pseudonymise import pseudonymise_column
from ingestion.readers import ROW_NUMBER, csv_separator
from ingestion.validation import Conformed, conform, rename_to_contract

REJECTED_KIND = "file rejected: too many invalid rows"


def conform_text(
    text: pl.DataFrame, job: LoadJob, path: Path, require_columns: bool = True
) -> tuple[pl.DataFrame, Conformed]:
    """The text renamed to the contract with ids pseudonymised, and its conformed split.
    `path`'s header says how to read it: whole, or `text` is one part of it."""
    text = rename_to_contract(text, job.contract, path, require_columns)
    text = fill_from_file_name(text, job.contract, path)
    for column in job.contract.columns:
        if column.pseudonymise:
            text = pseudonymise_column(text, column.name, job.key)
    # A `;`-separated file is a European export, where a point may group thousands.
    european = csv_separator(path) == ";"
    return text, conform(text, job.contract, job.bounds, point_may_group_thousands=european)


def is_rejected(contract: SourceContract, read: int, quarantined: int) -> bool:
    return read > 0 and quarantined / read > contract.max_quarantine_share


def rejection(
    path: Path, contract: SourceContract, read: int, quarantined: int, first: dict
) -> IngestionError:
    """The error for a file with too many invalid rows; `first`: its first quarantined row."""
    return IngestionError(
        path,
        f"{quarantined} of {read} rows invalid, above the "
        f"{contract.max_quarantine_share:.0%} limit, so the whole file is quarantined; "
        f"first: {first['reason']}",
        row=first[ROW_NUMBER],
        column=first["column_name"],
        fix="correct the export and deliver the file again; it reloads cleanly",
    )


def quarantine_everything(
    text: pl.DataFrame, invalid: pl.DataFrame, contract: SourceContract, error: IngestionError
) -> pl.DataFrame:
    """The valid rows of a rejected file join the quarantine too, so none is lost."""
    valid = text.join(invalid.select(ROW_NUMBER), on=ROW_NUMBER, how="anti").select(
        ROW_NUMBER,
        pl.lit(None, dtype=pl.String).alias("column_name"),
        pl.lit(f"file rejected: {error.problem}").alias("reason"),
        pl.lit(REJECTED_KIND).alias("reason_kind"),
        pl.struct(contract.column_names).struct.json_encode().alias("raw_values"),
    )
    return pl.concat([invalid, valid]).sort(ROW_NUMBER)


def file_message(rows_read: int, ignored: tuple[str, ...]) -> str | None:
    notes = []
    if rows_read == 0:
        notes.append("the file has a header but no rows")
    if ignored:
        notes.append(f"columns not in the contract were ignored: {', '.join(ignored)}")
    return "; ".join(notes) or None
