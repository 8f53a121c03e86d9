"""The stacked DiD refitted in many variants at once (attribution/refit.py)."""

from __future__ import annotations

import numpy as np
import pytest

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
