"""The publish gate: is any error-level expectation failing on the data as it stands?

A relation's state is its latest validation (`audit.quality_results`). A failure stays
open until a later validation of the same relation passes, so a run that changes nothing
cannot publish data an earlier run refused. dbt and the publish step both ask here before
they write anything, and a refused publish is recorded for the next dashboard to show.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from expectations.audit import SCHEMA, TABLE
from ingestion.duckdb_helpers import table_exists
from ingestion.ledger import ensure_schema

BLOCKED_TABLE = f"{SCHEMA}.blocked_publishes"


@dataclass(frozen=True)
class GateFailure:
    relation: str
    expectation_type: str
    column: str | None
    observed: str  # what the validation saw, in words
    run_id: str

    def __str__(self) -> str:
        column = f" on {self.column}" if self.column else ""
        return f"{self.relation}: {self.expectation_type}{column} failed ({self.observed})"


def open_failures(
    con: duckdb.DuckDBPyConnection, relations: Iterable[str] | None = None
) -> list[GateFailure]:
    """Error-level failures of the latest validation of each relation (of `relations`);
    reads only, so a read-only connection will do."""
    if not table_exists(con, TABLE):
        return []
    wanted = sorted(relations) if relations is not None else None
    rows = con.execute(
        f"""
        with latest as (
            select relation, max(validated_at) as validated_at
            from {TABLE}
            where where_clause is null
            group by relation
        )
        select results.relation, results.expectation_type, results.column_name,
            results.observed_value, results.unexpected_count, results.unexpected_percent,
            results.sample_values, results.run_id
        from {TABLE} as results
        inner join latest using (relation, validated_at)
        where results.where_clause is null
            and results.severity = 'error'
            and not results.success
            and (? is null or list_contains(?, results.relation))
        order by results.relation, results.expectation_type, results.column_name
        """,
        [wanted, wanted],
    ).fetchall()
    return [
        GateFailure(relation, kind, column, _observed(observed, count, percent, samples), run)
        for relation, kind, column, observed, count, percent, samples, run in rows
    ]


def _observed(
    observed: str | None, count: int | None, percent: float | None, samples: str | None
) -> str:
    """The observed value, else the unexpected rows with a few examples."""
    if count:
        examples = ", ".join(_short(v) for v in json.loads(samples or "[]")[:3])
        share = f", {percent:.1f}%" if percent is not None else ""
        return f"{count:,} unexpected rows{share}" + (f"; e.g. {examples}" if examples else "")
    if observed is not None and observed != "null":
        return f"observed {_short(json.loads(observed))}"
    return "no observed value"


def _short(value: object, limit: int = 60) -> str:
    text = "".join(c if c.isprintable() else " " for c in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def record_blocked_publish(
    con: duckdb.DuckDBPyConnection, run_id: str, failures: list[GateFailure]
) -> None:
    """Remember that the gate stopped this run's publish (the table is made with the audit
    schema, ingestion/ledger.py): the next dashboard says which and why. Each refusal in a
    run replaces the run's earlier one, so the latest and fullest list is kept."""
    ensure_schema(con)
    con.execute(f"delete from {BLOCKED_TABLE} where run_id = ?", [run_id])
    con.execute(
        f"insert into {BLOCKED_TABLE} values (?, ?, ?)",
        [run_id, dt.datetime.now(), "\n".join(str(f) for f in failures)],
    )


def describe(failures: list[GateFailure], consequence: str) -> str:
    lines = "\n".join(f"  - {failure}" for failure in failures)
    return f"{len(failures)} error-level expectation(s) failing, so {consequence}:\n{lines}"
