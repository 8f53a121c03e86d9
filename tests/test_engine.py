"""The engine setting without starting Spark: which engine, whether dbt's data tests run,
and how the Spark build splits the dbt models around the attribution."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from dagster_project.assets import dbt_spark
from dagster_project.assets.dbt_spark import DbtRun, build_on_spark, split_nodes
from dagster_project.engine import dbt_data_tests, engine, on_spark

PYTHON_MODELS = {
    "int_ai_usage__dose_response",
    "int_attribution__effect_draws",
    "int_attribution__effects",
    "int_attribution__event_study",
    "int_objective_effects",
}


@pytest.fixture(scope="module")
def manifest(dbt_manifest) -> dict:
    return json.loads(dbt_manifest.read_text())


def models(manifest: dict) -> set[str]:
    """Every model and seed but the daily ones, as the second dbt step builds them."""
    return {
        node
        for node, properties in manifest["nodes"].items()
        if properties["resource_type"] in ("model", "seed") and "daily" not in properties["tags"]
    }


def names(manifest: dict, nodes: frozenset[str]) -> set[str]:
    return {manifest["nodes"][node]["name"] for node in nodes}


def test_the_engine_is_duckdb_unless_set_to_spark():
    assert engine({}) == "duckdb" and not on_spark({})
    assert on_spark({"AIROI_ENGINE": "spark"})
    with pytest.raises(ValueError, match="AIROI_ENGINE"):
        engine({"AIROI_ENGINE": "trino"})


def test_data_tests_are_left_out_only_on_spark_when_asked():
    assert dbt_data_tests({"AIROI_SPARK_DBT_TESTS": "skip"})
    assert dbt_data_tests({"AIROI_ENGINE": "spark"})
    assert not dbt_data_tests({"AIROI_ENGINE": "spark", "AIROI_SPARK_DBT_TESTS": "skip"})


def test_spark_builds_the_attribution_between_what_it_reads_and_what_reads_it(manifest):
    parts = split_nodes(manifest, models(manifest))
    assert names(manifest, parts.attributed) == PYTHON_MODELS
    first, last = names(manifest, parts.first), names(manifest, parts.last)
    assert {"int_initiative_metric_panel", "int_report_month"} <= first
    assert {"initiative_roi", "initiative_effects", "initiative_objectives"} <= last
    assert not first & last
    assert parts.first | parts.attributed | parts.last == models(manifest)


def test_each_part_excludes_the_others(manifest, monkeypatch):
    monkeypatch.setattr(dbt_spark, "attribute", lambda: dict.fromkeys(PYTHON_MODELS, 7))
    commands: list[list[str]] = []

    def run_dbt(command: list[str]) -> DbtRun:
        commands.append(command)
        return DbtRun()

    def output(node: str, rows: int) -> dg.Output:
        return dg.Output(None, output_name=manifest["nodes"][node]["name"], metadata={"rows": rows})

    parts = split_nodes(manifest, models(manifest))
    built = build_on_spark(run_dbt, ["build"], manifest, parts, output)
    reported = [event.output_name for event in built.events]
    assert set(reported) == PYTHON_MODELS
    effects, draws = "int_attribution__effects", "int_attribution__effect_draws"
    assert reported.index(effects) < reported.index(draws)  # the draws read the effects
    first, last = (command[command.index("--exclude") + 1].split() for command in commands)
    effects, roi = f"fqn:ai_roi_warehouse.intermediate.{effects}", ".initiative_roi"
    assert effects in first and any(selector.endswith(roi) for selector in first)
    assert effects in last and not any(selector.endswith(roi) for selector in last)
    assert "source:*" in last


def test_a_failed_first_part_stops_the_build(manifest, monkeypatch):
    monkeypatch.setattr(dbt_spark, "attribute", lambda: pytest.fail("attribution ran"))
    failure = RuntimeError("dbt failed")
    parts = split_nodes(manifest, models(manifest))
    built = build_on_spark(lambda command: DbtRun([], failure), ["build"], manifest, parts, None)
    assert built.error is failure
