"""The stacked DiD refitted in many variants at once (attribution/refit.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from attribution.panel import iter_metric_panels
from attribution.refit import Grid, Refits
from tests.test_attribution import build_panel, only_row


@pytest.mark.parametrize(
    "panel",
    [
        build_panel(28, {24: 5, 30: 4}, never=6, effect=-0.3, keep_share=0.8),
        build_panel(29, {24: 6, 30: 6}, never=4, effect=0.0, level=0.01, denominator=100.0),
        build_panel(30, {12: 3, 24: 3}, never=2, effect=0.3, model="linear", level=3.0,
                    keep_share=0.8, months=36),
    ],
    ids=["ppml unbalanced", "ppml with zero counts", "linear unbalanced, not-yet-treated"],
)  # fmt: skip
def test_refitting_the_panel_as_it_is_reproduces_the_estimate(panel) -> None:
    (metric,) = iter_metric_panels(panel)
    grid = Grid.of(metric)
    go_live = np.zeros(len(metric.unit_ids), dtype=np.int64)
    go_live[metric.unit] = metric.go_live
    refits = Refits.of(metric, grid, go_live[None], np.ones((1, len(go_live)), dtype=bool))
    if metric.effect_model == "ppml":
        (effect,), _ = refits.poisson(grid.numerator)
    else:
        (effect,) = refits.linear((grid.numerator / grid.denominator)[None])[0]

    row = only_row(panel)
    if metric.effect_model == "ppml":
        assert effect == pytest.approx(np.log1p(row["did_effect_pct"]), abs=1e-9)
    else:
        assert effect == pytest.approx(row["did_effect_abs"], abs=1e-9)


def test_the_studentized_refit_divides_by_the_cluster_robust_standard_error() -> None:
    # One cohort and no ramp-up: the stacked regression is a two-way fixed-effects Poisson
    # regression on the months from the baseline on.
    panel = build_panel(32, {24: 5}, never=6, effect=-0.2, months=36, ramp=0)
    (metric,) = iter_metric_panels(panel)
    grid = Grid.of(metric)
    go_live = np.zeros(len(metric.unit_ids), dtype=np.int64)
    go_live[metric.unit] = metric.go_live
    refits = Refits.of(metric, grid, go_live[None], np.ones((1, len(go_live)), dtype=bool))
    (t,), _ = refits.poisson_t(grid.numerator)

    window = panel[panel["month"] >= panel["go_live_month"].min() - pd.DateOffset(months=6)]
    treated_post = (window["month"] >= window["go_live_month"]).astype(float)
    fixed_effects = pd.get_dummies(window[["unit_id", "month"]].astype(str), dtype=float)
    exog = fixed_effects.iloc[:, :-1].assign(treated_post=treated_post)
    direct = sm.GLM(
        window["numerator"],
        exog,
        family=sm.families.Poisson(),
        offset=np.log(window["denominator"]),
    ).fit(
        cov_type="cluster",
        cov_kwds={
            "groups": pd.factorize(window["unit_id"])[0],
            "use_correction": False,
            "df_correction": False,
        },
    )
    assert t == pytest.approx(direct.tvalues["treated_post"], rel=1e-6)
