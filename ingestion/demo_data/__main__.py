"""`python -m ingestion.demo_data --landing data/landing --scale 1 --seed 42`

`--add-day 2026-11-01` adds one day of deliveries to an existing history instead.
"""

import argparse
import datetime as dt
import time
from pathlib import Path

from ingestion.settings import Settings

from .daily import write_day
from .generator import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.demo_data", description="Write the demo landing files."
    )
    parser.add_argument("--landing", type=Path, default=None, help="default: AIROI_LANDING_DIR")
    parser.add_argument("--scale", type=float, default=1.0, help="volume multiplier")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--quality-as-counts",
        action="store_true",
        help="write quality inspections as daily counts per line instead of one row per unit",
    )
    parser.add_argument(
        "--add-day",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="add this day's operations, quality and sales deliveries to the history",
    )
    args = parser.parse_args(argv)
    landing = args.landing or Settings.from_env().landing_dir
    started = time.perf_counter()
    if args.add_day is not None:
        try:
            written = write_day(landing, args.add_day)
        except FileNotFoundError as error:
            raise SystemExit(str(error)) from error
        for name, rows in written.items():
            print(f"{name:<32} {rows:>10,} rows")
        return
    truth = generate(
        landing, scale=args.scale, seed=args.seed, quality_as_counts=args.quality_as_counts
    )
    for source, counts in truth["files"].items():
        print(f"{source:<12} {counts['files']:>4} files {counts['rows']:>12,} rows")
    elapsed = time.perf_counter() - started
    print(f"ground truth {landing / 'ground_truth.json'} ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
