"""The rebuild plan: models run only downstream of raw tables that changed since the last
successful build, and all of them after a change to the dbt project."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project import rebuild_plan
from dagster_project.rebuild_plan import plan_rebuild, record_build

MANIFEST = {
    "metadata": {"project_name": "p"},
    "parent_map": {
        "model.p.stg_orders": ["source.p.raw.orders"],
        "model.p.stg_survey": ["source.p.raw.survey"],
        "model.p.int_panel": ["model.p.stg_orders", "model.p.calendar"],
        "model.p.calendar": [],
        "model.p.mart_revenue": ["model.p.int_panel"],
        "model.p.mart_satisfaction": ["model.p.stg_survey", "model.p.calendar"],
    },
}
NODES = list(MANIFEST["parent_map"])


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute("create schema raw; create schema audit")
        for table in ("orders", "survey"):
            connection.execute(
                f"create table raw.{table} as select 1 as id, timestamp '2026-01-01' as _loaded_at"
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
    con.execute("insert into raw.orders values (2, timestamp '2026-01-02')")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert plan.skip == {"model.p.stg_survey", "model.p.calendar", "model.p.mart_satisfaction"}
    order = plan.skip_in_order
    assert order.index("model.p.calendar") < order.index("model.p.mart_satisfaction")
    assert order.index("model.p.stg_survey") < order.index("model.p.mart_satisfaction")
    assert plan.reason.endswith("changed since the last build: orders")


def test_replaced_rows_count_as_a_change_even_with_the_same_count(con):
    build(con)
    con.execute("update raw.survey set _loaded_at = timestamp '2026-02-01'")

    plan = plan_rebuild(con, MANIFEST, NODES)

    assert "model.p.mart_satisfaction" not in plan.skip
    assert "model.p.mart_revenue" in plan.skip


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
