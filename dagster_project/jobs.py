"""The whole pipeline as one job: daily for yesterday's partition, and whenever files land.

Run with a day's partition, the incremental models restate that day; run without one
(the sensor, `python -m dagster_project run`), they take every row loaded since their last
build. Either way, everything downstream is rebuilt from them.
"""

import hashlib
from pathlib import Path

import dagster as dg

from ingestion.settings import Settings

full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Landing files → raw → dbt (staging, intermediate, marts) → serving file.",
)

daily_schedule = dg.build_schedule_from_partitioned_job(
    full_pipeline,
    name="daily_pipeline",
    description="At 06:00 UTC, yesterday's partition: the day's files and everything after.",
    hour_of_day=6,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)


def landing_fingerprint(landing_dir: Path) -> str:
    """Changes whenever a landing file is added, removed or rewritten."""
    digest = hashlib.sha256()
    if landing_dir.exists():
        for path in sorted(p for p in landing_dir.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(
                f"{path.relative_to(landing_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


@dg.sensor(job=full_pipeline, minimum_interval_seconds=60)
def new_landing_files(context: dg.SensorEvaluationContext):
    """Start the pipeline when files land; the load ledger makes repeated runs cheap."""
    landing_dir = Settings.from_env().landing_dir
    fingerprint = landing_fingerprint(landing_dir)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"no change in {landing_dir}")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
