"""Write one landing file's rows into DuckDB: its raw table rows, quarantine,
restatements and ledger entry, replacing whatever an earlier load of the file wrote."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import duckdb
import polars as pl

from ingestion import ledger
from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import registered
from ingestion.readers import ROW_NUMBER

RAW_SCHEMA = "raw"
QUARANTINE = f"{ledger.SCHEMA}.quarantine"
# Named in every insert: `reason_kind` was added last, after tables already existed.
QUARANTINE_COLUMNS = (
    "source, file_path, source_row, column_name, reason, reason_kind, raw_values, run_id, "
    "quarantined_at"
)
DUCKDB_TYPES = {
    pl.String: "varchar",
    pl.Int64: "bigint",
    pl.Float64: "double",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime: "timestamp",
}


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: SourceContract) -> None:
    columns = ",\n    ".join(
        f"{column.name} {DUCKDB_TYPES[column.dtype.base_type()]}" for column in contract.columns
    )
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create table if not exists {RAW_SCHEMA}.{contract.table} (\n    {columns},\n"
        "    _source_file varchar not null,\n    _source_row bigint not null,\n"
        "    _loaded_at timestamp not null\n)"
    )


def replace_file_rows(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, pl.DataFrame | None],
    outcome: ledger.FileOutcome,
    run_id: str,
    quarantine: pl.DataFrame | None = None,
    restatements: pl.DataFrame | None = None,
) -> None:
    """Swap one file's rows in each raw table, its quarantine, restatements and ledger entry
    in one transaction."""
    relative = outcome.file_path
    with transaction(con):
        delete_file_rows(con, outcome.source, tables, relative)
        for table, rows in tables.items():
            if rows is not None:
                insert_rows(con, f"{RAW_SCHEMA}.{table}", rows, relative)
        if quarantine is not None:
            insert_quarantine(con, outcome.source, relative, quarantine, run_id)
        if restatements is not None:
            insert_restatements(con, outcome.source, relative, restatements, run_id)
        ledger.record(con, outcome, run_id)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def delete_file_rows(
    con: duckdb.DuckDBPyConnection, source: str, tables: Iterable[str], relative: str
) -> None:
    """Remove what an earlier load of this file wrote, ahead of writing it again."""
    for table in tables:
        con.execute(f"delete from {RAW_SCHEMA}.{table} where _source_file = ?", [relative])
    for audit_table in ("quarantine", "restatements"):
        con.execute(
            f"delete from {ledger.SCHEMA}.{audit_table} where source = ? and file_path = ?",
            [source, relative],
        )


def insert_rows(
    con: duckdb.DuckDBPyConnection, into: str, rows: pl.DataFrame, relative: str
) -> None:
    """Append a file's conformed rows to `into` (a raw table, or one shaped like it)."""
    if rows.height == 0:
        return
    with registered(con, "incoming_rows", rows):
        con.execute(
            f"insert into {into} by name select * exclude ({ROW_NUMBER}), "
            f"? as _source_file, {ROW_NUMBER} as _source_row, now()::timestamp as _loaded_at "
            "from incoming_rows",
            [relative],
        )


def insert_quarantine(
    con: duckdb.DuckDBPyConnection,
    source: str,
    relative: str,
    quarantine: pl.DataFrame,
    run_id: str,
    into: str = QUARANTINE,
) -> None:
    if quarantine.height == 0:
        return
    with registered(con, "incoming_quarantine", quarantine):
        con.execute(
            f"insert into {into} ({QUARANTINE_COLUMNS}) select ?, ?, {ROW_NUMBER}, "
            "column_name, reason, reason_kind, raw_values, ?, now()::timestamp "
            "from incoming_quarantine",
            [source, relative, run_id],
        )


def insert_restatements(
    con: duckdb.DuckDBPyConnection, source: str, relative: str, restated: pl.DataFrame, run_id: str
) -> None:
    if restated.height == 0:
        return
    with registered(con, "incoming_restatements", restated):
        con.execute(
            f"insert into {ledger.SCHEMA}.restatements select ?, ?, kind, period_month, "
            "rows_restated, detail, ?, now()::timestamp from incoming_restatements",
            [source, relative, run_id],
        )
