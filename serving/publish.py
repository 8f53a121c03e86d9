"""Publish the serving relations into a separate DuckDB file that BI tools open read-only,
the same relations as Parquet, and the dashboard built from them.

BI readers never open the pipeline's warehouse (DuckDB allows one writer, and a reader
blocks it). A publish is staged first (the serving file beside its final name, in a
storage version older DuckDB clients open; the Parquet folder of the run; the dashboard
page in a staging folder) and swapped in only once every part is written: a failure
while staging leaves the last good publish byte-identical, and a reader sees the previous
publish or the new one, never half of one. Every table carries the id of the run that
published it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.duckdb_helpers import scalar
from ingestion.ledger import SCHEMA as LEDGER_SCHEMA
from ingestion.ledger import ensure_schema
from serving.contract import RUN_ID_COLUMN, ServedRelation

# DuckDB 2.0's own storage format opens in no 1.x client, and BI tools bundle old ones
# (often 1.1–1.3): 'v1.0.0' opens in every 1.x, as tests/test_bi_clients.py checks.
SERVING_STORAGE_VERSION = "v1.0.0"
PARQUET_VERSIONS_KEPT = 2


@dataclass(frozen=True)
class PublishReport:
    serving_path: Path
    parquet_dir: Path
    dashboard_page: Path | None
    run_id: str
    tables: dict[str, int]  # "schema.table" → rows


# Renders the dashboard of a serving file into a folder; returns the page it wrote.
DashboardBuilder = Callable[[Path, Path], Path]


def parquet_root(serving_path: Path) -> Path:
    return serving_path.parent / "parquet"


def dashboard_dir(serving_path: Path) -> Path:
    return serving_path.parent / "dashboard"


def publish(
    warehouse: duckdb.DuckDBPyConnection,
    serving_path: Path,
    run_id: str,
    relations: list[ServedRelation],
    build_dashboard: DashboardBuilder | None = None,
) -> PublishReport:
    """Stage the serving file, its Parquet export and (with `build_dashboard`) the
    dashboard, then swap all three in; nothing is replaced if any part fails."""
    ensure_schema(warehouse)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    next_path = serving_path.with_name(serving_path.name + ".tmp")
    pages = dashboard_dir(serving_path) / f".next-{_safe(run_id)}"
    exported = parquet_root(serving_path) / run_id
    try:
        tables = _write_serving_file(warehouse, next_path, run_id, relations)
        _export_parquet(next_path, exported)
        page = build_dashboard(next_path, pages) if build_dashboard else None
    except BaseException:
        next_path.unlink(missing_ok=True)
        shutil.rmtree(pages, ignore_errors=True)
        shutil.rmtree(exported, ignore_errors=True)
        raise
    os.replace(next_path, serving_path)
    parquet_dir = _point_current_at(parquet_root(serving_path), run_id)
    published_page = _move_pages(pages, dashboard_dir(serving_path), page)
    _log_publish(warehouse, run_id)
    return PublishReport(serving_path, parquet_dir, published_page, run_id, tables)


def _safe(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", run_id)


def _write_serving_file(
    warehouse: duckdb.DuckDBPyConnection,
    path: Path,
    run_id: str,
    relations: list[ServedRelation],
) -> dict[str, int]:
    path.unlink(missing_ok=True)
    warehouse.execute(
        f"attach '{path}' as serving_next (storage_version '{SERVING_STORAGE_VERSION}')"
    )
    try:
        tables = {f"{r.schema}.{r.name}": _copy(warehouse, r, run_id) for r in relations}
        _write_publish_info(warehouse, run_id)
    finally:
        warehouse.execute("detach serving_next")
    return tables


def _move_pages(staged: Path, target: Path, page: Path | None) -> Path | None:
    """Each staged page replaces its namesake atomically; `index.html` last."""
    if page is None:
        return None
    names = sorted((p.name for p in staged.iterdir()), key=lambda name: name == "index.html")
    for name in names:
        os.replace(staged / name, target / name)
    staged.rmdir()
    return target / page.name


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


def _export_parquet(serving_file: Path, target: Path) -> None:
    """One Parquet file per relation in the run's own folder (not yet `current`)."""
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


def _point_current_at(root: Path, run_id: str) -> Path:
    """Swap the `current` link to the run's folder atomically, and prune old folders."""
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
