"""Words for the page: metric, family, benefit-stream and status names as people say them."""

from __future__ import annotations

METRICS = {
    "task_duration_mean": "Task duration (mean)",
    "task_duration_median": "Task duration (volume-weighted mean of monthly medians)",
    "throughput": "Throughput",
    "error_rate": "Error rate",
    "rework_rate": "Rework rate",
    "task_volume": "Task volume",
    "defective_rate": "Defective rate",
    "defects_per_unit": "Defects per unit",
    "dpmo": "Defects per million opportunities",
    "first_pass_yield": "First-pass yield",
    "production_speed": "Production speed",
    "claims_cost": "Recall and warranty cost",
    "claims_count": "Recalls and warranty claims",
    "csat": "Customer satisfaction (CSAT)",
    "nps": "Net promoter score",
    "revenue": "Revenue",
    "gross_margin": "Gross margin",
    "orders": "Orders",
    "average_order_value": "Average order value",
    "ai_enabled_revenue": "Revenue from AI-enabled products",
    "customer_retention": "Customer retention",
    "customer_lifetime_value": "Customer lifetime value",
    "launches": "Launches",
    "ai_assisted_launch_share": "AI-assisted launches",
    "time_to_market_median": "Time to market (volume-weighted mean of monthly medians)",
    "time_to_market_mean": "Time to market (mean)",
    "job_satisfaction_mean": "Job satisfaction (mean)",
    "job_satisfaction_top2": "Satisfied employees",
    "enps": "Employee NPS",
    "self_rated_productivity": "Self-rated productivity (mean)",
    "ai_adoption": "AI tool adoption",
    "turnover_rate": "Staff turnover",
}

# Survey metrics named with the answer scale their question was declared on ("1-4").
ON_A_SCALE = {
    "job_satisfaction_mean": "Job satisfaction ({scale})",
    "job_satisfaction_top2": "Satisfied employees ({top_two_boxes})",
    "self_rated_productivity": "Self-rated productivity ({scale})",
}

STREAMS = {
    "labour_hours_saved": "Labour hours saved",
    "production_hours_saved": "Production hours saved",
    "rework_cost_avoided": "Rework avoided",
    "defect_cost_avoided": "Defects avoided",
    "claims_cost_avoided": "Recalls and warranty claims avoided",
    "incremental_margin": "Extra margin from sales",
}

STATUS_ORDER = ("met", "on track", "at risk", "missed", "no estimate")


def metric(name: str, scale: str | None = None) -> str:
    """The metric's name; a survey metric's also names its answer scale when that is known."""
    if scale and name in ON_A_SCALE:
        return ON_A_SCALE[name].format(scale=scale, top_two_boxes=top_two_boxes(scale))
    return METRICS.get(name, name.replace("_", " ").capitalize())


def top_two_boxes(scale: str) -> str:
    """'1-4' -> '3-4': the answers a top-two-box share counts."""
    top = int(scale.rsplit("-", 1)[1])
    return f"{top - 1}-{top}"


def stream(name: str) -> str:
    return STREAMS.get(name, name.replace("_", " ").capitalize())


def first_year_basis(months_measured: int) -> str:
    """Whether a first-year figure is all measured or includes projected months."""
    return "measured" if months_measured >= 12 else "partly projected"
