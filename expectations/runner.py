"""Validate a DuckDB relation against its suite: the quality gate's one entry point.

A relation of at most `batch_rows` rows is validated in one pass. A bigger one is read in
batches for the row-wise checks (unexpected counts add up across batches); the checks
that need every row at once (row counts, aggregates such as a mean, uniqueness) run once
on the whole relation, reading only the columns they name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from expectations import frames
from expectations.checkpoint import add_checkpoint, open_context, run_checkpoint
from expectations.outcome import SuiteOutcome, combine
from expectations.parameters import resolve_parameters
from expectations.suites import suite_for

# Row-wise in GX's terms but comparing rows with each other: need all rows in one frame.
CROSS_ROW_TYPES = {
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_be_increasing",
    "expect_column_values_to_be_decreasing",
}
# Table-level in GX's terms but about the schema, which every batch shows whole.
SCHEMA_TYPES = {
    "expect_column_to_exist",
    "expect_column_type_to_be",
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal",
    "expect_table_column_count_to_be_between",
}


def validate_relation(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    *,
    run_id: str,
    docs_dir: Path | None = None,
    batch_rows: int = 1_000_000,
    where: str | None = None,
) -> SuiteOutcome:
    """Validate `relation` (e.g. `raw.operations_tasks`), or its rows matching `where`.

    Nothing is written to the database: pass the outcome to `record_outcome`. With
    `docs_dir`, GX Data Docs are updated there (`index.html`).
    """
    suite = suite_for(relation)
    validated_at = dt.datetime.now()
    specs = suite.get("meta", {}).get("parameters", {})
    parameters = resolve_parameters(con, relation, specs, partial=where is not None)
    runnable, notes = _drop_unresolved(suite["expectations"], parameters.unresolved)
    sql = frames.select_sql(relation, where)
    rows = frames.count_rows(con, sql)
    context = open_context(docs_dir)
    run = _Run(context, con, suite, parameters.values, run_id)
    if rows <= batch_rows:
        results, batch_count = run.single(runnable, sql), 1
    else:
        results, batch_count = run.batched(runnable, relation, where, batch_rows)
    return SuiteOutcome(
        relation=relation,
        suite=suite["name"],
        run_id=run_id,
        rows_validated=rows,
        expectations=[combine(e, r) for e, r in zip(runnable, results, strict=True)],
        validated_at=validated_at,
        where=where,
        batches=batch_count,
        notes=notes,
        docs_index=docs_dir / "index.html" if docs_dir is not None else None,
    )


class _Run:
    """One relation's validation: the GX context and what every checkpoint run needs."""

    def __init__(
        self,
        context: Any,
        con: duckdb.DuckDBPyConnection,
        suite: dict,
        parameters: dict[str, Any],
        run_id: str,
    ) -> None:
        self.context, self.con, self.suite = context, con, suite
        self.parameters, self.run_id = parameters, run_id

    def single(self, expectations: list[dict], sql: str) -> list[list[dict]]:
        checkpoint = self._checkpoint(self.suite["name"], expectations)
        frame = frames.whole_frame(self.con, sql)
        return [[result] for result in self._run(checkpoint, frame)]

    def batched(
        self, expectations: list[dict], relation: str, where: str | None, batch_rows: int
    ) -> tuple[list[list[dict]], int]:
        results: list[list[dict]] = [[] for _ in expectations]
        row_wise = [i for i, e in enumerate(expectations) if _row_wise(e["type"])]
        whole = [i for i in range(len(expectations)) if i not in row_wise]
        name, batch_count = self.suite["name"], 0
        if row_wise:
            checkpoint = self._checkpoint(f"{name}.rows", _pick(expectations, row_wise))
            for frame in frames.batches(self.con, frames.select_sql(relation, where), batch_rows):
                _scatter(results, row_wise, self._run(checkpoint, frame))
                batch_count += 1
        if whole:
            picked = _pick(expectations, whole)
            checkpoint = self._checkpoint(f"{name}.whole", picked)
            sql = frames.select_sql(relation, where, _columns_needed(picked))
            _scatter(results, whole, self._run(checkpoint, frames.whole_frame(self.con, sql)))
        return results, max(batch_count, 1)

    def _checkpoint(self, name: str, expectations: list[dict]) -> Any:
        return add_checkpoint(self.context, name, expectations, self.suite.get("meta", {}))

    def _run(self, checkpoint: Any, frame: Any) -> list[dict]:
        return run_checkpoint(checkpoint, frame, self.parameters, self.run_id)


def _row_wise(expectation_type: str) -> bool:
    """Checks whose verdict on a relation is the sum of their verdicts on its batches."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    if expectation_type in SCHEMA_TYPES:
        return True
    if expectation_type in CROSS_ROW_TYPES:
        return False
    map_kinds = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    return issubclass(get_expectation_impl(expectation_type), map_kinds)


def _drop_unresolved(
    expectations: list[dict], unresolved: dict[str, str]
) -> tuple[list[dict], list[str]]:
    kept, notes = [], []
    for expectation in expectations:
        missing = [name for name in _parameters_used(expectation["kwargs"]) if name in unresolved]
        if not missing:
            kept.append(expectation)
            continue
        column = expectation["kwargs"].get("column", "")
        notes.extend(
            f"skipped {expectation['type']} {column}: parameter {name} unresolved "
            f"({unresolved[name]})"
            for name in missing
        )
    return kept, notes


def _parameters_used(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            yield value["$PARAMETER"]
        for item in value.values():
            yield from _parameters_used(item)
    elif isinstance(value, list):
        for item in value:
            yield from _parameters_used(item)


def _columns_needed(expectations: list[dict]) -> list[str] | None:
    """Columns the expectations read, row conditions included; None when unknowable."""
    names: set[str] = set()
    for expectation in expectations:
        kwargs = expectation["kwargs"]
        if isinstance(kwargs.get("row_condition"), str):
            return None  # a legacy string condition may name any column
        names.update(kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs)
        names.update(kwargs.get("column_list", []))
        names.update(_condition_columns(kwargs.get("row_condition")))
    return sorted(names)


def _condition_columns(condition: Any) -> Iterator[str]:
    if isinstance(condition, dict):
        column = condition.get("column")
        if isinstance(column, dict) and "name" in column:
            yield column["name"]
        for condition_part in condition.get("conditions", []):
            yield from _condition_columns(condition_part)


def _pick(expectations: list[dict], positions: list[int]) -> list[dict]:
    return [expectations[i] for i in positions]


def _scatter(results: list[list[dict]], positions: list[int], run: list[dict]) -> None:
    for position, result in zip(positions, run, strict=True):
        results[position].append(result)
