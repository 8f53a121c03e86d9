"""A second company, shaped unlike the demo, for the end-to-end test of "any company".

Keramiek Vos: three plants of eight kilns each (24 production lines, named as nothing in the
warehouse's code names them), one sales region, and only three of the eight data sources:
quality as daily counts per line from the plants' MES, sales orders without product,
channel or margin, and a quarterly pulse survey answered on a 1-4 scale with no question
but job satisfaction. One AI initiative, a glazing coach, reaches four teams of the
glazing and kiln departments; it raises expected job satisfaction by GLAZE_COACH_EFFECT
points. An organisation file names the plants and their kilns.

Like the demo, a team-wave's answers are allocated rather than drawn one by one (the
demo's likert_counts), so each cell's mean is its expected value within 0.5 / respondents,
and the recovered effect can be held to 10% of the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ingestion.demo_data.hr import likert_counts
from ingestion.demo_data.sampling import source_rng
from ingestion.demo_data.writers import write_csv

SEED = 7
FIRST_MONTH = dt.date(2024, 4, 1)
MONTHS = 30  # April 2024 - September 2026
PLANTS = {"VSK": "Vyškov", "GYR": "Győr", "LDZ": "Łódź"}
KILNS_PER_PLANT = 8
REGION = "Binnenland"
SURVEY_SCALE = "job_satisfaction=1-4"
ANSWERS = np.arange(1, 5)
BASE_ANSWERS = np.array([0.08, 0.27, 0.45, 0.20])  # on 1-4: mean 2.77
WAVE_DRIFT = -0.02  # company-wide, per wave: a naive before/after comparison is biased
GLAZE_COACH_EFFECT = 0.30  # points on the 1-4 scale
RESPONSE_RATE = 0.85
# Department -> team -> headcount. Kwaliteitsaudit has 4 people: always suppressed.
TEAMS: dict[str, dict[str, int]] = {
    "Glazuurwerk": {"Glazuur-Vroeg": 22, "Glazuur-Laat": 20, "Glazuur-Nacht": 18},
    "Ovenbouw": {"Ovens-Noord": 24, "Ovens-Zuid": 21, "Ovens-Oost": 19},
    "Logistiek & Expeditie": {"Expeditie-A": 16, "Expeditie-B": 15},
    "Kwaliteit": {"Kwaliteitslab": 12, "Kwaliteitsaudit": 4},
}
GO_LIVES = {
    "Glazuur-Vroeg": "2025-07-01",
    "Glazuur-Laat": "2025-07-01",
    "Ovens-Noord": "2025-10-01",
    "Ovens-Zuid": "2025-10-01",
}
ALL_TEAMS = [team for teams in TEAMS.values() for team in teams]
TEAM_TILT = {team: 0.05 * (n % 5 - 2) for n, team in enumerate(ALL_TEAMS)}


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    days: int

    @property
    def label(self) -> str:
        return f"{self.first_day:%Y_%m}"


def months() -> list[Month]:
    result = []
    for index in range(MONTHS):
        year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
        first = dt.date(FIRST_MONTH.year + year, month + 1, 1)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        result.append(Month(first, (following - first).days))
    return result


def lines() -> list[str]:
    return [f"{plant}-Oven{n:02d}" for plant in PLANTS for n in range(1, KILNS_PER_PLANT + 1)]


def team_department() -> dict[str, str]:
    return {team: department for department, teams in TEAMS.items() for team in teams}


def _days(month: Month) -> list[dt.date]:
    return [month.first_day + dt.timedelta(days=d) for d in range(month.days)]


def write_quality(landing: Path) -> dict[str, dict[str, list[int]]]:
    """One counts file per month: every line, every day. Returns per line the monthly
    units inspected and defective units (the truth of defective_rate)."""
    folder = landing / "quality"
    folder.mkdir(parents=True, exist_ok=True)
    rng = source_rng(SEED, "quality")
    names = lines()
    defect_rate = rng.uniform(0.015, 0.06, len(names))
    truth = {line: {"inspected": [], "defective": []} for line in names}
    for month in months():
        days = _days(month)
        inspected = rng.poisson(320, (len(days), len(names)))
        defective = rng.binomial(inspected, defect_rate)
        extra = rng.poisson(0.4 * defective)
        first_pass = inspected - defective - rng.binomial(inspected - defective, 0.01)
        frame = pl.DataFrame(
            {
                "inspection_date": pl.Series([day for day in days for _ in names], dtype=pl.Date),
                "line": np.tile(names, len(days)),
                "units_inspected": inspected.ravel(),
                "defective_units": defective.ravel(),
                "defects_found": (defective + extra).ravel(),
                "first_pass_units": first_pass.ravel(),
            }
        )
        write_csv(frame, folder / f"inspection_counts_{month.label}.csv")
        for column, line in enumerate(names):
            truth[line]["inspected"].append(int(inspected[:, column].sum()))
            truth[line]["defective"].append(int(defective[:, column].sum()))
    return truth


def write_sales(landing: Path) -> list[float]:
    """Orders of the one region, one file per month; returns each month's revenue."""
    folder = landing / "sales"
    folder.mkdir(parents=True, exist_ok=True)
    rng = source_rng(SEED, "sales")
    revenue = []
    number = 0
    for month in months():
        count = int(rng.poisson(11 * month.days))
        day = np.sort(rng.integers(0, month.days, count))
        amount = np.round(rng.lognormal(np.log(640.0), 0.5, count), 2)
        frame = pl.DataFrame(
            {
                "order_id": [f"VOS-{number + n:06d}" for n in range(1, count + 1)],
                "customer_id": [f"K{c:04d}" for c in rng.integers(1, 900, count)],
                "region": REGION,
                "order_date": [month.first_day + dt.timedelta(days=int(d)) for d in day],
                "amount": amount,
            }
        )
        number += count
        write_csv(frame, folder / f"orders_{month.label}.csv")
        revenue.append(round(float(amount.sum()), 2))
    return revenue


def _expected_mean(team: str, wave_index: int, treated: bool) -> float:
    base = BASE_ANSWERS @ ANSWERS + TEAM_TILT[team]
    return base + WAVE_DRIFT * wave_index + GLAZE_COACH_EFFECT * treated


def _wave_answers(rng: np.random.Generator, month: Month, wave_index: int) -> pl.DataFrame:
    parts = []
    for index, (team, department) in enumerate(team_department().items()):
        people = [f"VOS{index:02d}{n:03d}" for n in range(TEAMS[department][team])]
        answering = [person for person in people if rng.random() < RESPONSE_RATE]
        days = rng.integers(0, month.days, len(answering))
        go_live = GO_LIVES.get(team)
        treated = go_live is not None and dt.date.fromisoformat(go_live) <= month.first_day
        mean = _expected_mean(team, wave_index, treated)
        counts = likert_counts(len(answering), BASE_ANSWERS, mean, ANSWERS)
        parts.append(
            pl.DataFrame(
                {
                    "wave": f"{month.first_day.year}-Q{(month.first_day.month - 1) // 3 + 1}",
                    "response_date": [month.first_day + dt.timedelta(days=int(d)) for d in days],
                    "employee_id": answering,
                    "department": department,
                    "team": team,
                    "job_satisfaction": rng.permutation(np.repeat(ANSWERS, counts)),
                }
            )
        )
    return pl.concat(parts)


def write_surveys(landing: Path) -> int:
    """A wave in each quarter's last month; returns the number of waves."""
    folder = landing / "hr_surveys"
    folder.mkdir(parents=True, exist_ok=True)
    rng = source_rng(SEED, "hr_surveys")
    waves = [month for month in months() if month.first_day.month % 3 == 0]
    for index, month in enumerate(waves):
        write_csv(_wave_answers(rng, month, index), folder / f"survey_{month.label}.csv")
    return len(waves)


def write_organisation(landing: Path) -> None:
    rows = [("plant", code, name, None, None) for code, name in PLANTS.items()]
    rows += [
        ("production_line", line, f"{PLANTS[line[:3]]} oven {line[-2:]}", "plant", line[:3])
        for line in lines()
    ]
    rows += [("team", team, None, "department", dept) for team, dept in team_department().items()]
    frame = pl.DataFrame(
        rows, schema=["unit_type", "unit_id", "label", "parent_type", "parent_id"], orient="row"
    )
    (landing / "organisation").mkdir(parents=True, exist_ok=True)
    write_csv(frame, landing / "organisation" / "units.csv")


def write_registry(landing: Path) -> None:
    population = ", ".join(ALL_TEAMS)
    rollout = "\n".join(f"  - {{unit: {team}, go_live: {day}}}" for team, day in GO_LIVES.items())
    text = f"""id: glaze-coach
name: Glazing coach for kiln and glazing crews
unit_type: team
population: [{population}]
rollout:
{rollout}
baseline_months: 12
costs: {{development: 80000, implementation: 20000, running_monthly: 1500}}
"""
    (landing / "initiatives").mkdir(parents=True, exist_ok=True)
    (landing / "initiatives" / "glaze-coach.yaml").write_text(text, encoding="utf-8")


def generate(landing: Path) -> dict[str, Any]:
    """Write the company's landing files; return what the pipeline should find."""
    landing.mkdir(parents=True, exist_ok=True)
    write_organisation(landing)
    write_registry(landing)
    return {
        "quality": write_quality(landing),
        "monthly_revenue": write_sales(landing),
        "survey_waves": write_surveys(landing),
        "glaze_coach_effect": GLAZE_COACH_EFFECT,
    }
