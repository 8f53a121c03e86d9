"""Nothing new since the last publish: the same landing files, code and configuration, and
no run since that loaded, validated, was refused or built anything. Anything else is new."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project import nothing_new as module
from dagster_project.nothing_new import (
    INPUTS_TAG,
    RUN_RECORDS,
    nothing_new,
    record_publish,
    run_inputs,
)
from ingestion.settings import Settings
from tests.conftest import settings_for
from tests.helpers import write_text

AN_HOUR_AGO = time.time() - 3600


def write_settled(path: Path, text: str) -> Path:
    """A landing file written long enough ago to be read as it is."""
    write_text(path, text)
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return path


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    settings = settings_for(tmp_path, monkeypatch)
    write_settled(settings.landing_dir / "feedback" / "feedback_2025-01.csv", "a\n1\n")
    write_settled(settings.landing_dir / "initiatives" / "copilot.yaml", "id: copilot\n")
    return settings


def publish(settings: Settings, inputs: str | None = "current") -> None:
    """What the publish step records, for the inputs as they are now (or as given)."""
    recorded = run_inputs(settings) if inputs == "current" else inputs
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema if not exists audit")
        con.execute("create table if not exists audit.quality_results (validated_at timestamp)")
        record_publish(con, "publish-run", recorded)


def is_nothing_new(settings: Settings) -> bool:
    return nothing_new(settings, run_inputs(settings)) is not None


def test_nothing_new_right_after_a_publish(settings):
    publish(settings)

    last = nothing_new(settings, run_inputs(settings))

    assert last is not None and last.run_id == "publish-run" and last.landing_files == 2
    assert str(last).startswith("Nothing new since run publish-run published at ")


def test_a_new_landing_file_is_new(settings):
    publish(settings)
    write_settled(settings.landing_dir / "feedback" / "feedback_2025-02.csv", "a\n2\n")

    assert not is_nothing_new(settings)


def test_a_rewritten_landing_file_is_new(settings):
    publish(settings)
    path = write_settled(settings.landing_dir / "feedback" / "feedback_2025-01.csv", "a\n3\n")
    os.utime(path, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))

    assert not is_nothing_new(settings)


def test_a_changed_initiative_registry_file_is_new(settings):
    publish(settings)
    write_settled(settings.landing_dir / "initiatives" / "copilot.yaml", "id: copilot-2\n")

    assert not is_nothing_new(settings)


def test_a_removed_landing_file_is_new(settings):
    publish(settings)
    (settings.landing_dir / "initiatives" / "copilot.yaml").unlink()

    assert not is_nothing_new(settings)


def test_a_file_written_just_now_is_waited_for(settings):
    publish(settings)
    path = settings.landing_dir / "feedback" / "feedback_2025-01.csv"
    os.utime(path)  # just now

    inputs = run_inputs(settings)

    assert inputs is not None and nothing_new(settings, inputs) is None


def test_a_file_still_being_written_after_the_wait_is_never_nothing_new(settings, monkeypatch):
    publish(settings)
    path = settings.landing_dir / "feedback" / "feedback_2025-01.csv"
    os.utime(path)

    def writer_still_at_work(seconds: float) -> None:
        path.write_text("a\n1\n2\n")

    monkeypatch.setattr(module.time, "sleep", writer_still_at_work)

    assert run_inputs(settings) is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AIROI_HISTORY_START", "2020-01-01"), ("AIROI_PSEUDONYMISATION_KEY", "another-key")],
)
def test_changed_configuration_is_new(settings, monkeypatch, variable, value):
    publish(settings)
    monkeypatch.setenv(variable, value)

    assert not is_nothing_new(settings)


def test_a_changed_dbt_model_or_python_module_is_new(settings, tmp_path, monkeypatch):
    code = tmp_path / "code"
    for name in ("dbt/models/int_panel.sql", "ingestion/loader.py"):
        write_text(code / name, "select 1\n")
    monkeypatch.setattr(module, "PROJECT_ROOT", code)
    publish(settings)
    assert is_nothing_new(settings)

    write_text(code / "dbt" / "models" / "int_panel.sql", "select 2\n")
    assert not is_nothing_new(settings)
    publish(settings)
    write_text(code / "ingestion" / "loader.py", "select 2\n")
    assert not is_nothing_new(settings)


def test_dbt_output_and_editor_files_are_not_code(settings, tmp_path, monkeypatch):
    code = tmp_path / "code"
    write_text(code / "dbt" / "models" / "int_panel.sql", "select 1\n")
    monkeypatch.setattr(module, "PROJECT_ROOT", code)
    publish(settings)

    write_text(code / "dbt" / "target" / "run_results.json", "{}")
    write_text(code / "dbt" / "logs" / "dbt.log", "")
    write_text(code / "dbt" / ".user.yml", "id: x")

    assert is_nothing_new(settings)


def test_a_run_after_the_publish_that_validated_anything_is_new(settings):
    """A run refused by the gate, or failed after its checks, leaves its validations: the
    landing files may be as published again, yet the warehouse is not."""
    publish(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("insert into audit.quality_results values (now())")

    assert not is_nothing_new(settings)


def test_every_kind_of_run_record_counts(settings):
    publish(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for table, column in RUN_RECORDS.items():
            if table != "audit.quality_results":
                con.execute(f"create table {table} as select now() as {column}")

    assert not is_nothing_new(settings)


def test_a_publish_without_a_fingerprint_is_never_nothing_new(settings):
    """A run launched from the Dagster UI carries no fingerprint of its inputs."""
    publish(settings, inputs=None)

    assert not is_nothing_new(settings)


def test_no_warehouse_or_one_open_elsewhere_is_not_nothing_new(settings):
    assert not is_nothing_new(settings)
    publish(settings)
    with duckdb.connect(str(settings.warehouse_path)):  # a run writing it
        assert not is_nothing_new(settings)


def test_the_schedule_and_the_sensor_start_nothing_when_nothing_is_new(settings, dbt_manifest):
    from dagster_project.definitions import defs
    from dagster_project.jobs import new_landing_files

    publish(settings)
    schedule = defs.resolve_schedule_def("daily_pipeline")
    now = dt.datetime.now(dt.UTC)
    repository = defs.get_repository_def()
    with dg.build_schedule_context(scheduled_execution_time=now, repository_def=repository) as tick:
        skipped_tick = schedule.evaluate_tick(tick)
        skipped_sensor = new_landing_files(dg.build_sensor_context(cursor=None))
        write_settled(settings.landing_dir / "feedback" / "feedback_2025-02.csv", "a\n2\n")
        requested = new_landing_files(dg.build_sensor_context(cursor=None))
        (scheduled,) = schedule.evaluate_tick(tick).run_requests

    assert skipped_tick.run_requests == [] and "Nothing new" in skipped_tick.skip_message
    assert isinstance(skipped_sensor, dg.SkipReason) and "Nothing new" in str(
        skipped_sensor.skip_message
    )
    assert isinstance(requested, dg.RunRequest)
    assert requested.tags[INPUTS_TAG] == scheduled.tags[INPUTS_TAG] == run_inputs(settings)


def test_the_command_says_nothing_new_and_starts_no_run(settings, tmp_path, monkeypatch, capsys):
    from dagster_project.__main__ import main

    dagster_home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    publish(settings)

    assert main(["run"]) == 0

    printed = capsys.readouterr().out
    assert "Nothing new since run publish-run" in printed
    assert "Nothing new: done in" in printed
    assert list(dagster_home.iterdir()) == []  # no Dagster instance opened, no run made
