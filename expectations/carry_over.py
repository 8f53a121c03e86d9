"""A relation unchanged since a validation that met every expectation is not validated
again: that validation's result is carried over.

Unchanged means the same data, the same suite and the same parameter values. The data's
state is its row count and latest load time where it has one (`_loaded_at`: a loaded or
replaced file changes it), else a hash of every row. The row-count bounds drawn from the
last validation are left out: the same rows meet them again. A suite whose parameters
depend on the clock (freshness: `now`) never carries over, since time alone can change
its verdict.
The state of each validation is kept in `audit.validated_states`, beside its results in
`audit.quality_results`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import duckdb

from expectations.audit import SCHEMA
from expectations.audit import TABLE as RESULTS
from expectations.parameters import resolve_parameters
from expectations.suites import suite_for
from ingestion.duckdb_helpers import scalar, table_exists

STATES = f"{SCHEMA}.validated_states"
LOAD_TIME = "_loaded_at"
ROW_COUNT_BOUND = "previous_row_count"


@dataclass(frozen=True)
class PassedValidation:
    run_id: str
    validated_at: dt.datetime
    expectations: int
    rows_validated: int


def relation_state(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """What a validation of `relation` depends on, as a digest; None when its verdict may
    change with the clock alone."""
    suite = suite_for(relation)
    specs = suite.get("meta", {}).get("parameters", {})
    if any(spec.get("source") == "now" for spec in specs.values()):
        return None
    bounds = {name for name, spec in specs.items() if spec.get("source") == ROW_COUNT_BOUND}
    parameters = resolve_parameters(con, relation, specs, partial=False)
    state = {
        "suite": suite,
        "parameters": {k: _as_set(v) for k, v in parameters.values.items() if k not in bounds},
        "unresolved": parameters.unresolved,
        "data": _data_state(con, relation),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def unchanged_since_passed(
    con: duckdb.DuckDBPyConnection, relation: str, state: str | None
) -> PassedValidation | None:
    """The latest validation of `relation`, when every expectation of it was met and it
    saw `state`; else None."""
    if state is None or not table_exists(con, STATES) or not table_exists(con, RESULTS):
        return None
    rows = con.execute(
        f"""
        with latest as (
            select run_id, validated_at, bool_and(success) as passed, count(*) as expectations,
                max(rows_validated) as rows_validated
            from {RESULTS}
            where relation = ? and where_clause is null
            group by run_id, validated_at
            order by validated_at desc
            limit 1
        )
        select latest.run_id, latest.validated_at, latest.expectations, latest.rows_validated
        from latest
        inner join {STATES} as states
            on states.relation = ? and states.validated_at = latest.validated_at
        where latest.passed and states.state = ?
        """,
        [relation, relation, state],
    ).fetchall()
    return PassedValidation(*rows[0]) if rows else None


def record_state(
    con: duckdb.DuckDBPyConnection, relation: str, validated_at: dt.datetime, state: str | None
) -> None:
    if state is None:
        return
    con.execute(
        f"create table if not exists {STATES} (relation varchar not null, "
        "validated_at timestamp not null, state varchar not null)"
    )
    con.execute(f"insert into {STATES} values (?, ?, ?)", [relation, validated_at, state])


def _as_set(value: object) -> object:
    """A list of values (a `query` parameter) in an order of its own: the query's rows
    come in any order, and the expectations read them as a set."""
    return sorted(value, key=str) if isinstance(value, list) else value


def _data_state(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    schema, table = relation.split(".")
    columns = {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    if not columns:
        return "missing"
    if LOAD_TIME in columns:
        rows, latest = con.execute(
            f"select count(*), max({LOAD_TIME})::varchar from {relation}"
        ).fetchall()[0]
        return f"{rows}@{latest}"
    # Order-free: the sum of each row's hash (as a whole row: `t` is the row).
    return str(scalar(con, f"select count(*) || ':' || sum(hash(t)) from {relation} as t"))
