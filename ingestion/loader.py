"""Load one source's landing files into its raw table, file by file, idempotently.

Each file is written in one transaction together with its ledger entry, so a run killed
half-way leaves every file either fully loaded or not at all, and a rerun picks up
exactly the files that are missing or changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import polars as pl

from ingestion import landing, ledger
from ingestion.chunks import can_stream
from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import registered
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.file_checks import (
    conform_text,
    file_message,
    is_rejected,
    quarantine_everything,
    rejection,
)
from ingestion.file_rows import ensure_raw_table, replace_file_rows
from ingestion.key_guard import check_key
from ingestion.load_job import LoadJob, PartProgress
from ingestion.organisation import close_unit_lists
from ingestion.read_ahead import read_ahead
from ingestion.readers import read_as_text
from ingestion.restatements import find_restatements
from ingestion.settings import DEFAULT_HISTORY_START, Streaming
from ingestion.streamed_load import StreamedFile, drop_staging, load_in_chunks
from ingestion.validation import DateBounds

Progress = Callable[[ledger.FileOutcome], None]


@dataclass
class SourceLoadReport:
    source: str
    files: list[ledger.FileOutcome] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(outcome, attribute) for outcome in self.files)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.files)


def landing_files(contract: SourceContract, landing_dir: Path) -> list[Path]:
    """Every entry matching the contract's patterns, links and directories included:
    `_examine` rejects those that must not be read, so that each gets a ledger row."""
    return landing.matching_entries(landing_dir / contract.folder, contract.patterns)


def load_source(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    landing_dir: Path,
    key: bytes,
    run_id: str | None = None,
    on_file: Progress | None = None,
    bounds: DateBounds | None = None,
    streaming: Streaming | None = None,
    on_part: PartProgress | None = None,
    closed_unit_types: frozenset[str] = frozenset(),
) -> SourceLoadReport:
    """Load new and changed files; raise SourceLoadError after the rest if any is rejected.

    While one file is written to DuckDB, the next is read and checked in a second thread
    (Polars and DuckDB both work outside the GIL), so the two overlap on big histories.
    Files too large to read whole are streamed in parts (see `Streaming`). Unit columns
    of `closed_unit_types` accept only the units the organisation file declares.
    """
    job = LoadJob(
        close_unit_lists(con, contract, closed_unit_types),
        key,
        bounds or DateBounds.until_now(DEFAULT_HISTORY_START),
        streaming or Streaming(),
        run_id or uuid.uuid4().hex,
        on_part,
    )
    ledger.ensure_schema(con)
    if any(column.pseudonymise for column in contract.columns):
        check_key(con, key)
    ensure_raw_table(con, contract)
    drop_staging(con, contract.table)
    previous = ledger.previous_loads(con, contract.table)
    report = SourceLoadReport(contract.table)
    errors: list[IngestionError] = []

    examined_files = (
        _examine(job, landing_dir, path, previous) for path in landing_files(contract, landing_dir)
    )
    for examined in read_ahead(examined_files, name=f"read-{contract.table}"):
        outcome, error = _settle(con, job, examined)
        report.files.append(outcome)
        if error is not None:
            errors.append(error)
        if on_file is not None:
            on_file(outcome)
    if errors:
        raise SourceLoadError(contract.table, errors)
    return report


@dataclass(frozen=True)
class _Examined:
    """A landing file compared with the ledger and, if it is to be loaded, read and checked."""

    path: Path
    relative: str
    digest: str
    signature: ledger.FileSignature | None  # recorded, so that a rerun need not read it
    decision: str  # unchanged | still_rejected | duplicate | load | stream
    message: str | None = None  # why it is still rejected, or which file it duplicates
    conformed: _Conformed | None = None
    error: IngestionError | None = None  # unreadable: the whole file is rejected


@dataclass(frozen=True)
class _Conformed:
    rows: pl.DataFrame
    quarantine: pl.DataFrame
    outcome: ledger.FileOutcome
    error: IngestionError | None  # too many invalid rows: rejected, every row quarantined


def _examine(
    job: LoadJob, landing_dir: Path, path: Path, previous: dict[str, ledger.PreviousLoad]
) -> _Examined:
    relative = path.relative_to(landing_dir).as_posix()
    try:
        landing.check_readable(path, landing_dir)
    except IngestionError as error:
        return _Examined(path, relative, landing.NOT_READ, None, "load", error=error)
    current = ledger.FileSignature.of(path)
    before = previous.get(relative)
    same_file = before is not None and before.signature == current
    digest = before.content_hash if same_file else ledger.content_hash(path)
    signature = current if current.settled() else None  # a fresh file is hashed next time
    if before is not None and before.content_hash == digest:
        if before.status == "rejected":
            return _Examined(path, relative, digest, signature, "still_rejected", before.message)
        return _Examined(path, relative, digest, signature, "unchanged")
    twin = next(
        (p for p, load in previous.items() if load.content_hash == digest and p != relative),
        None,
    )
    if twin is not None and previous[twin].status == "loaded":
        return _Examined(path, relative, digest, signature, "duplicate", twin)
    if job.streaming.applies_to(current.size) and can_stream(path):
        return _Examined(path, relative, digest, signature, "stream")
    try:
        conformed = _conform_file(job, path, relative, digest)
    except IngestionError as error:
        return _Examined(path, relative, digest, signature, "load", error=error)
    return _Examined(path, relative, digest, signature, "load", conformed=conformed)


def _settle(
    con: duckdb.DuckDBPyConnection, job: LoadJob, examined: _Examined
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    """Write what `_examine` decided: rows, quarantine and ledger entry, one transaction."""
    contract, run_id = job.contract, job.run_id
    relative, digest = examined.relative, examined.digest
    if examined.decision == "unchanged":
        return _unchanged(contract, relative, digest), None
    if examined.decision == "still_rejected":
        return _unchanged(contract, relative, digest), IngestionError(
            examined.path, f"still rejected, unchanged since the last run: {examined.message}"
        )
    if examined.decision == "duplicate":
        outcome = ledger.FileOutcome(
            contract.table, relative, digest, "duplicate",
            message=f"same content as {examined.message}, already loaded; not loaded again",
            signature=examined.signature,
        )  # fmt: skip
        ledger.record(con, outcome, run_id)
        return outcome, None
    if examined.decision == "stream":
        file = StreamedFile(examined.path, relative, digest, examined.signature)
        return load_in_chunks(con, job, file)
    if examined.error is not None:
        outcome = ledger.FileOutcome(
            contract.table, relative, digest, "rejected", message=str(examined.error),
            signature=examined.signature,
        )  # fmt: skip
        nothing = pl.DataFrame(schema={c.name: c.dtype for c in contract.columns})
        replace_file_rows(
            con, {contract.table: None}, outcome, run_id,
            restatements=_restated(con, contract, relative, nothing),
        )  # fmt: skip
        return outcome, examined.error
    conformed = examined.conformed
    outcome = replace(conformed.outcome, signature=examined.signature)
    restated = _restated(con, contract, relative, conformed.rows)
    replace_file_rows(
        con,
        {contract.table: conformed.rows},
        outcome,
        run_id,
        quarantine=conformed.quarantine,
        restatements=restated,
    )
    return outcome, conformed.error


def _restated(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, relative: str, rows: pl.DataFrame
) -> pl.DataFrame:
    with registered(con, "incoming_rows", rows):
        return find_restatements(con, contract, relative, "incoming_rows")


def _unchanged(contract: SourceContract, relative: str, digest: str) -> ledger.FileOutcome:
    return ledger.FileOutcome(contract.table, relative, digest, "unchanged")


def _conform_file(job: LoadJob, path: Path, relative: str, digest: str) -> _Conformed:
    contract = job.contract
    text, conformed = conform_text(read_as_text(path), job, path)
    read, bad = text.height, conformed.quarantine.height
    error = None
    rows = conformed.rows
    quarantine = conformed.quarantine
    status = "loaded"
    if is_rejected(contract, read, bad):
        error = rejection(path, contract, read, bad, quarantine.row(0, named=True))
        status, rows = "rejected", rows.clear()
        quarantine = quarantine_everything(text, conformed.quarantine, contract, error)
    outcome = ledger.FileOutcome(
        contract.table, relative, digest, status,
        rows_read=read, rows_loaded=rows.height, rows_quarantined=quarantine.height,
        message=str(error) if error else file_message(read, conformed.ignored_columns),
    )  # fmt: skip
    return _Conformed(rows, quarantine, outcome, error)
