"""How much of each metric's change since go-live is the AI's, per initiative and metric.

A dbt Python model so that `dbt build` alone yields the marts; it runs in dbt-duckdb's
own process. The statistics (staggered difference-in-differences with statsmodels, naive
and year-over-year changes, evidence flags) live in the `attribution` package and its
tests. On adapters without Python models (e.g. Trino), run `attribution.estimate_effects`
on this model's input and load its output under the same name.
"""

from attribution import estimate_effects

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
    return estimate_effects(panel.rename(columns={"month_start": "month"}))
