"""ground_truth.json: everything the generator injected, for tests of the pipeline's recovery."""

from typing import Any

from .company import ANNUAL_TURNOVER, HEADCOUNT
from .effects import INITIATIVES, initiative
from .hr import satisfaction_distributions
from .registry import PROGRAMME_OFFICE
from .timeline import END, START, TREND, months

OPPORTUNITIES = {
    "expected_top": ["invoice_processing", "purchase_order_entry", "expense_audit"],
    "poor_data_process": "contract_review",
    "covered_by_initiative": {"customer_support": "support-copilot"},
}


def initiative_truth() -> dict[str, dict]:
    """Per initiative: its units, go-lives and injected effects (zero effects included)."""
    truth = {}
    for item in INITIATIVES:
        treated = dict(item.rollout)
        effects = []
        for effect in item.effects:
            entry = {
                "initiative_id": item.id,
                "unit_type": item.unit_type,
                "metric": effect.metric,
                "kind": effect.kind,
                "true_effect": effect.true_effect,
            }
            if item.scope:
                entry["process"] = item.scope
            effects.append(entry)
        truth[item.id] = {
            "unit_type": item.unit_type,
            "treated": treated,
            "controls": [unit for unit in item.population if unit not in treated],
            "effects": effects,
        }
    return truth


def _case_study(claims: dict[str, float]) -> dict[str, Any]:
    vision = initiative("vision-qc")
    costs = PROGRAMME_OFFICE[vision.id]["costs"]
    baseline = claims["treated_lines_baseline_annual_claims_cost"]
    return {
        "initiative_id": vision.id,
        "treated_lines": [unit for unit, _ in vision.rollout],
        "baseline_window": "the 12 full months before each line's own go-live",
        **claims,
        "expected_annual_claims_savings": -vision.effect("claims_cost").true_effect * baseline,
        "one_off_costs": costs["development"] + costs["implementation"],
        "running_costs_per_year": 12 * costs["running_monthly"],
    }


def ground_truth(
    seed: int, scale: float, claims: dict[str, float], written: dict[str, dict[str, int]]
) -> dict[str, Any]:
    return {
        "seed": seed,
        "scale": scale,
        "period": {"start": str(START), "end": str(END), "months": len(months())},
        "initiatives": initiative_truth(),
        "job_satisfaction_distributions": satisfaction_distributions(),
        "case_study": _case_study(claims),
        "trend_seasonality": TREND,
        "company": {"headcount": HEADCOUNT, "annual_turnover_hazard": ANNUAL_TURNOVER},
        "opportunities": OPPORTUNITIES,
        "files": written,
    }
