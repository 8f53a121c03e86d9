"""Randomization inference over go-live assignments, for designs with few units.

The go-live months are dealt to the units again (every distinct way, or the actual one
and ASSIGNMENTS - 1 other distinct deals drawn at random) and the effect re-estimated for
each deal. Under the hypothesis that the effect is tau in every treated post month, each
unit's untreated values are known: the value less tau (linear) or the numerator divided
by e^tau (ppml) in the actual post months; ramp-up months, whose effect is not
hypothesised, are left out.
The p-value of tau is the share of deals whose statistic on those values is at least as
far from zero as the actual deal's; the 95% interval is every tau with a p-value above
0.05. Exact when units are exchangeable (alike but for the go-live), whatever their
number; with one treated unit it is the placebo-in-space test. The p-value is a multiple
of 1/deals, so a 95% interval needs at least 20 deals.

The statistic is the effect, or for ppml with STUDENTIZED_FROM treated and control units
or more the effect over its cluster-robust standard error (studentized: Chung & Romano
2013; MacKinnon & Webb 2020). Dividing a treated count by e^tau gives it the untreated
mean but not the untreated variance (1/(1 + effect) times as large), so the plain
effect's deals are not quite alike under the hypothesis; the t-statistic is robust to
such differences in spread, which show once the treated units are many.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from attribution.did import CONFIDENCE, MAX_LOG_EFFECT
from attribution.panel import NEVER, MetricPanel
from attribution.refit import Grid, Refits

ASSIGNMENTS = 400
SEED = 15
# Treated and control units from which a ppml test is studentized (`studentized`).
STUDENTIZED_FROM = 5
# A ppml interval's ends are refined until they move by less than this (log scale, 0.01%).
_ENDPOINT_TOLERANCE = 1e-4
_MAX_REFINEMENTS = 6
# A studentized interval's ends are searched for up to about 0.2 * 2^_MAX_DOUBLINGS times
# as far from the estimate as first guessed.
_MAX_DOUBLINGS = 8
# Effects this close (relative) are ties: refits carry round-off of about 1e-9.
_TIES = 1e-7


class RandomizationError(Exception):
    """The refits cannot estimate the actual deal's effect; the message is shown to people."""


@dataclass(frozen=True)
class RandomizationResult:
    """Interval on the model's scale (nan where no effect can be rejected, infinite where
    it is unbounded) and the smallest p-value any hypothesised effect could get."""

    ci_low: float
    ci_high: float
    p_value: float
    fewest_extreme: int  # deals at least as extreme as the actual one, at the least
    deals: int
    total_deals: int
    studentized: bool  # the statistic is the effect over its cluster-robust standard error

    @property
    def smallest_p_value(self) -> str:
        return f"{self.fewest_extreme}/{self.deals}"


def randomization_inference(p: MetricPanel, beta: float) -> RandomizationResult:
    """p-value of no effect and 95% interval; `beta` is the effect estimated on the panel."""
    go_live = np.zeros(len(p.unit_ids), dtype=np.int64)
    go_live[p.unit] = p.go_live
    grid, treated_post = _untreated_grid(p, go_live)
    deals, total = go_live_assignments(go_live)
    refits = Refits.of(p, grid, deals, np.ones(deals.shape, dtype=bool))
    needed = _needed(len(deals))
    if p.effect_model == "linear":
        values = np.stack([grid.numerator / grid.denominator, treated_post.astype(float)])
        level, slope = refits.linear(values)
        at_zero = level
        low, high, fewest = _linear_acceptance(level, slope, needed)
    else:
        effects = _PoissonEffects(refits, grid.numerator, treated_post, studentized(go_live))
        at_zero = effects.every_deal(0.0)
        interval = _studentized_interval if effects.studentized else _poisson_interval
        low, high, fewest = interval(effects, at_zero, beta, needed)
    if fewest >= needed:
        low, high = np.nan, np.nan
    p_value = float(_extreme_counts(at_zero[None])[0] / len(deals))
    studentized_ = p.effect_model == "ppml" and studentized(go_live)
    return RandomizationResult(low, high, p_value, fewest, len(deals), total, studentized_)


def studentized(go_live: np.ndarray) -> bool:
    """Whether a ppml test divides each deal's effect by its cluster-robust standard error:
    with STUDENTIZED_FROM treated and control units or more. With fewer, that error rests
    on a few units' scores (with one it is degenerate, MacKinnon & Webb 2017), and the
    imputed counts' extra spread is lost in the units' own shocks: the plain effect held
    its coverage there in the benchmark."""
    treated = int((go_live < NEVER).sum())
    return min(treated, len(go_live) - treated) >= STUDENTIZED_FROM


def go_live_assignments(go_live: np.ndarray) -> tuple[np.ndarray, int]:
    """Distinct deals of the go-live months to units, the actual one first, and how many
    there are: all of them when they are at most ASSIGNMENTS, else the actual one and
    ASSIGNMENTS - 1 others drawn uniformly without replacement (with a fixed seed)."""
    values, counts = np.unique(go_live, return_counts=True)
    total = math.factorial(len(go_live)) // math.prod(math.factorial(c) for c in counts)
    if total > ASSIGNMENTS:
        return _drawn_deals(go_live), total
    deals = np.stack(list(_all_deals(len(go_live), values, counts)))
    actual = np.flatnonzero((deals == go_live).all(axis=1))[0]
    order = np.r_[actual, np.delete(np.arange(len(deals)), actual)]
    return deals[order], total


def _drawn_deals(go_live: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    seen = {go_live.tobytes()}
    deals = [go_live]
    while len(deals) < ASSIGNMENTS:
        deal = rng.permutation(go_live)
        if deal.tobytes() not in seen:
            seen.add(deal.tobytes())
            deals.append(deal)
    return np.stack(deals)


def _all_deals(n_units: int, values: np.ndarray, counts: np.ndarray) -> Iterator[np.ndarray]:
    if len(values) == 1:
        yield np.full(n_units, values[0])
        return
    free = list(range(n_units))
    for chosen in combinations(free, counts[0]):
        rest = [u for u in free if u not in chosen]
        for tail in _all_deals(len(rest), values[1:], counts[1:]):
            deal = np.empty(n_units, dtype=values.dtype)
            deal[list(chosen)] = values[0]
            deal[rest] = tail
            yield deal


def _untreated_grid(p: MetricPanel, go_live: np.ndarray) -> tuple[Grid, np.ndarray]:
    """The panel without ramp-up months, and the treated units' post cells.

    Every unit loses the ramp-up months of every cohort, not only the treated units
    theirs: what is left out must not depend on who is treated, else the deals are not
    alike (a deal and its mirror image would no longer tie).
    """
    grid = Grid.of(p)
    month = grid.months()
    ramp_up = np.zeros(len(month), dtype=bool)
    for g in np.unique(go_live[go_live < NEVER]):
        ramp_up |= (month >= g) & (month < g + p.ramp_up_months)
    post = grid.present & (month[None, :] >= go_live[:, None] + p.ramp_up_months)
    return replace(grid, present=grid.present & ~ramp_up[None, :]), post


def _needed(deals: int) -> int:
    """Deals at least as extreme as the actual one (itself included) for p > 0.05."""
    return math.floor(deals * (1 - CONFIDENCE) + _TIES) + 1


def _extreme_counts(effects: np.ndarray) -> np.ndarray:
    """Per row of effects (actual deal first): deals at least as far from zero."""
    size = np.abs(effects)
    return (size >= size[:, :1] * (1 - _TIES) - _TIES).sum(axis=1)


@dataclass
class _PoissonEffects:
    """Deals' ppml statistics on the untreated values implied by an effect tau: the effect,
    or the effect over its cluster-robust standard error where `studentized`."""

    refits: Refits
    numerator: np.ndarray
    treated_post: np.ndarray
    studentized: bool
    fits: dict[float, list[np.ndarray]] = field(default_factory=dict)

    def every_deal(self, tau: float) -> np.ndarray:
        statistics, self.fits[tau] = self._fit(self.refits, tau, self._start(tau))
        return statistics

    def some_deals(self, tau: float, deals: np.ndarray) -> np.ndarray:
        start = [state[deals] for state in self._start(tau)]
        return self._fit(self.refits.subset(deals), tau, start)[0]

    def _fit(
        self, refits: Refits, tau: float, start: list[np.ndarray] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        fit = refits.poisson_t if self.studentized else refits.poisson
        return fit(self._untreated(tau), start)

    def _untreated(self, tau: float) -> np.ndarray:
        return self.numerator * np.exp(-tau * self.treated_post)

    def _start(self, tau: float) -> list[np.ndarray] | None:
        """The nearest fit, its treated post cells moved by the change in tau: dividing
        their numerators by e^tau moves their fitted log means about as much, and a start
        that far off can make the first Poisson step overshoot."""
        nearest = min(self.fits, key=lambda fitted: abs(fitted - tau), default=None)
        if nearest is None:
            return None
        shift = (tau - nearest) * self.treated_post
        return [
            state - shift[None, :, stack.start :]
            for state, stack in zip(self.fits[nearest], self.refits.stacks, strict=True)
        ]


@np.errstate(invalid="ignore")  # diverged deals (inf) give nan lines: always extreme
def _poisson_interval(
    effects: _PoissonEffects, at_zero: np.ndarray, beta: float, needed: int
) -> tuple[float, float, int]:
    """Each deal's ppml effect is close to linear in tau: lines through its effects at 0
    and at the estimate locate the ends of the interval. Each end is then refined by
    refitting, there, the deals near the boundary (whose lines are redrawn through it)
    until it moves by less than _ENDPOINT_TOLERANCE."""
    centre = beta if abs(beta) > 1e-3 else beta + 0.05
    at_centre = effects.every_deal(centre)
    slope = (at_zero - at_centre) / centre
    low, high, fewest = _linear_acceptance(at_zero, slope, needed)
    if fewest >= needed:
        return low, high, fewest
    # Deals whose statistic is within this of the actual deal's at an end are refitted
    # there: a fifth of the interval, in the statistic's units (tau's times its slope).
    margin = max(0.2 * (high - low), 0.01) * abs(slope[0]) if np.isfinite(high - low) else np.inf
    ends = []
    for side, end in enumerate((low, high)):
        level, side_slope = at_zero.copy(), slope.copy()
        for _ in range(_MAX_REFINEMENTS):
            if not np.isfinite(end):
                break
            gap = np.abs(level - end * side_slope) - abs(level[0] - end * side_slope[0])
            near = np.flatnonzero((np.abs(gap) <= margin) | (np.arange(len(gap)) == 0))
            exact = effects.some_deals(end, near)
            side_slope[near] = (exact - at_centre[near]) / (centre - end)
            level[near] = exact + end * side_slope[near]
            refined = _linear_acceptance(level, side_slope, needed)[side]
            converged = abs(refined - end) < _ENDPOINT_TOLERANCE
            end = refined
            if converged:
                break
        ends.append(end)
    return ends[0], ends[1], fewest


def _studentized_interval(
    effects: _PoissonEffects, at_zero: np.ndarray, beta: float, needed: int
) -> tuple[float, float, int]:
    """The interval of a studentized test, end by end. A t-statistic is not close to
    linear in tau, so every step refits every deal; the steps follow the gap between the
    actual deal's |t| and the largest |t| it must not exceed (`_Gap`)."""
    if not np.isfinite(at_zero[0]):
        raise RandomizationError("the refit of the actual go-live assignment diverged")
    gap = _Gap(effects, needed)
    gap.counts[0.0] = int(_extreme_counts(at_zero[None])[0])
    at_beta = effects.every_deal(beta)
    gap.record(beta, at_beta)
    others = np.sort(np.abs(at_beta[1:]))[::-1]
    reach = others[needed - 2] if needed >= 2 and np.isfinite(others[needed - 2]) else 2.0
    error = abs(beta / at_zero[0]) if at_zero[0] != 0 else _ENDPOINT_TOLERANCE
    ends = [gap.end(beta, side * max(reach, 1.0) * error) for side in (-1, 1)]
    return ends[0], ends[1], min(gap.counts.values())


@dataclass
class _Gap:
    """A tau is accepted when at least `needed` deals (the actual one included) are as
    extreme as the actual one: when the actual deal's |t| is at most the (needed - 1)th
    largest of the others'. Their difference, the gap, is continuous in tau: its sign
    change locates an end of the interval (regula falsi, Illinois variant)."""

    effects: _PoissonEffects
    needed: int
    counts: dict[float, int] = field(default_factory=dict)
    gaps: dict[float, float] = field(default_factory=dict)

    def record(self, tau: float, statistics: np.ndarray) -> None:
        self.counts[tau] = int(_extreme_counts(statistics[None])[0])
        others = np.sort(np.abs(statistics[1:]))[::-1]
        limit = others[self.needed - 2] if self.needed >= 2 else np.inf
        with np.errstate(invalid="ignore"):
            gap = abs(statistics[0]) - limit
        self.gaps[tau] = float(np.nan_to_num(gap, nan=np.inf, posinf=1e6, neginf=-1e6))

    def accepted(self, tau: float) -> bool:
        if tau not in self.counts:
            self.record(tau, self.effects.every_deal(tau))
        return self.counts[tau] >= self.needed

    def end(self, beta: float, step: float) -> float:
        """The last accepted tau from `beta` in the direction of `step` (about where the
        end should be): infinite if none within reach is rejected, nan if `beta` is."""
        if not self.accepted(beta):
            return np.nan
        inside = beta
        for doubling in range(_MAX_DOUBLINGS + 1):
            outside = beta + step * (1 + 0.1 * (2 ** (doubling + 1) - 1))
            if abs(outside) > MAX_LOG_EFFECT:
                break
            if not self.accepted(outside):
                return self._bracketed(inside, outside)
            inside = outside
        return math.copysign(np.inf, step)

    def _bracketed(self, inside: float, outside: float) -> float:
        """The end between an accepted and a rejected tau, to within _ENDPOINT_TOLERANCE."""
        gap_inside, gap_outside = self.gaps[inside], self.gaps[outside]
        moved = 0
        while abs(outside - inside) > _ENDPOINT_TOLERANCE:
            share = gap_inside / (gap_inside - gap_outside) if gap_outside > gap_inside else 0.5
            middle = inside + min(max(share, 0.05), 0.95) * (outside - inside)
            if self.accepted(middle):
                inside, gap_inside = middle, self.gaps[middle]
                gap_outside /= 2 if moved == -1 else 1  # Illinois: the kept end counts less
                moved = -1
            else:
                outside, gap_outside = middle, self.gaps[middle]
                gap_inside /= 2 if moved == 1 else 1
                moved = 1
        return inside


def _linear_acceptance(
    level: np.ndarray, slope: np.ndarray, needed: int
) -> tuple[float, float, int]:
    """When each deal's effect is level - tau * slope: the smallest and largest tau with
    at least `needed` extreme deals (infinite if unbounded), and the fewest any tau has.

    The count of extreme deals changes only where a deal's |effect| equals the actual
    deal's, so it is evaluated at those points and between them. A diverged deal
    (non-finite) is always extreme.
    """
    broken = ~(np.isfinite(level) & np.isfinite(slope))
    if broken[0]:
        raise RandomizationError("the refit of the actual go-live assignment diverged")
    level = np.where(broken, np.inf, level)
    slope = np.where(broken, 0.0, slope)
    a0, c0 = level[0], slope[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        # Where |effect| meets the actual deal's, and where the actual deal's is zero.
        crossings = np.r_[(level - a0) / (slope - c0), (level + a0) / (slope + c0), a0 / c0]
    crossings = np.unique(crossings[np.isfinite(crossings)])
    if crossings.size == 0:  # every other deal diverged and the actual one is flat
        crossings = np.zeros(1)
    margin = 1.0 + np.ptp(crossings) + np.abs(crossings).max()
    probes = np.r_[
        crossings[0] - margin,
        crossings,
        (crossings[1:] + crossings[:-1]) / 2,
        crossings[-1] + margin,
    ]
    with np.errstate(invalid="ignore"):
        counts = _extreme_counts(level[None, :] - probes[:, None] * slope[None, :])
    accepted = probes[counts >= needed]
    if accepted.size == 0:
        return np.nan, np.nan, int(counts.min())
    low = -np.inf if accepted.min() == probes[0] else accepted.min()
    high = np.inf if accepted.max() == probes[-1] else accepted.max()
    return float(low), float(high), int(counts.min())
