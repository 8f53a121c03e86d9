"""The attribution's intervals: each method checked against a direct computation."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from attribution.did import fit_did
from attribution.panel import build_stacks, iter_metric_panels
from attribution.randomization import go_live_assignments, studentized
from tests.test_attribution import build_panel, only_row

ALPHA = 0.05


def model_scale_effect(panel: pd.DataFrame) -> float:
    """The DiD effect as the regression states it: log ratio (ppml) or points (linear)."""
    row = only_row(panel)
    if row["effect_model"] == "ppml":
        return float(np.log1p(row["did_effect_pct"]))
    return float(row["did_effect_abs"])


def point_estimate(panel: pd.DataFrame) -> float:
    """The DiD effect on the model's scale, without the cost of its interval."""
    (metric,) = iter_metric_panels(panel)
    return fit_did(metric, build_stacks(metric, metric.measured_units())).beta


def placebo_effects(panel: pd.DataFrame, treated: str, tau: float) -> dict[str, float]:
    """Each unit's effect as the one treated unit, on the values the hypothesis of an
    effect tau implies had nothing gone live, without the ramp-up months."""
    go_live = panel.loc[panel["unit_id"] == treated, "go_live_month"].iloc[0]
    post_start = go_live + pd.DateOffset(months=int(panel["ramp_up_months"].iloc[0]))
    untreated = panel[(panel["month"] < go_live) | (panel["month"] >= post_start)].copy()
    post = (untreated["unit_id"] == treated) & (untreated["month"] >= post_start)
    if untreated["effect_model"].iloc[0] == "ppml":
        untreated.loc[post, "numerator"] *= np.exp(-tau)
    else:
        untreated.loc[post, "numerator"] -= tau * untreated.loc[post, "denominator"]
    effects = {}
    for unit in untreated["unit_id"].unique():
        dealt = untreated.assign(go_live_month=pd.NaT)
        dealt.loc[dealt["unit_id"] == unit, "go_live_month"] = go_live
        effects[unit] = model_scale_effect(dealt)
    return effects


def placebo_p_value(panel: pd.DataFrame, treated: str, tau: float) -> float:
    effects = placebo_effects(panel, treated, tau)
    actual = abs(effects[treated])
    return np.mean([abs(e) >= actual * (1 - 1e-9) for e in effects.values()])


def studentized_p_value(panel: pd.DataFrame, tau: float) -> float:
    """The share of go-live deals whose ppml t-statistic (cluster-robust by unit, without
    small-sample factors) on the values implied by an effect tau is at least as far from
    zero as the actual deal's; one cohort, no ramp-up."""
    go_live = panel["go_live_month"].min()
    window = panel[panel["month"] >= go_live - pd.DateOffset(months=6)]
    post = (window["month"] >= go_live).to_numpy()
    treated = set(window.loc[window["go_live_month"].notna(), "unit_id"])
    numerator = window["numerator"] * np.exp(-tau * (post & window["go_live_month"].notna()))
    exog = pd.get_dummies(window[["unit_id", "month"]].astype(str), dtype=float).iloc[:, :-1]
    groups = pd.factorize(window["unit_id"])[0]

    def t_statistic(deal: tuple[str, ...]) -> float:
        dummy = (window["unit_id"].isin(deal).to_numpy() & post).astype(float)
        model = sm.GLM(numerator, exog.assign(dummy=dummy), family=sm.families.Poisson(),
                       offset=np.log(window["denominator"]))  # fmt: skip
        fit = model.fit(cov_type="cluster", cov_kwds={
            "groups": groups, "use_correction": False, "df_correction": False})  # fmt: skip
        return abs(fit.tvalues["dummy"])

    deals = combinations(window["unit_id"].unique(), len(treated))
    others = np.array([t_statistic(deal) for deal in deals])
    return float(np.mean(others >= t_statistic(tuple(treated)) * (1 - 1e-9)))


def jackknife_interval(
    panel: pd.DataFrame, effect: float, alike_units: bool = False
) -> tuple[float, float, float]:
    """The CRV3 interval by unit, t with Welch-Satterthwaite df (G - 2 for `alike_units`):
    low, high and df."""
    units = sorted(panel["unit_id"].unique())
    left_out = np.array([point_estimate(panel[panel["unit_id"] != u]) for u in units])
    n = len(units)
    squares = (n - 1) / n * (left_out - effect) ** 2
    treated = panel.groupby("unit_id")["go_live_month"].first().notna().to_numpy()
    parts = [squares[treated], squares[~treated]]
    df = sum(p.sum() for p in parts) ** 2 / sum(p.sum() ** 2 / (len(p) - 1) for p in parts)
    df = n - 2 if alike_units else df
    half_width = stats.t.ppf(0.975, df) * np.sqrt(squares.sum())
    return effect - half_width, effect + half_width, df


@pytest.mark.parametrize(
    ("model", "effect", "level", "tolerance"),
    [("linear", 0.35, 3.4, 1e-9), ("ppml", -0.3, 0.05, 2e-4)],
)
def test_one_treated_unit_gets_the_placebo_in_space_interval(model, effect, level, tolerance):
    # 20 units: every one in turn as the treated one gives p-values in steps of 1/20, so
    # a 95% interval exists. A ppml interval's ends are located to 1e-4 on the log scale.
    panel = build_panel(
        21, {24: 1}, never=19, effect=effect, model=model, level=level, months=36, ramp=1
    )
    row = only_row(panel)
    treated = "U000"

    assert row["inference_method"] == (
        "placebo in space: each of the 20 units in turn as the treated one; "
        "smallest attainable p-value 1/20"
    )
    assert row["evidence"] == "ok"
    assert row["did_p_value"] == placebo_p_value(panel, treated, 0.0)
    scale = "abs" if model == "linear" else "pct"
    low, high = row[f"did_ci_low_{scale}"], row[f"did_ci_high_{scale}"]
    if model == "ppml":
        low, high = np.log1p(low), np.log1p(high)
    assert low < model_scale_effect(panel) < high
    # The interval is every hypothesis the permutation test does not reject.
    assert placebo_p_value(panel, treated, low - tolerance) <= ALPHA
    assert placebo_p_value(panel, treated, low + tolerance) > ALPHA
    assert placebo_p_value(panel, treated, high - tolerance) > ALPHA
    assert placebo_p_value(panel, treated, high + tolerance) <= ALPHA


def test_a_placebo_on_one_team_of_eight_gets_the_t_approximation_and_its_exact_limit() -> None:
    # Eight units allow an exact p-value of 1/8 at best: the interval is the t
    # approximation, the treated unit's effect against the spread of the seven placebos.
    panel = build_panel(22, {24: 1}, never=7, effect=0.0, model="linear", level=3.0, ramp=0)
    row = only_row(panel)
    effect = row["did_effect_abs"]
    go_live = panel.loc[panel["unit_id"] == "U000", "go_live_month"].iloc[0]
    controls = panel[panel["unit_id"] != "U000"]
    placebos = np.array(
        [
            point_estimate(controls.assign(go_live_month=controls["go_live_month"].mask(
                controls["unit_id"] == unit, go_live)))
            for unit in controls["unit_id"].unique()
        ]
    )  # fmt: skip
    scale = placebos.std(ddof=1) * np.sqrt(1 + 1 / 7)
    half_width = stats.t.ppf(0.975, 6) * scale

    assert row["inference_method"] == (
        "placebo-in-space t approximation: the effect against the spread of the 7 other "
        "units' placebo effects, t with 6 df; exact test: the smallest attainable p-value "
        "is 1/8"
    )
    assert row["evidence"] == "ok"
    assert row["did_ci_low_abs"] == pytest.approx(effect - half_width, rel=1e-9)
    assert row["did_ci_high_abs"] == pytest.approx(effect + half_width, rel=1e-9)
    assert row["did_p_value"] == pytest.approx(2 * stats.t.sf(abs(effect) / scale, 6))
    assert row["ci_excludes_zero"] == (row["did_p_value"] < ALPHA)


def test_three_of_six_at_once_get_the_jackknife_t_approximation() -> None:
    # Treating the other three mirrors the effect exactly: every deal ties with its mirror
    # image, so no exact p-value falls below 2/20 and the interval is the jackknife's.
    panel = build_panel(23, {24: 3}, never=3, effect=-0.3, months=36, ramp=0)
    row = only_row(panel)
    effect = np.log1p(row["did_effect_pct"])
    low, high, _ = jackknife_interval(panel, effect, alike_units=True)

    assert row["inference_method"] == (
        "jackknife t approximation: cluster jackknife (CRV3) by unit, t with 4 df (G - 2, "
        "units alike); exact test: the smallest attainable p-value is 2/20"
    )
    assert row["evidence"] == "ok"
    assert np.log1p(row["did_ci_low_pct"]) == pytest.approx(low, rel=1e-9)
    assert np.log1p(row["did_ci_high_pct"]) == pytest.approx(high, rel=1e-9)


def test_with_five_treated_units_the_test_is_studentized() -> None:
    # 5 of 10 units at once: 252 deals, each tied with its mirror image (2/252 at best).
    # Each deal's statistic is its effect over its cluster-robust standard error, on the
    # values the hypothesis implies.
    panel = build_panel(33, {18: 5}, never=5, effect=-0.2, months=30, ramp=0)
    row = only_row(panel)
    low, high = np.log1p(row["did_ci_low_pct"]), np.log1p(row["did_ci_high_pct"])
    tolerance = 2e-4

    assert row["inference_method"] == (
        "studentized randomization inference: all 252 go-live assignments, the effect over "
        "its cluster-robust standard error by unit in each; smallest attainable p-value 2/252"
    )
    assert row["did_p_value"] == pytest.approx(studentized_p_value(panel, 0.0))
    assert low < model_scale_effect(panel) < high
    assert studentized_p_value(panel, low - tolerance) <= ALPHA
    assert studentized_p_value(panel, low + tolerance) > ALPHA
    assert studentized_p_value(panel, high - tolerance) > ALPHA
    assert studentized_p_value(panel, high + tolerance) <= ALPHA


def test_below_five_treated_units_the_test_keeps_the_plain_effect() -> None:
    never = np.iinfo(np.int64).max // 4
    assert not studentized(np.array([3] * 4 + [never] * 26))
    assert studentized(np.array([3] * 5 + [never] * 5))
    assert not studentized(np.array([3] * 25 + [never] * 4))


def test_go_live_months_are_dealt_every_distinct_way_the_actual_first() -> None:
    never = np.iinfo(np.int64).max // 4
    go_live = np.array([5, never, 7, never, 5, never])
    deals, total = go_live_assignments(go_live)

    assert total == 720 // (2 * 1 * 6)  # 6! / (2! 1! 3!)
    assert len(deals) == total == len(np.unique(deals, axis=0))
    assert (deals[0] == go_live).all()
    assert all(sorted(deal) == sorted(go_live) for deal in deals)


def test_many_go_live_assignments_are_drawn_distinct_with_a_fixed_seed() -> None:
    never = np.iinfo(np.int64).max // 4
    go_live = np.array([3] * 4 + [never] * 26)
    first, total = go_live_assignments(go_live)
    again, _ = go_live_assignments(go_live)

    assert total == 27_405 and len(first) == len(np.unique(first, axis=0)) == 400
    assert (first == again).all() and (first[0] == go_live).all()


def test_between_twenty_and_fifty_units_a_side_the_cluster_jackknife_is_used() -> None:
    panel = build_panel(24, {24: 10, 30: 10}, never=12, effect=0.3, model="linear", level=3.0)
    row = only_row(panel)
    effect = row["did_effect_abs"]
    low, high, df = jackknife_interval(panel, effect)
    se = (high - low) / 2 / stats.t.ppf(0.975, df)

    assert row["inference_method"] == (
        f"cluster jackknife (CRV3) by unit, t with {df:.1f} df (Welch-Satterthwaite)"
    )
    assert 20 < df < panel["unit_id"].nunique() - 1
    assert row["did_ci_low_abs"] == pytest.approx(low, rel=1e-9)
    assert row["did_ci_high_abs"] == pytest.approx(high, rel=1e-9)
    assert row["did_p_value"] == pytest.approx(2 * stats.t.sf(abs(effect) / se, df), rel=1e-6)


def test_with_fifty_units_a_side_the_interval_is_cluster_robust() -> None:
    row = only_row(build_panel(25, {24: 50}, never=50, effect=0.3, model="linear", level=3.0))

    assert row["inference_method"] == "cluster-robust (CRV1) by unit, t with G - 1 df"
    assert row["did_ci_low_abs"] < 0.3 < row["did_ci_high_abs"]


def test_rows_without_an_estimate_name_no_inference() -> None:
    row = only_row(build_panel(26, {24: 12}, never=0, effect=-0.3))

    assert row["evidence"] == "no control units"
    assert row["inference_method"] == "none: no DiD estimate"


def test_sparse_counts_whose_refits_diverge_still_get_an_interval_or_a_reason() -> None:
    # About one event per three unit-months: some go-live deals leave a cohort without
    # events or a fit that runs away; those deals count as extreme, never as an error.
    panel = build_panel(31, {24: 2}, never=7, effect=0.0, level=0.003, denominator=100.0)
    assert (panel["numerator"] == 0).mean() > 0.6
    row = only_row(panel)

    has_interval = np.isfinite(row["did_ci_low_pct"]) and np.isfinite(row["did_ci_high_pct"])
    assert has_interval or row["evidence"].startswith("no 95% interval: ")
    assert 0 < row["did_p_value"] <= 1
