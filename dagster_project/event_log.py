"""Dagster's run history on SQLite, written at the speed of a warm connection.

Every step start and end, planned and reported materialization and asset check result is
an event Dagster writes to its storage before the run goes on: about 1,200 per run of
this project, 4,000 more in a first full build (the days of the partitions). Dagster's
SQLite storage (the default) opens a new connection for each write, commits with a full
disk sync, and the last connection to close a file checkpoints and deletes its
write-ahead log: 57 ms an event on a shared CI disk (docs/benchmarks.md). Two settings
bring it to 11 ms:

- `synchronous=NORMAL`, what SQLite advises in WAL mode (Dagster's files all are): a
  crashed process loses nothing, a power cut at worst the last events, and no file is
  ever corrupted;
- one idle connection kept open per file, so that closing Dagster's connection does not
  checkpoint the log each time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Files a process writes at once: the run's event log, the index, the run storage.
KEPT_OPEN = 8
_kept: OrderedDict[str, sqlite3.Connection] = OrderedDict()
_lock = threading.Lock()


def speed_up_sqlite_storage() -> None:
    """Apply both to every SQLite file SQLAlchemy opens in this process from now on."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)


def _on_connect(dbapi_connection: object, _record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    (mode,) = dbapi_connection.execute("pragma journal_mode").fetchone()
    if mode != "wal":  # only WAL makes NORMAL safe
        return
    dbapi_connection.execute("pragma synchronous=normal")
    databases = dbapi_connection.execute("pragma database_list").fetchall()
    path = next((file for _, name, file in databases if name == "main"), "")
    if path:  # not an in-memory database
        _keep_open(path)


def _keep_open(path: str) -> None:
    with _lock:
        if path in _kept:
            _kept.move_to_end(path)
            return
        connection = sqlite3.connect(path, check_same_thread=False)
        # Reading once maps the log's index, which makes this connection count as open.
        connection.execute("select count(*) from sqlite_master").fetchall()
        _kept[path] = connection
        if len(_kept) > KEPT_OPEN:
            _, oldest = _kept.popitem(last=False)
            oldest.close()
