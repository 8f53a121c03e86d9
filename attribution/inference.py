"""The 95% interval and p-value of a DiD effect, by a method chosen from the design.

With few clusters a cluster-robust variance is too small and its intervals too narrow
(MacKinnon & Webb 2017; Cameron, Gelbach & Miller 2008). What decides is the smaller of
the numbers of treated and of control units:

- under FEW_UNITS: randomization inference over go-live assignments, exact when units
  are exchangeable (MacKinnon & Webb 2020); with one treated unit it is the
  placebo-in-space test, every unit in turn as the treated one. Where the assignments
  are too few for any exact 95% interval, a t approximation resting on alike, roughly
  normal unit shocks, named as such, with the exact test's smallest p-value: the
  placebo-in-space t interval with one treated unit (Conley & Taber 2011; Ferman &
  Pinto 2019), else the cluster jackknife with G - 2 degrees of freedom;
- under PLENTIFUL_UNITS: the cluster jackknife (CRV3) by unit (MacKinnon, Nielsen & Webb
  2023), t with Welch-Satterthwaite degrees of freedom;
- otherwise cluster-robust (CRV1) by unit, t with G - 1 degrees of freedom.

The thresholds come from the coverage benchmark (docs/benchmarks.md): with 10 treated
units among 30 to 60 the jackknife's ppml intervals held the truth only about 93% of the
time, randomization inference's 95.6% (linear) and, studentized, 93.4% (ppml).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

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
        return _randomization(p, sample, did.beta)
    if fewest < PLENTIFUL_UNITS:
        return _cluster_jackknife(p, sample, did.beta)
    method = "cluster-robust (CRV1) by unit, t with G - 1 df"
    return Inference(did.ci_low, did.ci_high, did.p_value, method)


def _randomization(p: MetricPanel, sample: StackedSample, beta: float) -> Inference:
    try:
        result = randomization_inference(p, beta)
    except RandomizationError as error:
        method = "randomization inference over go-live assignments"
        return Inference(np.nan, np.nan, np.nan, method, f"no 95% interval: {error}")
    method = f"{_deals(p, result)}; smallest attainable p-value {result.smallest_p_value}"
    if np.isnan(result.ci_low):
        exact = f"the smallest attainable p-value is {result.smallest_p_value}"
        approximate = _t_approximation(p, sample, beta, exact)
        if approximate is not None:
            return approximate
        problem = f"no 95% interval: {exact}"
    elif np.isinf([result.ci_low, result.ci_high]).any():
        problem = "no 95% interval: the randomization interval is unbounded"
    else:
        return Inference(result.ci_low, result.ci_high, result.p_value, method)
    return Inference(np.nan, np.nan, result.p_value, method, problem)


def _deals(p: MetricPanel, result: RandomizationResult) -> str:
    treated_units = len(np.unique(p.unit[p.go_live < NEVER]))
    if treated_units == 1 and result.deals == result.total_deals:
        return f"placebo in space: each of the {result.deals} units in turn as the treated one"
    name = "randomization inference"
    statistic = ""
    if result.studentized:
        name = "studentized randomization inference"
        statistic = ", the effect over its cluster-robust standard error by unit in each"
    if result.deals == result.total_deals:
        return f"{name}: all {result.deals} go-live assignments{statistic}"
    return (
        f"{name}: the actual and {result.deals - 1} other of "
        f"{result.total_deals:,} go-live assignments, drawn at random{statistic}"
    )


def _t_approximation(
    p: MetricPanel, sample: StackedSample, beta: float, exact: str
) -> Inference | None:
    """Where no exact 95% interval exists, a t interval resting on alike, roughly normal
    unit shocks, or None where even that cannot be made. The exact test's limit is
    stated in the method."""
    treated = np.unique(p.unit[p.go_live < NEVER])
    if len(treated) == 1:
        inference = _placebo_t(p, int(treated[0]), beta)
    else:
        inference = _cluster_jackknife(p, sample, beta, alike_units=True)
        inference = replace(inference, method=f"jackknife t approximation: {inference.method}")
    if inference is None or inference.problem:
        return None
    return replace(inference, method=f"{inference.method}; exact test: {exact}")


def _placebo_t(p: MetricPanel, treated: int, beta: float) -> Inference | None:
    """The treated unit's effect against the spread of the placebo effects: each other
    unit in turn as the treated one, the treated unit left out (Conley & Taber 2011;
    Ferman & Pinto 2019). With M placebos of standard deviation s, the interval is
    beta -+ t(M - 1) s sqrt(1 + 1/M), the prediction interval of one more unit."""
    placebos = _placebo_effects(p, treated)
    m = len(placebos)
    if m < 2 or not np.isfinite(placebos).all():
        return None
    scale = float(np.std(placebos, ddof=1)) * math.sqrt(1 + 1 / m)
    half_width = stats.t.ppf(0.5 + CONFIDENCE / 2, m - 1) * scale
    p_value = float(2 * stats.t.sf(abs(beta) / scale, m - 1)) if scale > 0 else 0.0
    method = (
        f"placebo-in-space t approximation: the effect against the spread of the {m} "
        f"other units' placebo effects, t with {m - 1} df"
    )
    return Inference(beta - half_width, beta + half_width, p_value, method)


def _placebo_effects(p: MetricPanel, treated: int) -> np.ndarray:
    """Each never-treated unit's effect with the treated unit's go-live, that unit left out."""
    go_live = np.full(len(p.unit_ids), NEVER, dtype=np.int64)
    go_live[p.unit] = p.go_live
    others = np.flatnonzero(go_live == NEVER)
    deals = np.full((len(others), len(go_live)), NEVER, dtype=np.int64)
    deals[np.arange(len(others)), others] = go_live[treated]
    include = np.ones(deals.shape, dtype=bool)
    include[:, treated] = False
    grid = Grid.of(p)
    refits = Refits.of(p, grid, deals, include)
    if p.effect_model == "ppml":
        return refits.poisson(grid.numerator)[0]
    return refits.linear((grid.numerator / grid.denominator)[None])[0]


def _cluster_jackknife(
    p: MetricPanel, sample: StackedSample, beta: float, alike_units: bool = False
) -> Inference:
    """CRV3: the spread of the effect with each unit left out in turn.

    The DiD compares treated units with controls, so its variance is a sum of the two
    groups' parts; t takes the Welch-Satterthwaite degrees of freedom of that sum: about
    G - 2 when the groups are alike in size and spread, down to the smaller group's size
    less one when that group's part dominates (as with 10 treated units among 60).
    Assuming `alike_units`, t takes G - 2 degrees of freedom, the two-sample t's.
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
    if alike_units:
        df = float(n - 2)
        method = f"cluster jackknife (CRV3) by unit, t with {n - 2} df (G - 2, units alike)"
    else:
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
