"""Files too large for memory are streamed in parts with the whole-file loader's outcome:
the same rows, quarantine, restatements and accounting, and errors naming the same row."""

from __future__ import annotations

import codecs
import json

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingestion.chunks import read_in_chunks
from ingestion.contracts import FEEDBACK, OPERATIONS_TASKS, SourceContract
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.loader import load_source
from ingestion.readers import read_as_text
from ingestion.settings import Streaming
from tests.helpers import TEST_KEY, feedback_csv, write_jsonl, write_text

TINY_PARTS = Streaming(above_bytes=0, chunk_bytes=150)
READ_WHOLE = Streaming(above_bytes=1 << 40)


def task(number: int, **changes: object) -> dict:
    day = 1 + number % 28
    row = {
        "task_id": f"T{number}", "process": "invoice_entry", "department": "Finance",
        "employee_id": f"E{number % 7:05d}", "started_at": f"2025-01-{day:02d}T09:00:00",
        "ended_at": f"2025-01-{day:02d}T09:20:00", "status": "completed",
        "error_flag": False, "rework_flag": number % 5 == 0, "ai_assisted": number % 2 == 0,
    }  # fmt: skip
    return {**row, **changes}


def feedback_landing(landing) -> None:
    january = [(f"r{n}", "2025-01-03", "NORTH", "direct", "csat", 1 + n % 5) for n in range(80)]
    january[25] = january[2]  # exact duplicates, parts apart and then within one part
    january[26] = january[2]
    january[60] = (*january[2][:5], " 3")  # the same value, written otherwise: not a duplicate
    january[30] = ("r30", "2025-01-04", "NORTH", "direct", "csat", 9)  # CSAT runs 1 to 5
    february = [(f"r{n}", "2025-02-03", "SOUTH", "online", "nps", n % 11) for n in (1, 50, 51)]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(january))
    write_text(landing / "feedback" / "feedback_2025-02.csv", feedback_csv(february))


def tasks_landing(landing) -> None:
    rows = [task(n) for n in range(30)]
    rows[20] = dict(rows[2])  # an exact duplicate, parts apart
    rows[22] = task(22, status="finished")
    rows += [task(n, team="FIN-AP", task_type="review") for n in range(30, 40)]  # late keys
    write_jsonl(landing / "operations" / "tasks_2025-01.jsonl", rows)


def load_into(path, contract: SourceContract, landing, streaming: Streaming):
    with duckdb.connect(str(path)) as con:
        report = load_source(con, contract, landing, TEST_KEY, streaming=streaming)
        tables = {
            "raw": con.sql(
                f"select * exclude (_loaded_at) from raw.{contract.table} "
                "order by _source_file, _source_row"
            ).pl(),
            "quarantine": con.sql(
                "select file_path, source_row, column_name, reason from audit.quarantine "
                "order by file_path, source_row"
            ).pl(),
            "restatements": con.sql(
                "select file_path, kind, period_month, rows_restated, detail "
                "from audit.restatements order by all"
            ).pl(),
            "ledger": con.sql(
                "select file_path, status, rows_read, rows_loaded, rows_quarantined, message "
                "from audit.load_ledger order by file_path"
            ).pl(),
        }
    return report, tables


@pytest.mark.parametrize(
    ("contract", "write_landing"),
    [(FEEDBACK, feedback_landing), (OPERATIONS_TASKS, tasks_landing)],
    ids=["csv", "jsonl"],
)
def test_streamed_load_equals_whole_file_load(tmp_path, contract, write_landing):
    landing = tmp_path / "landing"
    write_landing(landing)

    _, whole = load_into(tmp_path / "whole.duckdb", contract, landing, READ_WHOLE)
    parts_seen = []
    with duckdb.connect(str(tmp_path / "streamed.duckdb")) as con:
        load_source(
            con, contract, landing, TEST_KEY, streaming=TINY_PARTS,
            on_part=lambda file, rows: parts_seen.append(rows),
        )  # fmt: skip
    _, streamed = load_into(tmp_path / "streamed.duckdb", contract, landing, TINY_PARTS)

    assert len(parts_seen) > 3  # really read in parts, progress reported per part
    for name in whole:
        assert_frame_equal(streamed[name], whole[name], check_dtypes=False)
    ledger = streamed["ledger"].row(0, named=True)
    assert ledger["rows_read"] == ledger["rows_loaded"] + ledger["rows_quarantined"]
    duplicates = streamed["quarantine"].filter(pl.col("column_name") == "all columns")
    assert set(duplicates["reason"]) == {"all columns: exact duplicate of row 3 of this file"}
    assert ledger["rows_quarantined"] == 1 + duplicates.height


def test_streamed_file_with_too_many_invalid_rows_is_quarantined_whole(tmp_path):
    landing = tmp_path / "landing"
    rows = [(f"r{n}", "2025-01-03", "NORTH", "direct", "csat", 4) for n in range(20)]
    rows += [(f"x{n}", "2025-01-03", "NORTH", "direct", "csat", 99) for n in range(10)]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        with pytest.raises(SourceLoadError) as raised:
            load_source(con, FEEDBACK, landing, TEST_KEY, streaming=TINY_PARTS)
        raw = con.sql("select count(*) from raw.feedback_responses").fetchall()[0][0]
        quarantined = con.sql("select count(*) from audit.quarantine").fetchall()[0][0]
        ledger = con.sql(
            "select status, rows_read, rows_loaded, rows_quarantined from audit.load_ledger"
        ).fetchall()

    assert "feedback_2025-01.csv, row 21, column 'score'" in str(raised.value)
    assert "10 of 30 rows invalid" in str(raised.value)
    assert (raw, quarantined) == (0, 30)
    assert ledger == [("rejected", 30, 0, 30)]


def test_unreadable_line_in_a_later_part_names_its_row_in_the_file(tmp_path):
    landing = tmp_path / "landing"
    lines = [json.dumps(task(n)) for n in range(12)]
    lines[9] = lines[9][:40]  # truncated
    write_text(landing / "operations" / "tasks_2025-01.jsonl", "\n".join(lines) + "\n")

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        with pytest.raises(SourceLoadError, match=r"tasks_2025-01.jsonl, row 10: invalid JSON"):
            load_source(con, OPERATIONS_TASKS, landing, TEST_KEY, streaming=TINY_PARTS)
        raw = con.sql("select count(*) from raw.operations_tasks").fetchall()[0][0]
    assert raw == 0  # nothing of the file half-loaded


@pytest.mark.parametrize("chunk_bytes", [1, 13, 64, 100_000])
@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", codecs.BOM_UTF8), ("cp1252", b"")],
    ids=["utf8-bom", "latin1"],
)
def test_csv_parts_keep_quoted_line_breaks_and_row_numbers(tmp_path, chunk_bytes, encoding, prefix):
    text = (
        'id;comment\n1;"Saisie ""manuelle""\ntrop lente"\n2;déjà vu\n'
        '3;"une; deux\n\ntrois"\n4;fin\n'
    )
    path = tmp_path / "survey.csv"
    path.write_bytes(prefix + text.encode(encoding))

    parts = list(read_in_chunks(path, chunk_bytes))

    assert_frame_equal(pl.concat(parts), read_as_text(path))
    assert pl.concat(parts)["comment"][0] == 'Saisie "manuelle"\ntrop lente'


def test_a_stray_quote_is_rejected_as_when_read_whole_without_reading_on(tmp_path):
    """It makes every later newline look quoted; after a few parts (1 MB at least) the
    reader cuts at a newline anyway and the parser judges, so memory stays bounded."""
    rows = [f"{n},screen {n}" for n in range(150_000)]
    rows[10] = '10,9.5" screen'
    path = write_text(tmp_path / "products.csv", "id,name\n" + "\n".join(rows) + "\n")

    with pytest.raises(IngestionError, match="unreadable CSV") as whole:
        read_as_text(path)
    with pytest.raises(IngestionError, match="unreadable CSV") as streamed:
        list(read_in_chunks(path, 1000))
    assert str(whole.value).split(":")[0] == str(streamed.value).split(":")[0]


def test_a_file_decodes_alike_in_every_part(tmp_path):
    """One Latin-1 byte late in the file makes all of it Latin-1, as when read whole."""
    text = "id,name\n" + "".join(f"{n},r\xe9sum\xe9\n" for n in range(200))
    path = tmp_path / "names.csv"
    path.write_bytes(text.encode("utf-8")[:-20] + "caf\xe9\n".encode("cp1252"))

    assert_frame_equal(pl.concat(read_in_chunks(path, 256)), read_as_text(path))
