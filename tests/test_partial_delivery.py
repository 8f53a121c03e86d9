"""A company that delivers only some sources still gets a publish: the missing sources'
suites are skipped (warnings), their metrics are absent, and the serving file and the
dashboard say which sources are missing and what that costs."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

from tests.conftest import settings_for

pytestmark = pytest.mark.e2e

DELIVERED_FOLDERS = ("sales", "hr_surveys", "hr_roster", "initiatives")


@pytest.fixture(scope="module")
def partial(pipeline, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("partial")
    for folder in DELIVERED_FOLDERS:
        shutil.copytree(pipeline.settings.landing_dir / folder, data_dir / "landing" / folder)
    from dagster_project.definitions import build_definitions

    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(data_dir, monkeypatch)
        with dg.DagsterInstance.ephemeral() as instance:
            job = build_definitions(settings).resolve_job_def("full_pipeline")
            result = job.execute_in_process(instance=instance, raise_on_error=False)
    return settings, result


def test_the_delivered_sources_are_published(partial):
    settings, result = partial
    assert result.success
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        coverage = dict(
            con.execute("select source, is_delivered from quality.source_coverage").fetchall()
        )
        families = dict(
            con.execute(
                "select family, count(*) from ("
                " select 'revenue' as family from metrics.revenue_impact"
                " union all select 'efficiency' from metrics.efficiency"
                " union all select 'employee_satisfaction' from metrics.employee_satisfaction"
                ") group by family"
            ).fetchall()
        )
    assert {source for source, delivered in coverage.items() if not delivered} == {
        "operations_tasks",
        "qc_inspections",
        "qc_production_runs",
        "qc_claims",
        "feedback_responses",
        "product_launches",
        "qc_inspection_counts",
        "operations_task_counts",
        "organisation_units",
        "peer_adoption",
        "eurostat_ai_use",
        "competitor_moves",
        "ai_tools",
        "ai_licences",
        "ai_activity",
    }
    assert families["revenue"] > 0 and families["employee_satisfaction"] > 0
    assert "efficiency" not in families  # absent, not zero


def test_missing_sources_are_skipped_not_failed(partial):
    _, result = partial
    skipped = {
        e.asset_key.to_user_string(): e.description
        for e in result.get_asset_check_evaluations()
        if e.check_name == "great_expectations" and not e.passed
    }
    assert skipped["raw/operations_tasks"] == "skipped: not delivered: operations_tasks"
    assert all(
        e.severity == dg.AssetCheckSeverity.WARN
        for e in result.get_asset_check_evaluations()
        if not e.passed
    )


def test_the_dashboard_says_which_sources_are_missing(partial):
    settings, _ = partial
    page = (settings.serving_path.parent / "dashboard" / "index.html").read_text()
    assert "Not delivered:</strong> 15 of 20 sources have no files" in page
    assert "<strong>operations_tasks</strong>: no error_rate, rework_rate" in page
