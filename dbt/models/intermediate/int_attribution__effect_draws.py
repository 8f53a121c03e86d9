"""Draws from each effect's sampling distribution, for the ROI simulation.

A dbt Python model like int_attribution__effects: the sampling lives in
`attribution.draws` (seeded, reproducible bit for bit) and its tests. On adapters without
Python models, run `attribution.draws.draw_effects` on int_attribution__effects and load
its output under this name.
"""

from attribution.tables import effect_draws_table


def model(dbt, session):
    dbt.config(materialized="table")
    return effect_draws_table(dbt.ref("int_attribution__effects").pl())
