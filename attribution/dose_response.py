"""Dose-response: within treated units, the outcome by intensity of AI-tool use.

Each licence holder's month in a treated unit after its go-live is a row: the person's
own outcome (numerator over denominator: minutes over completed tasks, say) and their
intensity of use that month (idle, light, heavy). A Poisson regression with the
denominator as exposure, a fixed effect per unit and month and intensity dummies gives
the relative difference of light and heavy users from idle seat holders in the same unit
and month, with standard errors clustered by person.

Associational, not causal: the roll-out assigns seats to units, but each person chooses
how much to use the tool, so the gap mixes the tool's effect with whatever makes people
use it more. The unit-level difference-in-differences is the identified effect; this
says how it is spread over users. An intensity level or its reference with fewer than
MIN_PEOPLE people is not estimated (HR privacy: no cell under 5 people).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from attribution.did import CONFIDENCE, EstimationError

REFERENCE = "idle"
LEVELS = ("light", "heavy")
MIN_PEOPLE = 5
METHOD = (
    "Poisson regression within treated units after go-live, a fixed effect per unit and "
    "month, standard errors clustered by person; associational (use is chosen, not "
    "assigned)"
)
COLUMNS = {
    "initiative_id": "string",
    "metric_name": "string",
    "intensity": "string",
    "reference_intensity": "string",
    "effect_pct": "float64",
    "ci_low_pct": "float64",
    "ci_high_pct": "float64",
    "people": "int64",
    "reference_people": "int64",
    "person_months": "int64",
    "method": "string",
    "note": "string",
}


def dose_response_table(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative, metric and intensity level (light, heavy) of `panel`
    (int_ai_usage__dose_panel). The rows are sorted first: every engine hands them over
    in its own order, and the fit must not depend on it."""
    panel = panel.sort_values(
        ["initiative_id", "metric_name", "unit_id", "month_start", "employee_key"],
        ignore_index=True,
    )
    rows = [
        row
        for (initiative_id, metric_name), group in panel.groupby(
            ["initiative_id", "metric_name"], sort=True
        )
        for row in _metric_rows(initiative_id, metric_name, group[group["denominator"] > 0])
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def _metric_rows(initiative_id: str, metric_name: str, group: pd.DataFrame) -> list[dict]:
    people = group.groupby("intensity")["employee_key"].nunique()
    months = group.groupby("intensity").size()
    estimates, note = _estimates(group, people)
    return [
        {
            "initiative_id": initiative_id,
            "metric_name": metric_name,
            "intensity": level,
            "reference_intensity": REFERENCE,
            **estimates.get(level, dict.fromkeys(("effect_pct", "ci_low_pct", "ci_high_pct"))),
            "people": int(people.get(level, 0)),
            "reference_people": int(people.get(REFERENCE, 0)),
            "person_months": int(months.get(level, 0)),
            "method": METHOD,
            "note": note,
        }
        for level in LEVELS
    ]


def _estimates(group: pd.DataFrame, people: pd.Series) -> tuple[dict, str | None]:
    small = [level for level in (REFERENCE, *LEVELS) if people.get(level, 0) < MIN_PEOPLE]
    if small:
        return {}, f"fewer than {MIN_PEOPLE} people: {', '.join(small)}"
    try:
        return _fit(group), None
    except EstimationError as error:
        return {}, str(error)


def _fit(group: pd.DataFrame) -> dict[str, dict[str, float]]:
    levels = np.column_stack([(group["intensity"] == level).to_numpy(float) for level in LEVELS])
    # One fixed effect per unit and month: each person is compared with the idle seat
    # holders of their own unit in the same month, whatever else moved that unit-month.
    cell = group["unit_id"].astype(str) + "|" + group["month_start"].astype(str)
    fixed = pd.get_dummies(cell, drop_first=True).to_numpy(float)
    exog = np.column_stack([levels, fixed, np.ones(len(group))])
    model = sm.GLM(
        group["numerator"].to_numpy(float),
        exog,
        family=sm.families.Poisson(),
        offset=np.log(group["denominator"].to_numpy(float)),
    )
    clusters = pd.factorize(group["employee_key"])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = model.fit(cov_type="cluster", cov_kwds={"groups": clusters})
    if not np.isfinite(result.params[: len(LEVELS)]).all():
        raise EstimationError("non-finite coefficients")
    low, high = result.conf_int(alpha=1 - CONFIDENCE)[: len(LEVELS)].T
    return {
        level: {
            "effect_pct": float(np.expm1(result.params[i])),
            "ci_low_pct": float(np.expm1(low[i])),
            "ci_high_pct": float(np.expm1(high[i])),
        }
        for i, level in enumerate(LEVELS)
    }
