"""Quality data of the production lines: inspections, production runs and claims.

Defects are injected as a per-unit probability, so the defective rate and defects per
unit move by the same factor. Claims are sized so the lines that get vision QC cost about
$28.6M a year in warranty, returns and recalls: the 35% cut is then the ~$10M a year of
the case study.

A line's month of defects and of claims cost follows its expected value with small noise
(see sampling.py): the number of defective units and of defects is decided per line and
month, then given to inspected units at random; claim costs are drawn per claim, then
scaled so the line-month's total is its expected cost. With ~20 defective units per
line-month, binomial draws alone would move a cell by ±20%. One quality shock per line
and month moves defects and claims together, as a bad month does.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .company import LINES
from .effects import initiative
from .sampling import (
    CarriedRounding,
    cell_noise,
    choose_in_groups,
    lognormal,
    rescale_to_mean,
    source_rng,
)
from .timeline import (
    SECONDS_PER_DAY,
    Month,
    defect_factor,
    draw_days,
    epoch_seconds,
    monthly_base,
    months,
    to_dates,
    volume_factor,
)
from .writers import DATETIME_FORMAT, sequence_id, tally, write_csv

INSPECTIONS_AT_SCALE_1 = 50_000
SHIFTS = ("A", "B", "C")
EXTRA_DEFECTS_MEAN = 0.5  # a defective unit has 1 + Poisson(0.5) defects
REWORK_SHARE = 0.8  # of defective units
TREATED_BASELINE_ANNUAL_CLAIMS = 28_600_000
BASELINE_MONTHS = 12


@dataclass(frozen=True)
class ClaimType:
    name: str
    per_line_month: float  # expected count before calibration
    mean_cost: float
    sigma: float  # of the lognormal cost
    units: tuple[int, int]  # units affected, inclusive range


CLAIM_TYPES = (
    ClaimType("warranty", 40, 11_000, 0.7, (1, 3)),
    ClaimType("return", 15, 4_000, 0.5, (1, 10)),
    ClaimType("recall", 0.04, 250_000, 0.5, (200, 3000)),
)


@dataclass(frozen=True)
class LineLevels:
    """Unit fixed effects of the production lines."""

    defect_p: np.ndarray
    opportunities: np.ndarray
    units_per_hour: np.ndarray
    inspection_share: np.ndarray

    @property
    def claims(self) -> np.ndarray:
        # Lines that make more defects ship more of them.
        return self.defect_p / self.defect_p.mean()


def line_levels(seed: int) -> LineLevels:
    rng = source_rng(seed, "quality", "levels")
    n = len(LINES)
    share = rng.uniform(0.85, 1.15, n)
    return LineLevels(
        rng.uniform(0.08, 0.14, n),
        rng.integers(200, 301, n),
        rng.uniform(40, 60, n),
        share / share.sum(),
    )


def _vision_multipliers(month: Month, metric: str) -> np.ndarray:
    vision = initiative("vision-qc")
    return np.where(vision.live(LINES, month.start), vision.effect(metric).multiplier, 1.0)


def _inspections(
    rng: np.random.Generator,
    month: Month,
    base: float,
    lv: LineLevels,
    shock: np.ndarray,
    rounding: CarriedRounding,
) -> pl.DataFrame:
    lines = len(LINES)
    sizes = rng.poisson(base * volume_factor(month) * lv.inspection_share)
    line = np.repeat(np.arange(lines), sizes)
    size = line.size
    days = draw_days(rng, month, size, weekend=1.0)
    inspected = epoch_seconds(days, rng.integers(0, SECONDS_PER_DAY, size))
    p = lv.defect_p * defect_factor(month) * _vision_multipliers(month, "defective_rate")
    # Stratified: each line's number of defective units, then which units they are.
    defective_units = rounding("defective", sizes * p * shock, cap=sizes)
    defective = choose_in_groups(rng, line, defective_units)
    extra = rounding("extra_defects", defective_units * EXTRA_DEFECTS_MEAN)
    defects = defective + _spread(rng, line, defective, np.where(defective_units > 0, extra, 0))
    order = np.argsort(inspected, kind="stable")
    frame = pl.DataFrame(
        {
            "line": np.array(LINES)[line],
            "inspected_at": inspected,
            "defects_found": defects,
            "defective": defective,
            "reworked": defective & (rng.random(size) < REWORK_SHARE),
            "passed_first_time": ~defective,
            "opportunities_per_unit": lv.opportunities[line],
        }
    )[order]
    serial = sequence_id(f"SN{month.compact}-", 7)
    stamp = pl.from_epoch("inspected_at", time_unit="s").dt.to_string(DATETIME_FORMAT)
    return frame.select(
        serial.alias("unit_serial"),
        "line",
        stamp.alias("inspected_at"),
        pl.exclude("line", "inspected_at"),
    )


def inspection_counts(inspections: pl.DataFrame) -> pl.DataFrame:
    """Unit rows tallied per line and day, as a plant's MES exports them: the same
    inspections, so every quality metric comes out the same from either form."""
    day = pl.col("inspected_at").str.slice(0, len("YYYY-MM-DD"))
    return (
        inspections.group_by(day.alias("inspection_date"), "line")
        .agg(
            pl.len().alias("units_inspected"),
            pl.col("defective").sum().alias("defective_units"),
            pl.col("defects_found").sum(),
            pl.col("reworked").sum().alias("reworked_units"),
            pl.col("passed_first_time").sum().alias("first_pass_units"),
            pl.col("opportunities_per_unit").sum().alias("defect_opportunities"),
        )
        .sort("inspection_date", "line")
    )


def _write_inspections(inspections: pl.DataFrame, folder: Path, label: str, as_counts: bool) -> int:
    if as_counts:
        return write_csv(inspection_counts(inspections), folder / f"inspection_counts_{label}.csv")
    return write_csv(inspections, folder / f"inspections_{label}.csv")


def _spread(
    rng: np.random.Generator, line: np.ndarray, defective: np.ndarray, extra: np.ndarray
) -> np.ndarray:
    """Extra defects per row: each line's `extra` defects on its defective units at random
    (so a defective unit has 1 + about Poisson(0.5) defects)."""
    rows = np.flatnonzero(defective)  # sorted by row, so stable-sorting by line groups them
    rows = rows[np.argsort(line[rows], kind="stable")]
    per_line = np.bincount(line[rows], minlength=extra.size)
    first = np.cumsum(per_line) - per_line
    owner = np.repeat(np.arange(extra.size), extra)
    picked = rows[first[owner] + rng.integers(0, per_line[owner])]
    return np.bincount(picked, minlength=line.size)


def _production_runs(rng: np.random.Generator, month: Month, lv: LineLevels) -> pl.DataFrame:
    days, line, shift = np.meshgrid(
        month.first_day + np.arange(month.days), np.arange(len(LINES)), np.arange(3), indexing="ij"
    )
    days, line, shift = days.ravel(), line.ravel(), shift.ravel()
    hours = np.round(rng.uniform(7.5, 8.0, days.size), 2)
    speed = (
        lv.units_per_hour * volume_factor(month) * _vision_multipliers(month, "production_speed")
    )
    return pl.DataFrame(
        {
            "run_date": to_dates(days),
            "line": np.array(LINES)[line],
            "shift": np.array(SHIFTS)[shift],
            "units_produced": rng.poisson(speed[line] * hours),
            "production_hours": hours,
        }
    )


def _claims_calibration(lv: LineLevels) -> float:
    """Factor on claim counts that makes the treated lines' baseline year cost the target."""
    per_line_month = sum(kind.per_line_month * kind.mean_cost for kind in CLAIM_TYPES)
    vision = initiative("vision-qc")
    expected = 0.0
    for unit, go_live in vision.rollout:
        line = LINES.index(unit)
        window = _baseline_window(np.datetime64(go_live, "D"))
        expected += sum(lv.claims[line] * defect_factor(m) * per_line_month for m in window)
    return TREATED_BASELINE_ANNUAL_CLAIMS / expected


def _baseline_window(go_live: np.datetime64) -> list[Month]:
    first = np.datetime64(go_live, "M") - BASELINE_MONTHS
    return [
        m for m in months() if first <= np.datetime64(m.label, "M") < np.datetime64(go_live, "M")
    ]


def _month_claims(
    rng: np.random.Generator,
    month: Month,
    lv: LineLevels,
    calibration: float,
    shock: np.ndarray,
    rounding: CarriedRounding,
) -> pl.DataFrame:
    lines = len(LINES)
    rate = (
        lv.claims * defect_factor(month) * calibration * _vision_multipliers(month, "claims_cost")
    )
    parts, line_parts, cost_parts = [], [], []
    for kind in CLAIM_TYPES:
        expected = kind.per_line_month * rate
        if kind.per_line_month >= 1:
            counts = rounding(kind.name, expected * shock)
        else:
            counts = rng.poisson(expected)  # recalls stay rare, random events
        line = np.repeat(np.arange(lines), counts)
        line_parts.append(line)
        cost_parts.append(lognormal(rng, kind.mean_cost, kind.sigma, line.size))
        parts.append(
            pl.DataFrame(
                {
                    "claim_date": to_dates(draw_days(rng, month, line.size, weekend=0.3)),
                    "line": np.array(LINES)[line],
                    "claim_type": np.full(line.size, kind.name),
                    "units_affected": rng.integers(kind.units[0], kind.units[1] + 1, line.size),
                },
                schema_overrides={"claim_type": pl.String, "line": pl.String},
            )
        )
    # Each line's month costs its expected total: all its claims are scaled by one factor,
    # so a month with a recall (rare, ~$250k drawn) has cheaper claims, the recall included,
    # instead of costing a third more; recalls average ~$160k once scaled.
    line = np.concatenate(line_parts)
    expected_cost = rate * sum(kind.per_line_month * kind.mean_cost for kind in CLAIM_TYPES)
    counts = np.maximum(np.bincount(line, minlength=lines), 1)
    target = expected_cost * shock / counts
    cost = rescale_to_mean(np.concatenate(cost_parts), line, target)
    return pl.concat(parts).with_columns(cost=pl.Series(np.round(cost, 2)))


def _observed_baseline(claims: pl.DataFrame) -> float:
    total = 0.0
    for unit, go_live in initiative("vision-qc").rollout:
        window = _baseline_window(np.datetime64(go_live, "D"))
        start, end = window[0].start, np.datetime64(go_live, "D")
        in_window = claims.filter(
            pl.col("line") == unit,
            pl.col("claim_date").is_between(start.item(), end.item(), closed="left"),
        )
        total += in_window["cost"].sum()
    return round(total, 2)


def write_quality(
    landing: Path, seed: int, scale: float, inspections_as_counts: bool = False
) -> tuple[dict[str, int], dict[str, float]]:
    """Write all quality files; also return the claims figures of the case study.

    `inspections_as_counts`: write inspections as daily counts per line
    (`inspection_counts_<month>.csv`) instead of one row per unit. The same units are
    drawn either way, so nothing else in the demo changes."""
    folder = landing / "quality"
    folder.mkdir(parents=True, exist_ok=True)
    lv = line_levels(seed)
    base = monthly_base(INSPECTIONS_AT_SCALE_1 * scale, volume_factor)
    calibration = _claims_calibration(lv)
    rows, claims = [], []
    rounding = {
        table: CarriedRounding(source_rng(seed, "quality", table, "rounding"))
        for table in ("inspections", "claims")
    }
    for month in months():
        # One stream per table: only inspections scale, so runs and claims stay identical.
        rng = {
            table: source_rng(seed, "quality", table, month.label)
            for table in ("inspections", "production_runs", "claims", "shock")
        }
        shock = cell_noise(rng["shock"], len(LINES))
        inspections = _inspections(
            rng["inspections"], month, base, lv, shock, rounding["inspections"]
        )
        rows.append(_write_inspections(inspections, folder, month.label, inspections_as_counts))
        runs = _production_runs(rng["production_runs"], month, lv)
        rows.append(write_csv(runs, folder / f"production_runs_{month.label}.csv"))
        claims.append(
            _month_claims(rng["claims"], month, lv, calibration, shock, rounding["claims"])
        )
    all_claims = pl.concat(claims).sort("claim_date", maintain_order=True)
    all_claims = all_claims.select(sequence_id("CL-", 6).alias("claim_id"), pl.all())
    rows.append(write_csv(all_claims, folder / "claims.csv", float_precision=2))
    baseline = {
        "treated_lines_baseline_annual_claims_cost": float(TREATED_BASELINE_ANNUAL_CLAIMS),
        "observed_baseline_annual_claims_cost": _observed_baseline(all_claims),
    }
    return tally(rows), baseline
