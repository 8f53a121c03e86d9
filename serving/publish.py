"""Publish the marts into a separate serving DuckDB file that BI tools open read-only.

BI readers never open the pipeline's warehouse (DuckDB allows one writer, and a reader
blocks it). The serving file is written beside its final name, in a storage version
DuckDB 1.x clients can open, and swapped in with an atomic rename: a reader sees the
previous publish or the new one, never half of one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.duckdb_helpers import scalar
from ingestion.ledger import SCHEMA as LEDGER_SCHEMA
from ingestion.ledger import ensure_schema

# DuckDB 2.0 writes a storage format 1.x clients cannot open; BI tools lag behind.
SERVING_STORAGE_VERSION = "v1.4.0"
PUBLISHED_SCHEMAS = ("marts",)


@dataclass(frozen=True)
class PublishReport:
    serving_path: Path
    run_id: str
    tables: dict[str, int]  # "schema.table" → rows


def publish(
    warehouse: duckdb.DuckDBPyConnection,
    serving_path: Path,
    run_id: str,
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
) -> PublishReport:
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    staging_path = serving_path.with_name(serving_path.name + ".tmp")
    staging_path.unlink(missing_ok=True)
    warehouse.execute(
        f"attach '{staging_path}' as serving_next (storage_version '{SERVING_STORAGE_VERSION}')"
    )
    try:
        tables = _copy_tables(warehouse, schemas)
        _write_publish_info(warehouse, run_id)
    finally:
        warehouse.execute("detach serving_next")
    os.replace(staging_path, serving_path)
    _log_publish(warehouse, run_id)
    return PublishReport(serving_path=serving_path, run_id=run_id, tables=tables)


def _log_publish(warehouse: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Remember the month published, so later rows dated in it show as restatements."""
    ensure_schema(warehouse)
    warehouse.execute(
        f"insert into {LEDGER_SCHEMA}.publish_log "
        "select ?, report_month, now()::timestamp from intermediate.int_report_month",
        [run_id],
    )


def _copy_tables(warehouse: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, int]:
    placeholders = ", ".join("?" for _ in schemas)
    relations = warehouse.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = current_database() and table_schema in ({placeholders}) "
        "order by table_schema, table_name",
        list(schemas),
    ).fetchall()
    copied = {}
    for schema in sorted({schema for schema, _ in relations}):
        warehouse.execute(f"create schema serving_next.{schema}")
    for schema, table in relations:
        warehouse.execute(
            f"create table serving_next.{schema}.{table} as select * from {schema}.{table}"
        )
        copied[f"{schema}.{table}"] = scalar(
            warehouse, f"select count(*) from serving_next.{schema}.{table}"
        )
    return copied


def _write_publish_info(warehouse: duckdb.DuckDBPyConnection, run_id: str) -> None:
    warehouse.execute(
        "create table serving_next.main.publish_info as "
        "select ? as run_id, now()::timestamp as published_at",
        [run_id],
    )
