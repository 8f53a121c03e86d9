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

from ingestion import ledger
from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import registered
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.pseudonymise import pseudonymise_column
from ingestion.read_ahead import read_ahead
from ingestion.readers import ROW_NUMBER, read_as_text
from ingestion.restatements import find_restatements
from ingestion.settings import DEFAULT_HISTORY_START
from ingestion.validation import DateBounds, conform, rename_to_contract

RAW_SCHEMA = "raw"
DUCKDB_TYPES = {
    pl.String: "varchar",
    pl.Int64: "bigint",
    pl.Float64: "double",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime: "timestamp",
}
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
    folder = landing_dir / contract.folder
    found = {path for pattern in contract.patterns for path in folder.glob(pattern)}
    return sorted(path for path in found if path.is_file())


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: SourceContract) -> None:
    columns = ",\n    ".join(
        f"{column.name} {DUCKDB_TYPES[column.dtype.base_type()]}" for column in contract.columns
    )
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create table if not exists {RAW_SCHEMA}.{contract.table} (\n    {columns},\n"
        "    _source_file varchar not null,\n    _source_row bigint not null,\n"
        "    _loaded_at timestamp not null\n)"
    )


def load_source(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    landing_dir: Path,
    key: bytes,
    run_id: str | None = None,
    on_file: Progress | None = None,
    bounds: DateBounds | None = None,
) -> SourceLoadReport:
    """Load new and changed files; raise SourceLoadError after the rest if any is rejected.

    While one file is written to DuckDB, the next is read and checked in a second thread
    (Polars and DuckDB both work outside the GIL), so the two overlap on big histories.
    """
    run_id = run_id or uuid.uuid4().hex
    bounds = bounds or DateBounds.until_now(DEFAULT_HISTORY_START)
    ledger.ensure_schema(con)
    ensure_raw_table(con, contract)
    previous = ledger.previous_loads(con, contract.table)
    report = SourceLoadReport(contract.table)
    errors: list[IngestionError] = []

    examined_files = (
        _examine(contract, landing_dir, path, key, previous, bounds)
        for path in landing_files(contract, landing_dir)
    )
    for examined in read_ahead(examined_files, name=f"read-{contract.table}"):
        outcome, error = _settle(con, contract, examined, run_id)
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
    decision: str  # unchanged | still_rejected | duplicate | load
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
    contract: SourceContract,
    landing_dir: Path,
    path: Path,
    key: bytes,
    previous: dict[str, ledger.PreviousLoad],
    bounds: DateBounds,
) -> _Examined:
    relative = path.relative_to(landing_dir).as_posix()
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
    try:
        conformed = _conform_file(contract, path, relative, digest, key, bounds)
    except IngestionError as error:
        return _Examined(path, relative, digest, signature, "load", error=error)
    return _Examined(path, relative, digest, signature, "load", conformed=conformed)


def _settle(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, examined: _Examined, run_id: str
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    """Write what `_examine` decided: rows, quarantine and ledger entry, one transaction."""
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
    if examined.error is not None:
        outcome = ledger.FileOutcome(
            contract.table, relative, digest, "rejected", message=str(examined.error),
            signature=examined.signature,
        )  # fmt: skip
        replace_file_rows(con, {contract.table: None}, outcome, run_id)
        return outcome, examined.error
    conformed = examined.conformed
    outcome = replace(conformed.outcome, signature=examined.signature)
    restated = find_restatements(con, contract, relative, conformed.rows)
    replace_file_rows(
        con,
        {contract.table: conformed.rows},
        outcome,
        run_id,
        quarantine=conformed.quarantine,
        restatements=restated,
    )
    return outcome, conformed.error


def _unchanged(contract: SourceContract, relative: str, digest: str) -> ledger.FileOutcome:
    return ledger.FileOutcome(contract.table, relative, digest, "unchanged")


def _conform_file(
    contract: SourceContract,
    path: Path,
    relative: str,
    digest: str,
    key: bytes,
    bounds: DateBounds,
) -> _Conformed:
    text = rename_to_contract(read_as_text(path), contract, path)
    for column in contract.columns:
        if column.pseudonymise:
            text = pseudonymise_column(text, column.name, key)
    conformed = conform(text, contract, bounds)
    read, bad = text.height, conformed.quarantine.height
    error = None
    rows = conformed.rows
    quarantine = conformed.quarantine
    status = "loaded"
    if read and bad / read > contract.max_quarantine_share:
        error = _rejection(path, contract, read, quarantine)
        status, rows = "rejected", rows.clear()
        quarantine = _quarantine_everything(text, conformed.quarantine, contract, error)
    outcome = ledger.FileOutcome(
        contract.table, relative, digest, status,
        rows_read=read, rows_loaded=rows.height, rows_quarantined=quarantine.height,
        message=str(error) if error else _file_message(read, conformed.ignored_columns),
    )  # fmt: skip
    return _Conformed(rows, quarantine, outcome, error)


def _rejection(
    path: Path, contract: SourceContract, read: int, quarantine: pl.DataFrame
) -> IngestionError:
    first = quarantine.row(0, named=True)
    return IngestionError(
        path,
        f"{quarantine.height} of {read} rows invalid, above the "
        f"{contract.max_quarantine_share:.0%} limit, so the whole file is quarantined; "
        f"first: {first['reason']}",
        row=first[ROW_NUMBER],
        column=first["column_name"],
        fix="correct the export and deliver the file again; it reloads cleanly",
    )


def _quarantine_everything(
    text: pl.DataFrame, invalid: pl.DataFrame, contract: SourceContract, error: IngestionError
) -> pl.DataFrame:
    """The valid rows of a rejected file join the quarantine too, so none is lost."""
    valid = text.join(invalid.select(ROW_NUMBER), on=ROW_NUMBER, how="anti").select(
        ROW_NUMBER,
        pl.lit(None, dtype=pl.String).alias("column_name"),
        pl.lit(f"file rejected: {error.problem}").alias("reason"),
        pl.struct(contract.column_names).struct.json_encode().alias("raw_values"),
    )
    return pl.concat([invalid, valid]).sort(ROW_NUMBER)


def _file_message(rows_read: int, ignored: tuple[str, ...]) -> str | None:
    notes = []
    if rows_read == 0:
        notes.append("the file has a header but no rows")
    if ignored:
        notes.append(f"columns not in the contract were ignored: {', '.join(ignored)}")
    return "; ".join(notes) or None


def replace_file_rows(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, pl.DataFrame | None],
    outcome: ledger.FileOutcome,
    run_id: str,
    quarantine: pl.DataFrame | None = None,
    restatements: pl.DataFrame | None = None,
) -> None:
    """Swap one file's rows in each raw table, its quarantine, restatements and ledger entry
    in one transaction."""
    relative = outcome.file_path
    con.execute("begin transaction")
    try:
        for table, rows in tables.items():
            con.execute(f"delete from {RAW_SCHEMA}.{table} where _source_file = ?", [relative])
            if rows is not None and rows.height:
                _insert_rows(con, f"{RAW_SCHEMA}.{table}", rows, relative)
        con.execute(
            f"delete from {ledger.SCHEMA}.quarantine where source = ? and file_path = ?",
            [outcome.source, relative],
        )
        if quarantine is not None and quarantine.height:
            _insert_quarantine(con, outcome.source, relative, quarantine, run_id)
        con.execute(
            f"delete from {ledger.SCHEMA}.restatements where source = ? and file_path = ?",
            [outcome.source, relative],
        )
        if restatements is not None and restatements.height:
            _insert_restatements(con, outcome.source, relative, restatements, run_id)
        ledger.record(con, outcome, run_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame, relative: str
) -> None:
    with registered(con, "incoming_rows", rows):
        con.execute(
            f"insert into {table} by name select * exclude ({ROW_NUMBER}), "
            f"? as _source_file, {ROW_NUMBER} as _source_row, now()::timestamp as _loaded_at "
            "from incoming_rows",
            [relative],
        )


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection,
    source: str,
    relative: str,
    quarantine: pl.DataFrame,
    run_id: str,
) -> None:
    with registered(con, "incoming_quarantine", quarantine):
        con.execute(
            f"insert into {ledger.SCHEMA}.quarantine select ?, ?, {ROW_NUMBER}, column_name, "
            "reason, raw_values, ?, now()::timestamp from incoming_quarantine",
            [source, relative, run_id],
        )


def _insert_restatements(
    con: duckdb.DuckDBPyConnection, source: str, relative: str, restated: pl.DataFrame, run_id: str
) -> None:
    with registered(con, "incoming_restatements", restated):
        con.execute(
            f"insert into {ledger.SCHEMA}.restatements select ?, ?, kind, period_month, "
            "rows_restated, detail, ?, now()::timestamp from incoming_restatements",
            [source, relative, run_id],
        )
