"""Read a landing file into an all-text Polars frame, whatever its encoding or format.

Everything is read as text first so that a bad value becomes a quarantined row naming
its column, not a parser exception from deep inside a library.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import polars as pl

from ingestion.errors import IngestionError

ROW_NUMBER = "_source_row"
SEPARATORS = (",", ";", "\t", "|")


def read_as_text(path: Path) -> pl.DataFrame:
    """Columns as in the file's header (all String) plus `_source_row`, 1 = first data row."""
    if path.stat().st_size == 0:
        raise IngestionError(path, "the file is empty", fix="re-export it from the source system")
    readers = {
        ".csv": _read_csv,
        ".jsonl": _read_jsonl,
        ".ndjson": _read_jsonl,
        ".xlsx": _read_xlsx,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise IngestionError(path, f"unsupported file type '{path.suffix}'")
    frame = reader(path)
    return frame.with_row_index(ROW_NUMBER, offset=1).with_columns(
        pl.col(ROW_NUMBER).cast(pl.Int64)
    )


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """`data` in the first of `_encodings` that fits (or in `encoding`, already chosen for
    the whole file when `data` is one part of it)."""
    for candidate in [encoding] if encoding else _encodings(data):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise IngestionError(path, "the file is neither UTF-8 nor Latin-1", fix="export it as UTF-8")


def file_encoding(path: Path) -> str:
    """The encoding `decode` would choose for the whole file, found by streaming it, so
    that its parts decode alike."""
    with path.open("rb") as handle:
        block = handle.read(1 << 20)
        utf8, fallback = _encodings(block)
        decoder = codecs.getincrementaldecoder(utf8)()
        try:
            while block:
                decoder.decode(block)
                block = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return fallback
    return utf8


def _encodings(start: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1252, the usual Latin-1 of survey exports;
    `start`: the file's first bytes."""
    return ("utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"), "cp1252"


def sniff_separator(header: str) -> str:
    return max(SEPARATORS, key=header.count)


def _read_csv(path: Path) -> pl.DataFrame:
    text = decode(path.read_bytes(), path)
    return parse_csv(path, text, csv_header(path, text))


def csv_header(path: Path, text: str) -> str:
    """The header line, checked to be there."""
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise IngestionError(path, "the first line is empty; a header row is expected", row=0)
    return header


def parse_csv(path: Path, text: str, header: str, rows_before: int = 0) -> pl.DataFrame:
    """`text` (starting with `header`) as all-text columns; an error names the file's row,
    counting `rows_before` rows read from earlier parts of the file."""
    separator = sniff_separator(header)
    try:
        return pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise _locate_csv_error(path, text, separator, error, rows_before) from error


def _locate_csv_error(
    path: Path, text: str, separator: str, error: Exception, rows_before: int
) -> IngestionError:
    rows = csv.reader(io.StringIO(text), delimiter=separator)
    width = len(next(rows))
    for row_number, row in enumerate(rows, start=rows_before + 1):
        if len(row) != width:
            return IngestionError(
                path,
                f"{len(row)} fields where the header has {width} (separator '{separator}')",
                row=row_number,
                fix="check for an unquoted separator or a truncated line",
            )
    return IngestionError(path, f"unreadable CSV: {error}")


def _read_jsonl(path: Path) -> pl.DataFrame:
    return parse_jsonl(path, path)


def parse_jsonl(path: Path, source: Path | io.BytesIO) -> pl.DataFrame:
    """JSON Lines from `source` (the file, or a part of it) as all-text columns."""
    try:
        frame = pl.read_ndjson(source, infer_schema_length=None)
    except pl.exceptions.PolarsError as error:
        raise _locate_json_error(path, error) from error
    return frame.select(pl.all().cast(pl.String))


def _locate_json_error(path: Path, error: Exception) -> IngestionError:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for row_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except json.JSONDecodeError as bad:
                return IngestionError(
                    path,
                    f"invalid JSON at character {bad.pos + 1}: {bad.msg}",
                    row=row_number,
                    fix="each line must be one complete JSON object (a truncated last line?)",
                )
    return IngestionError(path, f"unreadable JSON Lines: {error}")


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        return pl.read_excel(path, infer_schema_length=0)
    except Exception as error:  # fastexcel raises its own exception types
        raise IngestionError(path, f"unreadable XLSX workbook: {error}") from error
