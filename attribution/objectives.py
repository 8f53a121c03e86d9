"""Objectives judged on the data they are judged on: once an objective's deadline has
passed, the initiative's panel is cut at the last month that ends on or before it, so
months after it cannot turn a missed objective into a met one (int_objective_effects)."""

from __future__ import annotations

import pandas as pd

from attribution.estimate import estimate_effects

COLUMNS = [
    "initiative_id",
    "objective_number",
    "judged_through_month",
    "did_effect_pct",
    "did_ci_low_pct",
    "did_ci_high_pct",
    "evidence",
]


def last_month_within(deadline: pd.Series) -> pd.Series:
    """The first day of the last calendar month that ends on or before each deadline."""
    month = deadline.dt.to_period("M")
    ends_on_deadline = deadline == month.dt.end_time.dt.normalize()
    return month.where(ends_on_deadline, month - 1).dt.to_timestamp()


def past_deadlines(objectives: pd.DataFrame, report_month: pd.Timestamp) -> pd.DataFrame:
    report_date = report_month + pd.offsets.MonthEnd(0)
    past = objectives[objectives["deadline_date"] <= report_date].copy()
    past["judged_through_month"] = last_month_within(past["deadline_date"])
    return past


def effects_through(panel: pd.DataFrame, objective: pd.Series) -> pd.DataFrame:
    cut = panel[
        (panel["initiative_id"] == objective["initiative_id"])
        & (panel["metric_name"] == objective["metric_name"])
        & (panel["month"] <= objective["judged_through_month"])
    ]
    return estimate_effects(cut) if len(cut) else pd.DataFrame()


def judge(panel: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, objective in objectives.iterrows():
        effects = effects_through(panel, objective)
        if effects.empty:
            continue
        rows.append({**objective.to_dict(), **effects.iloc[0].to_dict()})
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {
            "initiative_id": "str",
            "objective_number": "int64",
            "judged_through_month": "datetime64[ns]",
            "did_effect_pct": "float64",
            "did_ci_low_pct": "float64",
            "did_ci_high_pct": "float64",
            "evidence": "str",
        }
    )
