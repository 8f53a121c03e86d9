"""Run the pipeline in-process, no daemon or server: `python -m dagster_project run`.

`run --day 2026-11-01` runs one daily partition: the new files, and that day restated in
the incremental models; without `--day`, every row loaded since the last build. Either
way, only models downstream of changed raw tables run; `--rebuild-all` runs them all.
When nothing is new since the last publish (the same landing files, code and
configuration, and no run since), it says so and runs nothing (nothing_new.py).

Runs are recorded in the Dagster instance under `dagster_home/` (or $DAGSTER_HOME), so
`dagster dev` shows them afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import TYPE_CHECKING

from ingestion.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from dagster import ExecuteInProcessResult

# Progress per asset and per file, without the engine's debug events.
CONSOLE_AT_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _prepare_environment() -> None:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / "dagster_home"))
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)


def _generate_demo_data(settings: Settings, scale: float) -> None:
    from ingestion.demo_data import generate

    if (settings.landing_dir / "ground_truth.json").exists():
        print(f"demo data already in {settings.landing_dir}; not regenerated")
        return
    print(f"generating demo data (scale {scale}) into {settings.landing_dir} ...")
    generate(settings.landing_dir, scale=scale)


def run_pipeline(
    inputs: str | None, day: dt.date | None = None, rebuild_all: bool = False
) -> ExecuteInProcessResult:
    """`inputs`: the fingerprint of what the run reads, kept with its publish."""
    import dagster as dg

    from dagster_project.dbt_project import prepare_manifest
    from dagster_project.nothing_new import INPUTS_TAG
    from dagster_project.stale_runs import execute_guarded

    prepare_manifest()
    from dagster_project.definitions import defs

    job = defs.resolve_job_def("full_pipeline")
    with dg.DagsterInstance.get() as instance:
        result = execute_guarded(
            job,
            instance,
            run_config={
                **CONSOLE_AT_INFO,
                "ops": {"dbt_models": {"config": {"rebuild_all": rebuild_all}}},
            },
            partition_key=day.isoformat() if day else None,
            tags={INPUTS_TAG: inputs} if inputs else None,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the full pipeline once, in-process")
    run.add_argument("--demo", action="store_true", help="generate demo data first if missing")
    run.add_argument("--scale", type=float, default=1.0, help="demo data scale factor")
    run.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="run this daily partition (default: no partition, a full build)",
    )
    run.add_argument(
        "--rebuild-all",
        action="store_true",
        help="run every dbt model, not only those downstream of changed raw tables",
    )
    args = parser.parse_args(argv)

    _prepare_environment()
    settings = Settings.from_env()
    started = time.perf_counter()
    if args.demo:
        _generate_demo_data(settings, args.scale)
    from dagster_project.nothing_new import nothing_new, run_inputs

    inputs = run_inputs(settings)
    last_publish = None if args.rebuild_all else nothing_new(settings, inputs)
    if last_publish is not None:
        print(f"{last_publish}\n\nNothing new: done in {time.perf_counter() - started:.1f} s.")
        return 0
    from dagster_project.stale_runs import PipelineAlreadyRunning

    try:
        result = run_pipeline(inputs, args.day, args.rebuild_all)
    except PipelineAlreadyRunning as running:
        print(running, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    from dagster_project.run_summary import summary

    print(summary(settings, result))
    elapsed = time.perf_counter() - started
    print(f"\n{'Pipeline succeeded' if result.success else 'Pipeline FAILED'} in {elapsed:.0f} s.")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
