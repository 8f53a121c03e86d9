"""Each objective's attributed effect on the data it is judged on, once its deadline has
passed: the initiative's panel cut at the last month that ends on or before the deadline,
so months after it cannot turn a missed objective into a met one. Objectives still
running are judged on all data to date (int_attribution__effects) and have no row here.

A dbt Python model like int_attribution__effects, with the same estimator (package
attribution/) on the shorter panel.
"""

from attribution.tables import objective_effects_table


def model(dbt, session):
    dbt.config(materialized="table")
    return objective_effects_table(
        dbt.ref("int_initiative_metric_panel").df(),
        dbt.ref("stg_registry__initiative_objectives").df(),
        dbt.ref("int_report_month").df(),
    )
