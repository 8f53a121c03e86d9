"""The fixed demo period and the company-wide trend and seasonality applied to every series.

Without these, a naive before/after comparison would equal difference-in-differences; with
them, the two differ clearly and the pipeline has to use control units to be right.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

START = np.datetime64("2024-05-01", "D")
END = np.datetime64("2026-10-31", "D")
SECONDS_PER_DAY = 86_400

TREND = {
    "volume_trend_per_month": 0.006,
    "volume_seasonal_amplitude": 0.08,
    "seasonal_formula": "sin(2*pi*(calendar_month - 3) / 12), peak in June",
    "defect_trend_per_month": -0.005,
    "defect_summer_uplift": 0.10,
    "summer_months": [6, 7, 8],
    "duration_trend_per_month": 0.003,
    "duration_seasonal_amplitude": 0.03,
    "volume_factor_applies_to": [
        "operations task volume",
        "inspection volume",
        "order volume",
        "feedback volume",
        "units produced per production hour",
    ],
    "defect_factor_applies_to": ["defective-unit probability", "claim counts"],
    "duration_factor_applies_to": ["task duration", "time to market"],
}


@dataclass(frozen=True)
class Month:
    index: int  # months since START
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def compact(self) -> str:
        return f"{self.year % 100:02d}{self.month:02d}"

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.label, "M").astype("datetime64[D]")

    @property
    def days(self) -> int:
        following = np.datetime64(self.label, "M") + 1
        return int((following.astype("datetime64[D]") - self.start).astype(np.int64))

    @property
    def first_day(self) -> int:
        """Days from START to this month's first day."""
        return int((self.start - START).astype(np.int64))


def months() -> list[Month]:
    first = np.datetime64(START, "M")
    count = int(np.datetime64(END, "M") - first) + 1
    labels = [str(first + i) for i in range(count)]
    return [Month(i, int(label[:4]), int(label[5:])) for i, label in enumerate(labels)]


def _season(month: Month) -> float:
    return math.sin(2 * math.pi * (month.month - 3) / 12)


def volume_factor(month: Month) -> float:
    trend = 1 + TREND["volume_trend_per_month"] * month.index
    return trend * (1 + TREND["volume_seasonal_amplitude"] * _season(month))


def defect_factor(month: Month) -> float:
    summer = month.month in TREND["summer_months"]
    uplift = 1 + TREND["defect_summer_uplift"] * summer
    return (1 + TREND["defect_trend_per_month"] * month.index) * uplift


def duration_factor(month: Month) -> float:
    trend = 1 + TREND["duration_trend_per_month"] * month.index
    return trend * (1 + TREND["duration_seasonal_amplitude"] * _season(month))


def monthly_base(total: float, factor: Callable[[Month], float]) -> float:
    """Volume of a month with factor 1, so that the months add up to `total` on average."""
    return total / sum(factor(month) for month in months())


def to_dates(days: np.ndarray) -> np.ndarray:
    """Days since START as numpy dates."""
    return START + days.astype("timedelta64[D]")


def epoch_seconds(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Seconds since 1970 for a day (since START) and seconds into that day."""
    start = START.astype("datetime64[s]").astype(np.int64)
    return start + days.astype(np.int64) * SECONDS_PER_DAY + seconds.astype(np.int64)


def draw_days(rng: np.random.Generator, month: Month, size: int, weekend: float) -> np.ndarray:
    """Days since START within `month`; a weekend day is `weekend` times as likely as a weekday."""
    days = month.first_day + np.arange(month.days)
    weekday = (to_dates(days).view(np.int64) - 4) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    weights = np.where(weekday >= 5, weekend, 1.0)
    return rng.choice(days, size=size, p=weights / weights.sum())
