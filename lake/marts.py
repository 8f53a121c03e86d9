"""Marts another engine built, read from their Parquet export (spark_engine/marts.py)
into the DuckDB warehouse, where the publish step finds them as it finds its own."""

from __future__ import annotations

from pathlib import Path

import duckdb


def load_exported_tables(
    con: duckdb.DuckDBPyConnection, folders: dict[str, Path]
) -> dict[str, int]:
    """Replace each `schema.table` of `folders` with the Parquet files in its folder;
    returns the rows of each."""
    rows = {}
    for relation, folder in folders.items():
        schema = relation.split(".")[0]
        files = (folder / "*.parquet").as_posix().replace("'", "''")
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace table {relation} as select * from read_parquet('{files}')")
        rows[relation] = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    return rows
