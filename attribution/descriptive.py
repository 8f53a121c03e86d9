"""Changes without a control group: naive before/after and year over year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attribution.panel import MetricPanel


@dataclass(frozen=True)
class NaiveChange:
    baseline_mean: float
    post_mean: float
    change_abs: float
    change_pct: float


def pooled_mean(p: MetricPanel, rows: np.ndarray) -> float:
    """Σ numerator / Σ denominator over rows (mask or index), weighting units by volume."""
    numerator = p.numerator[rows]
    if numerator.size == 0:
        return np.nan
    return float(numerator.sum() / p.denominator[rows].sum())


def relative_change(new: float, old: float) -> float:
    # A ratio to a zero or negative base (e.g. an NPS below zero) has no meaning as a %.
    return new / old - 1 if old > 0 else np.nan


def naive_change(p: MetricPanel, treated: np.ndarray) -> NaiveChange:
    """Treated units, their own baseline window against their own post window."""
    baseline = pooled_mean(p, treated & p.baseline_rows())
    post = pooled_mean(p, treated & p.post_rows())
    return NaiveChange(baseline, post, post - baseline, relative_change(post, baseline))


def yoy_change(p: MetricPanel, treated: np.ndarray) -> float:
    """Treated post unit-months against the same unit and calendar month a year earlier.

    Only year-earlier months before the unit's go-live count: comparing a post month
    with another post month would measure nothing of the AI.
    """
    post = np.flatnonzero(treated & p.post_rows())
    # Rows are sorted by unit then month, so (unit, month) keys are sorted too.
    span = int(p.month.max()) + 13
    keys = p.unit * span + p.month
    wanted = keys[post] - 12
    found_at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = (keys[found_at] == wanted) & (p.month[post] - 12 < p.go_live[post])
    if not found.any():
        return np.nan
    now, before = pooled_mean(p, post[found]), pooled_mean(p, found_at[found])
    return relative_change(now, before)
