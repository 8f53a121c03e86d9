"""A daily partition run after the full build: it loads only the new day's files, restates
that day in the incremental models, validates only the new rows (aggregates still whole)
and ends with exactly the warehouse a full rebuild from scratch gives. So does a second
day with a re-delivered month whose rows changed or moved (the unit-month panels merge
only the months that changed), and one with a re-delivered file that dropped a row."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.demo_data.daily import write_day
from ingestion.settings import Settings
from tests.conftest import settings_for
from tests.helpers import scalar

pytestmark = pytest.mark.e2e

NEW_DAY = dt.date(2026, 11, 2)
INCREMENTAL_MODELS = (
    "stg_operations__tasks",
    "stg_quality__inspections",
    "stg_quality__production_runs",
    "stg_sales__orders",
)

UNCHANGED_BY_A_DAY = {
    "stg_hr__survey_responses",
    "int_hr__survey_cells",
    "stg_feedback__responses",
    "employee_satisfaction_breakdown",
    "stg_registry__initiatives",
}


@dataclass(frozen=True)
class DailyRun:
    settings: Settings
    result: dg.ExecuteInProcessResult
    new_files: dict[str, int]


def run_job(settings: Settings, partition_key: str | None) -> dg.ExecuteInProcessResult:
    from dagster_project.definitions import build_definitions

    job = build_definitions(settings).resolve_job_def("full_pipeline")
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(
            instance=instance, partition_key=partition_key, raise_on_error=False
        )


@pytest.fixture(scope="module")
def daily(pipeline, tmp_path_factory) -> DailyRun:
    """The session's pipeline warehouse, copied, plus one daily partition run."""
    data_dir = tmp_path_factory.mktemp("daily")
    shutil.copytree(pipeline.settings.data_dir, data_dir, symlinks=True, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        new_files = write_day(settings.landing_dir, NEW_DAY)
        result = run_job(settings, NEW_DAY.isoformat())
    return DailyRun(settings, result, new_files)


@pytest.fixture(scope="module")
def rebuilt(daily, tmp_path_factory) -> Settings:
    """A full build from scratch of the same landing files."""
    data_dir = tmp_path_factory.mktemp("rebuilt")
    shutil.copytree(daily.settings.landing_dir, data_dir / "landing")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        assert run_job(settings, None).success
    return settings


def test_the_daily_run_loads_only_the_new_days_files(daily):
    assert daily.result.success
    skipped = [e.step_key for e in daily.result.all_events if e.event_type_value == "STEP_SKIPPED"]
    assert skipped == []  # every check ran and the serving file was published
    with duckdb.connect(str(daily.settings.warehouse_path), read_only=True) as con:
        loaded = con.execute(
            "select file_path, rows_loaded from audit.load_ledger where run_id = ? order by 1",
            [daily.result.run_id],
        ).fetchall()
    assert sorted(Path(path).name for path, _ in loaded) == sorted(daily.new_files)
    assert {Path(path).name: rows for path, rows in loaded} == daily.new_files


def test_every_check_has_exactly_one_result(daily):
    """A dbt test of a model rebuilt runs even when it also reads a model left unchanged
    (a seed): no check of the run is left without a result, none has two."""
    from dagster_project.definitions import build_definitions

    job = build_definitions(daily.settings).resolve_job_def("full_pipeline")
    expected = job.asset_layer.asset_graph.asset_check_keys
    evaluated = [e.asset_check_key for e in daily.result.get_asset_check_evaluations()]
    assert sorted(evaluated) == sorted(expected)


def test_the_incremental_models_are_told_the_days_window(daily):
    from dagster_project.dbt_project import DBT_PROJECT_DIR

    target = DBT_PROJECT_DIR / "target"
    (results,) = target.glob(f"dbt_daily_models-{daily.result.run_id[:7]}-*/run_results.json")
    run = json.loads(results.read_text())
    assert run["args"]["vars"] == {"window_start": "2026-11-02", "window_end": "2026-11-03"}
    built = {
        r["unique_id"].split(".")[-1]
        for r in run["results"]
        if r["status"] == "success" and r["unique_id"].startswith("model.")
    }
    assert built == set(INCREMENTAL_MODELS)


def test_only_models_downstream_of_the_new_data_are_rebuilt(daily):
    """The day's files touch tasks, inspections, runs and orders; HR, feedback and registry
    models keep their last build and are reported unchanged."""
    from dagster_project.dbt_project import DBT_PROJECT_DIR

    target = DBT_PROJECT_DIR / "target"
    (results,) = target.glob(f"dbt_models-{daily.result.run_id[:7]}-*/run_results.json")
    run = json.loads(results.read_text())
    built = {
        r["unique_id"].split(".")[-1]
        for r in run["results"]
        if r["unique_id"].startswith("model.") and r["status"] == "success"
    }
    reported_unchanged = {
        event.asset_key.path[-1]
        for event in daily.result.asset_materializations_for_node("dbt_models")
        if event.metadata.get("rebuilt") == dg.BoolMetadataValue(False)
    }
    assert {
        "int_operations__team_months",
        "efficiency",
        "revenue_impact",
        "initiative_roi",
    } <= built
    assert not built & UNCHANGED_BY_A_DAY
    assert reported_unchanged >= UNCHANGED_BY_A_DAY
    assert not reported_unchanged & built


def test_the_gate_validates_only_the_new_rows_and_aggregates_the_whole(daily):
    check = next(
        evaluation
        for evaluation in daily.result.get_asset_check_evaluations()
        if evaluation.asset_key == dg.AssetKey(["raw", "operations_tasks"])
        and evaluation.check_name == "great_expectations"
    )
    metadata = {key: value.value for key, value in check.metadata.items()}
    with duckdb.connect(str(daily.settings.warehouse_path), read_only=True) as con:
        table_rows = scalar(con, "select count(*) from raw.operations_tasks")
    assert check.passed
    assert metadata["new_rows_validated"] == daily.new_files["tasks_2026-11-02.jsonl"]
    assert metadata["rows_validated"] == table_rows > 10 * metadata["new_rows_validated"]


def test_incremental_and_full_builds_give_the_same_warehouse(daily, rebuilt):
    assert_same_warehouse(daily.settings, rebuilt)
    with duckdb.connect(str(daily.settings.warehouse_path), read_only=True) as con:
        new_day_tasks = scalar(
            con,
            "select count(*) from staging.stg_operations__tasks "
            f"where cast(started_at as date) = date '{NEW_DAY}'",
        )
    assert new_day_tasks == daily.new_files["tasks_2026-11-02.jsonl"] > 0


def assert_same_warehouse(incremental_run: Settings, full_build: Settings) -> None:
    """Every staging, intermediate and mart table equal, doubles up to their last bits."""
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental_run.warehouse_path}' as daily (read_only)")
        con.execute(f"attach '{full_build.warehouse_path}' as rebuilt (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'daily' "
            "and schema_name in ('staging', 'intermediate', 'marts') order by all"
        ).fetchall()
        assert {name for _, name in tables} >= set(INCREMENTAL_MODELS)
        for schema, table in tables:
            incremental, full = (
                _sorted_rows(con, database, schema, table) for database in ("daily", "rebuilt")
            )
            assert len(incremental) == len(full), f"{schema}.{table}"
            for left, right in zip(incremental, full, strict=True):
                assert all(map(_same, left, right)), f"{schema}.{table}: {left} != {right}"


def _sorted_rows(
    con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> list[tuple]:
    """Every column but load times, which differ between two builds by construction; rows
    in an order that does not depend on the last bits of doubles."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'daily' "
        "and schema_name = ? and table_name = ? and column_name <> 'loaded_at' "
        "order by column_index",
        [schema, table],
    ).fetchall()
    names = ", ".join(f'"{name}"' for name, _ in columns)
    exact = [f'"{name}"' for name, kind in columns if kind != "DOUBLE"]
    rounded = [f'round("{name}", 4)' for name, kind in columns if kind == "DOUBLE"]
    order = ", ".join(exact + rounded)
    return con.execute(
        f"select {names} from {database}.{schema}.{table} order by {order}"
    ).fetchall()


def _same(left: object, right: object) -> bool:
    """Equal, doubles up to the last bits: sums in another row order differ there."""
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    return left == right


SECOND_DAY = NEW_DAY + dt.timedelta(days=1)


@dataclass(frozen=True)
class Redelivery:
    settings: Settings
    result: dg.ExecuteInProcessResult
    retracted_task: str


@pytest.fixture(scope="module")
def redelivered(daily, tmp_path_factory) -> Redelivery:
    """After the first day's run: a second day, and the first day's tasks delivered again
    without one of them (a corrected export)."""
    data_dir = tmp_path_factory.mktemp("redelivered")
    shutil.copytree(daily.settings.data_dir, data_dir, symlinks=True, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        write_day(settings.landing_dir, SECOND_DAY)
        tasks = settings.landing_dir / "operations" / f"tasks_{NEW_DAY}.jsonl"
        first, *rest = tasks.read_text().splitlines(keepends=True)
        tasks.write_text("".join(rest))
        result = run_job(settings, SECOND_DAY.isoformat())
    return Redelivery(settings, result, json.loads(first)["task_id"])


@pytest.fixture(scope="module")
def rebuilt_after_redelivery(redelivered, tmp_path_factory) -> Settings:
    data_dir = tmp_path_factory.mktemp("rebuilt-after-redelivery")
    shutil.copytree(redelivered.settings.landing_dir, data_dir / "landing")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        assert run_job(settings, None).success
    return settings


def test_a_retracted_row_leaves_the_incremental_models(redelivered, rebuilt_after_redelivery):
    assert redelivered.result.success
    with duckdb.connect(str(redelivered.settings.warehouse_path), read_only=True) as con:
        retracted = con.execute(
            "select file_path, rows_restated from audit.restatements where kind = 'rows retracted'"
        ).fetchall()
        staged = scalar(
            con,
            "select count(*) from staging.stg_operations__tasks where task_id = ?",
            [redelivered.retracted_task],
        )
    assert retracted == [(f"operations/tasks_{NEW_DAY}.jsonl", 1)]
    assert staged == 0
    assert _dbt_args(redelivered.result, "dbt_models").get("full_refresh") is True  # panels
    assert_same_warehouse(redelivered.settings, rebuilt_after_redelivery)


PANELS = ("int_operations__team_months", "int_quality__line_months", "int_sales__region_months")


@pytest.fixture(scope="module")
def restated(daily, tmp_path_factory) -> DailyRun:
    """After the first day's run: a second day, and October's orders and tasks delivered
    again with one order's amount corrected and one order and one task moved into
    September; every key is still there, so nothing is retracted."""
    data_dir = tmp_path_factory.mktemp("restated")
    shutil.copytree(daily.settings.data_dir, data_dir, symlinks=True, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        new_files = write_day(settings.landing_dir, SECOND_DAY)
        _restate_october(settings.landing_dir)
        result = run_job(settings, SECOND_DAY.isoformat())
    return DailyRun(settings, result, new_files)


def _restate_october(landing: Path) -> None:
    orders = landing / "sales" / "orders_2026-10.csv"
    header, first, second, *rest = orders.read_text().splitlines(keepends=True)
    fields = header.strip().split(",")
    corrected = first.strip().split(",")
    amount = fields.index("amount")
    corrected[amount] = f"{float(corrected[amount]) * 2:.2f}"
    moved = second.strip().split(",")
    moved[fields.index("order_date")] = "2026-09-30"
    orders.write_text("".join([header, ",".join(corrected) + "\n", ",".join(moved) + "\n", *rest]))
    tasks = landing / "operations" / "tasks_2026-10.jsonl"
    first_task, *other_tasks = tasks.read_text().splitlines(keepends=True)
    task = json.loads(first_task)
    for column in ("started_at", "ended_at"):
        task[column] = (dt.datetime.fromisoformat(task[column]) - dt.timedelta(days=2)).isoformat()
    tasks.write_text(json.dumps(task) + "\n" + "".join(other_tasks))


@pytest.fixture(scope="module")
def rebuilt_after_restatement(restated, tmp_path_factory) -> Settings:
    data_dir = tmp_path_factory.mktemp("rebuilt-after-restatement")
    shutil.copytree(restated.settings.landing_dir, data_dir / "landing")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        assert run_job(settings, None).success
    return settings


def test_restated_months_are_merged_month_by_month_as_a_full_build_gives(
    restated, rebuilt_after_restatement
):
    assert restated.result.success
    assert _dbt_args(restated.result, "dbt_models").get("full_refresh") is not True
    with duckdb.connect(str(restated.settings.warehouse_path), read_only=True) as con:
        # Rows merged by the latest build carry its time; the others kept theirs.
        merged = {
            panel: con.execute(
                "select count(*) filter (where loaded_at = (select max(loaded_at) from "
                f"intermediate.{panel})), count(*) from intermediate.{panel}"
            ).fetchall()[0]
            for panel in PANELS
        }
        moved_order = scalar(
            con, "select count(*) from staging.stg_sales__orders where order_date = '2026-09-30'"
        )
    assert moved_order > 0
    assert 0 < merged["int_sales__region_months"][0] < merged["int_sales__region_months"][1]
    assert 0 < merged["int_operations__team_months"][0] < merged["int_operations__team_months"][1]
    assert_same_warehouse(restated.settings, rebuilt_after_restatement)


def _dbt_args(result: dg.ExecuteInProcessResult, step: str) -> dict:
    """The arguments of the run's dbt invocation in `step`."""
    from dagster_project.dbt_project import DBT_PROJECT_DIR

    target = DBT_PROJECT_DIR / "target"
    (results,) = target.glob(f"{step}-{result.run_id[:7]}-*/run_results.json")
    return json.loads(results.read_text())["args"]
