"""Which of the non-incremental dbt models a build must run: those downstream of an input
that changed since the last successful build. When the dbt project itself changed (any
model, macro, seed or setting), or there is no earlier build, all of them.

Inputs are every dbt source (the raw tables, the quarantine) and the incremental models
(tag `daily`, built by their own step). An input's state is its row count and latest
load time: a loaded, replaced or rejected file changes one or the other; a dropped table
reads as missing. What a successful build saw is kept in `audit.model_builds`, so the
next run compares against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from dagster_project.dbt_project import DBT_PROJECT_DIR, project_files
from ingestion.duckdb_helpers import scalar, table_exists

BUILDS = "audit.model_builds"
# The column that says when a row arrived, in the raw tables, the incremental models and
# the quarantine.
LOAD_TIME_COLUMNS = ("_loaded_at", "loaded_at", "quarantined_at")


@dataclass(frozen=True)
class RebuildPlan:
    state: dict[str, Any]  # the project's fingerprint and every input's state
    # Unique ids of the models and seeds whose inputs did not change, parents first.
    skip_in_order: tuple[str, ...]
    reason: str
    # Every model runs, whatever changed: the incremental ones from scratch too.
    rebuild_all: bool = False

    @property
    def skip(self) -> frozenset[str]:
        return frozenset(self.skip_in_order)


def plan_rebuild(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    candidates: Iterable[str],
    rebuild_all_because: str | None = None,
) -> RebuildPlan:
    """`candidates`: unique ids of the nodes this build would run; `rebuild_all_because`:
    why all of them must run whatever changed, if they must."""
    state = {"project": project_fingerprint(), "inputs": input_states(con, manifest)}
    previous = last_build_state(con)
    if rebuild_all_because:
        return RebuildPlan(state, (), f"building every model: {rebuild_all_because}", True)
    if previous is None:
        return RebuildPlan(state, (), "no earlier build: building every model", True)
    if previous["project"] != state["project"]:
        return RebuildPlan(state, (), "the dbt project changed: building every model", True)
    before, now = previous["inputs"], state["inputs"]
    changed = {node for node in before.keys() | now.keys() if before.get(node) != now.get(node)}
    parents = manifest["parent_map"]
    ancestors = {node: _ancestors(node, parents) for node in candidates}
    # A node has more ancestors than any of its parents: ordering by their number puts
    # parents first.
    skip = tuple(
        sorted(
            (node for node, above in ancestors.items() if not above & changed),
            key=lambda node: (len(ancestors[node]), node),
        )
    )
    listed = ", ".join(sorted(node.split(".", 2)[-1] for node in changed)) or "none"
    return RebuildPlan(state, skip, f"inputs changed since the last build: {listed}")


def record_build(con: duckdb.DuckDBPyConnection, run_id: str, plan: RebuildPlan) -> None:
    con.execute(
        f"create table if not exists {BUILDS} (run_id varchar, built_at timestamp, state varchar)"
    )
    con.execute(
        f"insert into {BUILDS} values (?, now()::timestamp, ?)", [run_id, json.dumps(plan.state)]
    )


def last_build_state(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    if not table_exists(con, BUILDS):
        return None
    state = scalar(con, f"select state from {BUILDS} order by built_at desc limit 1")
    return json.loads(state) if state else None


def last_build_time(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    if not table_exists(con, BUILDS):
        return None
    return scalar(con, f"select max(built_at) from {BUILDS}")


def input_states(con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any]) -> dict[str, str]:
    """Row count and latest load time of every input relation, by dbt unique id."""
    relations = _inputs(manifest)
    return {node: _relation_state(con, *relation) for node, relation in relations.items()}


def _inputs(manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    sources = {
        node: (source["schema"], source["identifier"])
        for node, source in manifest["sources"].items()
    }
    incremental = {
        node: (model["schema"], model["alias"])
        for node, model in manifest["nodes"].items()
        if model["resource_type"] == "model" and "daily" in model["tags"]
    }
    return sources | incremental


def _relation_state(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    columns = {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    if not columns:
        return "missing"
    loaded = next((c for c in LOAD_TIME_COLUMNS if c in columns), None)
    latest = f"max({loaded})::varchar" if loaded else "''"
    rows, time = con.execute(f'select count(*), {latest} from "{schema}"."{table}"').fetchall()[0]
    return f"{rows}@{time}"


def project_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in project_files():
        if path.name.startswith("."):  # dbt's own .user.yml, editor and lint settings
            continue
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _ancestors(node: str, parents: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    pending = list(parents.get(node, []))
    while pending:
        parent = pending.pop()
        if parent not in seen:
            seen.add(parent)
            pending.extend(parents.get(parent, []))
    return seen
