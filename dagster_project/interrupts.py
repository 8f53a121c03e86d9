"""Ctrl-C that reaches a run waiting for a concurrency slot.

During an in-process run Dagster captures SIGINT (and SIGTERM) into a flag, which the next
step start turns into an interruption. A step that waits for a pool slot never starts, so
in Dagster 1.13 that flag is never read and Ctrl-C is silently ignored for as long as the
wait lasts. A watcher thread notices a flag left unread and raises KeyboardInterrupt in
the main thread, where Dagster records the run as interrupted and releases its queued
claims; the interrupt is then raised again to the caller.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Private, but the only place the captured interrupt is visible; dagster is pinned exactly
# and tests/test_stale_runs.py fails if this stops working.
from dagster._utils.interrupts import check_captured_interrupt

POLL_SECONDS = 0.2
# A step start reads the flag at once; unread this long, the run is waiting.
UNREAD_SECONDS = 1.0


@contextmanager
def interruptible_run() -> Iterator[None]:
    """Wrap `execute_in_process`: Ctrl-C ends it even while it waits for a slot."""
    done = threading.Event()
    interrupted = threading.Event()
    main_thread = threading.main_thread().ident
    watcher = threading.Thread(
        target=_watch, args=(main_thread, done, interrupted), name="interrupt-watcher", daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
    # Dagster turns the interruption into a failed run; the caller still has to stop.
    if interrupted.is_set():
        raise KeyboardInterrupt


def _watch(main_thread: int, done: threading.Event, interrupted: threading.Event) -> None:
    unread_since: float | None = None
    while not done.wait(POLL_SECONDS):
        if not check_captured_interrupt():
            unread_since = None
            continue
        unread_since = unread_since or time.monotonic()
        if time.monotonic() - unread_since >= UNREAD_SECONDS:
            interrupted.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(main_thread), ctypes.py_object(KeyboardInterrupt)
            )
            return
