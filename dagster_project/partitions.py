"""Daily partitions of the large facts (tasks, inspections, production runs, orders).

A partition is one day of events. Its run loads whatever landing files are new, then
passes the day to dbt as the window its incremental models restate; a run without a
partition is a full build. The first day is `AIROI_DAILY_PARTITIONS_START` (default
2024-01-01); the last is yesterday, the day a 06:00 run completes.
"""

import os

import dagster as dg

START_VARIABLE = "AIROI_DAILY_PARTITIONS_START"
DEFAULT_START = "2024-01-01"

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=os.environ.get(START_VARIABLE, DEFAULT_START), end_offset=0
)


def window_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """dbt vars `window_start`/`window_end` (ISO dates, end exclusive) of the run's days."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return {}
    window = context.partition_time_window
    return {
        "window_start": window.start.date().isoformat(),
        "window_end": window.end.date().isoformat(),
    }
