"""A one-step job in the `duckdb` pool, run as `python -m dagster_project run` runs the
pipeline (same guard, same instance settings), for tests that kill or interrupt it.

    python -m tests.pool_job HOLD_SECONDS [--unguarded]

Prints HOLDING once its step holds the pool slot, then keeps it HOLD_SECONDS. With
--unguarded it skips the check for abandoned and live runs (to make it wait for a slot),
keeping only the Ctrl-C watcher. Exits 0 on success, 1 on a failed run or a live one
found, 130 on Ctrl-C.
"""

from __future__ import annotations

import sys
import time

import dagster as dg

from dagster_project.interrupts import interruptible_run
from dagster_project.stale_runs import PipelineAlreadyRunning, RunProcess, execute_guarded

HOLDING = "holding the duckdb pool"


def hold_for(seconds: float) -> dg.JobDefinition:
    @dg.asset(pool="duckdb")
    def pool_holder() -> None:
        print(HOLDING, flush=True)
        time.sleep(seconds)

    return dg.Definitions(
        assets=[pool_holder], jobs=[dg.define_asset_job("pool_job")]
    ).resolve_job_def("pool_job")


def execute(job: dg.JobDefinition, instance: dg.DagsterInstance, guarded: bool) -> bool:
    if guarded:
        return execute_guarded(job, instance).success
    with interruptible_run():
        return job.execute_in_process(
            instance=instance, raise_on_error=False, tags=RunProcess.current().tags()
        ).success


def main(argv: list[str]) -> int:
    job = hold_for(float(argv[0]))
    try:
        with dg.DagsterInstance.get() as instance:
            return 0 if execute(job, instance, guarded="--unguarded" not in argv) else 1
    except PipelineAlreadyRunning as running:
        print(running, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
