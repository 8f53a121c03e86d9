"""Runs left unfinished by a killed `python -m dagster_project run`, and what to do about them.

A process killed with SIGKILL never records the end of its run: the run stays STARTED in
the instance and keeps its slot in the `duckdb` pool. No daemon watches runs executed
in-process, so the next run would wait for that slot forever. Every run this command
starts is therefore tagged with its process (host, pid and start time, so a reused pid is
not mistaken for it); before a new run starts, runs whose process is gone are marked
failed and their slots freed, and a run whose process is alive stops the new one at once.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.interrupts import interruptible_run

PID_TAG = "ai_roi/pid"
PROCESS_START_TAG = "ai_roi/process_start"
HOST_TAG = "ai_roi/host"
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


class PipelineAlreadyRunning(Exception):
    """Another live process runs the pipeline: starting now would only wait for its slot."""


@dataclass(frozen=True)
class RunProcess:
    """The process that executes a run, as recorded in the run's tags."""

    host: str
    pid: int
    # Clock ticks after boot (/proc/<pid>/stat); "" where /proc is missing (not Linux).
    start: str

    @classmethod
    def current(cls) -> RunProcess:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, _start_and_state(pid)[0])

    @classmethod
    def from_tags(cls, tags: Mapping[str, str]) -> RunProcess | None:
        """None for a run this command did not start (the Dagster UI, a schedule)."""
        if PID_TAG not in tags:
            return None
        return cls(tags.get(HOST_TAG, ""), int(tags[PID_TAG]), tags.get(PROCESS_START_TAG, ""))

    def tags(self) -> dict[str, str]:
        return {HOST_TAG: self.host, PID_TAG: str(self.pid), PROCESS_START_TAG: self.start}

    def is_alive(self) -> bool:
        # A process on another host (shared DAGSTER_HOME) cannot be checked: assume alive.
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # exists, owned by another user
        start, state = _start_and_state(self.pid)
        # A zombie has exited; a different start time means the pid was reused.
        return state != "Z" and (not self.start or start == self.start)

    def describe(self) -> str:
        here = self.host == socket.gethostname()
        return f"pid {self.pid}" if here else f"pid {self.pid} on {self.host}"


def _start_and_state(pid: int) -> tuple[str, str]:
    """Start time and state of a process from /proc; ("", "") where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", ""
    # The command name in parentheses may hold spaces: count fields after its closing one.
    fields = stat.rsplit(")", 1)[1].split()
    return fields[19], fields[0]


def execute_guarded(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    tags: Mapping[str, str] | None = None,
    **options: Any,
) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process(instance=instance, raise_on_error=False, **options)` once
    abandoned runs are closed, tagged with this process (and `tags`), and stoppable by
    Ctrl-C even while it waits for a pool slot. Raises PipelineAlreadyRunning instead of
    waiting."""
    for run_id in release_abandoned_runs(instance):
        print(f"closed run {run_id}: its process is gone (killed or crashed); slots freed")
    with interruptible_run():
        return job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={**(tags or {}), **RunProcess.current().tags()},
            **options,
        )


def release_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the unfinished runs of this command whose process is gone (cancel those being
    canceled) and free every concurrency slot no live run can use; return their ids.

    Raises PipelineAlreadyRunning when a live process holds an unfinished run, or when a
    run this command did not start holds a slot (its process cannot be checked here).
    """
    abandoned: list[str] = []
    running: list[str] = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        process = RunProcess.from_tags(run.tags)
        if process is None:
            continue
        if process.is_alive():
            running.append(
                f"another pipeline run ({process.describe()}) is running: Dagster run "
                f"{run.run_id}; wait for it or stop it"
            )
        else:
            _fail_abandoned_run(instance, run, process)
            abandoned.append(run.run_id)
    _free_slots_of_finished_runs(instance)
    running += _slots_held_by_other_launchers(instance)
    if running:
        raise PipelineAlreadyRunning("\n".join(running))
    return abandoned


def _fail_abandoned_run(
    instance: dg.DagsterInstance, run: dg.DagsterRun, process: RunProcess
) -> None:
    message = f"the process running it ({process.describe()}) is gone: killed or crashed"
    if run.status == dg.DagsterRunStatus.CANCELING:
        instance.report_run_canceled(run, message)
    else:
        instance.report_run_failed(run, message)
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def _runs_in_pools(instance: dg.DagsterInstance) -> tuple[set[str], set[str]]:
    """Ids of the runs holding a slot, and of those with a step queued for one, in any pool."""
    storage = instance.event_log_storage
    infos = storage.get_concurrency_infos(list(storage.get_concurrency_keys())).values()
    holding = {slot.run_id for info in infos for slot in info.claimed_slots}
    queued = {step.run_id for info in infos for step in info.pending_steps}
    return holding, queued


def _free_slots_of_finished_runs(instance: dg.DagsterInstance) -> None:
    """A finished or deleted run can no longer free its slots itself (a cleanup that died)."""
    holding, queued = _runs_in_pools(instance)
    for run_id in holding | queued:
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def _slots_held_by_other_launchers(instance: dg.DagsterInstance) -> list[str]:
    problems = []
    holding, _ = _runs_in_pools(instance)
    for run_id in sorted(holding):
        run = instance.get_run_by_id(run_id)
        if run is not None and RunProcess.from_tags(run.tags) is None:
            problems.append(
                f"Dagster run {run_id} (started from the Dagster UI or a schedule, not by "
                "this command) holds a pool slot; wait for it, or if it is no longer "
                "running, terminate it in the Dagster UI"
            )
    return problems
