"""One more day of deliveries after the demo history: `tasks_<day>.jsonl`,
`inspections_<day>.csv`, `production_runs_<day>.csv` and `orders_<day>.csv`.

A daily delivery repeats the day four weeks earlier (same weekday, same volumes, same
mix), moved forward: timestamps shift by 28 days and identifiers get the new day's
stamp, so keys stay unique. That keeps the new day as plausible as the history without
re-running the simulation, and lets the benchmark add day after day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .writers import DATE_FORMAT, DATETIME_FORMAT, write_csv, write_jsonl

SHIFT = dt.timedelta(days=28)


@dataclass(frozen=True)
class DailySource:
    folder: str
    stem: str  # file name before `_<period>`
    suffix: str
    event_column: str
    timestamps: tuple[str, ...] = ()  # YYYY-MM-DDTHH:MM:SS columns, shifted
    dates: tuple[str, ...] = ()  # YYYY-MM-DD columns, shifted
    identifier: str | None = None  # restamped with the new day

    def file(self, landing: Path, period: str) -> Path:
        return landing / self.folder / f"{self.stem}_{period}{self.suffix}"


DAILY_SOURCES = (
    DailySource(
        "operations",
        "tasks",
        ".jsonl",
        "started_at",
        timestamps=("started_at", "ended_at"),
        identifier="task_id",
    ),
    DailySource(
        "quality",
        "inspections",
        ".csv",
        "inspected_at",
        timestamps=("inspected_at",),
        identifier="unit_serial",
    ),
    DailySource("quality", "production_runs", ".csv", "run_date", dates=("run_date",)),
    DailySource(
        "sales", "orders", ".csv", "order_date", dates=("order_date",), identifier="order_id"
    ),
)


def write_day(landing: Path, day: dt.date) -> dict[str, int]:
    """Write `day`'s files for every daily source; return rows written per file name."""
    written = {}
    for source in DAILY_SOURCES:
        rows = _shifted(source, _rows_of_day(source, landing, day - SHIFT), day)
        path = source.file(landing, day.isoformat())
        if source.suffix == ".jsonl":
            written[path.name] = write_jsonl(rows, path)
        else:
            written[path.name] = write_csv(rows, path)
    return written


def _rows_of_day(source: DailySource, landing: Path, day: dt.date) -> pl.DataFrame:
    candidates = [source.file(landing, day.isoformat()), source.file(landing, f"{day:%Y-%m}")]
    path = next((p for p in candidates if p.exists()), None)
    if path is None:
        raise FileNotFoundError(
            f"no {source.stem} delivery covers {day} (four weeks before the new day) in "
            f"{landing / source.folder}: generate the history first"
        )
    if source.suffix == ".jsonl":
        frame = pl.read_ndjson(path)
    else:
        frame = pl.read_csv(path, infer_schema=False)
    return frame.filter(pl.col(source.event_column).str.slice(0, 10) == day.isoformat())


def _shifted(source: DailySource, rows: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    moved = [
        (pl.col(c).str.to_datetime(DATETIME_FORMAT) + SHIFT).dt.to_string(DATETIME_FORMAT)
        for c in source.timestamps
    ] + [
        (pl.col(c).str.to_date(DATE_FORMAT) + SHIFT).dt.to_string(DATE_FORMAT) for c in source.dates
    ]
    if source.identifier is not None:
        # T2610-0000001 (monthly) or T261004-0000001 (daily) → T261101-0000001
        moved.append(
            pl.col(source.identifier).str.replace(
                r"^([A-Z]+)\d{4}(\d{2})?-", f"${{1}}{day:%y%m%d}-"
            )
        )
    return rows.with_columns(moved)
