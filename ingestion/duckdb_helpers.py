"""Small DuckDB idioms shared by the loaders and the publisher."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import polars as pl


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The single value a query returns. DuckDB 2.0 keeps a result open after fetchone(),
    which blocks the next statement on the connection; fetchall() closes it."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def table_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """Whether `relation` (`schema.table`) exists; reads only, on any connection."""
    schema, table = relation.split(".")
    query = "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?"
    return scalar(con, query, [schema, table]) > 0


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[None]:
    """`frame` queryable as the view `name` for the duration of the block."""
    con.register(name, frame.to_arrow())
    try:
        yield
    finally:
        con.unregister(name)
