"""Event study: the effect month by month around go-live, and the pre-trend test.

The difference-in-differences' own stacked sample, fixed effects, model family and
cluster-robust intervals (did.py), with one dummy per cohort and month relative to its
go-live instead of one per cohort. Each cohort's reference is the month before go-live
(-1), or its last earlier month with data where -1 has none (quarterly surveys). Cohorts
are aggregated per event time, weighted by treated unit-months, as in the DiD. Treated
months later than POST_HORIZON are left out of the event study (not of the DiD).

The coefficients before go-live say how far treated units drifted from their controls
while nothing had changed for them yet; the DiD assumes they did not. The pre-trend test
is the joint Wald test that they are all zero. Its variance is HC3 (heteroskedasticity-
robust, jackknife leverage correction), not the clustered one of the intervals: with six
to eight units and as many restrictions as baseline months, the clustered variance is
nearly singular and its Wald test rejected 25-70% of null panels at 5%; the model's own
variance (Pearson-scaled) rejected 19% of the demo's time-to-market panels, whose noise
is not Poisson-shaped. HC3 rejected 0-6% in every design tried, serially correlated
noise included (docs/metrics.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.base.wrapper import ResultsWrapper
from statsmodels.genmod.generalized_linear_model import GLM

from attribution.did import (
    CONFIDENCE,
    EstimationError,
    _check_identified,
    _check_result,
    _cluster_inference_possible,
    _design,
    _fit,
    _label,
    _model,
    _ppml_usable_rows,
    _zero_groups,
)
from attribution.panel import GROUP, MetricPanel, StackedSample, build_stacks, iter_metric_panels

POST_HORIZON = 12
PRE_TREND_LEVEL = 0.05
# Leverage this close to 1 is an exact fit: the row alone pins a coefficient.
EXACT_FIT = 1e-6

EVENT_STUDY_COLUMNS = [
    *GROUP,
    "effect_model",
    "event_time",
    "coefficient",
    "ci_low",
    "ci_high",
    "effect_pct",
    "ci_low_pct",
    "ci_high_pct",
    "treated_units",
]
_FLOATS = EVENT_STUDY_COLUMNS[4:-1]


@dataclass(frozen=True)
class EventStudy:
    """One coefficient per event time but the reference, on the model's scale (log ratio
    for ppml, points for linear); none where some cohort's coefficient is unbounded."""

    event_time: np.ndarray
    coefficient: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    treated_units: np.ndarray
    pre_trend_p_value: float  # NaN without a pre-period coefficient


@dataclass(frozen=True)
class _Cells:
    """The stacked rows the event study keeps, with each treated row's event time."""

    keep: np.ndarray  # mask over the stacked rows
    event: np.ndarray  # months since the cohort's go-live (0 on control rows)
    reference: np.ndarray  # per stacked row, its cohort's reference event time
    unbounded: set[int]  # event times where some cohort's coefficient is ±inf (ppml)


def estimate_event_studies(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per (initiative_id, metric_name, event_time) with an estimable event study.

    `panel` is the input of `estimate_effects`. A metric without control units, or whose
    regression fails, has no rows (its effects row says why). Relative effects
    (effect_pct, exp(coefficient) - 1) are given for ppml metrics only.
    """
    frames = [_event_study_rows(p) for p in iter_metric_panels(panel)]
    frame = pd.concat([_empty(), *frames], ignore_index=True)
    return frame.astype(
        {
            **dict.fromkeys([*GROUP, "effect_model"], "str"),
            **dict.fromkeys(["event_time", "treated_units"], "int64"),
            **dict.fromkeys(_FLOATS, "float64"),
        }
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in EVENT_STUDY_COLUMNS})


def _event_study_rows(p: MetricPanel) -> pd.DataFrame:
    sample = build_stacks(p, p.measured_units())
    if sample.control_units == 0:
        return _empty()
    try:
        study = fit_event_study(p, sample)
    except EstimationError:
        return _empty()
    ends = {"coefficient": study.coefficient, "ci_low": study.ci_low, "ci_high": study.ci_high}
    # exp(β) - 1 is a relative effect for ppml only; a score's coefficients are points.
    ppml = p.effect_model == "ppml"
    relative = {
        f"{name}_pct": np.expm1(values) if ppml else np.nan
        for name, values in zip(("effect", "ci_low", "ci_high"), ends.values(), strict=True)
    }
    return pd.DataFrame(
        {
            "initiative_id": p.initiative_id,
            "metric_name": p.metric_name,
            "effect_model": p.effect_model,
            "event_time": study.event_time,
            **ends,
            **relative,
            "treated_units": study.treated_units,
        },
        columns=EVENT_STUDY_COLUMNS,
    )


def fit_event_study(p: MetricPanel, sample: StackedSample) -> EventStudy:
    """Fit the event study on the DiD's stacked sample; EstimationError when it cannot."""
    cells = _cells(p, sample)
    rows = sample.rows[cells.keep]
    treated = sample.treated[cells.keep]
    stack = sample.stack[cells.keep]
    event = cells.event[cells.keep]
    has_dummy = treated & (event != cells.reference[cells.keep])
    cell_keys, cell_index = np.unique(
        np.stack([stack[has_dummy], event[has_dummy]]), axis=1, return_inverse=True
    )
    n_cells = cell_keys.shape[1]
    cell_dummy = np.full(len(rows), -1)
    cell_dummy[has_dummy] = cell_index
    exog = _design(stack, p.unit[rows], p.month[rows], cell_dummy, n_cells)
    _check_identified(exog, n_cells)
    clusters = p.unit[rows]
    robust = _cluster_inference_possible(exog, clusters, treated)
    result = _fit(_model(p, rows, exog), clusters if robust else None)
    _check_result(result, p.effect_model, n_cells)

    # An event time where some cohort's coefficient is unbounded has no aggregate.
    all_times = np.unique(cell_keys[1])
    event_times = all_times[~np.isin(all_times, list(cells.unbounded))]
    combination = _combination(cell_keys, cell_dummy, event_times, len(result.params))
    low, high = _intervals(result, combination)
    units = [len(np.unique(p.unit[rows[has_dummy & (event == e)]])) for e in event_times]
    return EventStudy(
        event_time=event_times,
        coefficient=combination @ result.params,
        ci_low=low,
        ci_high=high,
        treated_units=np.array(units, dtype=np.int64),
        pre_trend_p_value=_pre_trend_p_value(result, combination[event_times < 0]),
    )


def _cells(p: MetricPanel, sample: StackedSample) -> _Cells:
    """The DiD's stacked rows, less treated months after the horizon and cohort-months
    without a control row that month (no counterfactual). For ppml, a cohort-month whose
    counts are all zero, or whose controls' are while its own are not, has an unbounded
    coefficient: its rows are dropped (as ppmlhdfe does) and its event time is marked."""
    ppml = p.effect_model == "ppml"
    keep = _ppml_usable_rows(p, sample) if ppml else np.ones(len(sample.rows), dtype=bool)
    event = np.where(sample.treated, p.month[sample.rows] - sample.cohorts[sample.stack], 0)
    keep &= ~sample.treated | (event <= POST_HORIZON)
    numerator = p.numerator[sample.rows]
    # For treated rows, (stack, month) is their cohort-month: one dummy each.
    stack_month = sample.stack * (int(p.month.max()) + 1) + p.month[sample.rows]
    reference = _references(p, sample, keep & (event < 0), event, stack_month)
    unit_key = sample.stack * len(p.unit_ids) + p.unit[sample.rows]
    has_dummy = sample.treated & (event != reference)
    unbounded: set[int] = set()
    while True:
        # Dropping rows can empty a control month, a unit or a cell: repeat until stable.
        controls, treated = keep & ~sample.treated, keep & sample.treated
        drop = treated & ~np.isin(stack_month, stack_month[controls])
        if ppml:
            control_total = _group_totals(stack_month, numerator, controls)
            treated_total = _group_totals(stack_month, numerator, treated)
            infinite = keep & has_dummy & ~drop & ((treated_total == 0) != (control_total == 0))
            unbounded |= set(np.unique(event[infinite]).tolist())
            drop |= infinite
            drop |= _zero_groups(unit_key, numerator, keep) | _zero_groups(
                stack_month, numerator, keep
            )
        if not drop.any():
            return _Cells(keep=keep, event=event, reference=reference, unbounded=unbounded)
        keep &= ~drop


def _group_totals(key: np.ndarray, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per row, the sum of `values` over the `rows` sharing its key."""
    _, group = np.unique(key, return_inverse=True)
    return np.bincount(group[rows], weights=values[rows], minlength=group.max() + 1)[group]


def _references(
    p: MetricPanel, sample: StackedSample, pre: np.ndarray, event: np.ndarray, cell: np.ndarray
) -> np.ndarray:
    """Per stacked row, its cohort's reference: the last month before go-live with data
    (for ppml, with some count: against a zero reference every coefficient is +inf)."""
    usable = pre & sample.treated
    if p.effect_model == "ppml":
        usable &= _group_totals(cell, p.numerator[sample.rows], usable) > 0
    reference = np.zeros(len(sample.rows), dtype=np.int64)
    for k, g in enumerate(sample.cohorts):
        in_cohort = sample.stack == k
        if not (usable & in_cohort).any():
            raise EstimationError(f"cohort {_label(g)} has no month with data before go-live")
        reference[in_cohort] = event[usable & in_cohort].max()
    return reference


def _combination(
    cell_keys: np.ndarray, cell_dummy: np.ndarray, event_times: np.ndarray, n_params: int
) -> np.ndarray:
    """Per event time, its cohorts' coefficients weighted by treated unit-months."""
    counts = np.bincount(cell_dummy[cell_dummy >= 0], minlength=cell_keys.shape[1])
    combination = np.zeros((len(event_times), n_params))
    for i, e in enumerate(event_times):
        cells = np.flatnonzero(cell_keys[1] == e)
        combination[i, cells] = counts[cells] / counts[cells].sum()
    return combination


def _intervals(result: ResultsWrapper, combination: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if result.cov_type != "cluster":
        missing = np.full(len(combination), np.nan)
        return missing, missing
    # t with G - 1 degrees of freedom, as the DiD's interval.
    bounds = result.t_test(combination).conf_int(alpha=1 - CONFIDENCE)
    return bounds[:, 0], bounds[:, 1]


def _pre_trend_p_value(result: ResultsWrapper, restrictions: np.ndarray) -> float:
    """Joint Wald test that every pre-period coefficient is zero: F(q, n - k) on the HC3
    variance."""
    if not len(restrictions):
        return np.nan
    estimate = restrictions @ result.params
    variance = restrictions @ _hc3_variance(result) @ restrictions.T
    statistic = float(estimate @ np.linalg.solve(variance, estimate)) / len(restrictions)
    return float(stats.f.sf(statistic, len(restrictions), result.df_resid))


def _hc3_variance(result: ResultsWrapper) -> np.ndarray:
    """Heteroskedasticity-robust variance with the jackknife (HC3) leverage correction.

    A row that alone pins a coefficient (a cohort of one unit) is fitted exactly, and its
    residual says nothing of its noise: there the model's variance, scaled by the Pearson
    dispersion, stands in.
    """
    model = result.model
    exog = model.exog
    residual = model.endog - result.fittedvalues
    if isinstance(model, GLM):  # Poisson, log link: IRLS weight mu, score x (y - mu)
        weight, score = result.fittedvalues, residual
        dispersion = result.pearson_chi2 / result.df_resid
    else:
        weight = model.weights
        score = weight * residual
        dispersion = result.scale
    bread = np.linalg.pinv(exog.T @ (weight[:, None] * exog))
    leverage = weight * ((exog @ bread) * exog).sum(axis=1)
    alone = leverage > 1 - EXACT_FIT
    jackknifed = (score / np.where(alone, 1.0, 1.0 - leverage)) ** 2
    score_variance = np.where(alone, dispersion * weight, jackknifed)
    return bread @ (exog.T @ (score_variance[:, None] * exog)) @ bread
