"""What `python -m dagster_project run` prints at the end: row counts, what failed and
why, and where the results are, saying which of them this run did not update."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb

from expectations import relations
from expectations.gate import open_failures
from ingestion.duckdb_helpers import scalar
from ingestion.settings import Settings


def summary(settings: Settings, result: dg.ExecuteInProcessResult) -> str:
    lines = ["", "Results:", *_table_counts(settings.warehouse_path)]
    if not result.success:
        lines += ["", "What failed:", *_failures(settings.warehouse_path, result)]
    published = _publish_of(settings.serving_path)
    dashboard = settings.serving_path.parent / "dashboard" / "index.html"
    lines += [
        "",
        f"  warehouse (pipeline's own; dbt and Dagster write it): {settings.warehouse_path}",
        f"  serving file (open this one from BI tools, read-only): "
        f"{_where(settings.serving_path, published, result.run_id)}",
        f"  dashboard (open in a browser): {_where(dashboard, published, result.run_id)}",
        f"  data quality reports: {settings.quality_docs_dir / 'index.html'}",
        f"  landing files: {settings.landing_dir}",
        f"  Dagster runs: {os.environ.get('DAGSTER_HOME', 'an ephemeral instance')} "
        "(browse with `dagster dev`)",
    ]
    return "\n".join(lines)


def _table_counts(warehouse: Path) -> list[str]:
    if not warehouse.exists():
        return ["  (no warehouse yet)"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in ('raw', 'marts') order by 1"
        ).fetchall()
        return [
            f"  {table}: {scalar(con, f'select count(*) from {table}'):,} rows"
            for (table,) in tables
        ]


def _failures(warehouse: Path, result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failing expectation with what it observed, then every other step failure."""
    lines = []
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            lines += [f"  - {failure}" for failure in open_failures(con, relations())]
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.event_specific_data.error
        if (
            error.cls_name in ("DagsterAssetCheckFailedError",)
            or "expectation(s) failing" in error.message
        ):
            continue  # the expectations above say more
        lines.append(f"  - step {event.step_key}: {error.message.strip()}")
    return lines or ["  - see the log above"]


def _publish_of(serving_path: Path) -> tuple[str, object] | None:
    if not serving_path.exists():
        return None
    with duckdb.connect(str(serving_path), read_only=True) as con:
        rows = con.execute(
            "select published_run_id, published_at from quality.publish_info"
        ).fetchall()
    return rows[0] if rows else None


def _where(path: Path, published: tuple[str, object] | None, run_id: str) -> str:
    if published is None or not path.exists():
        return f"{path} (not written: no run has published yet)"
    published_run, published_at = published
    if published_run != run_id:
        when = f"{published_at:%Y-%m-%d %H:%M}"
        return f"{path} (NOT updated by this run: it still holds the publish of {when})"
    return str(path)
