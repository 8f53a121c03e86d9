"""Marts another engine built, read from Parquet into the DuckDB warehouse, where the
gate and the publish step find them as they find DuckDB's own: the folders of an export
(spark_engine/marts.py), or the folders of Spark's own tables, which are Parquet too."""

from __future__ import annotations

from pathlib import Path

import duckdb


def spark_table_folder(warehouse_dir: Path, relation: str) -> Path:
    """Where Spark keeps the files of a table it manages: `<warehouse>/<schema>.db/<table>`."""
    schema, table = relation.split(".")
    return warehouse_dir / f"{schema}.db" / table


def spark_tables(warehouse_dir: Path, relations: list[str]) -> dict[str, Path]:
    """The folder of each of `relations` that Spark has built."""
    folders = {relation: spark_table_folder(warehouse_dir, relation) for relation in relations}
    return {relation: folder for relation, folder in folders.items() if folder.is_dir()}


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
