"""`audit.quality_results`: one row per expectation per validation, appended.

It is the history the next validation's row-count bound reads: the rows of the previous
successful validation of the same relation and scope (whole relation, or a `where` slice).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from expectations.outcome import SuiteOutcome

SCHEMA = "audit"
TABLE = f"{SCHEMA}.quality_results"
COLUMNS = (
    "run_id varchar not null",
    "relation varchar not null",
    "suite varchar not null",
    "expectation_type varchar not null",
    "column_name varchar",
    "severity varchar not null",
    "success boolean not null",
    "unexpected_count bigint",
    "unexpected_percent double",
    "sample_values varchar",  # JSON list
    "rows_validated bigint not null",
    "validated_at timestamp not null",
    "where_clause varchar",  # null when the whole relation was validated
    "observed_value varchar",  # JSON: what an aggregate check saw (a count, a mean)
)
NAMES = ", ".join(column.split()[0] for column in COLUMNS)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"create table if not exists {TABLE} ({', '.join(COLUMNS)})")
    # Warehouses made before the observed value was kept gain the column.
    con.execute(f"alter table {TABLE} add column if not exists {COLUMNS[-1]}")


def record_outcome(con: duckdb.DuckDBPyConnection, outcome: SuiteOutcome) -> int:
    """Append one row per expectation of `outcome`; returns the rows written."""
    ensure_table(con)
    rows = [
        (
            outcome.run_id, outcome.relation, outcome.suite, result.expectation_type,
            result.column, result.severity, result.success, result.unexpected_count,
            result.unexpected_percent, json.dumps(result.sample_values, default=str),
            outcome.rows_validated, outcome.validated_at, outcome.where,
            json.dumps(result.observed_value, default=str),
        )
        for result in outcome.expectations
    ]  # fmt: skip
    if not rows:
        return 0
    # One statement, so a validation is recorded whole or not at all: a half-written run
    # could pass for a successful one in the next row-count bound.
    placeholders = ", ".join([f"({', '.join('?' * len(COLUMNS))})"] * len(rows))
    con.execute(
        f"insert into {TABLE} ({NAMES}) values {placeholders}", [v for row in rows for v in row]
    )
    return len(rows)


def previous_row_count(
    con: duckdb.DuckDBPyConnection, relation: str, *, partial: bool
) -> int | None:
    """Rows of the latest validation of `relation` with no failed error-severity check.

    `partial` compares slices with slices (validations with a `where`) and whole relations
    with whole relations: a daily partition is no baseline for the full table.
    """
    if not _table_exists(con):
        return None
    rows = con.execute(
        f"""
        select rows_validated
        from {TABLE}
        where relation = ? and (where_clause is not null) = ?
        group by run_id, validated_at, rows_validated
        having bool_and(success or severity <> 'error')
        order by validated_at desc
        limit 1
        """,
        [relation, partial],
    ).fetchall()
    return rows[0][0] if rows else None


def _table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "select count(*) from duckdb_tables()"
        " where database_name = current_database() and schema_name = ? and table_name = ?",
        [SCHEMA, TABLE.split(".")[1]],
    ).fetchall()
    return rows[0][0] > 0
