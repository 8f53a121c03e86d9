"""Load a landing file too large for memory one part at a time, in one transaction.

Each part is read, conformed and written before the next is read, so memory holds one
part however large the file. The outcome is the whole-file loader's:
- exact duplicates within a part are quarantined by `conform`; those in different parts
  are found in DuckDB once every part is written, and moved to the quarantine;
- restatements are computed on the file's rows as written;
- whether too many rows are invalid is known only at the end: the transaction is then
  rolled back and the file read again, every row into the quarantine;
- a part that cannot be parsed rejects the file, naming its row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingestion import ledger
from ingestion.chunks import read_in_chunks
from ingestion.contracts import SourceContract
from ingestion.duckdb_helpers import scalar, sql_string
from ingestion.errors import IngestionError
from ingestion.file_checks import (
    conform_text,
    file_message,
    is_rejected,
    quarantine_everything,
    rejection,
)
from ingestion.file_rows import (
    RAW_SCHEMA,
    delete_file_rows,
    insert_quarantine,
    insert_restatements,
    insert_rows,
    replace_file_rows,
    transaction,
)
from ingestion.read_ahead import read_ahead
from ingestion.readers import ROW_NUMBER
from ingestion.restatements import find_restatements
from ingestion.settings import Streaming
from ingestion.validation import (
    Conformed,
    DateBounds,
    check_required_columns,
    contract_names,
)

PartProgress = Callable[[str, int], None]  # file, rows read so far


@dataclass(frozen=True)
class StreamedFile:
    path: Path
    relative: str
    digest: str
    signature: ledger.FileSignature | None


@dataclass(frozen=True)
class _Load:
    con: duckdb.DuckDBPyConnection
    contract: SourceContract
    file: StreamedFile
    key: bytes
    bounds: DateBounds
    streaming: Streaming
    run_id: str
    on_part: PartProgress | None

    def parts(self) -> Iterator[tuple[pl.DataFrame, Conformed]]:
        """The file's parts, conformed; the next is read while the caller writes this one."""
        conformed_parts = (
            (
                contract_names(part.columns, self.contract),
                *conform_text(part, self.contract, self.file.path, self.key, self.bounds, False),
            )
            for part in read_in_chunks(self.file.path, self.streaming.chunk_bytes)
        )
        columns: dict[str, str] = {}
        rows_read = 0
        for names, text, conformed in read_ahead(
            conformed_parts, name=f"parts-{self.contract.table}"
        ):
            yield text, conformed
            columns.update(names)
            rows_read += text.height
            if self.on_part is not None:
                self.on_part(self.file.relative, rows_read)
        # JSON Lines name their keys row by row: a key first seen late is still there.
        check_required_columns(self.contract, self.file.path, columns)

    def outcome(
        self, status: str, read: int, loaded: int, message: str | None
    ) -> ledger.FileOutcome:
        return ledger.FileOutcome(
            self.contract.table, self.file.relative, self.file.digest, status,
            rows_read=read, rows_loaded=loaded, rows_quarantined=read - loaded,
            message=message, signature=self.file.signature,
        )  # fmt: skip


class _TooManyInvalid(Exception):
    def __init__(self, error: IngestionError, rows_read: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.rows_read = rows_read


def load_in_chunks(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    file: StreamedFile,
    key: bytes,
    bounds: DateBounds,
    streaming: Streaming,
    run_id: str,
    on_part: PartProgress | None = None,
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    load = _Load(con, contract, file, key, bounds, streaming, run_id, on_part)
    try:
        with transaction(con):
            outcome = _write_file(load)
        return outcome, None
    except _TooManyInvalid as invalid:
        return _quarantine_file(load, invalid.error, invalid.rows_read), invalid.error
    except IngestionError as error:
        outcome = load.outcome("rejected", 0, 0, str(error))
        replace_file_rows(con, {contract.table: None}, outcome, run_id)
        return outcome, error


def _write_file(load: _Load) -> ledger.FileOutcome:
    con, contract, relative = load.con, load.contract, load.file.relative
    delete_file_rows(con, contract.table, [contract.table], relative)
    read, parts, ignored = 0, 0, set()
    for text, conformed in load.parts():
        insert_rows(con, contract.table, conformed.rows, relative)
        insert_quarantine(con, contract.table, relative, conformed.quarantine, load.run_id)
        read, parts = read + text.height, parts + 1
        ignored.update(conformed.ignored_columns)
    if parts > 1:
        _quarantine_duplicates_across_parts(load)
    table = f"{RAW_SCHEMA}.{contract.table}"
    loaded = scalar(con, f"select count(*) from {table} where _source_file = ?", [relative])
    if is_rejected(contract, read, read - loaded):
        first = _first_quarantined(load)
        raise _TooManyInvalid(rejection(load.file.path, contract, read, read - loaded, first), read)
    file_rows = (
        f"(select * from {RAW_SCHEMA}.{contract.table} where _source_file = {sql_string(relative)})"
    )
    restated = find_restatements(con, contract, relative, file_rows)
    insert_restatements(con, contract.table, relative, restated, load.run_id)
    outcome = load.outcome("loaded", read, loaded, file_message(read, tuple(sorted(ignored))))
    ledger.record(con, outcome, load.run_id)
    return outcome


def _quarantine_duplicates_across_parts(load: _Load) -> None:
    """Move rows equal in every contract column to an earlier row of the file into the
    quarantine, as `conform` does within one part (compared as loaded, i.e. typed)."""
    con, contract, relative = load.con, load.contract, load.file.relative
    table = f"{RAW_SCHEMA}.{contract.table}"
    columns = ", ".join(contract.column_names)
    as_text = ", ".join(f"{name} := {name}::varchar" for name in contract.column_names)
    con.execute(
        "create or replace temp table repeated_rows as "
        f"with ranked as (select _source_row, min(_source_row) over (partition by {columns}) "
        f"as first_row from {table} where _source_file = ?) "
        f"select ranked._source_row, ranked.first_row, to_json(struct_pack({as_text})) as raw "
        f"from ranked inner join {table} as loaded on loaded._source_file = ? "
        "and loaded._source_row = ranked._source_row where ranked._source_row <> first_row",
        [relative, relative],
    )
    con.execute(
        f"insert into {ledger.SCHEMA}.quarantine select ?, ?, _source_row, 'all columns', "
        "'all columns: exact duplicate of row ' || first_row || ' of this file', raw, ?, "
        "now()::timestamp from repeated_rows",
        [contract.table, relative, load.run_id],
    )
    con.execute(
        f"delete from {table} where _source_file = ? "
        "and _source_row in (select _source_row from repeated_rows)",
        [relative],
    )
    con.execute("drop table repeated_rows")


def _first_quarantined(load: _Load) -> dict:
    row, column, reason = load.con.execute(
        f"select source_row, column_name, reason from {ledger.SCHEMA}.quarantine "
        "where source = ? and file_path = ? order by source_row limit 1",
        [load.contract.table, load.file.relative],
    ).fetchall()[0]
    return {ROW_NUMBER: row, "column_name": column, "reason": reason}


def _quarantine_file(load: _Load, error: IngestionError, rows_read: int) -> ledger.FileOutcome:
    """Second pass over a rejected file: every row to the quarantine, none lost."""
    con, contract, relative = load.con, load.contract, load.file.relative
    outcome = load.outcome("rejected", rows_read, 0, str(error))
    with transaction(con):
        delete_file_rows(con, contract.table, [contract.table], relative)
        for text, conformed in load.parts():
            everything = quarantine_everything(text, conformed.quarantine, contract, error)
            insert_quarantine(con, contract.table, relative, everything, load.run_id)
        ledger.record(con, outcome, load.run_id)
    return outcome
