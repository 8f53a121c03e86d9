"""Any company: a second company shaped unlike the demo (tests/second_company.py) goes
through the preflight and the pipeline as a new user runs them, from the command line
with its own settings, and is published: its 24 lines, one region and teams measured
exactly, its team-level initiative's effect recovered, its missing sources named."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import PROJECT_ROOT
from tests import second_company

pytestmark = pytest.mark.e2e

NOT_DELIVERED = {
    "hr_roster",
    "operations_tasks",
    "operations_task_counts",
    "sales_customers",
    "feedback_responses",
    "qc_inspections",
    "qc_production_runs",
    "qc_claims",
    "product_launches",
    "peer_adoption",
    "eurostat_ai_use",
    "competitor_moves",
    "ai_tools",
    "ai_licences",
    "ai_activity",
}


@dataclass(frozen=True)
class Company:
    data_dir: Path
    truth: dict
    preflight: subprocess.CompletedProcess
    run: subprocess.CompletedProcess

    @property
    def serving(self) -> Path:
        return self.data_dir / "serving" / "ai_roi.duckdb"

    @property
    def dashboard(self) -> str:
        return (self.data_dir / "serving" / "dashboard" / "index.html").read_text()

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.serving), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def company_environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AIROI_DATA_DIR": str(data_dir),
        "AIROI_WAREHOUSE_PATH": str(data_dir / "warehouse.duckdb"),
        "AIROI_LANDING_DIR": str(data_dir / "landing"),
        "AIROI_SERVING_PATH": str(data_dir / "serving" / "ai_roi.duckdb"),
        "AIROI_PSEUDONYMISATION_KEY": "second-company-key",
        "AIROI_SURVEY_SCALES": second_company.SURVEY_SCALE,
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
    }


@pytest.fixture(scope="module")
def company(tmp_path_factory, dbt_manifest) -> Company:
    data_dir = tmp_path_factory.mktemp("second_company")
    truth = second_company.generate(data_dir / "landing")
    (data_dir / "dagster_home").mkdir()
    env = company_environment(data_dir)

    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )

    return Company(
        data_dir,
        truth,
        command("ingestion", "preflight"),
        command("dagster_project", "run"),
    )


def test_the_preflight_finds_three_sources_and_the_metrics_they_allow(company):
    out = company.preflight.stdout
    assert company.preflight.returncode == 0, out + company.preflight.stderr
    assert "production_line (column line) units: 24 (GYR-Oven01" in out
    assert "region units: 1 (Binnenland)" in out
    assert "team units: 10 (Expeditie-A" in out
    assert "Refusals: none" in out
    available = out.split("available: ", 1)[1].split("unavailable:", 1)[0].split()
    assert {name.strip(",") for name in available} == {
        "defective_rate",
        "defects_per_unit",
        "first_pass_yield",
        "revenue",
        "orders",
        "average_order_value",
        "customer_retention",
        "job_satisfaction_mean",
        "job_satisfaction_top2",
    }
    assert "field defect_opportunities missing from every file of qc_inspection_counts" in out


def test_it_publishes(company):
    assert company.run.returncode == 0, company.run.stdout[-3000:] + company.run.stderr[-3000:]
    assert "Pipeline succeeded" in company.run.stdout
    assert company.query("select count(*) from quality.publish_info") == [(1,)]


def test_every_line_month_is_its_counts_exactly(company):
    served = {
        (line, month.isoformat()[:7]): value
        for line, month, value in company.query(
            "select unit_id, month_start, metric_value from metrics.quality "
            "where metric_name = 'defective_rate'"
        )
    }
    months = [month.first_day.isoformat()[:7] for month in second_company.months()]
    expected = {
        (line, month): counts["defective"][i] / counts["inspected"][i]
        for line, counts in company.truth["quality"].items()
        for i, month in enumerate(months)
    }
    assert served.keys() == expected.keys()
    assert all(abs(served[key] - expected[key]) < 1e-12 for key in expected)


def test_the_one_region_s_revenue_is_its_orders_to_the_cent(company):
    served = company.query(
        "select unit_id, round(metric_value, 2) from metrics.revenue_impact "
        "where metric_name = 'revenue' order by month_start"
    )
    assert served == [
        (second_company.REGION, revenue) for revenue in company.truth["monthly_revenue"]
    ]


def test_the_team_initiative_s_effect_is_recovered_within_10_percent(company):
    [(treated, controls, effect, low, high, scale)] = company.query(
        "select treated_units, control_units, did_effect_abs, did_ci_low_abs, did_ci_high_abs, "
        "(select any_value(scale) from metrics.employee_satisfaction "
        " where metric_name = 'job_satisfaction_mean') "
        "from overview.initiative_effects where initiative_id = 'glaze-coach' "
        "and metric_name = 'job_satisfaction_mean'"
    )
    truth = company.truth["glaze_coach_effect"]
    assert (treated, scale) == (4, "1-4")
    assert controls >= 6
    assert abs(effect - truth) <= 0.1 * truth
    assert low <= truth <= high


def test_team_cells_under_five_people_stay_hidden(company):
    shown_audit_cells, shown_small_cells = company.query(
        "select count(*) filter (where unit_id = 'Kwaliteitsaudit' and not is_suppressed), "
        "count(*) filter (where denominator < 5 and not is_suppressed) "
        "from metrics.employee_satisfaction"
    )[0]
    assert (shown_audit_cells, shown_small_cells) == (0, 0)
    # Its department's other team would reveal it by subtraction: hidden too.
    assert company.query(
        "select bool_and(is_suppressed) from metrics.employee_satisfaction "
        "where unit_id = 'Kwaliteitslab'"
    ) == [(True,)]


def test_the_missing_sources_are_named_with_what_they_cost(company):
    coverage = {
        source: (delivered, missing)
        for source, delivered, missing in company.query(
            "select source, is_delivered, metrics_missing from quality.source_coverage"
        )
    }
    assert {source for source, (delivered, _) in coverage.items() if not delivered} == NOT_DELIVERED
    # The inspections came as daily counts: nothing is missing for want of unit rows.
    assert coverage["qc_inspections"] == (False, None)
    assert coverage["qc_production_runs"] == (False, "production_speed")
    page = company.dashboard
    assert "Not delivered:</strong> 15 of 20 sources have no files" in page
    assert "<strong>qc_claims</strong>: no claims_cost, claims_count" in page
    assert "<strong>qc_inspections</strong>: its metrics come from another source" in page


def test_the_dashboard_shows_the_company_s_own_units_and_figures(company):
    page = company.dashboard
    assert "Every unit (24 lines)" in page
    assert "Every unit (4 departments, 10 teams)" in page
    assert "Łódź oven 07" in page and "Binnenland" in page
    assert "Glazing coach for kiln and glazing crews" in page
    assert "Job satisfaction (1-4)" in page and "Satisfied employees (3-4)" in page
    [(served,)] = company.query(
        "select sum(numerator) / sum(denominator) from metrics.quality "
        "where unit_id = 'LDZ-Oven07' and metric_name = 'defective_rate' "
        "and month_start > (select max(month_start) from metrics.quality) - interval 12 month"
    )
    shown = (
        'data-unit-type="production_line" data-unit-id="LDZ-Oven07" '
        f'data-unit-metric="defective_rate" data-value="{served!r}"'
    )
    assert shown in page
