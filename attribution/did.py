"""Stacked difference-in-differences: one regression per metric, cohorts aggregated."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from statsmodels.base.model import LikelihoodModel
from statsmodels.base.wrapper import ResultsWrapper
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from attribution.panel import MetricPanel, StackedSample

CONFIDENCE = 0.95
# A cohort effect beyond a factor e^10 (about 22,000) is a separation artefact, not a finding.
MAX_LOG_EFFECT = 10.0


class EstimationError(Exception):
    """The regression cannot give a usable estimate; the message is shown to people."""


@dataclass(frozen=True)
class DidResult:
    """Aggregated effect on the model's scale: log ratio for ppml, points for linear."""

    beta: float
    ci_low: float
    ci_high: float
    p_value: float


def fit_did(p: MetricPanel, sample: StackedSample) -> DidResult:
    """Fit the stacked regression and aggregate cohort effects by treated post unit-months."""
    n_cohorts = len(sample.cohorts)
    keep = np.ones(len(sample.rows), dtype=bool)
    if p.effect_model == "ppml":
        keep = _ppml_usable_rows(p, sample)
    rows = sample.rows[keep]
    cohort_dummy = np.where(sample.treated_post[keep], sample.stack[keep], -1)
    exog = _design(sample.stack[keep], p.unit[rows], p.month[rows], cohort_dummy, n_cohorts)
    _check_identified(exog, n_cohorts)
    clusters = p.unit[rows]
    robust = _cluster_inference_possible(exog, clusters, sample.treated[keep])
    result = _fit(_model(p, rows, exog), clusters if robust else None)
    _check_result(result, p.effect_model, n_cohorts)
    counts = np.bincount(cohort_dummy[cohort_dummy >= 0], minlength=n_cohorts)
    return _aggregate(result, counts / counts.sum())


def _ppml_usable_rows(p: MetricPanel, sample: StackedSample) -> np.ndarray:
    """Rows the Poisson fit can use, or an EstimationError when the effect is unbounded.

    A fixed-effect group whose numerators are all zero has its coefficient at -∞ and adds
    nothing to the likelihood; dropping it (as ppmlhdfe does) keeps IRLS well-behaved.
    """
    numerator = p.numerator[sample.rows]
    if not (numerator > 0).any():
        raise EstimationError("all numerators are zero")
    for k, g in enumerate(sample.cohorts):
        treated = sample.treated & (sample.stack == k)
        for when, rows in (("before", ~sample.treated_post), ("after", sample.treated_post)):
            if not (numerator[treated & rows] > 0).any():
                raise EstimationError(
                    f"perfect separation: cohort {_label(g)} is all zero {when} go-live"
                )
    unit_key = sample.stack * len(p.unit_ids) + p.unit[sample.rows]
    month_key = sample.stack * (p.month.max() + 1) + p.month[sample.rows]
    keep = np.ones(len(sample.rows), dtype=bool)
    while True:
        # Dropping a unit can empty a month and vice versa: repeat until stable.
        drop = _zero_groups(unit_key, numerator, keep) | _zero_groups(month_key, numerator, keep)
        if not drop.any():
            return keep
        keep &= ~drop


def _zero_groups(key: np.ndarray, numerator: np.ndarray, keep: np.ndarray) -> np.ndarray:
    _, group = np.unique(key, return_inverse=True)
    totals = np.bincount(group[keep], weights=numerator[keep], minlength=group.max() + 1)
    return keep & (totals[group] == 0)


def _design(
    stack: np.ndarray,
    unit: np.ndarray,
    month: np.ndarray,
    cohort_dummy: np.ndarray,
    n_cohorts: int,
) -> np.ndarray:
    """Cohort treatment dummies first, then unit-by-stack and month-by-stack fixed effects.

    Each stack's first month is the reference, which keeps the design full rank without
    an intercept.
    """
    n = len(stack)
    _, unit_fe = np.unique(np.stack([stack, unit]), axis=1, return_inverse=True)
    month_keys, month_fe = np.unique(np.stack([stack, month]), axis=1, return_inverse=True)
    is_reference = np.r_[True, month_keys[0, 1:] != month_keys[0, :-1]]
    month_column = np.cumsum(~is_reference) - 1
    n_units = unit_fe.max() + 1
    exog = np.zeros((n, n_cohorts + n_units + int((~is_reference).sum())))
    treated = cohort_dummy >= 0
    exog[np.flatnonzero(treated), cohort_dummy[treated]] = 1.0
    exog[np.arange(n), n_cohorts + unit_fe] = 1.0
    free = ~is_reference[month_fe]
    exog[np.flatnonzero(free), n_cohorts + n_units + month_column[month_fe[free]]] = 1.0
    return exog


def _check_identified(exog: np.ndarray, n_cohorts: int) -> None:
    """The cohort effects must not be linear combinations of the fixed effects.

    Fixed effects alone may be rank deficient in odd unbalanced panels; the pseudo-inverse
    still gives the cohort effects then, so only their own identification is required.
    """
    full = np.linalg.matrix_rank(exog.T @ exog)
    fixed = np.linalg.matrix_rank(exog[:, n_cohorts:].T @ exog[:, n_cohorts:])
    if full - fixed < n_cohorts:
        raise EstimationError("treatment effect not identified (no comparable control rows)")


def _model(p: MetricPanel, rows: np.ndarray, exog: np.ndarray) -> LikelihoodModel:
    numerator, denominator = p.numerator[rows], p.denominator[rows]
    # The unit dummies span the constant; saying so spares statsmodels two rank checks.
    if p.effect_model == "ppml":
        poisson = sm.families.Poisson()
        offset = np.log(denominator)
        return sm.GLM(numerator, exog, family=poisson, offset=offset, hasconst=True)
    return sm.WLS(numerator / denominator, exog, weights=denominator, hasconst=True)


def _fit(model: LikelihoodModel, clusters: np.ndarray | None) -> ResultsWrapper:
    options = {}
    if clusters is not None:
        options = {
            "cov_type": "cluster",
            "cov_kwds": {"groups": clusters, "use_correction": True, "df_correction": True},
            "use_t": True,
        }
    with warnings.catch_warnings():
        # statsmodels raises this on any exact fit (mu == y), e.g. a saturated 2x2; the
        # separation that matters was ruled out before fitting.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        try:
            return model.fit(**options)
        except np.linalg.LinAlgError as error:
            raise EstimationError(f"linear algebra: {error}") from error


def _check_result(result: ResultsWrapper, effect_model: str, n_cohorts: int) -> None:
    if not getattr(result, "converged", True):
        raise EstimationError("IRLS did not converge")
    if not np.isfinite(result.params).all():
        raise EstimationError("non-finite coefficients")
    # IRLS can stop on a flat likelihood while a coefficient runs off to infinity.
    if effect_model == "ppml" and (np.abs(result.params[:n_cohorts]) > MAX_LOG_EFFECT).any():
        raise EstimationError("effect diverges (separation)")


def _cluster_inference_possible(
    exog: np.ndarray, clusters: np.ndarray, treated: np.ndarray
) -> bool:
    """Whether a cluster-robust variance means anything here.

    The small-sample factor divides by nobs - k. And with a single treated (or control)
    unit the clustered variance of the effect is degenerate, near zero whatever the data
    (MacKinnon & Webb 2017), which would print a falsely tight CI.
    """
    n_treated = len(np.unique(clusters[treated]))
    n_control = len(np.unique(clusters[~treated]))
    return len(clusters) > exog.shape[1] and min(n_treated, n_control) >= 2


def _aggregate(result: ResultsWrapper, weights: np.ndarray) -> DidResult:
    combination = np.zeros(len(result.params))
    combination[: len(weights)] = weights
    beta = float(combination @ result.params)
    if result.cov_type != "cluster":
        return DidResult(beta=beta, ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    # t distribution with G - 1 degrees of freedom (statsmodels' df_resid_inference).
    test = result.t_test(combination[None, :])
    low, high = test.conf_int(alpha=1 - CONFIDENCE)[0]
    return DidResult(beta=beta, ci_low=float(low), ci_high=float(high), p_value=float(test.pvalue))


def _label(month_index: int) -> str:
    year, month = divmod(int(month_index), 12)
    return f"{year:04d}-{month + 1:02d}"
