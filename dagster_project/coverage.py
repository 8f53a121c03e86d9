"""Which undelivered sources leave a relation empty: its quality suite is then skipped
(reported as a warning) rather than failed, so a company that delivers only some sources
still gets the metrics of those it delivered."""

from __future__ import annotations

import json
from functools import cache

import duckdb

from dagster_project.dbt_project import dbt_project
from ingestion.deliveries import delivered_sources, source_of_raw_table
from ingestion.duckdb_helpers import scalar


def undelivered_behind(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The sources not delivered that `relation` is built from, when they leave it empty
    (a raw table of an undelivered source always is)."""
    schema, table = relation.split(".")
    delivered = delivered_sources(con)
    if schema == "raw":
        source = source_of_raw_table(table)
        return [source] if source is not None and source not in delivered else []
    missing = sorted(upstream_sources(schema, table) - delivered)
    if missing and scalar(con, f"select count(*) from {schema}.{table}") == 0:
        return missing
    return []


@cache
def upstream_sources(schema: str, table: str) -> frozenset[str]:
    """The landing sources a dbt model reads, through every model in between."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    node = next(
        (
            unique_id
            for unique_id, model in manifest["nodes"].items()
            if model["resource_type"] == "model"
            and (model["schema"], model["alias"]) == (schema, table)
        ),
        None,
    )
    if node is None:
        return frozenset()
    seen: set[str] = set()
    pending = [node]
    while pending:
        for parent in manifest["parent_map"].get(pending.pop(), []):
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    tables = (manifest["sources"][s]["identifier"] for s in seen if s in manifest["sources"])
    return frozenset(filter(None, map(source_of_raw_table, tables)))
