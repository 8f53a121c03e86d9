"""The AI initiatives' roll-outs and the effects injected into the data.

Generators read their multipliers from here and ground_truth.json is written from here,
so what is injected and what is reported can never drift apart.
"""

from dataclasses import dataclass

import numpy as np

from .company import DEPARTMENTS, LINES, REGIONS, RND_TEAMS, SUPPORT_TEAMS

JOB_SATISFACTION_SHIFT = 0.35  # points on the 1-5 scale


@dataclass(frozen=True)
class Effect:
    metric: str
    kind: str  # "relative": treated = (1 + true_effect) * counterfactual; "absolute": + true_effect
    true_effect: float

    @property
    def multiplier(self) -> float:
        return 1.0 + self.true_effect


@dataclass(frozen=True)
class Initiative:
    id: str
    unit_type: str
    population: tuple[str, ...]
    rollout: tuple[tuple[str, str], ...]  # (unit, go-live date)
    effects: tuple[Effect, ...]
    scope: str | None = None  # the process an efficiency effect applies to

    def effect(self, metric: str) -> Effect:
        return next(effect for effect in self.effects if effect.metric == metric)

    def go_lives(self, units: tuple[str, ...] | list[str]) -> np.ndarray:
        """Each unit's go-live date, NaT for controls (comparisons with NaT are False)."""
        dates = dict(self.rollout)
        return np.array([dates.get(unit, "NaT") for unit in units], dtype="datetime64[D]")

    def live(self, units: tuple[str, ...] | list[str], day: np.datetime64) -> np.ndarray:
        """Whether each unit has gone live on or before `day`."""
        return self.go_lives(units) <= day


INITIATIVES = (
    Initiative(
        "vision-qc",
        "production_line",
        LINES,
        (
            ("L01", "2025-11-01"),
            ("L02", "2025-11-01"),
            ("L03", "2026-01-01"),
            ("L04", "2026-01-01"),
        ),
        (
            Effect("defective_rate", "relative", -0.35),
            Effect("defects_per_unit", "relative", -0.35),
            Effect("production_speed", "relative", 0.20),
            Effect("claims_cost", "relative", -0.35),
        ),
    ),
    Initiative(
        "support-copilot",
        "support_team",
        SUPPORT_TEAMS,
        (("S1", "2025-10-01"), ("S2", "2025-10-01"), ("S3", "2026-01-01"), ("S4", "2026-01-01")),
        (
            Effect("task_duration_mean", "relative", -0.25),
            Effect("rework_rate", "relative", -0.20),
            Effect("error_rate", "relative", 0.0),
        ),
        scope="customer_support",
    ),
    Initiative(
        "sales-assistant",
        "region",
        REGIONS,
        (("NORTH", "2025-12-01"), ("EAST", "2025-12-01"), ("WEST", "2026-02-01")),
        (Effect("revenue", "relative", 0.10), Effect("average_order_value", "relative", 0.0)),
    ),
    Initiative(
        "hr-copilot",
        "department",
        DEPARTMENTS,
        (
            ("Finance", "2025-10-01"),
            ("Human Resources", "2025-10-01"),
            ("Procurement", "2025-10-01"),
        ),
        (
            Effect("job_satisfaction_mean", "absolute", JOB_SATISFACTION_SHIFT),
            Effect("turnover_rate", "relative", 0.0),
        ),
    ),
    Initiative(
        "product-ideation",
        "rnd_team",
        RND_TEAMS,
        # Staggered: had the three of six teams gone live together, treating the other
        # three would mirror the effect exactly and no 95% interval could be made.
        (("R1", "2025-09-01"), ("R2", "2025-09-01"), ("R3", "2025-12-01")),
        (Effect("time_to_market_median", "relative", -0.30),),
    ),
)


def initiative(initiative_id: str) -> Initiative:
    return next(item for item in INITIATIVES if item.id == initiative_id)
