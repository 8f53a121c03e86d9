"""The loader: idempotent reruns, replaced files, quarantine and the accounting identity."""

import datetime as dt
import os
import time

import pytest

from ingestion import ledger
from ingestion.contracts import FEEDBACK, HR_ROSTER
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.key_guard import KeyChangedError, repseudonymise
from ingestion.loader import load_source
from ingestion.pseudonymise import pseudonym
from tests.helpers import TEST_KEY, feedback_csv, scalar, write_text

ROSTER = (
    "employee_id,department,team,hire_date,exit_date\n"
    "E1,Finance,FIN-AP,2020-01-01,\nE2,Finance,FIN-AP,2021-01-01,\n"
)
GOOD_ROWS = [
    ("r1", "2025-01-03", "NORTH", "direct", "csat", 5),
    ("r2", "2025-01-04", "SOUTH", "online", "nps", 9),
    ("r3", "2025-01-05", "EAST", "partner", "nps", 3),
]


def load_feedback(con, landing):
    return load_source(con, FEEDBACK, landing, TEST_KEY)


def test_rerun_skips_loaded_files_and_changes_no_count(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))

    first = load_feedback(con, landing)
    second = load_feedback(con, landing)

    assert first.count("loaded") == 1 and first.total("rows_loaded") == 3
    assert second.count("unchanged") == 1 and second.total("rows_loaded") == 0
    assert scalar(con, "select count(*) from raw.feedback_responses") == 3


def test_rerun_reads_only_files_whose_size_or_time_changed(con, landing, monkeypatch):
    """A settled file (modified over two seconds before it was loaded) with the size and
    time the ledger recorded is not read again; one rewritten, same size, is."""
    hour_ago = time.time() - 3600
    first = write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    second = write_text(
        landing / "feedback" / "feedback_2025-02.csv",
        feedback_csv([("r9", "2025-02-01", "WEST", "direct", "csat", 4)]),
    )
    for path in (first, second):
        os.utime(path, (hour_ago, hour_ago))
    load_feedback(con, landing)
    hashed = []
    original_hash = ledger.content_hash

    def counting_hash(path):
        hashed.append(path.name)
        return original_hash(path)

    monkeypatch.setattr(ledger, "content_hash", counting_hash)

    unchanged = load_feedback(con, landing)
    second.write_text(second.read_text().replace("WEST", "EAST"))  # same size, new time
    rewritten = load_feedback(con, landing)

    assert unchanged.count("unchanged") == 2
    assert hashed == ["feedback_2025-02.csv"]  # only at the third load
    assert rewritten.count("loaded") == 1
    assert (
        scalar(con, "select region from raw.feedback_responses where response_id = 'r9'") == "EAST"
    )


def test_changed_file_replaces_only_its_own_rows(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    write_text(
        landing / "feedback" / "feedback_2025-02.csv",
        feedback_csv([("r9", "2025-02-01", "WEST", "direct", "csat", 4)]),
    )
    load_feedback(con, landing)

    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS[:2]))
    report = load_feedback(con, landing)

    assert report.count("loaded") == 1 and report.count("unchanged") == 1
    per_file = dict(con.execute(
        "select _source_file, count(*) from raw.feedback_responses group by 1"
    ).fetchall())  # fmt: skip
    assert per_file == {"feedback/feedback_2025-01.csv": 2, "feedback/feedback_2025-02.csv": 1}


def test_same_content_under_another_name_is_not_loaded_twice(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    load_feedback(con, landing)
    write_text(landing / "feedback" / "feedback_2025-01_copy.csv", feedback_csv(GOOD_ROWS))

    report = load_feedback(con, landing)

    duplicate = next(f for f in report.files if f.status == "duplicate")
    assert "same content as feedback/feedback_2025-01.csv" in duplicate.message
    assert scalar(con, "select count(*) from raw.feedback_responses") == 3


def test_bad_rows_are_quarantined_with_reasons_and_every_row_is_accounted_for(con, landing):
    rows = [(f"r{n}", "2025-01-03", "NORTH", "direct", "csat", 4) for n in range(30)]
    rows.append(("bad", "2025-01-06", "NORTH", "direct", "nps", 11))
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))

    report = load_feedback(con, landing)

    assert (
        report.total("rows_read"),
        report.total("rows_loaded"),
        report.total("rows_quarantined"),
    ) == (31, 30, 1)
    row, column, reason = con.execute(
        "select source_row, column_name, reason from audit.quarantine"
    ).fetchone()
    assert (row, column) == (31, "score")
    assert reason == "score: 11 is above the maximum 10"
    accounted = scalar(
        con,
        "select bool_and(rows_read = rows_loaded + rows_quarantined) from audit.load_accounting",
    )
    assert accounted


def test_mostly_bad_file_is_rejected_naming_file_row_and_column_and_loses_nothing(con, landing):
    rows = [*GOOD_ROWS, ("bad", "2025-13-40", "NORTH", "direct", "csat", 4)]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))

    with pytest.raises(SourceLoadError) as raised:
        load_feedback(con, landing)

    message = str(raised.value)
    assert "feedback_2025-01.csv, row 4, column 'response_date'" in message
    assert "'2025-13-40' is not a valid date" in message
    assert scalar(con, "select count(*) from raw.feedback_responses") == 0
    assert scalar(con, "select count(*) from audit.quarantine") == 4  # all rows kept

    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    report = load_feedback(con, landing)
    assert report.total("rows_loaded") == 3
    assert scalar(con, "select count(*) from audit.quarantine") == 0


def test_missing_required_column_names_the_column_and_the_fix(con, landing):
    text = "response_id,response_date,region,channel,survey\nr1,2025-01-03,NORTH,direct,csat\n"
    write_text(landing / "feedback" / "feedback_2025-01.csv", text)

    with pytest.raises(SourceLoadError, match=r"column 'score': required column missing"):
        load_feedback(con, landing)


def test_employee_ids_are_pseudonymised_with_the_key(con, landing):
    roster = "employee_id,department,team,hire_date,exit_date\nE00042,Finance,FIN-AP,2020-01-01,\n"
    write_text(landing / "hr_roster" / "roster.csv", roster)

    load_source(con, HR_ROSTER, landing, TEST_KEY)

    stored = scalar(con, "select employee_id from raw.hr_roster")
    assert stored == pseudonym(TEST_KEY, "E00042")
    assert "E00042" not in stored and len(stored) == 64


def test_rows_a_redelivered_file_no_longer_holds_are_recorded_as_retracted(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    load_feedback(con, landing)

    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS[:2]))
    load_feedback(con, landing)

    retracted = con.execute(
        "select file_path, period_month, rows_restated from audit.restatements "
        "where kind = 'rows retracted'"
    ).fetchall()
    assert retracted == [("feedback/feedback_2025-01.csv", dt.date(2025, 1, 1), 1)]
    assert scalar(con, "select count(*) from raw.feedback_responses") == 2


def test_a_rejected_redelivery_retracts_every_row_of_the_earlier_load(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(GOOD_ROWS))
    load_feedback(con, landing)

    write_text(landing / "feedback" / "feedback_2025-01.csv", "response_id\n")
    with pytest.raises(SourceLoadError):
        load_feedback(con, landing)

    assert scalar(
        con, "select sum(rows_restated) from audit.restatements where kind = 'rows retracted'"
    ) == len(GOOD_ROWS)


def test_another_pseudonymisation_key_is_refused_until_re_pseudonymised(con, landing):
    write_text(landing / "hr_roster" / "roster.csv", ROSTER)
    load_source(con, HR_ROSTER, landing, TEST_KEY)
    other_key = b"another-key"

    with pytest.raises(KeyChangedError, match="re-pseudonymise") as refused:
        load_source(con, HR_ROSTER, landing, other_key)
    assert TEST_KEY.decode() not in str(refused.value)
    assert other_key.decode() not in str(refused.value)

    assert repseudonymise(con, landing, other_key) == ["hr_roster/roster.csv"]
    load_source(con, HR_ROSTER, landing, other_key)
    ids = {row[0] for row in con.execute("select employee_id from raw.hr_roster").fetchall()}
    assert ids == {pseudonym(other_key, "E1"), pseudonym(other_key, "E2")}


def test_re_pseudonymising_refuses_when_a_loaded_file_is_gone(con, landing):
    roster = write_text(landing / "hr_roster" / "roster.csv", ROSTER)
    load_source(con, HR_ROSTER, landing, TEST_KEY)
    roster.unlink()

    with pytest.raises(IngestionError, match="no longer in the landing folder"):
        repseudonymise(con, landing, b"another-key")
    assert scalar(con, "select count(*) from raw.hr_roster") == 2


def test_a_hostile_file_name_is_data_not_sql(con, landing):
    name = "feedback_2025-01'); drop table audit.load_ledger; --.csv"
    write_text(landing / "feedback" / name, feedback_csv(GOOD_ROWS))

    load_feedback(con, landing)

    assert scalar(con, "select file_path from audit.load_ledger") == f"feedback/{name}"
    assert scalar(con, "select count(*) from raw.feedback_responses") == len(GOOD_ROWS)
