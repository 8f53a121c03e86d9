"""How much of each metric's change since go-live is the AI's, per initiative and metric.

A dbt Python model so that `dbt build` alone yields the marts; it runs in dbt-duckdb's
own process. The statistics (staggered difference-in-differences with statsmodels, naive
and year-over-year changes, evidence flags) live in the `attribution` package and its
tests. On adapters without Python models (Spark, Trino), `attribution.tables` runs on this
model's input and its output is loaded under the same name (spark_engine/attribution.py).
"""

from attribution.tables import effects_table


def model(dbt, session):
    dbt.config(materialized="table")
    return effects_table(dbt.ref("int_initiative_metric_panel").df())
