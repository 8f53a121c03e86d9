"""File writers that reproduce the quirks of real exports, byte for byte reproducibly."""

import io
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.xml.functions import tostring

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
# Fixed stamps inside the XLSX zip, so the same data always gives the same bytes.
ZIP_STAMP = (2026, 11, 1, 0, 0, 0)
WORKBOOK_STAMP = datetime(2026, 11, 1)


def write_csv(
    frame: pl.DataFrame,
    path: Path,
    *,
    separator: str = ",",
    encoding: str = "utf-8",
    decimal_comma: bool = False,
    float_precision: int | None = None,
) -> int:
    """Write a CSV in `encoding` ("utf-8", "utf-8-sig" with BOM, or "latin-1"); return rows."""
    text = frame.write_csv(
        separator=separator,
        decimal_comma=decimal_comma,
        float_precision=float_precision,
        datetime_format=DATETIME_FORMAT,
        date_format=DATE_FORMAT,
    )
    # strict latin-1 raises on anything outside it, and cp1252 readers decode it the same
    # as long as no C1 control characters are used (they never are in our texts).
    path.write_bytes(text.encode(encoding))
    return frame.height


def write_jsonl(frame: pl.DataFrame, path: Path) -> int:
    frame.write_ndjson(path)
    return frame.height


def write_xlsx(frame: pl.DataFrame, path: Path, sheet: str = "responses") -> int:
    """One sheet, header in the first row; openpyxl because polars needs xlsxwriter."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(frame.columns)
    for row in frame.iter_rows():
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps the save time into docProps/core.xml and every zip entry.
    workbook.properties.created = workbook.properties.modified = WORKBOOK_STAMP
    core = tostring(workbook.properties.to_tree())
    _restamp_zip(buffer, path, {"docProps/core.xml": core})
    return frame.height


def _restamp_zip(source: io.BytesIO, path: Path, replacements: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for entry in old.infolist():
            name = entry.filename
            data = replacements[name] if name in replacements else old.read(name)
            stamped = zipfile.ZipInfo(name, date_time=ZIP_STAMP)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(stamped, data)


def tally(rows_per_file: list[int]) -> dict[str, int]:
    """What a source wrote: number of files and rows."""
    return {"files": len(rows_per_file), "rows": sum(rows_per_file)}


def sequence_id(prefix: str, width: int) -> pl.Expr:
    """Row numbers as identifiers: prefix + zero-padded 1-based position."""
    number = (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(width)
    return pl.format(prefix + "{}", number)
