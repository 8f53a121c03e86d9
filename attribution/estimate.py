"""Public entry point: one row of effects and evidence per (initiative, metric)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from attribution.descriptive import naive_change, pooled_mean, yoy_change
from attribution.did import DidResult, EstimationError, fit_did
from attribution.event_study import PRE_TREND_LEVEL, fit_event_study
from attribution.inference import Inference, infer
from attribution.panel import (
    MetricPanel,
    StackedSample,
    build_stacks,
    iter_metric_panels,
    window_periods,
)

MIN_PERIODS = 3

OUTPUT_COLUMNS = [
    "initiative_id",
    "metric_name",
    "effect_model",
    "baseline_mean",
    "post_mean",
    "naive_change_abs",
    "naive_change_pct",
    "did_effect_abs",
    "did_ci_low_abs",
    "did_ci_high_abs",
    "did_effect_pct",
    "did_ci_low_pct",
    "did_ci_high_pct",
    "did_p_value",
    "pre_trend_p_value",
    "yoy_change_pct",
    "pre_periods",
    "post_periods",
    "treated_units",
    "control_units",
    "cohorts",
    "ci_excludes_zero",
    "evidence",
    "estimator",
    "inference_method",
]
_STRINGS = [
    "initiative_id",
    "metric_name",
    "effect_model",
    "evidence",
    "estimator",
    "inference_method",
]
_COUNTS = ["pre_periods", "post_periods", "treated_units", "control_units", "cohorts"]
_DID_COLUMNS = [c for c in OUTPUT_COLUMNS if c.startswith("did_")]
_FIT_NAMES = {"ppml": "PPML", "linear": "WLS weighted by denominator"}


def estimate_effects(panel: pd.DataFrame) -> pd.DataFrame:
    """Naive, difference-in-differences and year-over-year effects with their evidence.

    `panel` has one row per (initiative_id, metric_name, unit_id, month); the columns are
    described in the package docstring. Raises ValueError on malformed input.
    """
    rows = [_estimate(p) for p in iter_metric_panels(panel)]
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    floats = [c for c in OUTPUT_COLUMNS if c not in {*_STRINGS, *_COUNTS, "ci_excludes_zero"}]
    dtypes = {
        **dict.fromkeys(_STRINGS, "str"),
        **dict.fromkeys(floats, "float64"),
        **dict.fromkeys(_COUNTS, "int64"),
        "ci_excludes_zero": "bool",
    }
    return frame.astype(dtypes)


def _estimate(p: MetricPanel) -> dict[str, object]:
    measured = p.measured_units()
    treated = measured[p.unit]
    naive = naive_change(p, treated)
    pre_periods, post_periods = window_periods(p, measured)
    sample = build_stacks(p, measured)
    did, problem = _run_did(p, sample)
    pre_trend = _pre_trend_p_value(p, sample) if did is not None else np.nan
    did_values = dict.fromkeys(_DID_COLUMNS, np.nan)
    inference_method = "none: no DiD estimate"
    if did is not None:
        inference = infer(p, sample, did)
        did = _with_interval(did, inference)
        inference_method, problem = inference.method, inference.problem
        # The effect applies to the cohorts the regression covered: scale by their post mean.
        covered_post_mean = pooled_mean(p, sample.rows[sample.treated_post])
        did_values = _did_columns(p.effect_model, did, covered_post_mean)
    return {
        "initiative_id": p.initiative_id,
        "metric_name": p.metric_name,
        "effect_model": p.effect_model,
        "baseline_mean": naive.baseline_mean,
        "post_mean": naive.post_mean,
        "naive_change_abs": naive.change_abs,
        "naive_change_pct": naive.change_pct,
        **did_values,
        "pre_trend_p_value": pre_trend,
        "yoy_change_pct": yoy_change(p, treated),
        "pre_periods": pre_periods,
        "post_periods": post_periods,
        "treated_units": int(measured.sum()),
        "control_units": sample.control_units,
        "cohorts": len(np.unique(p.go_live[treated])),
        "ci_excludes_zero": did is not None and (did.ci_low > 0 or did.ci_high < 0),
        "evidence": _evidence(pre_periods, post_periods, problem, pre_trend),
        "estimator": _describe(p.effect_model, sample.cohorts_without_controls),
        "inference_method": inference_method,
    }


def _run_did(p: MetricPanel, sample: StackedSample) -> tuple[DidResult | None, str | None]:
    """The DiD result, or why there is none."""
    if sample.control_units == 0:
        return None, "no control units"
    try:
        return fit_did(p, sample), None
    except EstimationError as error:
        return None, f"estimation failed: {error}"


def _pre_trend_p_value(p: MetricPanel, sample: StackedSample) -> float:
    """The event study's joint test of the pre-period coefficients; NaN without one."""
    try:
        return fit_event_study(p, sample).pre_trend_p_value
    except EstimationError:
        return np.nan


def _with_interval(did: DidResult, inference: Inference) -> DidResult:
    return replace(
        did, ci_low=inference.ci_low, ci_high=inference.ci_high, p_value=inference.p_value
    )


def _evidence(
    pre_periods: int, post_periods: int, problem: str | None, pre_trend_p_value: float
) -> str:
    # Too short a history undermines every estimator, so it is named first; a pre-trend
    # puts in doubt an estimate that exists, so it comes after what prevents one.
    if min(pre_periods, post_periods) < MIN_PERIODS:
        return "insufficient data"
    if problem:
        return problem
    return "pre_trend" if pre_trend_p_value < PRE_TREND_LEVEL else "ok"


def _did_columns(model: str, did: DidResult, post_mean: float) -> dict[str, float]:
    betas = {"effect": did.beta, "ci_low": did.ci_low, "ci_high": did.ci_high}
    if model == "ppml":
        # Counterfactual = post mean / exp(β), so the absolute effect is post·(1 - e^-β).
        absolute = {k: -post_mean * np.expm1(-b) for k, b in betas.items()}
        relative = {k: np.expm1(b) for k, b in betas.items()}
    else:
        counterfactual = post_mean - did.beta
        absolute = betas
        relative = {
            k: b / counterfactual if counterfactual > 0 else np.nan for k, b in betas.items()
        }
    return {
        **{f"did_{k}_abs": float(v) for k, v in absolute.items()},
        **{f"did_{k}_pct": float(v) for k, v in relative.items()},
        "did_p_value": did.p_value,
    }


def _describe(model: str, cohorts_without_controls: int) -> str:
    text = f"stacked DiD by go-live cohort, not-yet/never-treated controls, {_FIT_NAMES[model]}"
    if cohorts_without_controls:
        text += f"; {cohorts_without_controls} cohort(s) without clean controls not in the DiD"
    return text
