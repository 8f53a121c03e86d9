"""Input validation, one panel per (initiative, metric), and the windows the estimators read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

GROUP = ["initiative_id", "metric_name"]
KEY = [*GROUP, "unit_id", "month"]
INPUT_COLUMNS = [
    *KEY,
    "numerator",
    "denominator",
    "go_live_month",
    "baseline_months",
    "ramp_up_months",
    "effect_model",
]
EFFECT_MODELS = ("ppml", "linear")

# Never-treated units get a go-live later than any month, so "month < go_live" alone
# selects every clean control row, never-treated and not-yet-treated alike.
NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class MetricPanel:
    """One metric of one initiative; arrays are row-aligned, sorted by unit then month.

    Months are integer indices (year * 12 + month - 1) so windows are plain arithmetic.
    """

    initiative_id: str
    metric_name: str
    effect_model: str
    baseline_months: int
    ramp_up_months: int
    unit_ids: np.ndarray
    unit: np.ndarray
    month: np.ndarray
    go_live: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray

    def baseline_rows(self) -> np.ndarray:
        return (self.month >= self.go_live - self.baseline_months) & (self.month < self.go_live)

    def post_rows(self) -> np.ndarray:
        # Rows stop at the report month, so only the start of the window needs a bound.
        return self.month >= self.go_live + self.ramp_up_months

    def measured_units(self) -> np.ndarray:
        """Per unit code: treated with at least one baseline and one post row.

        Units still in ramp-up at the report month, or without baseline history, carry no
        before/after comparison, so they are left out of every estimator alike.
        """
        n_units = len(self.unit_ids)
        has_base = np.bincount(self.unit[self.baseline_rows()], minlength=n_units) > 0
        has_post = np.bincount(self.unit[self.post_rows()], minlength=n_units) > 0
        return has_base & has_post


@dataclass(frozen=True)
class StackedSample:
    """Cohort samples stacked for one regression, one entry per stacked row."""

    rows: np.ndarray  # index into the MetricPanel arrays; a control row may repeat
    stack: np.ndarray  # position of the row's cohort in `cohorts`
    treated: np.ndarray  # the cohort's own treated unit (baseline or post window)
    treated_post: np.ndarray  # treated unit in its post window: the treatment dummy
    cohorts: np.ndarray  # go-live month index of each cohort in the regression
    control_units: int  # distinct units giving a control row in some cohort's post window
    cohorts_without_controls: int


def iter_metric_panels(panel: pd.DataFrame) -> Iterator[MetricPanel]:
    """Validate the input and yield one MetricPanel per group, in sorted order."""
    frame = _validated(panel)
    for (initiative_id, metric_name), group in frame.groupby(GROUP, sort=True):
        yield _metric_panel(str(initiative_id), str(metric_name), group)


def window_periods(p: MetricPanel, measured: np.ndarray) -> tuple[int, int]:
    """(min baseline months present, max post months present) over measured treated units."""
    if not measured.any():
        return 0, 0
    treated = measured[p.unit]
    base = _months_per_unit(p, treated & p.baseline_rows())
    post = _months_per_unit(p, treated & p.post_rows())
    return int(base[measured].min()), int(post[measured].max())


def build_stacks(p: MetricPanel, measured: np.ndarray) -> StackedSample:
    """One sample per go-live cohort with clean controls only, stacked.

    A cohort without any control row in its post window has no counterfactual (its
    treatment dummy would be collinear with the month effects), so it is left out.
    """
    base, post = p.baseline_rows(), p.post_rows()
    treated_row = measured[p.unit] & (base | post)
    rows: list[np.ndarray] = []
    treated: list[np.ndarray] = []
    kept: list[int] = []
    controls: set[int] = set()
    cohorts = np.unique(p.go_live[measured[p.unit]])
    for g in cohorts:
        treat = treated_row & (p.go_live == g)
        # Strictly later go-lives only, and only before their own go-live.
        control = (p.month >= g - p.baseline_months) & (p.go_live > g) & (p.month < p.go_live)
        control_post = control & (p.month >= g + p.ramp_up_months)
        if not control_post.any():
            continue
        idx = np.flatnonzero(treat | control)
        rows.append(idx)
        treated.append(treat[idx])
        kept.append(int(g))
        controls.update(np.unique(p.unit[control_post]).tolist())
    stack = [np.full(len(idx), k, dtype=np.int64) for k, idx in enumerate(rows)]
    all_rows = _concat(rows, np.int64)
    all_treated = _concat(treated, bool)
    return StackedSample(
        rows=all_rows,
        stack=_concat(stack, np.int64),
        treated=all_treated,
        treated_post=all_treated & post[all_rows],
        cohorts=np.array(kept, dtype=np.int64),
        control_units=len(controls),
        cohorts_without_controls=len(cohorts) - len(kept),
    )


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)


def _months_per_unit(p: MetricPanel, rows: np.ndarray) -> np.ndarray:
    # Rows are unique per unit-month after validation, so a row count is a month count.
    return np.bincount(p.unit[rows], minlength=len(p.unit_ids))


def _metric_panel(initiative_id: str, metric_name: str, group: pd.DataFrame) -> MetricPanel:
    unit_ids, unit = np.unique(group["unit_id"].to_numpy(dtype=str), return_inverse=True)
    return MetricPanel(
        initiative_id=initiative_id,
        metric_name=metric_name,
        effect_model=str(group["effect_model"].iloc[0]),
        baseline_months=int(group["baseline_months"].iloc[0]),
        ramp_up_months=int(group["ramp_up_months"].iloc[0]),
        unit_ids=unit_ids,
        unit=unit.astype(np.int64),
        month=group["_month"].to_numpy(dtype=np.int64),
        go_live=group["_go_live"].to_numpy(dtype=np.int64),
        numerator=group["numerator"].to_numpy(dtype=np.float64),
        denominator=group["denominator"].to_numpy(dtype=np.float64),
    )


def _validated(panel: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INPUT_COLUMNS if c not in panel.columns]
    if missing:
        raise ValueError(f"attribution panel is missing columns: {missing}")
    frame = panel[INPUT_COLUMNS].copy()
    frame["_month"] = _month_index(frame["month"], "month", allow_null=False)
    go_live = _month_index(frame["go_live_month"], "go_live_month", allow_null=True)
    frame["_go_live"] = go_live.fillna(NEVER).astype(np.int64)
    _check_values(frame)
    _check_constant(frame)
    frame["unit_id"] = frame["unit_id"].astype(str)
    # Fits depend on row order only through floating-point sums: fix it for reproducibility.
    return frame.sort_values([*GROUP, "unit_id", "_month"]).reset_index(drop=True)


def _month_index(values: pd.Series, name: str, allow_null: bool) -> pd.Series:
    stamps = pd.to_datetime(values)
    if not allow_null and stamps.isna().any():
        raise ValueError(f"attribution panel: '{name}' has nulls")
    present = stamps.dropna()
    if not (present == present.dt.to_period("M").dt.to_timestamp()).all():
        raise ValueError(f"attribution panel: '{name}' must be the first day of a month")
    return (stamps.dt.year * 12 + stamps.dt.month - 1).astype("Int64")


def _check_values(frame: pd.DataFrame) -> None:
    required = [c for c in INPUT_COLUMNS if c != "go_live_month"]
    nulls = [c for c in required if frame[c].isna().any()]
    if nulls:
        raise ValueError(f"attribution panel: nulls in {nulls}")
    if frame.duplicated(KEY).any():
        raise ValueError(f"attribution panel: duplicate rows for key {KEY}")
    if not np.isfinite(frame["numerator"].to_numpy(dtype=np.float64)).all():
        raise ValueError("attribution panel: 'numerator' must be finite")
    denominator = frame["denominator"].to_numpy(dtype=np.float64)
    if not (np.isfinite(denominator) & (denominator > 0)).all():
        raise ValueError("attribution panel: 'denominator' must be finite and > 0")
    unknown = set(frame["effect_model"].unique()) - set(EFFECT_MODELS)
    if unknown:
        raise ValueError(f"attribution panel: unknown effect_model {sorted(unknown)}")
    ppml = frame["effect_model"] == "ppml"
    if (frame.loc[ppml, "numerator"] < 0).any():
        raise ValueError("attribution panel: 'ppml' metrics need numerators >= 0")
    if (frame["baseline_months"] < 1).any() or (frame["ramp_up_months"] < 0).any():
        raise ValueError("attribution panel: baseline_months >= 1 and ramp_up_months >= 0")


def _check_constant(frame: pd.DataFrame) -> None:
    checks = {
        "baseline_months": ["initiative_id"],
        "ramp_up_months": ["initiative_id"],
        "effect_model": GROUP,
        "_go_live": ["initiative_id", "unit_id"],
    }
    for column, by in checks.items():
        if (frame.groupby(by, sort=False)[column].nunique() > 1).any():
            name = "go_live_month" if column == "_go_live" else column
            raise ValueError(f"attribution panel: '{name}' varies within {by}")
