"""The rebuild plan: models run only downstream of inputs (sources, incremental models)
that changed since the last successful build, and all of them after a change to the dbt
project."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project import rebuild_plan
from dagster_project.rebuild_plan import plan_rebuild, record_build


def _model(tags: tuple[str, ...] = ()) -> dict:
    return {"resource_type": "model", "schema": "staging", "alias": "stg_orders", "tags": tags}


MANIFEST = {
    "sources": {
        "source.p.raw.orders": {"schema": "raw", "identifier": "orders"},
        "source.p.raw.survey": {"schema": "raw", "identifier": "survey"},
        "source.p.audit.quarantine": {"schema": "audit", "identifier": "quarantine"},
    },
    "nodes": {"model.p.stg_orders": _model(tags=("daily",))},
    "parent_map": {
        "model.p.stg_orders": ["source.p.raw.orders"],
        "model.p.stg_survey": ["source.p.raw.survey"],
        "model.p.int_panel": ["model.p.stg_orders", "model.p.calendar"],
        "model.p.calendar": [],
        "model.p.mart_revenue": ["model.p.int_panel"],
        "model.p.mart_satisfaction": ["model.p.stg_survey", "model.p.calendar"],
        "model.p.data_quality": ["source.p.audit.quarantine"],
    },
}
NODES = [node for node in MANIFEST["parent_map"] if node != "model.p.stg_orders"]


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute("create schema raw; create schema audit; create schema staging")
        for table in ("raw.orders", "raw.survey", "staging.stg_orders"):
            connection.execute(
                f"create table {table} as select 1 as id, timestamp '2026-01-01' as _loaded_at"
            )
        connection.execute(
            "create table audit.quarantine as select 1 as id, now() as quarantined_at"
        )
        yield connection


def build(con: duckdb.DuckDBPyConnection) -> None:
    record_build(con, "run", plan_rebuild(con, MANIFEST, NODES))


def test_first_build_runs_everything(con):
    plan = plan_rebuild(con, MANIFEST, NODES)

    assert plan.skip_in_order == ()
    assert "no earlier build" in plan.reason


def test_new_rows_rebuild_only_their_descendants_parents_listed_first(con):
    build(con)
    con.execute("insert into raw.survey values (2, timestamp '2026-01-02')")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert plan.skip == {
        "model.p.calendar", "model.p.int_panel", "model.p.mart_revenue", "model.p.data_quality"
    }  # fmt: skip
    order = plan.skip_in_order
    assert order.index("model.p.calendar") < order.index("model.p.int_panel")
    assert order.index("model.p.int_panel") < order.index("model.p.mart_revenue")
    assert plan.reason.endswith("changed since the last build: raw.survey")


def test_replaced_rows_count_as_a_change_even_with_the_same_count(con):
    build(con)
    con.execute("update raw.survey set _loaded_at = timestamp '2026-02-01'")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert "model.p.mart_satisfaction" not in plan.skip
    assert "model.p.mart_revenue" in plan.skip


def test_incremental_models_and_the_quarantine_are_inputs_too(con):
    build(con)
    con.execute("insert into staging.stg_orders values (2, timestamp '2026-01-02')")
    con.execute("insert into audit.quarantine values (2, now())")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert plan.skip == {"model.p.calendar", "model.p.stg_survey", "model.p.mart_satisfaction"}


def test_a_dropped_table_is_a_change(con):
    build(con)
    con.execute("drop table raw.survey")

    assert "model.p.stg_survey" not in plan_rebuild(con, MANIFEST, NODES).skip


def test_nothing_changed_skips_everything_unless_told_to_rebuild(con):
    build(con)

    assert plan_rebuild(con, MANIFEST, NODES).skip == set(NODES)
    assert plan_rebuild(con, MANIFEST, NODES, "configured").skip == set()


def test_a_changed_dbt_project_rebuilds_everything(con, monkeypatch):
    build(con)
    monkeypatch.setattr(rebuild_plan, "project_fingerprint", lambda: "edited")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert plan.skip == set()
    assert "the dbt project changed" in plan.reason
