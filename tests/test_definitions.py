"""Definitions load; the schedule and sensor fire; a malformed file stops its asset clearly."""

import datetime as dt

import dagster as dg
import duckdb

from dagster_project.jobs import landing_fingerprint
from tests.conftest import settings_for
from tests.helpers import feedback_csv, write_jsonl, write_text


def test_definitions_load(dbt_manifest):
    from dagster_project.definitions import defs

    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"raw/operations_tasks", "staging/stg_operations__tasks", "serving/ai_roi"} <= keys


def test_dbt_runs_as_two_steps(dbt_manifest):
    """A dbt check on an asset others wait for would split dbt into several steps (each a
    dbt start-up, and tests run before the models they test)."""
    from dagster_project.definitions import defs

    job = defs.resolve_job_def("full_pipeline")
    steps = sorted(node.name for node in job.graph.nodes if node.name.startswith("dbt"))
    assert steps == ["dbt_daily_models", "dbt_models"]


def test_dbt_sources_are_the_ingestion_assets(dbt_manifest):
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["staging", "stg_operations__tasks"])).parent_keys
    assert parents == {dg.AssetKey(["raw", "operations_tasks"])}


def test_daily_schedule_requests_yesterdays_partition(dbt_manifest):
    from dagster_project.definitions import defs

    schedule = defs.resolve_schedule_def("daily_pipeline")
    tick = dt.datetime(2026, 11, 3, 6, 0, tzinfo=dt.UTC)
    repository = defs.get_repository_def()
    with dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=repository
    ) as context:
        data = schedule.evaluate_tick(context)
    assert schedule.cron_schedule == "0 6 * * *"
    assert [request.partition_key for request in data.run_requests] == ["2026-11-02"]
    assert schedule.job_name == "full_pipeline"


def test_sensor_fires_on_new_files_only(tmp_path, monkeypatch, dbt_manifest):
    from dagster_project.jobs import new_landing_files

    settings = settings_for(tmp_path, monkeypatch)
    write_text(settings.landing_dir / "feedback" / "feedback_2025-01.csv", "a\n1\n")

    first = new_landing_files(dg.build_sensor_context(cursor=None))
    fingerprint = landing_fingerprint(settings.landing_dir)
    unchanged = new_landing_files(dg.build_sensor_context(cursor=first.run_key))
    write_text(settings.landing_dir / "feedback" / "feedback_2025-02.csv", "a\n2\n")
    after_new_file = new_landing_files(dg.build_sensor_context(cursor=first.run_key))

    assert isinstance(first, dg.RunRequest)
    assert first.run_key == fingerprint != after_new_file.run_key
    assert isinstance(unchanged, dg.SkipReason)
    assert isinstance(after_new_file, dg.RunRequest)


def test_malformed_file_fails_its_asset_naming_file_and_row(tmp_path, monkeypatch, dbt_manifest):
    from dagster_project.assets.ingestion import source_assets
    from dagster_project.resources import WarehouseResource

    settings = settings_for(tmp_path, monkeypatch)
    good_row = ("r1", "2025-01-03", "NORTH", "direct", "csat", 5)
    write_text(settings.landing_dir / "feedback" / "feedback_2025-01.csv", feedback_csv([good_row]))
    write_jsonl(settings.landing_dir / "operations" / "tasks_2025-01.jsonl", [{"task_id": "t1"}])
    broken = settings.landing_dir / "operations" / "tasks_2025-01.jsonl"
    broken.write_text(broken.read_text() + '{"task_id": "t2", "star')

    result = dg.materialize(
        source_assets,
        resources={"warehouse": WarehouseResource.from_settings(settings)},
        raise_on_error=False,
    )

    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "operations/tasks_2025-01.jsonl, row 2: invalid JSON" in message
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        loaded = con.execute("select count(*) from raw.feedback_responses").fetchone()[0]
    assert loaded == 1  # the other source's good file was loaded
