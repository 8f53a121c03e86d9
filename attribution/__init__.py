"""How much of each metric's change since go-live is the AI's.

`estimate_effects(panel)` takes one row per (initiative_id, metric_name, unit_id, month):
numerator and denominator (> 0; the metric is their ratio), go_live_month (null for
never-treated units), baseline_months, ramp_up_months and effect_model ("ppml" for
multiplicative metrics, "linear" for bounded scores, effect in points). It returns one
row per (initiative_id, metric_name) with the columns in `OUTPUT_COLUMNS`: the naive
before/after change, a stacked difference-in-differences by go-live cohort against
not-yet- and never-treated units with a 95% interval whose method suits the number of
treated and control units (`attribution.inference`), the year-over-year change, and the
evidence behind them.

Windows are per treated unit, from its own go-live g: baseline = the baseline_months
before g, ramp-up = g .. g + ramp_up_months - 1 (excluded), post = the rest up to the
report month (the last month in the panel).
"""

from attribution.estimate import OUTPUT_COLUMNS, estimate_effects

__all__ = ["OUTPUT_COLUMNS", "estimate_effects"]
