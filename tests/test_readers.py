"""Readers: encodings, separators, decimal commas, and errors that name file and row."""

import codecs
import datetime as dt

import openpyxl
import polars as pl
import pytest

from ingestion.contracts import HR_SURVEY
from ingestion.errors import IngestionError
from ingestion.readers import read_as_text
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
