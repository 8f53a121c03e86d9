"""The whole pipeline as one job: daily for yesterday's partition, and whenever files land.

Run with a day's partition, the incremental models restate that day; run without one
(the sensor, `python -m dagster_project run`), they take every row loaded since their last
build. Either way, everything downstream is rebuilt from them. The schedule and the
sensor start no run when nothing is new since the last publish (nothing_new.py).
"""

import dagster as dg

from dagster_project.nothing_new import INPUTS_TAG, landing_fingerprint, nothing_new, run_inputs
from dagster_project.partitions import daily_partitions
from ingestion.settings import Settings

full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Landing files → raw → dbt (staging, intermediate, marts) → serving file.",
)


@dg.schedule(
    job=full_pipeline,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    name="daily_pipeline",
    description="At 06:00 UTC, yesterday's partition: the day's files and everything after; "
    "skipped when nothing is new since the last publish.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def daily_schedule(context: dg.ScheduleEvaluationContext):
    settings = Settings.from_env()
    inputs = run_inputs(settings)
    last_publish = nothing_new(settings, inputs)
    if last_publish is not None:
        return dg.SkipReason(str(last_publish))
    day = daily_partitions.get_partition_keys(current_time=context.scheduled_execution_time)[-1]
    return dg.RunRequest(partition_key=day, tags=_inputs_tag(inputs))


@dg.sensor(job=full_pipeline, minimum_interval_seconds=60)
def new_landing_files(context: dg.SensorEvaluationContext):
    """Start the pipeline when files land; the load ledger makes repeated runs cheap."""
    settings = Settings.from_env()
    fingerprint = landing_fingerprint(settings.landing_dir)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"no change in {settings.landing_dir}")
    context.update_cursor(fingerprint)
    inputs = run_inputs(settings)
    last_publish = nothing_new(settings, inputs)
    if last_publish is not None:
        return dg.SkipReason(str(last_publish))
    return dg.RunRequest(run_key=fingerprint, tags=_inputs_tag(inputs))


def _inputs_tag(inputs: str | None) -> dict[str, str]:
    return {INPUTS_TAG: inputs} if inputs else {}
