"""The company: departments, teams, and every employee ever on the payroll.

Each seat is refilled the day after its holder leaves, so team headcounts stay constant
(IT-SEC is always exactly 4 people, small enough to exercise small-cell suppression) while
the roster still shows about 12% turnover a year.

Separations follow each department's expected count month by month (systematic sampling
of the constant exit hazard, see sampling.py) and fall on random seats and days: a
department of 24 expects one leaver every four months, and exponential tenures alone
would bunch them at random.
"""

import numpy as np
import polars as pl

from .sampling import source_rng
from .timeline import START, months, to_dates

LINES = tuple(f"L{n:02d}" for n in range(1, 9))
SUPPORT_TEAMS = tuple(f"S{n}" for n in range(1, 9))
REGIONS = ("NORTH", "SOUTH", "EAST", "WEST", "CENTRAL", "ISLANDS")
RND_TEAMS = tuple(f"R{n}" for n in range(1, 7))

# Department -> team -> headcount; 900 seats in all.
HEADCOUNT: dict[str, dict[str, int]] = {
    "Manufacturing": dict.fromkeys(LINES, 50),
    "Customer Support": dict.fromkeys(SUPPORT_TEAMS, 22),
    "Sales": dict.fromkeys(REGIONS, 16),
    "Finance": {"FIN-AP": 28, "FIN-CTRL": 16},
    "Human Resources": {"HR-OPS": 14, "HR-TA": 10},
    "R&D": dict.fromkeys(RND_TEAMS, 13),
    "Procurement": {"PRC-1": 20, "PRC-2": 14},
    "IT": {"IT-OPS": 22, "IT-DEV": 22, "IT-SEC": 4},
}
DEPARTMENTS = tuple(HEADCOUNT)
ANNUAL_TURNOVER = 0.12
MAX_TENURE_DAYS = 25 * 365
NO_EXIT = np.iinfo(np.int64).max


def _seats() -> tuple[np.ndarray, np.ndarray]:
    seats = [(dept, team, n) for dept, teams in HEADCOUNT.items() for team, n in teams.items()]
    departments, teams, counts = zip(*seats, strict=True)
    return np.repeat(departments, counts), np.repeat(teams, counts)


def _tenures(seed: int, departments: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seat, hire day and exit day (days since START) of each holder of each seat."""
    rng = source_rng(seed, "company")
    mean_stay = 365.25 / ANNUAL_TURNOVER
    seats = departments.size
    # A constant exit hazard makes the current holders' tenure exponential too (truncated
    # at a career's length by inverting its distribution function).
    reach = 1 - np.exp(-MAX_TENURE_DAYS / mean_stay)
    tenure = -mean_stay * np.log1p(-rng.random(seats) * reach)
    holder_hire = -tenure.astype(np.int64)
    seat_parts, hire_parts, exit_parts = [], [], []
    names, department = np.unique(departments, return_inverse=True)
    headcount = np.bincount(department)
    # Systematic sampling: leavers by month are the steps of the cumulative expected count,
    # from a random phase per department.
    cumulative = rng.random(names.size)
    for month in months():
        expected = headcount * -np.expm1(-month.days / mean_stay)
        leavers = np.floor(cumulative + expected) - np.floor(cumulative)
        cumulative += expected
        dept = np.repeat(np.arange(names.size), leavers.astype(np.int64))
        days = np.sort(month.first_day + rng.integers(0, month.days, dept.size))
        for d, day in zip(rng.permutation(dept), days, strict=True):
            # Anyone in the department hired before that day may leave on it.
            seat = rng.choice(np.flatnonzero((department == d) & (holder_hire < day)))
            seat_parts.append(seat)
            hire_parts.append(holder_hire[seat])
            exit_parts.append(day)
            holder_hire[seat] = day + 1
    seat_parts.extend(range(seats))
    hire_parts.extend(holder_hire)
    exit_parts.extend([NO_EXIT] * seats)
    return np.array(seat_parts), np.array(hire_parts), np.array(exit_parts)


def build_roster(seed: int) -> pl.DataFrame:
    """One row per employee ever employed; `exit_date` null while still employed."""
    departments, teams = _seats()
    seat, hire, exit_day = _tenures(seed, departments)
    order = np.lexsort((seat, hire))
    seat, hire, exit_day = seat[order], hire[order], exit_day[order]
    employed = exit_day == NO_EXIT
    exit_dates = to_dates(np.where(employed, 0, exit_day))
    return pl.DataFrame(
        {
            "employee_id": [f"E{n:05d}" for n in range(1, seat.size + 1)],
            "department": departments[seat],
            "team": teams[seat],
            "hire_date": to_dates(hire),
            "exit_date": pl.Series(exit_dates).set(pl.Series(employed), None),
        }
    )


def employment_days(roster: pl.DataFrame) -> pl.DataFrame:
    """The roster with `hire` and `exit` as days since START (NO_EXIT while employed)."""
    return roster.with_columns(
        hire=(pl.col("hire_date") - pl.lit(START.item())).dt.total_days(),
        exit=(pl.col("exit_date") - pl.lit(START.item())).dt.total_days().fill_null(NO_EXIT),
    )


class Staff:
    """Picks, vectorised, an employee of a team who is employed on a given day."""

    def __init__(self, roster: pl.DataFrame) -> None:
        days = employment_days(roster)
        self._teams = {
            team: (part["employee_id"].to_numpy(), part["hire"].to_numpy(), part["exit"].to_numpy())
            for (team,), part in days.partition_by("team", as_dict=True).items()
        }

    def pick(self, rng: np.random.Generator, team: str, days: np.ndarray) -> np.ndarray:
        ids, hire, exit_day = self._teams[team]
        unique_days, day_index = np.unique(days, return_inverse=True)
        active = (hire <= unique_days[:, None]) & (unique_days[:, None] <= exit_day)
        counts = active.sum(axis=1)
        # Active employees first in each row, so a uniform rank below the count picks one.
        ranked = np.argsort(~active, axis=1, kind="stable")
        rank = (rng.random(days.size) * counts[day_index]).astype(np.int64)
        return ids[ranked[day_index, rank]]
