"""Restatements: rows that change what was already reported, shown rather than silent.

Two kinds: late rows dated in a month the serving file has already published, and rows
whose key another file already delivered (the latest load wins in staging).
"""

from __future__ import annotations

import duckdb
import polars as pl

from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import registered, scalar
from ingestion.ledger import SCHEMA

RAW_SCHEMA = "raw"
COLUMNS = {
    "kind": pl.String,
    "period_month": pl.Date,
    "rows_restated": pl.Int64,
    "detail": pl.String,
}


def find_restatements(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, rows: pl.DataFrame
) -> pl.DataFrame:
    if rows.height == 0:
        return pl.DataFrame(schema=COLUMNS)
    return pl.concat(
        [_late_rows(con, contract, rows), _redelivered_keys(con, contract, relative, rows)]
    )


def _late_rows(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, rows: pl.DataFrame
) -> pl.DataFrame:
    reported = scalar(con, f"select max(report_month) from {SCHEMA}.publish_log")
    if contract.event_column is None or reported is None:
        return pl.DataFrame(schema=COLUMNS)
    month = pl.col(contract.event_column).cast(pl.Date).dt.truncate("1mo")
    return (
        rows.filter(month <= reported)
        .group_by(month.alias("period_month"))
        .agg(pl.len().cast(pl.Int64).alias("rows_restated"))
        .select(
            pl.lit("late rows for a reported month").alias("kind"),
            "period_month",
            "rows_restated",
            pl.lit(f"already published up to {reported:%Y-%m}").alias("detail"),
        )
        .sort("period_month")
    )


def _redelivered_keys(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, rows: pl.DataFrame
) -> pl.DataFrame:
    keys = ", ".join(contract.key)
    with registered(con, "incoming_keys", rows.select(contract.key)):
        found = con.execute(
            f"select existing._source_file, count(*) from incoming_keys "
            f"inner join {RAW_SCHEMA}.{contract.table} as existing using ({keys}) "
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
