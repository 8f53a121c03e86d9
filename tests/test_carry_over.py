"""A relation unchanged since a validation that met every expectation carries its result
over; changed data, a validation with an expectation unmet, or a suite bound to the clock
validate again. Real GX validations on a small DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from expectations import record_outcome, validate_relation
from expectations.carry_over import record_state, relation_state, unchanged_since_passed
from tests.test_expectations import FEEDBACK, add_feedback

UNITS = "marts.units"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.units as select 'team' as unit_type, 'T' || range as unit_id, "
        "'Team ' || range as unit_label, null as parent_type, null as parent_id, "
        "false as is_declared, true as is_in_data from range(5)"
    )
    yield connection
    connection.close()


def validate(con: duckdb.DuckDBPyConnection, relation: str, run_id: str) -> str | None:
    """Validate and record as the Dagster check does; return the state it saw."""
    state = relation_state(con, relation)
    outcome = validate_relation(con, relation, run_id=run_id)
    record_outcome(con, outcome)
    record_state(con, relation, outcome.validated_at, state)
    return state


def test_unchanged_data_carries_the_passed_validation_over(con):
    validate(con, UNITS, "r1")
    validate(con, UNITS, "r2")  # its row-count bound now drawn from r1: the state holds

    passed = unchanged_since_passed(con, UNITS, relation_state(con, UNITS))

    assert passed is not None and passed.run_id == "r2"
    assert passed.expectations == 6 and passed.rows_validated == 5


def test_rows_rebuilt_alike_in_another_order_are_unchanged(con):
    validate(con, UNITS, "r1")
    con.execute("create or replace table marts.units as select * from marts.units order by 2 desc")

    assert unchanged_since_passed(con, UNITS, relation_state(con, UNITS)) is not None


def test_a_changed_value_is_validated_again(con):
    validate(con, UNITS, "r1")
    con.execute("update marts.units set unit_label = 'Renamed' where unit_id = 'T1'")

    assert unchanged_since_passed(con, UNITS, relation_state(con, UNITS)) is None


def test_a_failed_validation_is_never_carried_over(con):
    con.execute("update marts.units set unit_label = null where unit_id = 'T1'")
    validate(con, UNITS, "r1")

    assert unchanged_since_passed(con, UNITS, relation_state(con, UNITS)) is None


def test_a_suite_bound_to_the_clock_is_always_validated(con):
    con.execute("create schema raw")
    add_feedback(con, 10)

    assert relation_state(con, FEEDBACK) is None
    assert unchanged_since_passed(con, FEEDBACK, None) is None
