"""AI-tool seats and usage: the support copilot's and the sales assistant's users.

Every employee of a treated team holds a seat of the initiative's tool from the team's
go-live (or their hire) until they leave. Each seat holder has a fixed usage profile —
idle, light or heavy — and, in a month, an active light user works with the tool on a
few days, a heavy user on at least the tool's declared heavy threshold. The exports are
one file per tool and month, as vendor reports come, named by the tool (their rows do
not name it). Drawn from its own random stream before the task logs, which read from it
how fast each person works in a month (`duration_multipliers`): the support copilot's
light and heavy users finish their tasks faster than its idle seat holders.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .effects import initiative
from .sampling import cell_noise, source_rng
from .timeline import END, Month, months
from .writers import tally, write_csv


@dataclass(frozen=True)
class Tool:
    name: str
    initiative_id: str
    monthly_price: float
    heavy_active_days: int
    # Relative task duration of a month's light and of its heavy users against idle seat
    # holders of the same team and month: the dose-response to be recovered.
    duration_by_intensity: Mapping[str, float]


TOOLS = (
    Tool("agent-assist", "support-copilot", 30.0, 10, {"light": -0.10, "heavy": -0.20}),
    Tool("deal-coach", "sales-assistant", 45.0, 10, {"light": 0.0, "heavy": 0.0}),
)
PROFILES = ("idle", "light", "heavy")
PROFILE_SHARES = np.array([0.15, 0.50, 0.35])
# A light or heavy user's chance of any use in their n-th month with a seat (n from 0).
ACTIVE_RAMP = (0.60, 0.80, 0.95)
INTERACTIONS_PER_DAY = {"light": 4, "heavy": 12}
ACCEPTANCE_RATE = 0.3
INTENSITY_NOTE = (
    "relative outcome of light and heavy users against idle seat holders in the same "
    "treated unit and month; error and rework rates do not depend on use"
)


@dataclass(frozen=True)
class ToolUsage:
    tool: Tool
    seats: pl.DataFrame  # with each holder's team and usage profile
    activity: dict[str, pl.DataFrame]  # by month label: one row per active day

    def intensity(self, month: Month) -> pl.DataFrame:
        """Each seat holder of the month: idle, light or heavy by their active days."""
        days = self.activity[month.label].group_by("employee_id").agg(pl.len().alias("days"))
        level = (
            pl.when(pl.col("days").is_null())
            .then(pl.lit("idle"))
            .when(pl.col("days") < self.tool.heavy_active_days)
            .then(pl.lit("light"))
            .otherwise(pl.lit("heavy"))
        )
        return (
            _held(self.seats, month)
            .join(days, on="employee_id", how="left")
            .select("employee_id", level.alias("intensity"))
            .sort("employee_id")
        )


def seats(roster: pl.DataFrame, tool: Tool) -> pl.DataFrame:
    """One seat per employee of a treated team, from the later of go-live and hire to exit."""
    rollout = pl.DataFrame(
        initiative(tool.initiative_id).rollout, schema=["team", "go_live"], orient="row"
    ).with_columns(pl.col("go_live").str.to_date())
    return (
        roster.join(rollout, on="team")
        .filter(pl.col("exit_date").is_null() | (pl.col("exit_date") >= pl.col("go_live")))
        .select(
            pl.col("employee_id"),
            pl.max_horizontal("go_live", "hire_date").alias("seat_start"),
            pl.col("exit_date").alias("seat_end"),
            pl.lit(tool.monthly_price).alias("monthly_price"),
            pl.col("team"),
        )
        .sort("seat_start", "employee_id")
    )


def _profiles(rng: np.random.Generator, count: int) -> np.ndarray:
    return np.array(PROFILES)[rng.choice(len(PROFILES), size=count, p=PROFILE_SHARES)]


def _month_activity(
    rng: np.random.Generator, held: pl.DataFrame, month: Month, tool: Tool
) -> pl.DataFrame:
    """Active days of the month's seat holders (`held`: seat, profile, months held)."""
    rows: list[tuple[str, np.datetime64, int, int]] = []
    first, last = month.start, month.start + month.days - 1
    for person, start, end, profile, tenure in held.iter_rows():
        ramp = ACTIVE_RAMP[min(tenure, len(ACTIVE_RAMP) - 1)]
        if profile == "idle" or rng.random() >= ramp:
            continue
        open_from = max(first, np.datetime64(start, "D"))
        open_to = min(last, np.datetime64(end, "D")) if end is not None else last
        days = np.arange(open_from, open_to + 1)
        wanted = _active_days(rng, profile, tool)
        chosen = np.sort(rng.choice(days, size=min(wanted, days.size), replace=False))
        interactions = 1 + rng.poisson(INTERACTIONS_PER_DAY[profile], size=chosen.size)
        accepted = rng.binomial(interactions, ACCEPTANCE_RATE)
        dates = chosen.astype("datetime64[D]").tolist()
        rows += zip(
            [person] * chosen.size, dates, interactions.tolist(), accepted.tolist(), strict=True
        )
    schema = {
        "employee_id": pl.String, "activity_date": pl.Date,
        "interactions": pl.Int64, "accepted": pl.Int64,
    }  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema, orient="row").with_columns(active=pl.lit(True))
    return frame.select("activity_date", "employee_id", "active", "interactions", "accepted")


def _active_days(rng: np.random.Generator, profile: str, tool: Tool) -> int:
    heavy = tool.heavy_active_days
    if profile == "heavy":
        return int(rng.integers(heavy, heavy + 10))
    return int(rng.integers(1, heavy))


def _held(seat_rows: pl.DataFrame, month: Month) -> pl.DataFrame:
    first, last = month.start.item(), (month.start + month.days - 1).item()
    still_held = pl.col("seat_end").is_null() | (pl.col("seat_end") >= first)
    return seat_rows.filter((pl.col("seat_start") <= last) & still_held).select(
        "employee_id",
        "seat_start",
        "seat_end",
        "profile",
        ((first.year - pl.col("seat_start").dt.year()) * 12
         + first.month - pl.col("seat_start").dt.month()).alias("tenure"),
    )  # fmt: skip


def tool_usage(roster: pl.DataFrame, tool: Tool, seed: int) -> ToolUsage:
    """A tool's seats (with each holder's profile) and its activity rows per month."""
    rng = source_rng(seed, "ai_usage", tool.name)
    seat_rows = seats(roster, tool)
    seat_rows = seat_rows.with_columns(profile=pl.Series(_profiles(rng, seat_rows.height)))
    activity = {}
    for month in months():
        held = _held(seat_rows, month)
        if held.height:
            activity[month.label] = _month_activity(rng, held, month, tool)
    return ToolUsage(tool, seat_rows, activity)


def draw_usage(roster: pl.DataFrame, seed: int) -> list[ToolUsage]:
    return [tool_usage(roster, tool, seed) for tool in TOOLS]


def duration_multipliers(usage: list[ToolUsage], seed: int) -> dict[str, dict[str, float]]:
    """By month label and employee: how their task durations compare with their team's
    expected mean, for every seat holder of a tool whose use changes them: the effect of
    their intensity of use that month, with a little noise of their own."""
    rng = source_rng(seed, "ai_usage", "pace")
    multipliers: dict[str, dict[str, float]] = {}
    for item in usage:
        effects = item.tool.duration_by_intensity
        if not any(effects.values()):
            continue
        for month in months():
            if month.label not in item.activity:
                continue
            people = item.intensity(month)
            noise = cell_noise(rng, people.height)
            multipliers[month.label] = {
                person: (1.0 + effects.get(intensity, 0.0)) * float(factor)
                for (person, intensity), factor in zip(people.iter_rows(), noise, strict=True)
            }
    return multipliers


def write_usage(landing: Path, usage: list[ToolUsage]) -> tuple[dict[str, int], dict]:
    """Write tools.csv, the seat list and monthly activity of each tool; return the
    files' tally and the usage truth."""
    folder = landing / "ai_usage"
    folder.mkdir(parents=True, exist_ok=True)
    tools = pl.DataFrame(
        [(t.name, t.initiative_id, t.heavy_active_days) for t in TOOLS],
        schema=["tool", "initiative_id", "heavy_active_days"],
        orient="row",
    )
    rows = [write_csv(tools, folder / "tools.csv")]
    truth = {}
    for item in usage:
        tool = item.tool
        licences = item.seats.select("employee_id", "seat_start", "seat_end", "monthly_price")
        rows.append(write_csv(licences, folder / f"licences_{tool.name}_{END}.csv"))
        for label, frame in item.activity.items():
            rows.append(write_csv(frame, folder / f"activity_{tool.name}_{label}.csv"))
        truth[tool.initiative_id] = usage_truth(item)
    return tally(rows), truth


def usage_truth(usage: ToolUsage) -> dict:
    """Per unit and month: seats, active users, heavy users and idle cost, as generated."""
    tool, seat_rows = usage.tool, usage.seats
    cells: dict[str, dict[str, dict[str, float]]] = {}
    for month in months():
        if month.label not in usage.activity:
            continue
        people = usage.intensity(month).join(
            seat_rows.select("employee_id", "team"), on="employee_id"
        )
        for (team,), part in people.partition_by("team", as_dict=True).items():
            active = int((part["intensity"] != "idle").sum())
            cells.setdefault(team, {})[month.label] = {
                "licensed_seats": part.height,
                "active_users": active,
                "heavy_users": int((part["intensity"] == "heavy").sum()),
                "utilisation": active / part.height,
                "idle_seat_cost": (part.height - active) * tool.monthly_price,
            }
    unaffected = {"light": 0.0, "heavy": 0.0}
    return {
        "tool": tool.name,
        "monthly_price": tool.monthly_price,
        "heavy_active_days": tool.heavy_active_days,
        "units": cells,
        "intensity_effects": {
            "task_duration_mean": dict(tool.duration_by_intensity),
            "error_rate": unaffected,
            "rework_rate": unaffected,
        },
        "intensity_note": INTENSITY_NOTE,
    }
