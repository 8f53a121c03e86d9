"""The event study behind each attributed effect: per initiative, metric and month
relative to go-live, the effect with its 95% interval; its pre-go-live months are the
pre-trend test of int_attribution__effects.

A dbt Python model like int_attribution__effects, on the same input; the statistics live
in the `attribution` package (attribution/event_study.py) and its tests.
"""

from attribution.tables import event_study_table


def model(dbt, session):
    dbt.config(materialized="table")
    return event_study_table(dbt.ref("int_initiative_metric_panel").df())
