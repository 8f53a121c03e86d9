"""Load a landing file too large for memory one part at a time.

Each part is read, conformed and appended to two staging tables (rows, quarantine) on
disk before the next is read, so memory holds a part or two however large the file.
Once the whole file is staged, one transaction swaps it into the raw table, quarantine,
restatements and ledger: the file is loaded whole or not at all, as with a small file.
(Appending the parts inside that transaction instead would keep them all in memory.)

The outcome is the whole-file loader's:
- exact duplicates within a part are quarantined by `conform`; those in different parts
  are found in DuckDB among the staged rows;
- whether too many rows are invalid is known only at the end: the file is then read
  again, every row into the quarantine;
- a part that cannot be parsed rejects the file, naming its row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingestion import ledger
from ingestion.chunks import read_in_chunks
from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import scalar
from ingestion.errors import IngestionError
from ingestion.file_checks import (
    conform_text,
    file_message,
    is_rejected,
    quarantine_everything,
    rejection,
)
from ingestion.file_rows import (
    QUARANTINE,
    QUARANTINE_COLUMNS,
    RAW_SCHEMA,
    delete_file_rows,
    insert_quarantine,
    insert_restatements,
    insert_rows,
    replace_file_rows,
    transaction,
)
from ingestion.load_job import LoadJob
from ingestion.read_ahead import read_ahead
from ingestion.readers import ROW_NUMBER
from ingestion.restatements import find_restatements
from ingestion.validation import (
    DUPLICATE_KIND,
    Conformed,
    check_required_columns,
    contract_names,
)

TEXT_HASH = "_text_hash"


@dataclass(frozen=True)
class StreamedFile:
    path: Path
    relative: str
    digest: str
    signature: ledger.FileSignature | None


@dataclass(frozen=True)
class _Load:
    con: duckdb.DuckDBPyConnection
    job: LoadJob
    file: StreamedFile

    @property
    def contract(self) -> SourceContract:
        return self.job.contract

    def parts(self) -> Iterator[tuple[pl.DataFrame, Conformed]]:
        """The file's parts, conformed; the next is read while the caller writes this one."""
        conformed_parts = map(
            self._conformed, read_in_chunks(self.file.path, self.job.streaming.chunk_bytes)
        )
        columns: dict[str, str] = {}
        rows_read = 0
        for names, text, conformed in read_ahead(
            conformed_parts, name=f"parts-{self.contract.table}"
        ):
            yield text, conformed
            columns.update(names)
            rows_read += text.height
            if self.job.on_part is not None:
                self.job.on_part(self.file.relative, rows_read)
        # JSON Lines name their keys row by row: a key first seen late is still there.
        check_required_columns(self.contract, self.file.path, columns)

    def _conformed(self, part: pl.DataFrame) -> tuple[dict[str, str], pl.DataFrame, Conformed]:
        """The part's columns as named in the file, and the part conformed."""
        text, conformed = conform_text(part, self.job, self.file.path, require_columns=False)
        return contract_names(part.columns, self.contract), text, conformed

    def outcome(
        self, status: str, read: int, loaded: int, message: str | None
    ) -> ledger.FileOutcome:
        return ledger.FileOutcome(
            self.contract.table, self.file.relative, self.file.digest, status,
            rows_read=read, rows_loaded=loaded, rows_quarantined=read - loaded,
            message=message, signature=self.file.signature,
        )  # fmt: skip


class _Staging:
    """The staging tables of one source's streamed file, dropped when it is loaded; a
    killed run's are dropped by the source's next load."""

    def __init__(self, load: _Load) -> None:
        self.table = load.contract.table
        self.rows = _staging_name(self.table, "rows")
        self.quarantine = _staging_name(self.table, "quarantine")
        self.con = load.con
        self.con.execute(
            f"create or replace table {self.rows} as select *, null::ubigint as {TEXT_HASH} "
            f"from {RAW_SCHEMA}.{load.contract.table} limit 0"
        )
        self.con.execute(
            f"create or replace table {self.quarantine} as select * from {QUARANTINE} limit 0"
        )

    def drop(self) -> None:
        drop_staging(self.con, self.table)


def drop_staging(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Remove a source's staging tables, also those a killed run left behind."""
    for suffix in ("rows", "quarantine"):
        con.execute(f"drop table if exists {_staging_name(table, suffix)}")


def _staging_name(table: str, suffix: str) -> str:
    return f"{ledger.SCHEMA}.streaming_{table}_{suffix}"


def load_in_chunks(
    con: duckdb.DuckDBPyConnection, job: LoadJob, file: StreamedFile
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    load = _Load(con, job, file)
    staging = _Staging(load)
    try:
        return _load_staged(load, staging)
    except IngestionError as error:
        outcome = load.outcome("rejected", 0, 0, str(error))
        replace_file_rows(con, {job.contract.table: None}, outcome, job.run_id)
        return outcome, error
    finally:
        staging.drop()


def _load_staged(
    load: _Load, staging: _Staging
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    read, ignored = _stage_parts(load, staging)
    loaded = scalar(load.con, f"select count(*) from {staging.rows}")
    if not is_rejected(load.contract, read, read - loaded):
        outcome = load.outcome("loaded", read, loaded, file_message(read, ignored))
        _swap_in(load, staging, outcome)
        return outcome, None
    error = rejection(
        load.file.path, load.contract, read, read - loaded, _first_quarantined(staging)
    )
    # Counted again: the accounting must hold for the rows this pass quarantined.
    read = _stage_every_row_quarantined(load, staging, error)
    outcome = load.outcome("rejected", read, 0, str(error))
    staging.con.execute(f"delete from {staging.rows}")
    _swap_in(load, staging, outcome)
    return outcome, error


def _stage_parts(load: _Load, staging: _Staging) -> tuple[int, tuple[str, ...]]:
    """Rows read and columns ignored."""
    read, parts, ignored = 0, 0, set()
    for text, conformed in load.parts():
        rows = conformed.rows.join(_text_hashes(text, load.contract), on=ROW_NUMBER)
        insert_rows(load.con, staging.rows, rows, load.file.relative)
        insert_quarantine(
            load.con, load.contract.table, load.file.relative, conformed.quarantine,
            load.job.run_id, into=staging.quarantine,
        )  # fmt: skip
        read, parts = read + text.height, parts + 1
        ignored.update(conformed.ignored_columns)
    if parts > 1:
        _quarantine_duplicates_across_parts(load, staging)
    return read, tuple(sorted(ignored))


def _text_hashes(text: pl.DataFrame, contract: SourceContract) -> pl.DataFrame:
    """A hash of each row's values as written in the file: `conform` compares duplicates
    as text, so the search across parts does too."""
    return text.select(ROW_NUMBER, pl.struct(contract.column_names).hash().alias(TEXT_HASH))


def _quarantine_duplicates_across_parts(load: _Load, staging: _Staging) -> None:
    """Move rows equal in every contract column to an earlier row of the file into the
    quarantine, as `conform` does within one part: same text (hash) and same values."""
    names = load.contract.column_names
    columns = ", ".join([TEXT_HASH, *names])
    as_text = ", ".join(f"{name} := {name}::varchar" for name in names)
    load.con.execute(
        f"create or replace temp table repeated_rows as "
        f"select _source_row, first_row, to_json(struct_pack({as_text})) as raw_values "
        f"from (select *, min(_source_row) over (partition by {columns}) as first_row "
        f"from {staging.rows}) where _source_row <> first_row"
    )
    # A duplicate within a later part names that part's first copy; point it at the first
    # copy in the file, as the whole-file loader does.
    duplicate_of = "'exact duplicate of row ' || {} || ' of this file'"
    load.con.execute(
        f"update {staging.quarantine} as quarantined set reason = replace(reason, "
        f"{duplicate_of.format('repeated._source_row')}, "
        f"{duplicate_of.format('repeated.first_row')}) from repeated_rows as repeated "
        f"where contains(quarantined.reason, {duplicate_of.format('repeated._source_row')})"
    )
    load.con.execute(
        f"insert into {staging.quarantine} ({QUARANTINE_COLUMNS}) select ?, ?, _source_row, "
        f"'all columns', 'all columns: ' || {duplicate_of.format('first_row')}, ?, "
        "raw_values, ?, now()::timestamp from repeated_rows",
        [load.contract.table, load.file.relative, DUPLICATE_KIND, load.job.run_id],
    )
    load.con.execute(
        f"delete from {staging.rows} where _source_row in (select _source_row from repeated_rows)"
    )
    load.con.execute("drop table repeated_rows")


def _first_quarantined(staging: _Staging) -> dict:
    row, column, reason = staging.con.execute(
        f"select source_row, column_name, reason from {staging.quarantine} "
        "order by source_row limit 1"
    ).fetchall()[0]
    return {ROW_NUMBER: row, "column_name": column, "reason": reason}


def _stage_every_row_quarantined(load: _Load, staging: _Staging, error: IngestionError) -> int:
    """Second pass over a rejected file: every row to the quarantine, none lost. Returns
    the rows read."""
    load.con.execute(f"delete from {staging.quarantine}")
    read = 0
    for text, conformed in load.parts():
        read += text.height
        everything = quarantine_everything(text, conformed.quarantine, load.contract, error)
        insert_quarantine(
            load.con, load.contract.table, load.file.relative, everything, load.job.run_id,
            into=staging.quarantine,
        )  # fmt: skip
    return read


def _swap_in(load: _Load, staging: _Staging, outcome: ledger.FileOutcome) -> None:
    """The staged file replaces its earlier load, in one transaction."""
    con, contract, relative = load.con, load.contract, load.file.relative
    with transaction(con):
        # Before the earlier load of the file is deleted: retracted rows are found in it.
        restated = find_restatements(con, contract, relative, staging.rows)
        delete_file_rows(con, contract.table, [contract.table], relative)
        con.execute(
            f"insert into {RAW_SCHEMA}.{contract.table} "
            f"select * exclude ({TEXT_HASH}) from {staging.rows}"
        )
        con.execute(
            f"insert into {QUARANTINE} ({QUARANTINE_COLUMNS}) "
            f"select {QUARANTINE_COLUMNS} from {staging.quarantine}"
        )
        insert_restatements(con, contract.table, relative, restated, load.job.run_id)
        ledger.record(con, outcome, load.job.run_id)
