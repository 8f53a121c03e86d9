"""Write the warehouse's source tables to the lake: one Parquet folder per table, at
`<lake>/<schema>/<table>/`, which Spark registers as an external table of the same name
(dbt/macros/register_lake_sources.sql)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

from ingestion.settings import PROJECT_ROOT


def lake_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The lake folder: AIROI_LAKE_DIR, else $AIROI_DATA_DIR/lake, else data/lake in the
    project, as dbt's register_lake_sources computes it."""
    if environ.get("AIROI_LAKE_DIR"):
        return Path(environ["AIROI_LAKE_DIR"])
    data_dir = environ.get("AIROI_DATA_DIR") or PROJECT_ROOT / "data"
    return Path(data_dir) / "lake"


def source_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, table) of each table dbt reads as a source: every raw table and the
    ingestion's quarantine, in a stable order."""
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name = 'raw' "
        "or (schema_name = 'audit' and table_name = 'quarantine') order by all"
    ).fetchall()


def table_folder(lake_dir: Path, schema: str, table: str) -> Path:
    return lake_dir / schema / table


def export_sources(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> list[Path]:
    """Replace each source table's lake folder with one Parquet file of its rows. An empty
    table still gets a file: it carries the schema Spark needs to create the table."""
    folders = []
    for schema, table in source_tables(con):
        folder = table_folder(lake_dir, schema, table)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.parquet"):
            stale.unlink()
        target = (folder / "part-0.parquet").as_posix().replace("'", "''")
        con.execute(f"copy {schema}.{table} to '{target}' (format parquet)")
        folders.append(folder)
    return folders
