"""The event study behind each attributed effect: per initiative, metric and month
relative to go-live, the effect with its 95% interval; its pre-go-live months are the
pre-trend test of int_attribution__effects.

A dbt Python model like int_attribution__effects, on the same input; the statistics live
in the `attribution` package (attribution/event_study.py) and its tests.
"""

from attribution import estimate_event_studies

INPUT_COLUMNS = [
    "initiative_id",
    "metric_name",
    "unit_id",
    "month_start",
    "numerator",
    "denominator",
    "go_live_month",
    "baseline_months",
    "ramp_up_months",
    "effect_model",
]


def model(dbt, session):
    dbt.config(materialized="table")
    panel = dbt.ref("int_initiative_metric_panel").df()[INPUT_COLUMNS]
    return estimate_event_studies(panel.rename(columns={"month_start": "month"}))
