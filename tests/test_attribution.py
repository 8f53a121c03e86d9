"""Attribution estimators on synthetic panels whose true effect is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attribution import (
    EVENT_STUDY_COLUMNS,
    OUTPUT_COLUMNS,
    estimate_effects,
    estimate_event_studies,
)
from attribution.panel import NEVER, build_stacks, iter_metric_panels

START = np.datetime64("2022-01", "M")
DID_COLUMNS = [c for c in OUTPUT_COLUMNS if c.startswith("did_")]


def build_panel(
    seed: int,
    cohorts: dict[int, int],
    never: int,
    *,
    effect: float,
    model: str = "ppml",
    months: int = 42,
    baseline: int = 6,
    ramp: int = 2,
    trend: float = -0.012,
    season: float = 0.15,
    level: float = 0.05,
    denominator: float = 2000.0,
    keep_share: float = 1.0,
    pre_trend: float = 0.0,
) -> pd.DataFrame:
    """Units x months with unit effects, a trend, seasonality and the effect from go-live.

    `cohorts` maps a go-live month offset (from START) to its number of units; ppml panels
    are Poisson counts over `denominator`, linear ones are mean scores of 20–60 answers.
    `pre_trend` makes treated units drift towards their go-live level by that much a month
    (log points for ppml, points for linear), a trend their controls do not share.
    """
    rng = np.random.default_rng(seed)
    go_live = np.array([g for g, n in cohorts.items() for _ in range(n)] + [-1] * never)
    n_units = len(go_live)
    t = np.arange(months)[None, :]
    treated = go_live[:, None] >= 0
    active = (t >= go_live[:, None]) & treated
    common = trend * t + season * np.sin(2 * np.pi * t / 12)
    common = common + pre_trend * np.minimum(t - go_live[:, None], 0) * treated
    if model == "ppml":
        den = np.full((n_units, months), denominator)
        log_rate = np.log(level) + rng.normal(0, 0.3, (n_units, 1)) + common
        log_rate = log_rate + np.log1p(effect) * active + rng.normal(0, 0.03, (n_units, months))
        num = rng.poisson(den * np.exp(log_rate)).astype(float)
    else:
        den = rng.integers(20, 61, (n_units, months)).astype(float)
        value = level + rng.normal(0, 0.3, (n_units, 1)) + common + effect * active
        num = (value + rng.normal(0, 0.6, (n_units, months)) / np.sqrt(den)) * den
    unit, month = np.divmod(np.arange(n_units * months), months)
    go_live_month = np.where(go_live >= 0, START + go_live, np.datetime64("NaT"))
    frame = pd.DataFrame(
        {
            "initiative_id": "vision-qc",
            "metric_name": f"{model}_metric",
            "unit_id": [f"U{u:03d}" for u in unit],
            "month": (START + month).astype("datetime64[ns]"),
            "numerator": num.ravel(),
            "denominator": den.ravel(),
            "go_live_month": go_live_month[unit].astype("datetime64[ns]"),
            "baseline_months": baseline,
            "ramp_up_months": ramp,
            "effect_model": model,
        }
    )
    return frame[rng.random(len(frame)) < keep_share].reset_index(drop=True)


def only_row(panel: pd.DataFrame) -> pd.Series:
    result = estimate_effects(panel)
    assert len(result) == 1
    return result.iloc[0]


def test_staggered_multiplicative_effect_is_recovered_and_naive_is_not() -> None:
    row = only_row(build_panel(1, {24: 10, 30: 10}, never=12, effect=-0.30, trend=-0.02))

    assert row["evidence"] == "ok"
    assert row["did_effect_pct"] == pytest.approx(-0.30, rel=0.10)
    assert row["did_ci_low_pct"] < -0.30 < row["did_ci_high_pct"]
    assert row["ci_excludes_zero"] and row["did_p_value"] < 1e-6
    # The trend (-2 %/month over a ~1-year gap) adds to the naive change, not to the DiD.
    naive_error = abs(row["naive_change_pct"] + 0.30)
    assert naive_error > 0.08
    assert naive_error > 4 * abs(row["did_effect_pct"] + 0.30)
    cf = row["post_mean"] / (1 + row["did_effect_pct"])
    assert row["did_effect_abs"] == pytest.approx(row["post_mean"] - cf, rel=1e-12)
    assert row["did_ci_low_abs"] < row["did_effect_abs"] < row["did_ci_high_abs"] < 0
    assert (row["treated_units"], row["cohorts"], row["pre_periods"], row["post_periods"]) == (
        20,
        2,
        6,
        16,
    )
    # Never-treated 12, plus cohort 30 before its go-live for cohort 24.
    assert row["control_units"] == 22


def test_zero_effect_has_a_confidence_interval_around_zero() -> None:
    row = only_row(build_panel(2, {24: 10, 30: 10}, never=12, effect=0.0))

    assert row["evidence"] == "ok"
    assert row["did_ci_low_pct"] < 0 < row["did_ci_high_pct"]
    assert abs(row["did_effect_pct"]) < 0.03
    assert not row["ci_excludes_zero"]


def test_linear_score_effect_in_points_on_an_unbalanced_panel() -> None:
    panel = build_panel(
        3, {24: 10, 30: 10}, never=12, effect=0.35, model="linear", level=3.4, keep_share=0.8
    )
    row = only_row(panel)

    assert row["evidence"] == "ok"
    assert row["did_effect_abs"] == pytest.approx(0.35, abs=0.05)
    assert row["did_ci_low_abs"] < 0.35 < row["did_ci_high_abs"]
    counterfactual = row["post_mean"] - row["did_effect_abs"]
    assert row["did_effect_pct"] == pytest.approx(row["did_effect_abs"] / counterfactual)
    assert row["did_ci_low_pct"] == pytest.approx(row["did_ci_low_abs"] / counterfactual)


def test_without_controls_only_the_year_over_year_change_is_given() -> None:
    # Everyone goes live together; seasonality but no trend, so a year-over-year
    # comparison of the same calendar months recovers the effect.
    row = only_row(build_panel(4, {24: 12}, never=0, effect=-0.30, trend=0.0))

    assert row["evidence"] == "no control units"
    assert row["control_units"] == 0
    assert row[DID_COLUMNS].isna().all()
    assert not row["ci_excludes_zero"]
    assert row["yoy_change_pct"] == pytest.approx(-0.30, abs=0.03)
    # Baseline (Jul-Dec) and post (Mar-Dec) see different seasons: the naive change does not.
    assert abs(row["naive_change_pct"] + 0.30) > 0.08


def test_two_baseline_months_are_insufficient_data() -> None:
    row = only_row(build_panel(5, {24: 10, 30: 10}, never=12, effect=-0.30, baseline=2))

    assert row["evidence"] == "insufficient data"
    assert row["pre_periods"] == 2
    # Still estimated, but flagged.
    assert np.isfinite(row["did_effect_pct"])


def test_not_yet_treated_units_are_controls_only_before_their_own_go_live() -> None:
    panel = build_panel(6, {12: 8, 24: 8}, never=2, effect=-0.50, months=36, trend=0.0)

    row = only_row(panel)
    assert row["did_effect_pct"] == pytest.approx(-0.50, abs=0.05)

    # Had cohort 24 counted as control after its go-live, cohort 12 would look much smaller.
    contaminated = panel.copy()
    contaminated.loc[contaminated["go_live_month"] == START + 24, "go_live_month"] = pd.NaT
    biased = only_row(contaminated)
    assert biased["did_effect_pct"] > -0.40

    (metric,) = iter_metric_panels(panel)
    sample = build_stacks(metric, metric.measured_units())
    control = ~sample.treated
    rows = sample.rows[control]
    cohort = sample.cohorts[sample.stack[control]]
    assert (metric.month[rows] < metric.go_live[rows]).all()
    assert (metric.go_live[rows] > cohort).all()
    # ...and cohort 24 does serve as a control for cohort 12, before its go-live.
    assert (metric.go_live[rows] < NEVER).any()


def test_zero_numerators_are_fine_for_ppml() -> None:
    panel = build_panel(7, {24: 15, 30: 15}, never=15, effect=-0.30, level=0.01, denominator=100.0)
    # One control unit never has a defect at all: its fixed effect is at -inf.
    panel.loc[panel["unit_id"] == "U044", "numerator"] = 0.0
    assert (panel["numerator"] == 0).mean() > 0.3

    row = only_row(panel)
    assert row["evidence"] == "ok"
    assert row["did_effect_pct"] == pytest.approx(-0.30, abs=0.12)
    assert row["did_ci_low_pct"] < -0.30 < row["did_ci_high_pct"]


def test_estimation_failures_are_reported_not_raised() -> None:
    all_zero = build_panel(8, {24: 5}, never=5, effect=0.0).assign(numerator=0.0)
    row = only_row(all_zero)
    assert row["evidence"] == "estimation failed: all numerators are zero"
    assert row[DID_COLUMNS].isna().all()

    separated = build_panel(8, {24: 5}, never=5, effect=0.0)
    post = separated["month"] >= START + 26
    separated.loc[post & separated["go_live_month"].notna(), "numerator"] = 0.0
    row = only_row(separated)
    assert row["evidence"] == (
        "estimation failed: perfect separation: cohort 2024-01 is all zero after go-live"
    )
    assert row["naive_change_pct"] == -1.0


def test_same_input_gives_identical_output_whatever_the_row_order() -> None:
    panel = pd.concat(
        [
            build_panel(9, {24: 6, 30: 6}, never=6, effect=-0.2),
            build_panel(9, {24: 6, 30: 6}, never=6, effect=0.3, model="linear", level=3.0),
        ],
        ignore_index=True,
    )
    first = estimate_effects(panel)
    second = estimate_effects(panel.sample(frac=1.0, random_state=0))

    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert list(first.columns) == OUTPUT_COLUMNS
    assert list(first["metric_name"]) == ["linear_metric", "ppml_metric"]
    assert (first["treated_units"].dtype, first["did_effect_pct"].dtype) == ("int64", "float64")


def test_two_by_two_linear_case_matches_the_hand_computed_difference() -> None:
    values = {("T", 0): 3.0, ("T", 1): 3.8, ("C", 0): 2.9, ("C", 1): 3.2}
    panel = pd.DataFrame(
        {
            "initiative_id": "hr-copilot",
            "metric_name": "job_satisfaction",
            "unit_id": [u for u, _ in values],
            "month": [pd.Timestamp("2025-01-01") + pd.DateOffset(months=t) for _, t in values],
            "numerator": [10 * v for v in values.values()],
            "denominator": 10.0,
            "go_live_month": [
                pd.Timestamp("2025-02-01") if u == "T" else pd.NaT for u, _ in values
            ],
            "baseline_months": 1,
            "ramp_up_months": 0,
            "effect_model": "linear",
        }
    )
    row = only_row(panel)

    assert row["did_effect_abs"] == pytest.approx((3.8 - 3.0) - (3.2 - 2.9), abs=1e-12)
    assert row["naive_change_abs"] == pytest.approx(0.8, abs=1e-12)
    assert row["did_effect_pct"] == pytest.approx(0.5 / (3.8 - 0.5), abs=1e-12)
    assert row["evidence"] == "insufficient data"
    # One post month against the month before go-live: the event study is the DiD, and
    # without an earlier month there is no pre-period to test.
    (study,) = estimate_event_studies(panel).itertuples()
    assert (study.event_time, study.coefficient) == (0, pytest.approx(0.5, abs=1e-12))
    assert np.isnan(row["pre_trend_p_value"])


def test_malformed_input_is_rejected() -> None:
    panel = build_panel(10, {24: 2}, never=2, effect=0.0)
    with pytest.raises(ValueError, match="denominator"):
        estimate_effects(panel.assign(denominator=0.0))
    with pytest.raises(ValueError, match="first day of a month"):
        estimate_effects(panel.assign(month=panel["month"] + pd.Timedelta(days=3)))


PRE_TREND_CASES = [
    pytest.param("ppml", 0.03, {"effect": -0.30, "denominator": 20000.0}, id="ppml"),
    pytest.param("linear", 0.05, {"effect": 0.35, "level": 3.4}, id="linear"),
]


@pytest.mark.parametrize(("model", "drift", "options"), PRE_TREND_CASES)
def test_treated_units_drifting_before_go_live_are_flagged_as_a_pre_trend(
    model: str, drift: float, options: dict
) -> None:
    parallel = only_row(build_panel(11, {24: 10, 30: 10}, never=12, model=model, **options))
    drifting = build_panel(11, {24: 10, 30: 10}, never=12, model=model, pre_trend=drift, **options)
    flagged = only_row(drifting)

    assert parallel["evidence"] == "ok" and parallel["pre_trend_p_value"] > 0.10
    assert flagged["evidence"] == "pre_trend" and flagged["pre_trend_p_value"] < 0.001
    assert flagged[DID_COLUMNS].notna().all(), "still estimated, but flagged"
    # What the flag guards against: the drift carries on in the counterfactual the DiD
    # assumes, so its effect is off.
    effect = "did_effect_pct" if model == "ppml" else "did_effect_abs"
    assert abs(flagged[effect] - options["effect"]) > 2 * abs(parallel[effect] - options["effect"])
    study = estimate_event_studies(drifting).set_index("event_time")
    pre = study.loc[study.index < 0, "coefficient"]
    assert (pre.diff().dropna() > 0).mean() >= 0.75, "the drift shows, rising to go-live"


def share_covering(study: pd.DataFrame, value: float) -> float:
    """Share of event times whose relative 95% interval contains `value`."""
    return float(((study["ci_low_pct"] < value) & (study["ci_high_pct"] > value)).mean())


def test_event_study_recovers_the_effect_after_go_live_and_zero_before() -> None:
    panel = build_panel(12, {24: 10, 30: 10}, never=12, effect=-0.30, denominator=20000.0)
    study = estimate_event_studies(panel)

    assert list(study.columns) == EVENT_STUDY_COLUMNS
    assert (study[["initiative_id", "metric_name"]] == ["vision-qc", "ppml_metric"]).all().all()
    # The baseline's six months but the reference (-1); ramp-up months (0, 1) left out as
    # in the DiD; at most 12 months after go-live.
    assert list(study["event_time"]) == [-6, -5, -4, -3, -2, *range(2, 13)]
    assert study["effect_pct"].to_numpy() == pytest.approx(np.expm1(study["coefficient"]))
    assert (study["ci_low"] < study["coefficient"]).all()
    assert (study["coefficient"] < study["ci_high"]).all()
    before, after = study[study["event_time"] < 0], study[study["event_time"] > 0]
    assert share_covering(before, 0.0) >= 0.8
    assert after["effect_pct"].to_numpy() == pytest.approx(-0.30, abs=0.05)
    assert share_covering(after, -0.30) >= 0.8
    # Event time 12 is the first cohort's alone (the second's data end at 11).
    assert list(study["treated_units"]) == [20] * 15 + [10]


def test_quarterly_data_are_referenced_to_the_last_survey_before_go_live() -> None:
    panel = build_panel(13, {24: 10}, never=10, effect=0.35, model="linear", level=3.4, ramp=0)
    # A survey every third month, none in the month before go-live (month 23).
    quarterly = panel[(panel["month"].dt.month - 1) % 3 == 0]

    study = estimate_event_studies(quarterly)

    assert list(study["event_time"]) == [-6, 0, 3, 6, 9, 12]
    assert study["effect_pct"].isna().all(), "a score's effect is in points only"
    post = study[study["event_time"] >= 0]
    assert post["coefficient"].to_numpy() == pytest.approx(0.35, abs=0.1)
    assert np.isfinite(only_row(quarterly)["pre_trend_p_value"])


def test_a_month_without_any_count_has_no_coefficient_and_the_rest_do() -> None:
    panel = build_panel(14, {24: 10, 30: 10}, never=12, effect=-0.30)
    treated_at_plus_4 = panel["month"] == panel["go_live_month"] + pd.DateOffset(months=4)
    panel.loc[treated_at_plus_4, "numerator"] = 0.0

    study = estimate_event_studies(panel)

    # Its coefficient would be -inf: the month is left out, as ppmlhdfe leaves it out.
    assert list(study["event_time"]) == [-6, -5, -4, -3, -2, 2, 3, *range(5, 13)]
    assert study[["coefficient", "ci_low", "ci_high"]].notna().all().all()
    assert only_row(panel)["evidence"] == "ok"
