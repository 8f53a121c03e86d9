"""How much of each metric's change since go-live is the AI's.

`estimate_effects(panel)` takes one row per (initiative_id, metric_name, unit_id, month):
numerator and denominator (> 0; the metric is their ratio), go_live_month (null for
never-treated units), baseline_months, ramp_up_months and effect_model ("ppml" for
multiplicative metrics, "linear" for bounded scores, effect in points). It returns one
row per (initiative_id, metric_name) with the columns in `OUTPUT_COLUMNS`: the naive
before/after change, a stacked difference-in-differences by go-live cohort against
not-yet- and never-treated units with a 95% interval whose method suits the number of
treated and control units (`attribution.inference`), the year-over-year change, and the
evidence behind them: too short a history, no control units, no interval and why, or a
pre-trend (treated units drifting from their controls before go-live).

`estimate_event_studies(panel)` takes the same panel and returns the event study behind
the pre-trend test: one row per (initiative_id, metric_name, event_time), the effect in
each month relative to go-live with its 95% CI (columns in `EVENT_STUDY_COLUMNS`).

Windows are per treated unit, from its own go-live g: baseline = the baseline_months
before g, ramp-up = g .. g + ramp_up_months - 1 (excluded), post = the rest up to the
report month (the last month in the panel).
"""

from attribution.estimate import OUTPUT_COLUMNS, estimate_effects
from attribution.event_study import EVENT_STUDY_COLUMNS, estimate_event_studies

__all__ = ["EVENT_STUDY_COLUMNS", "OUTPUT_COLUMNS", "estimate_effects", "estimate_event_studies"]
