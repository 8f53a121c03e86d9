"""The publish gate's memory: an error-level failure stays open until a later validation
of the same relation passes, rows that failed stay under check, and a validation that
crashes counts as a failure. Real GX validations on a small DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.checks import crashed_outcome, rows_not_yet_passed
from expectations import record_outcome, validate_relation
from expectations.audit import ensure_table
from expectations.gate import open_failures
from ingestion import ledger
from ingestion.ledger import FileOutcome
from tests.test_expectations import FEEDBACK, add_feedback

FILE = "feedback/feedback_2026-01.csv"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema raw")
    ledger.ensure_schema(connection)
    ensure_table(connection)  # as the Dagster check does before validating
    yield connection
    connection.close()


def validate(con: duckdb.DuckDBPyConnection, run_id: str):
    outcome = validate_relation(
        con, FEEDBACK, run_id=run_id, new_rows=rows_not_yet_passed(FEEDBACK)
    )
    record_outcome(con, outcome)
    return outcome


def test_a_failure_stays_open_until_the_rows_are_fixed(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    ledger.record(con, FileOutcome("feedback_responses", FILE, "h1", "loaded", 201, 201, 0), "r1")
    con.execute(f"insert into {FEEDBACK} select * from {FEEDBACK} where response_id = 'R000042'")

    assert not validate(con, "r1").passed
    (failure,) = open_failures(con)
    assert str(failure) == (
        "raw.feedback_responses: expect_compound_columns_to_be_unique on response_id, "
        "_source_file failed (2 unexpected rows, 1.0%; e.g. "
        "{'response_id': 'R000042', '_source_file': 'feedback/feedba\u2026, "
        "{'response_id': 'R000042', '_source_file': 'feedback/feedba\u2026)"
    )

    rerun = validate(con, "r2")  # nothing new loaded: the failed file is checked again
    assert not rerun.passed and rerun.new_rows == 201
    assert [f.run_id for f in open_failures(con)] == ["r2"]

    con.execute(f"delete from {FEEDBACK} where response_id = 'R000042' and _source_row = 43")
    assert validate(con, "r3").passed
    assert open_failures(con) == []
    assert validate(con, "r4").new_rows == 0  # passed rows are not read again


def test_a_validation_that_crashes_keeps_the_gate_closed(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 10)
    assert validate(con, "r1").passed

    record_outcome(con, crashed_outcome(FEEDBACK, "r2", MemoryError("out of memory")))

    (failure,) = open_failures(con)
    assert str(failure) == (
        "raw.feedback_responses: validation_ran failed (observed could not run: MemoryError)"
    )


def test_relations_not_asked_about_do_not_block(con: duckdb.DuckDBPyConnection) -> None:
    record_outcome(con, crashed_outcome(FEEDBACK, "r1", ValueError("x")))

    assert open_failures(con, ["marts.efficiency"]) == []
    assert len(open_failures(con, [FEEDBACK])) == 1
