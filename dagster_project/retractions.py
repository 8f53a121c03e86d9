"""Rows retracted by a re-delivered file leave the incremental models too.

The daily models merge on their key, and a merge cannot delete: a row that a corrected
file no longer holds leaves the raw table (ingestion records it in `audit.restatements`
as "rows retracted") but would stay in the model. So after such a load the daily models
are rebuilt in full once (`--full-refresh`, which every engine supports), and the refresh
is recorded so the next run goes back to incremental. The incremental unit-month panels
downstream are rebuilt in full after a retraction too: a merge cannot drop a unit or month
that only the retracted rows made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import duckdb

from ingestion.ledger import SCHEMA, ensure_schema
from ingestion.restatements import RETRACTED

REFRESHES = f"{SCHEMA}.incremental_refreshes"


def daily_sources(manifest: Mapping[str, Any]) -> list[str]:
    """The raw tables the incremental (tag `daily`) models read."""
    parents = manifest["parent_map"]
    return sorted(
        {
            manifest["sources"][parent]["identifier"]
            for node, model in manifest["nodes"].items()
            if model["resource_type"] == "model" and "daily" in model["tags"]
            for parent in parents.get(node, [])
            if parent in manifest["sources"]
        }
    )


def retracted_files(con: duckdb.DuckDBPyConnection, sources: list[str]) -> list[str]:
    """Files of `sources` that retracted rows since the daily models were last refreshed."""
    _ensure_table(con)
    rows = con.execute(
        f"select distinct source || '/' || file_path from {SCHEMA}.restatements "
        f"where kind = ? and list_contains(?, source) "
        f"and recorded_at > coalesce((select max(refreshed_at) from {REFRESHES}), "
        "'-infinity'::timestamp) order by 1",
        [RETRACTED, sources],
    ).fetchall()
    return [row[0] for row in rows]


def retracted_since(con: duckdb.DuckDBPyConnection, since: dt.datetime | None) -> list[str]:
    """Files of any source that retracted rows since `since` (ever, if None): the
    incremental panels may hold a unit or month those rows alone made."""
    _ensure_table(con)
    rows = con.execute(
        f"select distinct source || '/' || file_path from {SCHEMA}.restatements "
        "where kind = ? and recorded_at > coalesce(?, '-infinity'::timestamp) order by 1",
        [RETRACTED, since],
    ).fetchall()
    return [row[0] for row in rows]


def record_refresh(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    _ensure_table(con)
    con.execute(f"insert into {REFRESHES} values (?, now()::timestamp)", [run_id])


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(con)
    con.execute(
        f"create table if not exists {REFRESHES} (run_id varchar not null, "
        "refreshed_at timestamp not null)"
    )
