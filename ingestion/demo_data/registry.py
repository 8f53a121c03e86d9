"""The programme office's initiative registry: one YAML file per initiative.

Roll-outs and populations come from effects.py; this module adds what the programme office
knows on top: owner, costs, business-case assumptions and objectives.
"""

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .effects import INITIATIVES, Initiative
from .writers import tally

DEFAULT_ASSUMPTIONS = {
    "loaded_hourly_cost": 55,
    "realisation_factor": 0.6,
    "gross_margin": 0.35,
    "cost_per_defect": 120,
    "cost_per_rework": 40,
    "discount_rate": 0.10,
    "horizon_years": 3,
    "benefit_risk_haircut": 0.10,
}

PROGRAMME_OFFICE: dict[str, dict[str, Any]] = {
    "vision-qc": {
        "name": "Vision inspection of PCB assemblies",
        "owner": "Head of Manufacturing Quality",
        "description": "Camera + vision model flags solder and placement defects before reflow.",
        "costs": {"development": 1_500_000, "implementation": 900_000, "running_monthly": 50_000},
        # Internal cost of one defective assembly (rework labour, parts, re-inspection);
        # with it the demo tells the case study: first-year ROI about 300%. It covers the
        # rework, so the cost of poor quality adds no rework cost for the same units.
        "assumptions": {"cost_per_defect": 48, "cost_per_defect_includes_rework": True},
        "objectives": [
            ("defective_rate", "decrease", -30, "2026-06-30"),
            ("production_speed", "increase", 15, "2026-06-30"),
            ("claims_cost", "decrease", -25, "2026-10-31"),
        ],
    },
    "support-copilot": {
        "name": "Support agent copilot",
        "owner": "Director of Customer Support",
        "description": "Drafts answers and summarises tickets for support agents.",
        "costs": {"development": 250_000, "implementation": 120_000, "running_monthly": 15_000},
        "assumptions": {"loaded_hourly_cost": 42},
        "objectives": [
            ("task_duration_mean", "decrease", -20, "2026-03-31"),
            ("rework_rate", "decrease", -15, "2026-06-30"),
        ],
        # A level: 80% of seat holders active in each team's third month after go-live.
        "level_objectives": [("utilisation", "increase", 0.80, 3)],
    },
    "sales-assistant": {
        "name": "Sales assistant for account managers",
        "owner": "VP Sales",
        "description": "Suggests next-best offers and drafts follow-ups from CRM history.",
        "costs": {"development": 400_000, "implementation": 150_000, "running_monthly": 20_000},
        "assumptions": {"gross_margin": 0.35},
        "objectives": [("revenue", "increase", 8, "2026-06-30")],
    },
    "hr-copilot": {
        "name": "HR copilot for back-office teams",
        "owner": "Chief People Officer",
        "description": "Answers HR and policy questions and prepares routine HR paperwork.",
        "costs": {"development": 180_000, "implementation": 60_000, "running_monthly": 8_000},
        # Surveys are quarterly: twelve months give four waves before go-live.
        "baseline_months": 12,
        "objectives": [
            ("job_satisfaction_mean", "increase", 5, "2026-06-30"),
            ("turnover_rate", "decrease", -10, "2026-12-31"),
        ],
    },
    "product-ideation": {
        "name": "Product ideation assistant",
        "owner": "Head of R&D",
        "description": "Generates and screens product concepts and drafts specifications.",
        "costs": {"development": 300_000, "implementation": 100_000, "running_monthly": 12_000},
        "objectives": [("time_to_market_median", "decrease", -25, "2026-06-30")],
    },
}


class _Flow(list):
    """A list written inline, as in the registry's documented examples."""


class _FlowMap(dict):
    """A mapping written inline: `{unit: L01, go_live: 2025-11-01}`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, True))
_Dumper.add_representer(
    _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, True)
)


def registry_entry(item: Initiative) -> dict[str, Any]:
    office = PROGRAMME_OFFICE[item.id]
    return {
        "id": item.id,
        "name": office["name"],
        "owner": office["owner"],
        "description": office["description"],
        "unit_type": item.unit_type,
        "population": _Flow(item.population),
        "rollout": [
            _FlowMap(unit=unit, go_live=date.fromisoformat(day)) for unit, day in item.rollout
        ],
        "baseline_months": office.get("baseline_months", 6),
        "ramp_up_months": 0,
        "costs": office["costs"],
        "assumptions": DEFAULT_ASSUMPTIONS | office.get("assumptions", {}),
        "objectives": [
            {
                "metric": metric,
                "direction": direction,
                "target_pct": target,
                "deadline": date.fromisoformat(deadline),
            }
            for metric, direction, target, deadline in office["objectives"]
        ]
        + [
            {"metric": metric, "direction": direction, "target_level": level, "by_month": month}
            for metric, direction, level, month in office.get("level_objectives", [])
        ],
    }


def write_registry(landing: Path) -> dict[str, int]:
    folder = landing / "initiatives"
    folder.mkdir(parents=True, exist_ok=True)
    for item in INITIATIVES:
        text = yaml.dump(
            registry_entry(item), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
        )
        (folder / f"{item.id}.yaml").write_text(text, encoding="utf-8")
    return tally([1] * len(INITIATIVES))
