"""Optional fields absent from the data, end to end: the metrics that need them are absent
for those units (no row, never 0), and every other metric is unchanged."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.e2e

REGION_WITHOUT_MARGIN = "NORTH"
DEPARTMENT_WITHOUT_ENPS = "Finance"
MARGIN_METRICS = ("gross_margin", "customer_lifetime_value")


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


def metric_values(con) -> dict[tuple, tuple[float, float]]:
    rows = con.execute(
        "select unit_type, unit_id, month_start, metric_name, numerator, denominator "
        "from intermediate.int_metric_values"
    ).fetchall()
    return {tuple(key): (numerator, denominator) for *key, numerator, denominator in rows}


def department_units(con, department: str) -> set[tuple[str, str]]:
    teams = con.execute(
        "select distinct team from intermediate.int_hr__team_months where department = ?",
        [department],
    ).fetchall()
    return {("department", department)} | {("team", team) for (team,) in teams}


def is_left_out(key: tuple, finance_units: set[tuple[str, str]]) -> bool:
    unit_type, unit_id, _, metric = key
    if metric in MARGIN_METRICS:
        return (unit_type, unit_id) == ("region", REGION_WITHOUT_MARGIN)
    return metric == "enps" and (unit_type, unit_id) in finance_units


@pytest.fixture
def without_fields(dbt_copy):
    """The copy's warehouse with NORTH's order margins and Finance's eNPS answers empty,
    as exports without those columns load, rebuilt from staging up."""
    with dbt_copy.connect(read_only=False) as copy:
        copy.execute(
            "update raw.sales_orders set margin = null where region = ?", [REGION_WITHOUT_MARGIN]
        )
        copy.execute(
            "update raw.hr_survey_responses set enps_score = null where department = ?",
            [DEPARTMENT_WITHOUT_ENPS],
        )
    # The orders' staging model is incremental on load time: rebuild it whole.
    dbt_copy.run(
        "build", "--full-refresh", "--select", "stg_sales__orders+", "stg_hr__survey_responses+"
    )
    return dbt_copy


def test_metrics_needing_an_absent_field_are_absent_not_zero(con, without_fields):
    finance_units = department_units(con, DEPARTMENT_WITHOUT_ENPS)
    before = metric_values(con)
    with without_fields.connect() as copy:
        after = metric_values(copy)
        published = copy.execute(
            "select count(*) from marts.revenue_impact where unit_id = ? and metric_name in "
            "('gross_margin', 'customer_lifetime_value') union all "
            "select count(*) from marts.employee_satisfaction where unit_id = ? "
            "and metric_name = 'enps'",
            [REGION_WITHOUT_MARGIN, DEPARTMENT_WITHOUT_ENPS],
        ).fetchall()
    left_out = {key for key in before if is_left_out(key, finance_units)}

    # The region's 30 months of gross margin and 18 of CLV (none in the orders' first 12
    # months, without a full trailing year); eNPS in 10 survey months for the department
    # and its 2 teams.
    assert len(left_out) == 30 + 18 + 10 * 3
    assert left_out.isdisjoint(after)
    assert published == [(0,), (0,)]
    assert after.keys() == before.keys() - left_out
    for key, (numerator, denominator) in after.items():
        assert numerator == pytest.approx(before[key][0], rel=1e-9, abs=1e-9), key
        assert denominator == pytest.approx(before[key][1], rel=1e-9, abs=1e-9), key
