"""Readers: encodings, separators, decimal commas, and errors that name file and row."""

import codecs
import datetime as dt

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingestion.chunks import read_in_chunks
from ingestion.contracts import HR_SURVEY
from ingestion.errors import IngestionError
from ingestion.readers import READ_ERROR, read_as_text
from ingestion.validation import DateBounds, conform, rename_to_contract
from tests.helpers import write_jsonl, write_text

FRENCH_HEADER = (
    "vague;date_reponse;identifiant_employé;département;équipe;satisfaction_travail;"
    "productivité_perçue;recommandation_employeur;usage_outil_ia;durée_minutes;commentaire"
)
FRENCH_ROW = "2025Q3;2025-09-12;E00001;Finance;FIN-AP;4;3;9;léger;4,5;Saisie manuelle trop lente"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b"")],
    ids=["utf8", "utf8-bom", "latin1"],
)
def test_french_survey_export_is_read_whatever_the_encoding(tmp_path, encoding, prefix):
    path = tmp_path / "survey_2025Q3.csv"
    path.write_bytes(prefix + f"{FRENCH_HEADER}\n{FRENCH_ROW}\n".encode(encoding))

    text = rename_to_contract(read_as_text(path), HR_SURVEY, path)
    conformed = conform(text, HR_SURVEY, DateBounds.until_now(dt.date(2015, 1, 1)))

    row = conformed.rows.row(0, named=True)
    assert conformed.quarantine.height == 0
    assert row["department"] == "Finance"
    assert row["ai_tool_usage"] == "light"  # translated from "léger"
    assert row["completion_minutes"] == pytest.approx(4.5)  # decimal comma
    assert row["comment"] == "Saisie manuelle trop lente"
    assert row["_source_row"] == 1


def test_truncated_json_line_names_file_and_row(tmp_path):
    path = write_jsonl(tmp_path / "tasks_2025-01.jsonl", [{"task_id": "a"}, {"task_id": "b"}])
    path.write_text(path.read_text() + '{"task_id": "c", "proc')

    with pytest.raises(IngestionError) as raised:
        read_as_text(path)

    assert raised.value.row == 3
    assert "tasks_2025-01.jsonl, row 3" in str(raised.value)


def test_csv_row_with_extra_fields_names_its_row(tmp_path):
    path = write_text(tmp_path / "feedback_2025-01.csv", "a,b,c\n1,2,3\n4,5,6,7\n")

    with pytest.raises(IngestionError) as raised:
        read_as_text(path)

    assert raised.value.row == 2
    assert "4 fields where the header has 3" in str(raised.value)


def test_empty_file_is_an_error_not_an_empty_load(tmp_path):
    path = write_text(tmp_path / "feedback_2025-01.csv", "")

    with pytest.raises(IngestionError, match="the file is empty"):
        read_as_text(path)


def test_xlsx_is_read_as_text(tmp_path):
    path = tmp_path / "survey_2025Q2.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["wave", "job_satisfaction"])
    workbook.active.append(["2025Q2", 4])
    workbook.save(path)

    frame = read_as_text(path)

    assert frame.schema["job_satisfaction"] == pl.String
    assert frame.row(0, named=True)["job_satisfaction"] == "4"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_decoded_whole_and_in_parts(tmp_path, encoding):
    """Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated, CRLF."""
    text = f"{FRENCH_HEADER}\n{FRENCH_ROW}\n".replace(";", "\t").replace("\n", "\r\n")
    path = tmp_path / "survey_2025Q3.csv"
    path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))

    frame = read_as_text(path)
    conformed = conform(
        rename_to_contract(frame, HR_SURVEY, path),
        HR_SURVEY,
        DateBounds.until_now(dt.date(2015, 1, 1)),
    )

    assert conformed.quarantine.height == 0
    assert conformed.rows.row(0, named=True)["comment"] == "Saisie manuelle trop lente"
    assert_frame_equal(pl.concat(read_in_chunks(path, 16)), frame)


@pytest.mark.parametrize(
    "data",
    ["id,name\n1,x\n".encode("utf-16-le"), b"PK\x03\x04\x14\x00\x06\x00binary"],
    ids=["utf16-without-bom", "binary"],
)
def test_nul_bytes_without_byte_order_mark_are_refused_with_the_fix(tmp_path, data):
    path = tmp_path / "feedback_2025-01.csv"
    path.write_bytes(data)

    for read in (read_as_text, lambda p: list(read_in_chunks(p, 64))):
        with pytest.raises(IngestionError) as raised:
            read(path)
        assert str(raised.value) == (
            f"{path}: the file looks like UTF-16 (or binary) without a byte-order mark. "
            "Fix: export it as UTF-8"
        )


def test_blank_csv_lines_are_not_records_unless_quoted(tmp_path):
    text = 'id;comment\n1;"a\n\nb"\n\n2;c\n   \n\n3;\n;\n \t\n'
    path = write_text(tmp_path / "survey.csv", text)

    frame = read_as_text(path)

    assert frame.rows() == [(1, "1", "a\n\nb"), (2, "2", "c"), (3, "3", None), (4, None, None)]
    assert_frame_equal(pl.concat(read_in_chunks(path, 8)), frame)


def test_json_lines_polars_cannot_read_are_read_line_by_line_as_written(tmp_path):
    lines = [
        '{"task_id": "a", "flag": false, "minutes": 12.50}',
        '{"task_id": "b", "flag": 3, "minutes": 1e3}',
        "",
        '["c"]',
        '{"task_id": "d", "minutes": NaN}',
        '"e"',
        '{"task_id": "f", "flag": true, "minutes": null, "tags": ["x", 1]}',
    ]
    path = write_text(tmp_path / "tasks_2025-01.jsonl", "\n".join(lines) + "\n")

    frame = read_as_text(path)

    assert frame.columns == ["_source_row", "task_id", "flag", "minutes", "tags", READ_ERROR]
    assert frame.rows() == [
        (1, "a", "false", "12.50", None, None),
        (2, "b", "3", "1e3", None, None),
        (4, None, None, None, None, "not a JSON object"),
        (5, None, None, None, None, "not valid JSON (NaN or Infinity)"),
        (6, None, None, None, None, "not a JSON object"),
        (7, "f", "true", None, '["x", 1]', None),
    ]
    # In parts Polars reads the first line itself (and writes 12.50 as 12.5): compare the
    # rows and their reader errors.
    parts = pl.concat(read_in_chunks(path, 20), how="diagonal")
    rows = ["_source_row", "task_id", READ_ERROR]
    assert_frame_equal(parts.select(rows), frame.select(rows))


def test_invalid_json_in_a_line_read_line_by_line_names_file_and_row(tmp_path):
    path = write_text(tmp_path / "tasks.jsonl", '{"a": false}\n{"a": 3}\n\n{"a": 4,}\n')

    with pytest.raises(IngestionError) as raised:
        read_as_text(path)

    assert str(raised.value).startswith(f"{path}, row 4: invalid JSON at character 9")


def test_two_header_columns_for_one_contract_column_are_an_error_naming_both(tmp_path):
    path = write_text(tmp_path / "survey.csv", f"{FRENCH_HEADER};team\n{FRENCH_ROW};FIN-AP\n")

    with pytest.raises(IngestionError) as raised:
        rename_to_contract(read_as_text(path), HR_SURVEY, path)

    assert (raised.value.row, raised.value.column) == (0, "team")
    assert "'équipe' and 'team', are both read as column 'team'" in str(raised.value)
