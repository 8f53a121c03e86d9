"""A run killed while it holds the `duckdb` pool does not make later runs wait forever; a
live run stops the next one at once; Ctrl-C ends a run waiting for a slot.

The runs are a one-step job (tests/pool_job.py) executed through the same guard as
`python -m dagster_project run`, against a persistent instance with the project's
dagster.yaml, in child processes that are killed or interrupted for real.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.stale_runs import (
    PipelineAlreadyRunning,
    RunProcess,
    release_abandoned_runs,
)
from ingestion.settings import PROJECT_ROOT
from tests.pool_job import HOLDING

LONG_HOLD = "120"
BLOCKED = "Step blocked by limit for pool duckdb"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME with the project's instance settings (pool limit 1)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home)
    return home


@pytest.fixture
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def start(home: Path, hold: str, *flags: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.pool_job", hold, *flags],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(process: subprocess.Popen, text: str) -> None:
    for line in process.stdout:
        if text in line:
            return
    pytest.fail(f"the job exited with {process.wait()} before printing {text!r}")


def run_to_end(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.pool_job", "0"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def runs(instance: dg.DagsterInstance) -> list[dg.RunRecord]:
    return list(reversed(instance.get_run_records()))  # oldest first


def pool_users(instance: dg.DagsterInstance) -> tuple[list[str], list[str]]:
    """Run ids holding a `duckdb` slot, and run ids with a step queued for one."""
    info = instance.event_log_storage.get_concurrency_info("duckdb")
    return [s.run_id for s in info.claimed_slots], [s.run_id for s in info.pending_steps]


def failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    (event,) = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return event.dagster_event.message


def test_a_run_after_a_killed_one_completes_and_fails_it(home, instance):
    killed = start(home, LONG_HOLD)
    wait_for(killed, HOLDING)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    (killed_record,) = runs(instance)
    killed_run = killed_record.dagster_run.run_id
    # What made every later run wait forever: a STARTED run holding the only slot.
    assert killed_record.dagster_run.status == dg.DagsterRunStatus.STARTED
    assert pool_users(instance) == ([killed_run], [killed_run])

    rerun = run_to_end(home)

    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert rerun.stdout.splitlines()[0] == (
        f"closed run {killed_run}: its process is gone (killed or crashed); slots freed"
    )
    killed_record, rerun_record = runs(instance)
    assert killed_record.dagster_run.status == dg.DagsterRunStatus.FAILURE
    assert rerun_record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    assert failure_message(instance, killed_run) == (
        f"the process running it (pid {killed.pid}) is gone: killed or crashed"
    )
    assert pool_users(instance) == ([], [])


def test_a_live_run_stops_the_next_one_at_once(home, instance):
    running = start(home, LONG_HOLD)
    try:
        wait_for(running, HOLDING)
        started = time.monotonic()
        second = run_to_end(home)
        elapsed = time.monotonic() - started
        (running_run,) = [record.dagster_run.run_id for record in runs(instance)]
        assert running.poll() is None
    finally:
        running.kill()
        running.wait()

    assert second.returncode == 1
    assert second.stderr == (
        f"another pipeline run (pid {running.pid}) is running: Dagster run {running_run}; "
        "wait for it or stop it\n"
    )
    assert elapsed < 15  # a process start and one look at the instance, no waiting


def test_ctrl_c_ends_a_run_waiting_for_a_slot(home, instance):
    # Another run holds the only slot: the job waits, as two runs started at once would.
    instance.event_log_storage.initialize_concurrency_limit_to_default("duckdb")
    instance.event_log_storage.claim_concurrency_slot("duckdb", "other-run", "its-step")
    waiting = start(home, "0", "--unguarded")
    wait_for(waiting, BLOCKED)

    waiting.send_signal(signal.SIGINT)

    assert waiting.wait(timeout=30) == 130
    (waiting_run,) = [record.dagster_run for record in runs(instance)]
    assert waiting_run.status == dg.DagsterRunStatus.FAILURE
    # Its queued claim is withdrawn; the other run's slot (claimed, hence queued) is not.
    assert pool_users(instance) == (["other-run"], ["other-run"])


def test_slots_of_deleted_and_finished_runs_are_freed(instance):
    finished = instance.add_run(dg.DagsterRun(job_name="done", status=dg.DagsterRunStatus.SUCCESS))
    instance.event_log_storage.initialize_concurrency_limit_to_default("duckdb")
    instance.event_log_storage.set_concurrency_slots("duckdb", 2)
    instance.event_log_storage.claim_concurrency_slot("duckdb", "deleted-run", "step")
    instance.event_log_storage.claim_concurrency_slot("duckdb", finished.run_id, "step")

    assert release_abandoned_runs(instance) == []
    assert pool_users(instance) == ([], [])


def test_a_slot_held_by_a_run_from_elsewhere_is_reported_not_freed(instance):
    elsewhere = instance.add_run(
        dg.DagsterRun(job_name="from_the_ui", status=dg.DagsterRunStatus.STARTED)
    )
    instance.event_log_storage.initialize_concurrency_limit_to_default("duckdb")
    instance.event_log_storage.claim_concurrency_slot("duckdb", elsewhere.run_id, "step")

    with pytest.raises(PipelineAlreadyRunning) as raised:
        release_abandoned_runs(instance)

    assert str(raised.value) == (
        f"Dagster run {elsewhere.run_id} (started from the Dagster UI or a schedule, not by "
        "this command) holds a pool slot; wait for it, or if it is no longer running, "
        "terminate it in the Dagster UI"
    )
    assert pool_users(instance)[0] == [elsewhere.run_id]


def test_a_process_is_recognised_by_host_pid_and_start_time():
    this = RunProcess.current()
    exited = subprocess.Popen(["true"])
    exited.wait()

    assert RunProcess.from_tags(this.tags()) == this
    assert RunProcess.from_tags({"dagster/partition": "2026-11-01"}) is None
    assert this.is_alive()
    assert not dataclasses.replace(this, start="1").is_alive()  # the pid was reused
    assert not dataclasses.replace(this, pid=exited.pid).is_alive()
    assert dataclasses.replace(this, host="another-host", pid=exited.pid).is_alive()


def test_a_zombie_process_counts_as_gone():
    child = subprocess.Popen(["true"])
    stat = Path(f"/proc/{child.pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":  # exited, not yet reaped
        time.sleep(0.01)
    zombie = dataclasses.replace(RunProcess.current(), pid=child.pid, start="")

    assert not zombie.is_alive()
    child.wait()
