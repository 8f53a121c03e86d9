"""Restatements: rows that change what was already reported, shown rather than silent.

Three kinds: late rows dated in a month the serving file has already published, rows
whose key another file already delivered (the latest load wins in staging), and rows a
re-delivered file no longer holds (retracted: they leave raw and, at the next build, the
incremental models).
"""

from __future__ import annotations

import duckdb
import polars as pl

from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import scalar
from ingestion.file_rows import RAW_SCHEMA
from ingestion.ledger import SCHEMA

RETRACTED = "rows retracted"
COLUMNS = {
    "kind": pl.String,
    "period_month": pl.Date,
    "rows_restated": pl.Int64,
    "detail": pl.String,
}


def find_restatements(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, new_rows: str
) -> pl.DataFrame:
    """What the rows of `new_rows` (a relation: the file's rows about to be written)
    restate; the raw table still holds the file's earlier load and other files' rows."""
    return pl.concat(
        [
            _late_rows(con, contract, new_rows),
            _redelivered_keys(con, contract, relative, new_rows),
            _retracted_rows(con, contract, relative, new_rows),
        ]
    )


def _late_rows(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, new_rows: str
) -> pl.DataFrame:
    reported = scalar(con, f"select max(report_month) from {SCHEMA}.publish_log")
    if contract.event_column is None or reported is None:
        return pl.DataFrame(schema=COLUMNS)
    month = f"cast(date_trunc('month', {contract.event_column}) as date)"
    found = con.execute(
        f"select {month} as period_month, count(*) from {new_rows} "
        f"where {month} <= ? group by 1 order by 1",
        [reported],
    ).fetchall()
    return pl.DataFrame(
        {
            "kind": ["late rows for a reported month"] * len(found),
            "period_month": [month for month, _ in found],
            "rows_restated": [count for _, count in found],
            "detail": [f"already published up to {reported:%Y-%m}"] * len(found),
        },
        schema=COLUMNS,
    )


def _redelivered_keys(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, new_rows: str
) -> pl.DataFrame:
    keys = ", ".join(contract.key)
    found = con.execute(
        f"select existing._source_file, count(*) from (select {keys} from {new_rows}) as incoming "
        f"inner join {RAW_SCHEMA}.{contract.table} as existing "
        f"on {_same_key(contract, 'incoming', 'existing')} "
        "where existing._source_file <> ? group by 1 order by 1",
        [relative],
    ).fetchall()
    return pl.DataFrame(
        {
            "kind": ["key delivered again"] * len(found),
            "period_month": [None] * len(found),
            "rows_restated": [count for _, count in found],
            "detail": [f"replaces rows of {other}" for other, _ in found],
        },
        schema=COLUMNS,
    )


def _retracted_rows(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, new_rows: str
) -> pl.DataFrame:
    """Keys the file's earlier load held and this delivery of it does not."""
    same_key = _same_key(contract, "incoming", "earlier")
    month = (
        f"cast(date_trunc('month', earlier.{contract.event_column}) as date)"
        if contract.event_column
        else "cast(null as date)"
    )
    found = con.execute(
        f"select {month} as period_month, count(*) from {RAW_SCHEMA}.{contract.table} as earlier "
        f"where earlier._source_file = ? and not exists "
        f"(select 1 from {new_rows} as incoming where {same_key}) group by 1 order by 1",
        [relative],
    ).fetchall()
    return pl.DataFrame(
        {
            "kind": [RETRACTED] * len(found),
            "period_month": [month for month, _ in found],
            "rows_restated": [count for _, count in found],
            "detail": ["in the earlier delivery of this file, not in this one"] * len(found),
        },
        schema=COLUMNS,
    )


def _same_key(contract: SourceContract, left: str, right: str) -> str:
    """Rows of `left` and `right` with the same key. An optional key column (a production
    run's shift) may be empty in both: the same key, not two unknowns."""
    return " and ".join(f"{left}.{key} is not distinct from {right}.{key}" for key in contract.key)
