"""The load ledger: which file, with which content, was loaded when and how it went.

It makes reruns idempotent (a file already loaded with the same content is skipped; a
changed file replaces its own rows) and keeps the per-run accounting
read = loaded + quarantined for every file. A file whose size and modification time are
those recorded is not even read again: a daily run hashes only the new deliveries.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMA = "audit"
SETTLED_AFTER_NS = 2_000_000_000
DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.load_ledger (
    source varchar not null,
    file_path varchar not null,
    content_hash varchar not null,
    status varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    message varchar,
    run_id varchar not null,
    loaded_at timestamp not null,
    primary key (source, file_path)
);
alter table {SCHEMA}.load_ledger add column if not exists file_size bigint;
alter table {SCHEMA}.load_ledger add column if not exists file_modified_ns bigint;
create table if not exists {SCHEMA}.load_accounting (
    run_id varchar not null,
    source varchar not null,
    file_path varchar not null,
    content_hash varchar not null,
    status varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    message varchar,
    recorded_at timestamp not null
);
create table if not exists {SCHEMA}.restatements (
    source varchar not null,
    file_path varchar not null,
    kind varchar not null,
    period_month date,
    rows_restated bigint not null,
    detail varchar,
    run_id varchar not null,
    recorded_at timestamp not null
);
create table if not exists {SCHEMA}.publish_log (
    run_id varchar not null,
    report_month date,
    published_at timestamp not null
);
create table if not exists {SCHEMA}.blocked_publishes (
    run_id varchar not null,
    blocked_at timestamp not null,
    failures varchar not null
);
create table if not exists {SCHEMA}.quarantine (
    source varchar not null,
    file_path varchar not null,
    source_row bigint not null,
    column_name varchar,
    reason varchar not null,
    raw_values varchar,
    run_id varchar not null,
    quarantined_at timestamp not null
);
-- The reason without its values and row numbers, so that alike problems count together;
-- added after the table, so that warehouses from before it get it too: inserts name columns.
alter table {SCHEMA}.quarantine add column if not exists reason_kind varchar;
"""


@dataclass(frozen=True)
class FileOutcome:
    source: str
    file_path: str
    content_hash: str
    status: str  # loaded | unchanged | duplicate | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str | None = None
    signature: FileSignature | None = None


@dataclass(frozen=True)
class FileSignature:
    """What the file system says of a file without reading it."""

    size: int
    modified_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSignature:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns)

    def settled(self) -> bool:
        """Modified long enough ago that a rewrite would show a later time: file systems
        stamp times in ticks, so a file rewritten within one tick of being read could
        keep its size and time with new content."""
        return self.modified_ns < time.time_ns() - SETTLED_AFTER_NS


@dataclass(frozen=True)
class PreviousLoad:
    content_hash: str
    status: str
    message: str | None
    signature: FileSignature | None = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def previous_loads(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, PreviousLoad]:
    rows = con.execute(
        f"select file_path, content_hash, status, message, file_size, file_modified_ns "
        f"from {SCHEMA}.load_ledger where source = ?",
        [source],
    ).fetchall()
    return {
        path: PreviousLoad(
            digest, status, message, FileSignature(size, modified) if size is not None else None
        )
        for path, digest, status, message, size, modified in rows
    }


def record(con: duckdb.DuckDBPyConnection, outcome: FileOutcome, run_id: str) -> None:
    """Write the outcome to the ledger (latest state) and the accounting log (history)."""
    values = [
        outcome.source,
        outcome.file_path,
        outcome.content_hash,
        outcome.status,
        outcome.rows_read,
        outcome.rows_loaded,
        outcome.rows_quarantined,
        outcome.message,
        run_id,
    ]
    signature = outcome.signature
    con.execute(
        f"insert or replace into {SCHEMA}.load_ledger (source, file_path, content_hash, status, "
        "rows_read, rows_loaded, rows_quarantined, message, run_id, loaded_at, file_size, "
        "file_modified_ns) values (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)",
        [
            *values,
            signature.size if signature else None,
            signature.modified_ns if signature else None,
        ],
    )
    con.execute(
        f"insert into {SCHEMA}.load_accounting values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
        [run_id, *values[:-1]],
    )
