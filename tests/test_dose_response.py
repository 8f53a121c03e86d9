"""The dose-response estimator (attribution/dose_response.py): it recovers an intensity
effect injected beside unit and month effects, and estimates nothing where an intensity
level holds fewer than 5 people."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attribution.dose_response import dose_response_table

TRUE_EFFECTS = {"idle": 0.0, "light": -0.10, "heavy": -0.25}


def _panel(people_per_level: dict[str, int], seed: int = 3) -> pd.DataFrame:
    """Person-months of two units over six months: minutes of completed tasks with a unit
    effect, a month effect, the intensity effect and noise."""
    rng = np.random.default_rng(seed)
    rows = []
    person = 0
    for level, count in people_per_level.items():
        for _ in range(count):
            person += 1
            unit = "U1" if person % 2 else "U2"
            for month in range(6):
                tasks = int(rng.integers(20, 40))
                mean = 30 * (1.2 if unit == "U2" else 1.0) * (1 + 0.02 * month)
                minutes = tasks * mean * (1 + TRUE_EFFECTS[level]) * rng.lognormal(0, 0.05)
                rows.append(
                    {
                        "initiative_id": "copilot",
                        "metric_name": "task_duration_mean",
                        "unit_id": unit,
                        "employee_key": f"p{person}",
                        "month_start": pd.Timestamp(2026, 1 + month, 1),
                        "intensity": level,
                        "numerator": minutes,
                        "denominator": float(tasks),
                    }
                )
    return pd.DataFrame(rows)


def test_the_intensity_effect_is_recovered_beside_unit_and_month_effects() -> None:
    table = dose_response_table(_panel({"idle": 12, "light": 20, "heavy": 15}))

    estimates = table.set_index("intensity")
    for level in ("light", "heavy"):
        assert estimates.loc[level, "effect_pct"] == pytest.approx(TRUE_EFFECTS[level], abs=0.01)
        assert estimates.loc[level, "ci_low_pct"] < TRUE_EFFECTS[level]
        assert estimates.loc[level, "ci_high_pct"] > TRUE_EFFECTS[level]
    assert estimates.loc["heavy", "people"] == 15
    assert estimates.loc["heavy", "reference_people"] == 12
    assert estimates.loc["light", "person_months"] == 120
    assert table["note"].isna().all()


def test_fewer_than_5_people_at_a_level_are_not_estimated() -> None:
    table = dose_response_table(_panel({"idle": 12, "light": 20, "heavy": 4}))

    assert table["effect_pct"].isna().all()
    assert set(table["note"]) == {"fewer than 5 people: heavy"}
