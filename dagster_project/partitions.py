"""Daily partitions of the large facts (tasks, inspections, production runs, orders).

A partition is one day of events. Its run loads whatever landing files are new, then
passes the day to dbt as the window its incremental models restate; a run without a
partition is a full build, which merges every row loaded so far and so covers every day:
it records each day not yet recorded as materialized, so the partition status tells the
truth. The first day is `AIROI_DAILY_PARTITIONS_START` (default 2024-01-01); the last is
yesterday, the day a 06:00 run completes.
"""

import os
from collections.abc import Iterable

import dagster as dg

START_VARIABLE = "AIROI_DAILY_PARTITIONS_START"
DEFAULT_START = "2024-01-01"
FULL_BUILD = "Covered by a full build: every row loaded so far, this day's included."

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=os.environ.get(START_VARIABLE, DEFAULT_START), end_offset=0
)


def window_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """dbt vars `window_start`/`window_end` (ISO dates, end exclusive) of the run's days."""
    if not is_partitioned_run(context):
        return {}
    window = context.partition_time_window
    return {
        "window_start": window.start.date().isoformat(),
        "window_end": window.end.date().isoformat(),
    }


def is_partitioned_run(context: dg.AssetExecutionContext) -> bool:
    return context.has_partition_key or context.has_partition_key_range


def days_not_materialized(instance: dg.DagsterInstance, key: dg.AssetKey) -> list[str]:
    """The days whose partition of `key` is missing, failed or in progress."""
    days = daily_partitions.get_partition_keys()
    status = instance.get_status_by_partition(key, days, daily_partitions) or {}
    return [day for day in days if status.get(day) != dg.AssetPartitionStatus.MATERIALIZED]


def record_full_build(context: dg.AssetExecutionContext, keys: Iterable[dg.AssetKey]) -> None:
    """Record the days a full build covered as materialized, one event per day and model.
    Days already recorded are left alone: after the first full build (about 1,000 days per
    model), each build records only the days that have appeared since."""
    for key in keys:
        days = days_not_materialized(context.instance, key)
        for day in days:
            context.log_event(dg.AssetMaterialization(key, partition=day, description=FULL_BUILD))
        if days:
            context.log.info(
                f"{key.to_user_string()}: {len(days)} days recorded as covered by this full build"
            )
