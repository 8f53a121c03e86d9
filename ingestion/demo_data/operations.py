"""Operational task logs (`operations/tasks_<YYYY-MM>.jsonl`), one row per task.

The processes differ on purpose so the opportunity ranking has a right answer: invoice
processing, purchase-order entry and expense audit are voluminous, repetitive and
error-prone; contract review is big but badly recorded; customer support is already
covered by the support copilot.

Each team's month follows its expected mean duration and error and rework rates with small
noise (see sampling.py): durations are drawn per task, then scaled so the team-month's mean
is its expected value; the number of tasks with an error (or reworked) is decided per
team-month and given to completed tasks at random. One shock per team and month moves
durations, errors and rework together, as a month of harder cases does.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .company import LINES, REGIONS, SUPPORT_TEAMS, Staff
from .effects import initiative
from .sampling import (
    CarriedRounding,
    cell_noise,
    choose_in_groups,
    cv_sigma,
    group_mean,
    lognormal,
    rescale_to_mean,
    source_rng,
)
from .timeline import (
    Month,
    draw_days,
    duration_factor,
    epoch_seconds,
    monthly_base,
    months,
    volume_factor,
)
from .writers import DATETIME_FORMAT, sequence_id, tally, write_jsonl

TASKS_AT_SCALE_1 = 100_000
ABANDON_RATE = 0.03
AD_HOC_AI_SHARE = 0.015  # tasks where someone used a general AI tool on their own
WEEKEND_WEIGHT = 0.15
WORKDAY_START_S = 8 * 3600
WORKDAY_SPAN_S = 9 * 3600 + 1800


@dataclass(frozen=True)
class Process:
    name: str
    department: str
    teams: tuple[str, ...]
    share: float  # of all task volume
    mean_minutes: float
    cv: float  # coefficient of variation of the duration
    task_types: tuple[str, ...]
    type_probs: tuple[float, ...]
    error_rate: float
    rework_rate: float
    unrecorded_share: float = 0.0  # rows missing task_type and team


def _uniform(n: int) -> tuple[float, ...]:
    return (1 / n,) * n


PROCESSES = (
    Process(
        "customer_support", "Customer Support", SUPPORT_TEAMS, 0.35, 18, 0.6,
        ("order_status", "billing_question", "technical_issue", "return_request", "complaint"),
        (0.30, 0.25, 0.20, 0.15, 0.10), 0.04, 0.10,
    ),
    Process(
        "invoice_processing", "Finance", ("FIN-AP",), 0.15, 25, 0.15,
        ("standard_invoice", "credit_note"), (0.85, 0.15), 0.09, 0.12,
    ),
    Process(
        "purchase_order_entry", "Procurement", ("PRC-1",), 0.12, 20, 0.2,
        ("catalogue_po", "non_catalogue_po", "po_change"), (0.80, 0.12, 0.08), 0.06, 0.08,
    ),
    Process(
        "expense_audit", "Finance", ("FIN-CTRL",), 0.08, 30, 0.25,
        ("travel_expense", "card_statement", "mileage_claim"), (0.78, 0.14, 0.08), 0.05, 0.07,
    ),
    Process(
        "contract_review", "Procurement", ("PRC-2",), 0.06, 95, 0.9,
        ("nda", "supplier_agreement", "framework_contract", "amendment", "sow", "licence"),
        _uniform(6), 0.07, 0.09, unrecorded_share=0.30,
    ),
    Process(
        "onboarding_paperwork", "Human Resources", ("HR-OPS",), 0.05, 40, 0.35,
        ("new_hire_file", "contract_amendment", "leaver_file"), (0.60, 0.25, 0.15), 0.03, 0.04,
    ),
    Process(
        "quality_report_writing", "Manufacturing", LINES, 0.07, 45, 0.5,
        ("shift_report", "nonconformity_report", "audit_report", "capa_report"),
        (0.45, 0.30, 0.15, 0.10), 0.02, 0.03,
    ),
    Process(
        "sales_quote_prep", "Sales", REGIONS, 0.07, 35, 0.9,
        ("standard_quote", "custom_quote", "tender_response", "renewal_quote", "bundle_quote"),
        (0.30, 0.25, 0.15, 0.15, 0.15), 0.03, 0.04,
    ),
    Process(
        "it_ticket_resolution", "IT", ("IT-OPS", "IT-DEV"), 0.05, 50, 1.0,
        (
            "password_reset", "access_request", "laptop_setup", "printer", "vpn", "email",
            "software_install", "network", "bug_report", "data_fix", "license", "phone",
        ),
        _uniform(12), 0.02, 0.03,
    ),
)  # fmt: skip


TASK_COLUMNS = (
    "task_id", "process", "task_type", "department", "team", "employee_id",
    "started_at", "ended_at", "status", "error_flag", "rework_flag", "ai_assisted",
)  # fmt: skip
# Columns while generating: times as seconds since 1970, -1 for "not ended".
TASK_SCHEMA = {
    "process": pl.String,
    "task_type": pl.String,
    "department": pl.String,
    "team": pl.String,
    "employee_id": pl.String,
    "started": pl.Int64,
    "ended": pl.Int64,
    "status": pl.String,
    "error_flag": pl.Boolean,
    "rework_flag": pl.Boolean,
    "ai_assisted": pl.Boolean,
}


@dataclass(frozen=True)
class TeamLevels:
    """Unit fixed effects: each team's own volume, speed and error-proneness."""

    volume: np.ndarray
    duration: np.ndarray
    errors: np.ndarray


def _levels(seed: int) -> dict[str, TeamLevels]:
    rng = source_rng(seed, "operations", "levels")
    levels = {}
    for process in PROCESSES:
        n = len(process.teams)
        volume = rng.uniform(0.8, 1.2, n)
        levels[process.name] = TeamLevels(
            volume / volume.sum(), rng.uniform(0.9, 1.1, n), rng.uniform(0.85, 1.15, n)
        )
    return levels


def _employees(
    rng: np.random.Generator,
    staff: Staff,
    process: Process,
    team_index: np.ndarray,
    days: np.ndarray,
) -> np.ndarray:
    employees = np.empty(team_index.size, dtype="<U6")
    for i in sorted(np.unique(team_index), key=lambda i: process.teams[i]):
        at = team_index == i
        employees[at] = staff.pick(rng, process.teams[i], days[at])
    return employees


def _strings(values: tuple[str, ...], index: np.ndarray) -> pl.Series:
    """values[index] as a polars column (much faster than via a numpy string array)."""
    return pl.Series(values, dtype=pl.String).gather(index)


def _by_person(
    drawn: np.ndarray,
    employees: np.ndarray,
    expected: np.ndarray,
    completed: np.ndarray,
    multipliers: Mapping[str, float],
) -> np.ndarray:
    """`drawn` durations with each AI seat holder's monthly mean set to their multiplier
    times their team's `expected` mean (the person-month follows its expected value, as
    every cell does); everyone else's as drawn."""
    if not multipliers:
        return drawn
    people, person = np.unique(employees, return_inverse=True)
    multiplier = np.array([multipliers.get(name, np.nan) for name in people])
    own = group_mean(drawn, person, people.size, completed)
    team = group_mean(expected, person, people.size, np.ones(drawn.size, dtype=bool))
    return rescale_to_mean(
        drawn, person, np.where(np.isnan(multiplier), own, multiplier * team), completed
    )


def _copilot(process: Process, month: Month) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Which of the process's teams the support copilot assists, and each team's
    multiplier per metric."""
    copilot = initiative("support-copilot")
    assisted = np.zeros(len(process.teams), dtype=bool)
    if process.name == copilot.scope:
        assisted = copilot.live(process.teams, month.start)
    return assisted, {e.metric: np.where(assisted, e.multiplier, 1.0) for e in copilot.effects}


def _process_tasks(
    rng: np.random.Generator,
    month: Month,
    process: Process,
    size: int,
    staff: Staff,
    levels: TeamLevels,
    rounding: CarriedRounding,
    multipliers: Mapping[str, float],
) -> pl.DataFrame:
    n_teams = len(process.teams)
    team_index = rng.choice(n_teams, size=size, p=levels.volume)
    type_index = rng.choice(len(process.task_types), size=size, p=process.type_probs)
    days = draw_days(rng, month, size, WEEKEND_WEIGHT)
    started = epoch_seconds(days, WORKDAY_START_S + rng.integers(0, WORKDAY_SPAN_S, size))
    abandoned = rng.random(size) < ABANDON_RATE
    completed = ~abandoned
    done = np.bincount(team_index[completed], minlength=n_teams)

    assisted, effect = _copilot(process, month)
    mean = process.mean_minutes * levels.duration * duration_factor(month)
    drawn = lognormal(rng, mean[team_index], cv_sigma(process.cv), size)
    shock = cell_noise(rng, n_teams)
    flags = {}
    for flag, rate, metric in (
        ("error", process.error_rate, "error_rate"),
        ("rework", process.rework_rate, "rework_rate"),
    ):
        wanted = done * rate * levels.errors * effect[metric] * shock
        counts = rounding(f"{process.name}/{flag}", wanted, cap=done)
        flags[flag] = choose_in_groups(rng, team_index, counts, completed)
    unrecorded = rng.random(size) < process.unrecorded_share
    employees = _employees(rng, staff, process, team_index, days)
    # Heavier AI users work faster than their team-mates; the team-month keeps its mean.
    minutes = rescale_to_mean(
        _by_person(drawn, employees, mean[team_index], completed, multipliers),
        team_index,
        mean * effect["task_duration_mean"] * shock,
        completed,
    )
    return pl.DataFrame(
        {
            "process": _strings((process.name,), np.zeros(size, dtype=np.int64)),
            "task_type": _strings(process.task_types, type_index),
            "department": _strings((process.department,), np.zeros(size, dtype=np.int64)),
            "team": _strings(process.teams, team_index),
            "employee_id": employees,
            "started": started,
            "ended": np.where(abandoned, -1, started + np.rint(minutes * 60).astype(np.int64)),
            "status": _strings(("completed", "abandoned"), abandoned.astype(np.int64)),
            "error_flag": flags["error"],
            "rework_flag": flags["rework"],
            "ai_assisted": assisted[team_index] | (rng.random(size) < AD_HOC_AI_SHARE),
        },
        schema=TASK_SCHEMA,
    ).with_columns(pl.when(~pl.Series(unrecorded)).then(pl.col("task_type", "team")))


def _month_tasks(
    rng: np.random.Generator,
    month: Month,
    base: float,
    staff: Staff,
    levels: dict[str, TeamLevels],
    rounding: CarriedRounding,
    multipliers: Mapping[str, float],
) -> pl.DataFrame:
    total = rng.poisson(base * volume_factor(month))
    sizes = rng.multinomial(total, [process.share for process in PROCESSES])
    parts = [
        _process_tasks(
            rng, month, process, int(size), staff, levels[process.name], rounding, multipliers
        )
        for process, size in zip(PROCESSES, sizes, strict=True)
    ]
    timestamp = pl.from_epoch(pl.col("started"), time_unit="s")
    ended = pl.when(pl.col("ended") >= 0).then(pl.from_epoch(pl.col("ended"), time_unit="s"))
    return (
        pl.concat(parts)
        .sort("started", maintain_order=True)
        .with_columns(
            task_id=sequence_id(f"T{month.compact}-", 7),
            started_at=timestamp.dt.to_string(DATETIME_FORMAT),
            ended_at=ended.dt.to_string(DATETIME_FORMAT),
        )
        .select(TASK_COLUMNS)
    )


def write_operations(
    landing: Path,
    staff: Staff,
    seed: int,
    scale: float,
    duration_multipliers: Mapping[str, Mapping[str, float]],
) -> dict[str, int]:
    """One file of tasks per month; `duration_multipliers` (by month label and employee)
    scale a person's task durations against their team-mates'."""
    folder = landing / "operations"
    folder.mkdir(parents=True, exist_ok=True)
    levels = _levels(seed)
    base = monthly_base(TASKS_AT_SCALE_1 * scale, volume_factor)
    rounding = CarriedRounding(source_rng(seed, "operations", "rounding"))
    rows = []
    for month in months():
        tasks = _month_tasks(
            source_rng(seed, "operations", month.label),
            month,
            base,
            staff,
            levels,
            rounding,
            duration_multipliers.get(month.label, {}),
        )
        rows.append(write_jsonl(tasks, folder / f"tasks_{month.label}.jsonl"))
    return tally(rows)
