"""The 95% interval and p-value of a DiD effect, by a method chosen from the design.

With few clusters a cluster-robust variance is too small and its intervals too narrow
(MacKinnon & Webb 2017; Cameron, Gelbach & Miller 2008). What decides is the smaller of
the numbers of treated and of control units:

- under FEW_UNITS: randomization inference over go-live assignments, exact when units
  are exchangeable (MacKinnon & Webb 2020); with one treated unit it is the
  placebo-in-space test, every unit in turn as the treated one;
- under PLENTIFUL_UNITS: the cluster jackknife (CRV3) by unit (MacKinnon, Nielsen & Webb
  2023), t with Welch-Satterthwaite degrees of freedom;
- otherwise cluster-robust (CRV1) by unit, t with G - 1 degrees of freedom.

The thresholds come from the coverage benchmark (docs/benchmarks.md): with 10 treated
units among 30 to 60 the jackknife's ppml intervals held the truth only about 93% of the
time, randomization inference's 95%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from attribution.did import CONFIDENCE, DidResult
from attribution.panel import NEVER, MetricPanel, StackedSample
from attribution.randomization import (
    RandomizationError,
    RandomizationResult,
    randomization_inference,
)
from attribution.refit import CELLS_PER_BATCH, Grid, Refits

FEW_UNITS = 20
PLENTIFUL_UNITS = 50


@dataclass(frozen=True)
class Inference:
    """Interval and p-value on the model's scale; `problem` says why there is no interval."""

    ci_low: float
    ci_high: float
    p_value: float
    method: str
    problem: str | None = None


def infer(p: MetricPanel, sample: StackedSample, did: DidResult) -> Inference:
    treated = len(np.unique(p.unit[sample.rows[sample.treated]]))
    fewest = min(treated, sample.control_units)
    if fewest < FEW_UNITS:
        return _randomization(p, did.beta)
    if fewest < PLENTIFUL_UNITS:
        return _cluster_jackknife(p, sample, did.beta)
    method = "cluster-robust (CRV1) by unit, t with G - 1 df"
    return Inference(did.ci_low, did.ci_high, did.p_value, method)


def _randomization(p: MetricPanel, beta: float) -> Inference:
    try:
        result = randomization_inference(p, beta)
    except RandomizationError as error:
        method = "randomization inference over go-live assignments"
        return Inference(np.nan, np.nan, np.nan, method, f"no 95% interval: {error}")
    method = f"{_deals(p, result)}; smallest attainable p-value {result.smallest_p_value}"
    if np.isnan(result.ci_low):
        problem = f"no 95% interval: the smallest attainable p-value is {result.smallest_p_value}"
    elif np.isinf([result.ci_low, result.ci_high]).any():
        problem = "no 95% interval: the randomization interval is unbounded"
    else:
        return Inference(result.ci_low, result.ci_high, result.p_value, method)
    return Inference(np.nan, np.nan, result.p_value, method, problem)


def _deals(p: MetricPanel, result: RandomizationResult) -> str:
    treated_units = len(np.unique(p.unit[p.go_live < NEVER]))
    if treated_units == 1 and result.deals == result.total_deals:
        return f"placebo in space: each of the {result.deals} units in turn as the treated one"
    if result.deals == result.total_deals:
        return f"randomization inference: all {result.deals} go-live assignments"
    return (
        f"randomization inference: the actual and {result.deals - 1} other of "
        f"{result.total_deals:,} go-live assignments, drawn at random"
    )


def _cluster_jackknife(p: MetricPanel, sample: StackedSample, beta: float) -> Inference:
    """CRV3: the spread of the effect with each unit left out in turn.

    The DiD compares treated units with controls, so its variance is a sum of the two
    groups' parts; t takes the Welch-Satterthwaite degrees of freedom of that sum: about
    G - 2 when the groups are alike in size and spread, down to the smaller group's size
    less one when that group's part dominates (as with 10 treated units among 60).
    """
    clusters = np.unique(p.unit[sample.rows])
    treated = np.isin(clusters, p.unit[sample.rows[sample.treated]])
    left_out = _left_out_effects(p, clusters)
    n = len(clusters)
    if not np.isfinite(left_out).all():
        method = "cluster jackknife (CRV3) by unit"
        problem = "no 95% interval: leaving a unit out leaves the effect inestimable"
        return Inference(np.nan, np.nan, np.nan, method, problem)
    squares = (n - 1) / n * (left_out - beta) ** 2
    df = _welch_satterthwaite([squares[treated], squares[~treated]])
    method = f"cluster jackknife (CRV3) by unit, t with {df:.1f} df (Welch-Satterthwaite)"
    se = math.sqrt(squares.sum())
    half_width = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
    p_value = float(2 * stats.t.sf(abs(beta) / se, df)) if se > 0 else 0.0
    return Inference(beta - half_width, beta + half_width, p_value, method)


def _welch_satterthwaite(groups: list[np.ndarray]) -> float:
    """Degrees of freedom of a sum of the groups' sums of squares, each on its size - 1."""
    parts = [(float(g.sum()), len(g) - 1) for g in groups if len(g) > 1]
    denominator = sum(total**2 / df for total, df in parts)
    if denominator == 0:
        return float(sum(len(g) for g in groups) - 1)
    return sum(total for total, _ in parts) ** 2 / denominator


def _left_out_effects(p: MetricPanel, clusters: np.ndarray) -> np.ndarray:
    """The effect without each unit of `clusters` in turn, a batch of units at a time."""
    grid = Grid.of(p)
    go_live = np.zeros(len(p.unit_ids), dtype=np.int64)
    go_live[p.unit] = p.go_live
    batch = max(1, CELLS_PER_BATCH // grid.present.size)
    effects = []
    for first in range(0, len(clusters), batch):
        left_out = clusters[first : first + batch]
        include = np.ones((len(left_out), len(p.unit_ids)), dtype=bool)
        include[np.arange(len(left_out)), left_out] = False
        refits = Refits.of(p, grid, np.tile(go_live, (len(left_out), 1)), include)
        if p.effect_model == "ppml":
            effects.append(refits.poisson(grid.numerator)[0])
        else:
            effects.append(refits.linear((grid.numerator / grid.denominator)[None])[0])
    return np.concatenate(effects)
