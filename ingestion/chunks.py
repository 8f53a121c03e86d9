"""Read a landing file too large for memory as consecutive all-text frames.

The file is cut into blocks of about `chunk_bytes` at record boundaries: a newline for
JSON Lines; for CSV a newline outside quotes, so a quoted multi-line value stays whole.
Each CSV block is parsed under the file's header. Row numbers run on across blocks, so
every frame names the rows as the whole-file reader would.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl

from ingestion.errors import IngestionError
from ingestion.readers import (
    csv_header,
    decode,
    file_encoding,
    has_utf16_bom,
    parse_csv,
    parse_jsonl,
    read_as_text,
)

STREAMABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")
LONGEST_BLOCK = 4  # parts


def can_stream(path: Path) -> bool:
    """CSV and JSON Lines, but not UTF-16 text: blocks are cut at a newline byte, and its
    newline is two bytes (Excel's "Unicode text" exports are small enough to read whole)."""
    return path.suffix.lower() in STREAMABLE_SUFFIXES and not has_utf16_bom(path)


def read_in_chunks(path: Path, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    """Frames of all-text columns plus `_source_row`, together the rows of the whole file;
    a file that cannot be cut comes whole, as one frame."""
    if path.stat().st_size == 0:
        raise IngestionError(path, "the file is empty", fix="re-export it from the source system")
    if not can_stream(path):
        yield read_as_text(path)
        return
    with path.open("rb") as handle:
        if path.suffix.lower() == ".csv":
            yield from _csv_frames(path, handle, chunk_bytes)
        else:
            yield from _jsonl_frames(path, handle, chunk_bytes)


def _csv_frames(path: Path, handle: BinaryIO, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    encoding = file_encoding(path)
    header = None
    rows_before = 0
    for block in _blocks(handle, chunk_bytes, _csv_record_end):
        text = decode(block, path, encoding)
        if header is None:
            header = csv_header(path, text)
        else:
            text = header + "\n" + text
        frame = parse_csv(path, text, header, rows_before)
        rows_before += frame.height
        yield frame


def _jsonl_frames(path: Path, handle: BinaryIO, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    lines_before = 0
    for block in _blocks(handle, chunk_bytes, _line_end):
        block = block.removeprefix(codecs.BOM_UTF8)
        if block.strip():
            yield parse_jsonl(path, block, lines_before)
        lines_before += block.count(b"\n")


def _blocks(
    handle: BinaryIO, chunk_bytes: int, record_end: Callable[[bytes], int]
) -> Iterator[bytes]:
    """Blocks of whole records; a record longer than `chunk_bytes` makes a longer block.
    Past `LONGEST_BLOCK` parts (1 MB at least) without a record end (a stray quote in an
    unquoted value makes every later newline look quoted), the block is cut at its last
    newline and the parser judges the quote, as it does when reading the file whole."""
    carry = b""
    while data := handle.read(chunk_bytes):
        block = carry + data
        end = record_end(block)
        if end == 0 and len(block) > max(LONGEST_BLOCK * chunk_bytes, 1 << 20):
            end = _line_end(block)
        if end == 0:
            carry = block
            continue
        yield block[:end]
        carry = block[end:]
    if carry:
        yield carry


def _line_end(block: bytes) -> int:
    return block.rfind(b"\n") + 1


def _csv_record_end(block: bytes) -> int:
    """Just after the last newline outside quotes (an even number of quotes before it),
    or 0. The block starts at a record boundary, so counting from its start is right;
    an escaped quote ("") counts twice and keeps the parity."""
    quotes_before = block.count(b'"')
    end = len(block)
    while (newline := block.rfind(b"\n", 0, end)) != -1:
        quotes_before -= block.count(b'"', newline, end)
        if quotes_before % 2 == 0:
            return newline + 1
        end = newline
    return 0
