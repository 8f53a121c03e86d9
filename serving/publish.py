"""Publish the serving relations into a separate DuckDB file that BI tools open read-only,
and the same relations as Parquet.

BI readers never open the pipeline's warehouse (DuckDB allows one writer, and a reader
blocks it). The serving file is written beside its final name, in a storage version
DuckDB 1.x clients can open, and swapped in with an atomic rename: a reader sees the
previous publish or the new one, never half of one. Every table carries the id of the run
that published it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.duckdb_helpers import scalar
from ingestion.ledger import SCHEMA as LEDGER_SCHEMA
from ingestion.ledger import ensure_schema
from serving.contract import RUN_ID_COLUMN, ServedRelation

# DuckDB 2.0 writes a storage format 1.x clients cannot open; BI tools lag behind.
SERVING_STORAGE_VERSION = "v1.4.0"
PARQUET_VERSIONS_KEPT = 2


@dataclass(frozen=True)
class PublishReport:
    serving_path: Path
    parquet_dir: Path
    run_id: str
    tables: dict[str, int]  # "schema.table" → rows


def parquet_root(serving_path: Path) -> Path:
    return serving_path.parent / "parquet"


def publish(
    warehouse: duckdb.DuckDBPyConnection,
    serving_path: Path,
    run_id: str,
    relations: list[ServedRelation],
) -> PublishReport:
    ensure_schema(warehouse)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    next_path = serving_path.with_name(serving_path.name + ".tmp")
    next_path.unlink(missing_ok=True)
    warehouse.execute(
        f"attach '{next_path}' as serving_next (storage_version '{SERVING_STORAGE_VERSION}')"
    )
    try:
        tables = {f"{r.schema}.{r.name}": _copy(warehouse, r, run_id) for r in relations}
        _write_publish_info(warehouse, run_id)
    finally:
        warehouse.execute("detach serving_next")
    parquet_dir = _export_parquet(next_path, parquet_root(serving_path), run_id)
    os.replace(next_path, serving_path)
    _log_publish(warehouse, run_id)
    return PublishReport(serving_path, parquet_dir, run_id, tables)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy(warehouse: duckdb.DuckDBPyConnection, relation: ServedRelation, run_id: str) -> int:
    target = f"serving_next.{relation.schema}.{relation.name}"
    warehouse.execute(f"create schema if not exists serving_next.{relation.schema}")
    warehouse.execute(
        f"create table {target} as select served.*, ? as {RUN_ID_COLUMN} "
        f"from ({relation.select_sql}) as served",
        [run_id],
    )
    warehouse.execute(f"comment on table {target} is {_quote(relation.description)}")
    descriptions = {
        **relation.column_descriptions,
        RUN_ID_COLUMN: "Id of the pipeline run that published this row.",
    }
    columns = {row[0] for row in warehouse.execute(f"describe {target}").fetchall()}
    for column, description in descriptions.items():
        if column in columns:
            warehouse.execute(f'comment on column {target}."{column}" is {_quote(description)}')
    return scalar(warehouse, f"select count(*) from {target}")


def _write_publish_info(warehouse: duckdb.DuckDBPyConnection, run_id: str) -> None:
    warehouse.execute("create schema if not exists serving_next.quality")
    warehouse.execute(
        "create table serving_next.quality.publish_info as "
        f"select ? as {RUN_ID_COLUMN}, now()::timestamp as published_at, report_month "
        "from intermediate.int_report_month",
        [run_id],
    )
    warehouse.execute(
        "comment on table serving_next.quality.publish_info is "
        "'When this file was published, by which run, and the latest month it reports on.'"
    )


def _export_parquet(serving_file: Path, root: Path, run_id: str) -> Path:
    """One Parquet file per relation in a folder per run; `current` is swapped atomically."""
    target = root / run_id
    shutil.rmtree(target, ignore_errors=True)
    with duckdb.connect(str(serving_file), read_only=True) as served:
        tables = served.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            (target / schema).mkdir(parents=True, exist_ok=True)
            served.execute(
                f"copy {schema}.{table} to '{target / schema / table}.parquet' (format parquet)"
            )
    link = root / "current"
    next_link = root / "current.tmp"
    next_link.unlink(missing_ok=True)
    next_link.symlink_to(run_id, target_is_directory=True)
    os.replace(next_link, link)
    _prune_old_exports(root, keep=run_id)
    return link


def _prune_old_exports(root: Path, keep: str) -> None:
    runs = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.is_symlink()),
        key=lambda p: p.stat().st_mtime,
    )
    for old in runs[:-PARQUET_VERSIONS_KEPT]:
        if old.name != keep:
            shutil.rmtree(old)


def _log_publish(warehouse: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Remember the month published, so later rows dated in it show as restatements."""
    warehouse.execute(
        f"insert into {LEDGER_SCHEMA}.publish_log "
        "select ?, report_month, now()::timestamp from intermediate.int_report_month",
        [run_id],
    )
