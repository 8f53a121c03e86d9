"""Read a landing file into an all-text Polars frame, whatever its encoding or format.

Everything is read as text first so that a bad value becomes a quarantined row naming
its column, not a parser exception from deep inside a library.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.errors import IngestionError

ROW_NUMBER = "_source_row"
# Why a record could not be read as values (a JSON line that is not an object), null on
# every other row: `conform` quarantines the record with this reason.
READ_ERROR = "_read_error"
READER_COLUMNS = (ROW_NUMBER, READ_ERROR)
SEPARATORS = (",", ";", "\t", "|")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
NUL_CHECKED_BYTES = 1024


def read_as_text(path: Path) -> pl.DataFrame:
    """Columns as in the file's header (all String) plus `_source_row`, 1 = first data row
    (JSON Lines: the line's number). Blank lines are not rows."""
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
    return reader(path)


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    return frame.with_row_index(ROW_NUMBER, offset=first_row).with_columns(
        pl.col(ROW_NUMBER).cast(pl.Int64)
    )


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """`data` in the first of `_encodings` that fits (or in `encoding`, already chosen for
    the whole file when `data` is one part of it)."""
    candidates = (encoding,) if encoding else _encodings(data, path)
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    problem = (
        "the file starts with a UTF-16 byte-order mark but is not UTF-16"
        if candidates == ("utf-16",)
        else "the file is neither UTF-8 nor Latin-1"
    )
    raise IngestionError(path, problem, fix="export it as UTF-8")


def file_encoding(path: Path) -> str:
    """The encoding `decode` would choose for the whole file, found by streaming it, so
    that its parts decode alike."""
    with path.open("rb") as handle:
        block = handle.read(1 << 20)
        candidates = _encodings(block, path)
        decoder = codecs.getincrementaldecoder(candidates[0])()
        try:
            while block:
                decoder.decode(block)
                block = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return candidates[-1]
    return candidates[0]


def _encodings(start: bytes, path: Path) -> tuple[str, ...]:
    """The encodings to try in turn; `start`: the file's first bytes. UTF-16 when its
    byte-order mark says so (Excel's "Unicode text"); else UTF-8 (with or without BOM),
    else Windows-1252, the usual Latin-1 of survey exports."""
    if start.startswith(UTF16_BOMS):
        return ("utf-16",)  # Python's UTF-16 codec reads the mark's byte order and drops it
    _refuse_nul_bytes(path, start)
    return ("utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"), "cp1252"


def _refuse_nul_bytes(path: Path, start: bytes) -> None:
    """Text in UTF-8 or Latin-1 has no NUL byte: UTF-16 without a byte-order mark has one
    in every other byte, and which order it is in could only be guessed."""
    if b"\x00" in start[:NUL_CHECKED_BYTES]:
        raise IngestionError(
            path,
            "the file looks like UTF-16 (or binary) without a byte-order mark",
            fix="export it as UTF-8",
        )


def has_utf16_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) in UTF16_BOMS


def csv_separator(path: Path) -> str | None:
    """The field separator sniffed from a CSV file's header line; None for other formats."""
    if path.suffix.lower() != ".csv":
        return None
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    text = start.decode(_encodings(start, path)[0], errors="replace")
    return sniff_separator(text.split("\n", 1)[0])


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
    """`text` (starting with `header`) as all-text columns, its rows numbered after the
    `rows_before` rows read from earlier parts of the file; an error names the file's row."""
    separator = sniff_separator(header)
    text = _without_blank_lines(text, separator)
    try:
        frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise _locate_csv_error(path, text, separator, error, rows_before) from error
    return _numbered(frame, rows_before + 1)


def _without_blank_lines(text: str, separator: str) -> str:
    """`text` without its blank lines, which Polars would read as rows of nulls. A blank
    line inside a quoted value is part of the value (an odd number of quotes before it);
    a line of separators only is a record of empty values."""
    pieces, copied_to, counted_to, quotes = [], 0, 0, 0
    for blank in _blank_line(separator).finditer(text):
        quotes += text.count('"', counted_to, blank.start())
        counted_to = blank.start()
        if quotes % 2 == 0:
            pieces.append(text[copied_to : blank.start()])
            copied_to = blank.end()
    if not pieces:
        return text
    return "".join([*pieces, text[copied_to:]])


@functools.cache
def _blank_line(separator: str) -> re.Pattern[str]:
    """A newline and the blank line after it (white space other than the separator)."""
    space = re.escape("".join(c for c in " \t\r\f\v" if c != separator))
    return re.compile(rf"\n[{space}]*(?=\n)|\n[{space}]+\Z")


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
    return parse_jsonl(path, path.read_bytes().removeprefix(codecs.BOM_UTF8))


def parse_jsonl(path: Path, data: bytes, lines_before: int = 0) -> pl.DataFrame:
    """JSON Lines `data` (the file, or a part of it after `lines_before` lines) as all-text
    columns plus `_source_row`, the line's number in the file."""
    _refuse_nul_bytes(path, data)
    frame = _read_ndjson_as_text(data)
    if frame is not None:
        numbers = _record_line_numbers(data, frame.height, lines_before)
        if numbers.len() == frame.height:  # else Polars saw blank lines otherwise: read anew
            return frame.insert_column(0, numbers)
    return _parse_lines(path, data, lines_before)


def _read_ndjson_as_text(data: bytes) -> pl.DataFrame | None:
    """Polars' fast read, or None where it fails (a line that is not a JSON object, NaN, a
    column of values of several types) or cannot write a value as text (a nested one)."""
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
    except pl.exceptions.PolarsError:
        return None
    if any(dtype.is_nested() for dtype in frame.dtypes):
        return None
    return frame.select(pl.all().cast(pl.String))


def _record_line_numbers(data: bytes, records: int, lines_before: int) -> pl.Series:
    """The line number of each of the `records` Polars read: of each non-blank line."""
    first = lines_before + 1
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines == records:  # no blank line
        return pl.int_range(first, first + lines, dtype=pl.Int64, eager=True).alias(ROW_NUMBER)
    text = pl.Series([data.decode("utf-8", errors="replace")]).str.split("\n").explode()
    return ((text.str.strip_chars() != "").arg_true().cast(pl.Int64) + first).alias(ROW_NUMBER)


def _parse_lines(path: Path, data: bytes, lines_before: int) -> pl.DataFrame:
    """Line by line with Python's json, every value as text as written, so that a value of
    the wrong type fails the contract like any other, naming its row and column."""
    numbers, records, errors = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=lines_before + 1):
        if line.strip():
            record, error = _json_object(path, line, number)
            numbers.append(number)
            records.append(record)
            errors.append(error)
    names = list(dict.fromkeys(name for record in records for name in record))
    columns = {name: [record.get(name) for record in records] for name in names}
    if any(errors):
        columns[READ_ERROR] = errors
    return pl.DataFrame(
        {ROW_NUMBER: numbers, **columns},
        schema={ROW_NUMBER: pl.Int64, **dict.fromkeys(columns, pl.String)},
    )


class _NotAJsonNumber(ValueError):
    """NaN or Infinity: Python's json reads them, JSON does not allow them."""


def _refuse_constant(name: str) -> None:
    raise _NotAJsonNumber(name)


def _json_object(path: Path, line: bytes, number: int) -> tuple[dict[str, str | None], str | None]:
    """The line's values as text, or no values and why the line is not a record."""
    try:
        value = json.loads(
            line.decode("utf-8"), parse_int=str, parse_float=str, parse_constant=_refuse_constant
        )
    except UnicodeDecodeError as bad:
        raise IngestionError(
            path, "the line is not UTF-8 text", row=number, fix="export JSON Lines as UTF-8"
        ) from bad
    except _NotAJsonNumber:
        return {}, "not valid JSON (NaN or Infinity)"
    except json.JSONDecodeError as bad:
        raise IngestionError(
            path,
            f"invalid JSON at character {bad.pos + 1}: {bad.msg}",
            row=number,
            fix="each line must be one complete JSON object (a truncated last line?)",
        ) from bad
    if not isinstance(value, dict):
        return {}, "not a JSON object"
    return _as_text(value, line), None


def _as_text(record: dict[str, Any], line: bytes) -> dict[str, str | None]:
    """Numbers were parsed as written; true and false are written so; a nested value is
    written as JSON (parsed again, so that its numbers stay numbers)."""
    texts: dict[str, str | None] = {}
    for name, value in record.items():
        if isinstance(value, dict | list):
            texts[name] = json.dumps(json.loads(line)[name], ensure_ascii=False)
        elif isinstance(value, bool):
            texts[name] = "true" if value else "false"
        else:
            texts[name] = value
    return texts


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_excel(path, infer_schema_length=0)
    except Exception as error:  # fastexcel raises its own exception types
        raise IngestionError(path, f"unreadable XLSX workbook: {error}") from error
    return _numbered(frame, 1)
