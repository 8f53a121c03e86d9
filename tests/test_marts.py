"""The marts on the demo data: injected effects recovered, the case study told, small
HR cells hidden. Reads the marts of the session's real pipeline run and ground_truth.json."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from ingestion.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

DBT_PROJECT = PROJECT_ROOT / "dbt" / "dbt_project.yml"


def warehouse(run) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(run.settings.warehouse_path), read_only=True)


def injected_effects(truth: dict) -> list[dict]:
    return [effect for item in truth["initiatives"].values() for effect in item["effects"]]


def estimate(con, initiative_id: str, metric: str, kind: str) -> tuple[float, float, float]:
    scale = "abs" if kind == "absolute" else "pct"
    return con.execute(
        f"select did_effect_{scale}, did_ci_low_{scale}, did_ci_high_{scale} "
        "from marts.initiative_effects where initiative_id = ? and metric_name = ?",
        [initiative_id, metric],
    ).fetchone()


def effect_id(effect: dict) -> str:
    return f"{effect['initiative_id']}:{effect['metric']}"


@pytest.fixture(scope="module")
def con(pipeline):
    with warehouse(pipeline) as connection:
        yield connection


def test_every_injected_effect_is_recovered_within_10_percent_and_inside_its_interval(
    pipeline, con
):
    misses = []
    for effect in injected_effects(pipeline.truth):
        truth = effect["true_effect"]
        point, low, high = estimate(con, effect["initiative_id"], effect["metric"], effect["kind"])
        inside = low <= truth <= high
        close = truth == 0 or abs(point - truth) <= 0.1 * abs(truth)
        if not (inside and close):
            misses.append(
                f"{effect_id(effect)}: truth {truth}, DiD {point:.3f} [{low:.3f}, {high:.3f}]"
            )
    assert not misses, "\n".join(misses)


def test_metrics_without_an_injected_effect_have_intervals_containing_zero(pipeline, con):
    zero_effects = [e for e in injected_effects(pipeline.truth) if e["true_effect"] == 0]
    assert len(zero_effects) >= 3
    for effect in zero_effects:
        _, low, high = estimate(con, effect["initiative_id"], effect["metric"], effect["kind"])
        assert low <= 0 <= high, effect_id(effect)


@pytest.mark.parametrize(
    ("initiative_id", "metric"),
    [("vision-qc", "defective_rate"), ("vision-qc", "production_speed"),
     ("support-copilot", "task_duration_mean")],
)  # fmt: skip
def test_difference_in_differences_beats_naive_before_after_under_trend(
    pipeline, con, initiative_id, metric
):
    truth = next(
        e["true_effect"]
        for e in pipeline.truth["initiatives"][initiative_id]["effects"]
        if e["metric"] == metric
    )
    naive, did = con.execute(
        "select naive_change_pct, did_effect_pct from marts.initiative_effects "
        "where initiative_id = ? and metric_name = ?",
        [initiative_id, metric],
    ).fetchone()
    # The naive view keeps the company-wide trend and seasonality; DiD removes them.
    assert abs(naive - truth) > 2 * abs(did - truth)
    assert abs(naive - did) > 0.01


def test_case_study_defects_speed_claims_and_first_year_roi(pipeline, con):
    defective, speed = (
        estimate(con, "vision-qc", metric, "relative")[0]
        for metric in ("defective_rate", "production_speed")
    )
    claims_per_year = con.execute(
        "select 12 * sum(benefit) / count(distinct month_start) from marts.cost_savings "
        "where initiative_id = 'vision-qc' and benefit_stream = 'claims_cost_avoided' "
        "and month_start >= (select max(go_live_month) from marts.quality "
        "where initiative_id = 'vision-qc')"
    ).fetchone()[0]
    first_year_roi = con.execute(
        "select first_year_roi from marts.initiative_roi where initiative_id = 'vision-qc'"
    ).fetchone()[0]

    assert defective == pytest.approx(-0.35, abs=0.035)
    assert speed == pytest.approx(0.20, abs=0.02)
    assert claims_per_year == pytest.approx(10e6, rel=0.10)
    assert first_year_roi == pytest.approx(3.0, abs=0.5)


def test_roi_carries_its_simulated_uncertainty_and_risk_adjustment(con):
    rows = con.execute(
        "select initiative_id, npv_p5, npv_p50, npv_p95, npv, roi_p5, roi, roi_p95, "
        "roi_risk_adjusted, probability_npv_positive from marts.initiative_roi "
        "where has_monetised_benefits"
    ).fetchall()
    assert rows
    for initiative_id, *npv_range, npv, roi_p5, roi, roi_p95, risk_adjusted, chance in rows:
        npv_p5, npv_p50, npv_p95 = npv_range
        assert npv_p5 < npv_p50 < npv_p95, initiative_id
        # The band holds its own point estimate: no range that excludes it.
        assert npv_p5 <= npv <= npv_p95 and roi_p5 <= roi <= roi_p95, initiative_id
        assert 0 <= chance <= 1, initiative_id
        if npv_p5 > 0:
            assert chance >= 0.95, initiative_id
        if npv_p95 < 0:
            assert chance <= 0.05, initiative_id
        assert risk_adjusted < roi, initiative_id


def test_npv_to_date_is_the_measured_months_alone_and_the_rest_is_projected(con):
    """NPV to date recomputed from the served benefit streams of the months up to the
    report month, less the declared running cost and the seats' cost of each month; the
    projected remainder makes up the rest of the horizon."""
    sql = "select report_month from intermediate.int_report_month"
    report_month = con.execute(sql).fetchone()[0]
    rows = con.execute(
        "select initiative_id, npv, npv_to_date, npv_projected, months_measured, "
        "months_projected, roi.horizon_years, roi.discount_rate, roi.running_cost_monthly, "
        "roi.development_cost + roi.implementation_cost, initiatives.first_go_live_date "
        "from marts.initiative_roi as roi inner join marts.initiatives using (initiative_id) "
        "where has_monetised_benefits"
    ).fetchall()
    assert rows
    for initiative_id, npv, to_date, projected, measured, rest, years, rate, running, *more in rows:
        investment, first_go_live = more
        elapsed = (report_month.year - first_go_live.year) * 12
        assert measured == elapsed + report_month.month - first_go_live.month + 1, initiative_id
        assert measured + rest == round(12 * years) and rest > 0, initiative_id
        benefits = dict(
            con.execute(
                "select datediff('month', ?, month_start) + 1, sum(benefit) "
                "from marts.cost_savings where initiative_id = ? group by all",
                [first_go_live.replace(day=1), initiative_id],
            ).fetchall()
        )
        licences = dict(
            con.execute(
                "select datediff('month', ?, month_start) + 1, licence_cost "
                "from intermediate.int_ai_usage__licence_costs where initiative_id = ?",
                [first_go_live.replace(day=1), initiative_id],
            ).fetchall()
        )
        flows = [
            (benefits.get(month, 0.0) - running - licences.get(month, 0.0))
            * (1 + rate) ** (-month / 12)
            for month in range(1, measured + 1)
        ]
        assert to_date == pytest.approx(sum(flows) - investment, rel=1e-9), initiative_id
        assert npv == pytest.approx(to_date + projected, rel=1e-9), initiative_id


@pytest.fixture
def placebo(dbt_copy):
    """The copy revalued with the sales assistant's revenue effect a placebo - zero, with a
    wide interval - and the support copilot's rework effect without an interval."""
    with dbt_copy.connect(read_only=False) as copy:
        copy.execute(
            "update intermediate.int_attribution__effects set did_effect_pct = 0, "
            "did_ci_low_pct = -0.2, did_ci_high_pct = 0.25 "
            "where initiative_id = 'sales-assistant' and metric_name = 'revenue'"
        )
        copy.execute(
            "update intermediate.int_attribution__effects set did_ci_low_pct = null, "
            "did_ci_high_pct = null "
            "where initiative_id = 'support-copilot' and metric_name = 'rework_rate'"
        )
    dbt_copy.run(
        "run",
        "--select",
        "int_attribution__effect_draws",
        "int_initiative_benefits",
        "int_initiative_cash_flows",
        "initiative_roi",
    )
    return dbt_copy


ROI_FIGURES = (
    "select initiative_id, roi_p5, roi, roi_p95, npv_p5, npv, npv_p95, "
    "probability_npv_positive, roi_note from marts.initiative_roi where has_monetised_benefits"
)


def test_a_placebo_gets_a_range_around_its_own_point_and_no_interval_no_range(con, placebo):
    with placebo.connect() as copy:
        revalued = {row[0]: row[1:] for row in copy.execute(ROI_FIGURES).fetchall()}
    roi_p5, roi, roi_p95, npv_p5, npv, npv_p95, chance, note = revalued["sales-assistant"]
    assert roi == pytest.approx(-1.0, abs=0.01), "a zero effect earns nothing: the costs are lost"
    assert roi_p5 < roi < roi_p95 and roi_p95 - roi_p5 > 0.5, "a wide range around its point"
    assert npv_p5 < npv < npv_p95 and chance < 0.5 and note is None

    roi_p5, roi, roi_p95, *_, chance, note = revalued["support-copilot"]
    assert roi is not None and roi_p5 is None and roi_p95 is None and chance is None
    assert "no 95% interval" in note

    # Draws are seeded per effect: an initiative whose effects did not change is drawn
    # again bit for bit in another process, so its figures stay (up to the order in which
    # parallel sums add).
    draws = (
        "select * from intermediate.int_attribution__effect_draws "
        "where initiative_id = 'vision-qc' order by all"
    )
    with placebo.connect() as copy:
        assert copy.execute(draws).fetchall() == con.execute(draws).fetchall()
    original = {row[0]: row[1:] for row in con.execute(ROI_FIGURES).fetchall()}
    (*figures, note), (*expected, expected_note) = revalued["vision-qc"], original["vision-qc"]
    assert figures == pytest.approx(expected, rel=1e-12) and note == expected_note


def test_every_objective_has_a_status(con):
    statuses = con.execute(
        "select objective_status, count(*) from marts.initiative_objectives group by 1"
    ).fetchall()
    assert dict(statuses).keys() <= {"met", "on track", "at risk", "missed"}
    assert sum(count for _, count in statuses) >= 5


def test_a_team_of_four_appears_nowhere_not_even_by_subtraction(con):
    small_team = con.execute(
        "select max(n) from (select count(*) as n from staging.stg_hr__survey_responses "
        "where team = 'IT-SEC' group by survey_wave)"
    ).fetchone()[0]
    assert 0 < small_team < 5

    visible = con.execute(
        "select count(*) from marts.employee_satisfaction_breakdown "
        "where cell = 'IT-SEC' and not is_suppressed"
    ).fetchone()[0]
    # Per department-month, the hidden cells hold at least two cells and five people, so
    # department total minus the visible cells never isolates the small team.
    hidden_groups = con.execute(
        """
        with hidden as (
            select cells.department, cells.month_start, cells.breakdown,
                count(*) as hidden_cells, sum(cells.respondents) as hidden_respondents
            from intermediate.int_hr__survey_cells as cells
            inner join marts.employee_satisfaction_breakdown as published
                using (department, month_start, breakdown, cell)
            where published.is_suppressed
            group by all
        )
        select min(hidden_cells), min(hidden_respondents), count(*) from hidden
        where department = 'IT'
        """
    ).fetchone()
    assert visible == 0
    min_cells, min_people, groups = hidden_groups
    assert groups > 0 and min_cells >= 2 and min_people >= 5


def test_department_cells_under_five_people_are_suppressed(con):
    leaks = con.execute(
        "select count(*) from marts.employee_satisfaction "
        "where (denominator < 5 or is_suppressed) and metric_value is not null"
    ).fetchone()[0]
    assert leaks == 0


def test_a_month_without_launches_counts_zero_and_stays_in_the_baseline(con):
    teams, months, rows, zeros = con.execute(
        "select count(distinct unit_id), count(distinct month_start), count(*), "
        "count(*) filter (where metric_value = 0) from marts.innovation "
        "where metric_name = 'launches'"
    ).fetchone()
    pre_periods = con.execute(
        "select pre_periods from marts.initiative_effects "
        "where initiative_id = 'product-ideation' and metric_name = 'launches'"
    ).fetchone()[0]
    assert months == con.execute("select count(*) from intermediate.int_months").fetchone()[0]
    assert rows == teams * months and zeros > 0
    assert pre_periods == 6  # every baseline month, those without a launch included


def test_retention_is_withheld_until_a_full_trailing_year_of_orders(con):
    first_orders, first_retention, first_clv = con.execute(
        "select (select min(order_month) from staging.stg_sales__orders), "
        "min(month_start) filter (where metric_name = 'customer_retention'), "
        "min(month_start) filter (where metric_name = 'customer_lifetime_value') "
        "from marts.revenue_impact"
    ).fetchone()
    full_year = first_orders.replace(year=first_orders.year + 1)
    assert first_retention == first_clv == full_year


def test_throughput_is_completed_tasks_per_worked_hour_of_the_roster(con):
    hours_per_fte = yaml.safe_load(DBT_PROJECT.read_text())["vars"]["worked_hours_per_fte_month"]
    rows = con.execute(
        """
        select throughput.metric_value, volume.metric_value,
            (roster.headcount_at_start + roster.headcount_at_end) / 2.0 * ?,
            duration.metric_value
        from marts.efficiency as throughput
        inner join marts.efficiency as volume using (initiative_id, unit_id, month_start)
        inner join marts.efficiency as duration using (initiative_id, unit_id, month_start)
        inner join intermediate.int_hr__team_months as roster
            on throughput.unit_id = roster.team and throughput.month_start = roster.month_start
        where throughput.initiative_id = 'support-copilot'
            and throughput.metric_name = 'throughput'
            and volume.metric_name = 'task_volume'
            and duration.metric_name = 'task_duration_mean'
        """,
        [hours_per_fte],
    ).fetchall()
    assert rows
    for throughput, tasks, worked_hours, mean_minutes in rows:
        assert throughput == pytest.approx(tasks / worked_hours)
        assert throughput != pytest.approx(60 / mean_minutes)  # not the inverse duration


FAMILY_MARTS = {"efficiency": "efficiency", "quality": "quality", "revenue": "revenue_impact"}


def test_shares_in_points_and_counts_per_month_are_post_less_counterfactual(con):
    """A share's effect in percentage points and a count's per unit and month, computed
    here from their definition: the treated units' post level pooled from the family
    mart's cells, less the counterfactual post / (1 + e), at e and at its interval's ends."""
    rows = con.execute(
        "select initiative_id, metric_name, family, value_unit, "
        "did_effect_pct, did_ci_low_pct, did_ci_high_pct, "
        "did_effect_pp, did_ci_low_pp, did_ci_high_pp, "
        "did_effect_per_month, did_ci_low_per_month, did_ci_high_per_month "
        "from marts.initiative_effects where did_effect_pct is not null and family in ?",
        [list(FAMILY_MARTS)],
    ).fetchall()
    kinds = set()
    for initiative_id, metric, family, unit, *values in rows:
        relative, points, per_month = values[:3], values[3:6], values[6:]
        (post,) = con.execute(
            f"select sum(numerator) / sum(denominator) from marts.{FAMILY_MARTS[family]} "
            "where initiative_id = ? and metric_name = ? and is_treated and period = 'post'",
            [initiative_id, metric],
        ).fetchone()
        absolute = [post - post / (1 + e) for e in relative]
        if unit.startswith("share"):
            kinds.add("share")
            assert points == pytest.approx([100 * a for a in absolute], rel=1e-9), metric
        elif unit.endswith(" per month"):
            kinds.add("count")
            assert per_month == pytest.approx(absolute, rel=1e-9), metric
        assert points == [None] * 3 or per_month == [None] * 3, metric
    assert kinds == {"share", "count"}
    (defects,) = con.execute(
        "select did_effect_pp from marts.initiative_effects "
        "where initiative_id = 'vision-qc' and metric_name = 'defective_rate'"
    ).fetchone()
    assert -4.5 < defects < -2.5, "the 35% fewer defective boards, in points of a ~10% rate"


def test_every_effect_has_an_event_study_flat_before_go_live(pipeline, con):
    """The demo has no unit-specific trend before any go-live: no injected effect is
    flagged pre_trend, and after go-live the event study averages the injected effect."""
    estimated = con.execute(
        "select initiative_id, metric_name from marts.initiative_effects "
        "where did_effect_abs is not null"
    ).fetchall()
    studied = con.execute(
        "select distinct initiative_id, metric_name from marts.initiative_event_study"
    ).fetchall()
    assert set(estimated) == set(studied)
    misses = []
    for effect in injected_effects(pipeline.truth):
        key = [effect["initiative_id"], effect["metric"]]
        evidence, p_value = con.execute(
            "select evidence, pre_trend_p_value from marts.initiative_effects "
            "where initiative_id = ? and metric_name = ?",
            key,
        ).fetchone()
        scale = "coefficient" if effect["kind"] == "absolute" else "effect_pct"
        pre_months, post_mean = con.execute(
            f"select count(*) filter (where event_time < 0), "
            f"avg({scale}) filter (where event_time >= 0) "
            "from marts.initiative_event_study where initiative_id = ? and metric_name = ?",
            key,
        ).fetchone()
        truth = effect["true_effect"]
        close = truth == 0 or abs(post_mean - truth) <= 0.1 * abs(truth)
        if evidence != "ok" or pre_months < 3 or not close:
            misses.append(
                f"{effect_id(effect)}: {evidence} (p {p_value:.3f}), {pre_months} months "
                f"before go-live, {post_mean:.3f} after against {truth}"
            )
    assert not misses, "\n".join(misses)
