"""Validate a DuckDB relation against its suite: the quality gate's one entry point.

A relation of at most `batch_rows` rows is validated in one pass. A bigger one is read in
batches for the row-wise checks (unexpected counts add up across batches); the checks
that need every row at once (row counts, aggregates such as a mean, uniqueness) run once
on the whole relation, reading only the columns they name.

With `new_rows` (a filter such as "rows of the files loaded by this run") the checks on
rows, one by one or against each other, read only the new rows, while the aggregate
checks (row counts, means, maxima) still read the whole relation: a daily run validates
its day, not the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from expectations import frames, screening
from expectations.checkpoint import add_checkpoint, build_docs, open_context, run_checkpoint
from expectations.outcome import SuiteOutcome, combine
from expectations.parameters import resolve_parameters
from expectations.suites import suite_for

# Rows per pandas frame: a raw table's rows take a few hundred bytes each as pandas, and the
# next frame is converted while GX checks this one. 250,000 rows keep the pair near 300 MB
# (1,000,000 peaked at 1 GB on 1M tasks) at the same speed.
BATCH_ROWS = 250_000
# Row-wise in GX's terms but comparing rows with each other: need all rows in one frame.
CROSS_ROW_TYPES = {
    "expect_column_values_to_be_increasing",
    "expect_column_values_to_be_decreasing",
}
# Cross-row too, but only rows whose key repeats can be flagged: DuckDB finds those, GX
# checks them (10M keys would take gigabytes as a pandas frame; the repeats take bytes).
UNIQUENESS_TYPES = {
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
}
# About the schema: checked once, on an empty frame with the relation's columns and dtypes.
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
    batch_rows: int = BATCH_ROWS,
    where: str | None = None,
    new_rows: str | None = None,
) -> SuiteOutcome:
    """Validate `relation` (e.g. `raw.operations_tasks`), or its rows matching `where`;
    with `new_rows`, the row checks only on the rows matching it (see the module doc).

    Nothing is written to the database: pass the outcome to `record_outcome`. With
    `docs_dir`, the result is kept there for GX Data Docs, and the site (`index.html`)
    rebuilt at once if an expectation failed; otherwise call `build_docs` once all
    validations of a run are done.
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
    row_scope = _and(where, new_rows)
    new_count = (
        None if new_rows is None else frames.count_rows(con, frames.select_sql(relation, row_scope))
    )
    if rows <= batch_rows and new_rows is None:
        results, batch_count = run.single(runnable, sql), 1
    else:
        results, batch_count = run.batched(runnable, relation, where, row_scope, batch_rows)
    outcome = SuiteOutcome(
        relation=relation,
        suite=suite["name"],
        run_id=run_id,
        rows_validated=rows,
        new_rows=new_count,
        expectations=[combine(e, r) for e, r in zip(runnable, results, strict=True)],
        validated_at=validated_at,
        where=where,
        batches=batch_count,
        notes=notes,
        docs_index=docs_dir / "index.html" if docs_dir is not None else None,
    )
    if docs_dir is not None and outcome.failures:
        build_docs(docs_dir)
    return outcome


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
        self,
        expectations: list[dict],
        relation: str,
        where: str | None,
        row_scope: str | None,
        batch_rows: int,
    ) -> tuple[list[list[dict]], int]:
        """Row-wise checks batch by batch over `row_scope`; cross-row checks at once over
        `row_scope`; aggregates at once over `where`. The scopes are equal unless new rows
        are singled out."""
        results: list[list[dict]] = [[] for _ in expectations]
        kinds = [_kind(e["type"]) for e in expectations]
        name, batch_count = self.suite["name"], 0
        if schema := [i for i, kind in enumerate(kinds) if kind == "schema"]:
            # Every batch has the same columns and dtypes: one empty frame shows them.
            checkpoint = self._checkpoint(f"{name}.schema", _pick(expectations, schema))
            frame = frames.whole_frame(
                self.con, f"{frames.select_sql(relation, row_scope)} limit 0"
            )
            _scatter(results, schema, self._run(checkpoint, frame))
        if row_wise := [i for i, kind in enumerate(kinds) if kind == "row"]:
            screens = self._screens(expectations, row_wise, relation, row_scope)
            unscreened = [i for i in row_wise if i not in screens]
            if unscreened:
                batch_count += self._row_batches(
                    expectations, unscreened, relation, row_scope, batch_rows, results
                )
            if screens:
                candidates = screening.candidates_sql([screen for screen, _ in screens.values()])
                batch_count += self._row_batches(
                    expectations, list(screens), relation, _and(row_scope, candidates),
                    batch_rows, results, label="candidates",
                )  # fmt: skip
                for position, (screen, (considered, missing)) in screens.items():
                    results[position].append(screening.passing_result(considered, missing, screen))
        if unique := [i for i, kind in enumerate(kinds) if kind == "unique"]:
            _scatter(results, unique, self._uniqueness(expectations, unique, relation, row_scope))
        cross = [i for i, kind in enumerate(kinds) if kind == "cross"]
        aggregate = [i for i, kind in enumerate(kinds) if kind == "aggregate"]
        groups = [("whole", cross + aggregate, where)]
        if row_scope != where:
            groups = [("cross", cross, row_scope), ("aggregate", aggregate, where)]
        for label, positions, scope in groups:
            if not positions:
                continue
            picked = _pick(expectations, positions)
            checkpoint = self._checkpoint(f"{name}.{label}", picked)
            sql = frames.select_sql(relation, scope, _columns_needed(picked))
            _scatter(results, positions, self._run(checkpoint, frames.whole_frame(self.con, sql)))
        return results, max(batch_count, 1)

    def _row_batches(
        self,
        expectations: list[dict],
        positions: list[int],
        relation: str,
        scope: str | None,
        batch_rows: int,
        results: list[list[dict]],
        label: str = "rows",
    ) -> int:
        """Row-wise checks over `scope`, batch by batch; the number of batches."""
        picked = _pick(expectations, positions)
        checkpoint = self._checkpoint(f"{self.suite['name']}.{label}", picked)
        sql = frames.select_sql(relation, scope, _columns_needed(picked) or None)
        batch_count = 0
        for frame in frames.batches(self.con, sql, batch_rows):
            _scatter(results, positions, self._run(checkpoint, frame))
            batch_count += 1
        if batch_count == 0:  # no rows in scope: the checks still run, on an empty frame
            frame = frames.whole_frame(self.con, f"{sql} limit 0")
            _scatter(results, positions, self._run(checkpoint, frame))
        return batch_count

    def _screens(
        self, expectations: list[dict], positions: list[int], relation: str, scope: str | None
    ) -> dict[int, tuple[screening.Screen, tuple[int, int]]]:
        """The row checks DuckDB can screen (expectations.screening), each with its counts
        over the rows no screen flags; none when DuckDB cannot run the screens."""
        dtypes = frames.column_dtypes(self.con, f"{frames.select_sql(relation, None)} limit 0")
        screens: dict[int, screening.Screen] = {}
        for position in positions:
            try:
                screens[position] = screening.screen_for(
                    expectations[position], self.parameters, dtypes
                )
            except screening.Untranslatable:
                continue
        if not screens:
            return {}
        try:
            counts = screening.passing_counts(
                self.con, frames.select_sql(relation, scope), list(screens.values())
            )
        except duckdb.Error:
            return {}
        return {
            position: (screen, count)
            for (position, screen), count in zip(screens.items(), counts, strict=True)
        }

    def _uniqueness(
        self, expectations: list[dict], positions: list[int], relation: str, scope: str | None
    ) -> list[dict]:
        """Uniqueness checks on the rows whose key repeats, with GX's denominators (rows
        considered) restored from DuckDB's counts over the whole scope."""
        picked = _pick(expectations, positions)
        key_sets = [_key_columns(e) for e in picked]
        checkpoint = self._checkpoint(f"{self.suite['name']}.unique", picked)
        frame = frames.whole_frame(self.con, frames.repeated_keys_sql(relation, scope, key_sets))
        considered = frames.rows_with_keys(self.con, relation, scope, key_sets)
        return [
            _rescaled(result, rows, float(e["kwargs"].get("mostly", 1.0)))
            for result, rows, e in zip(
                self._run(checkpoint, frame), considered, picked, strict=True
            )
        ]

    def _checkpoint(self, name: str, expectations: list[dict]) -> Any:
        return add_checkpoint(self.context, name, expectations, self.suite.get("meta", {}))

    def _run(self, checkpoint: Any, frame: Any) -> list[dict]:
        return run_checkpoint(checkpoint, frame, self.parameters, self.run_id)


def _kind(expectation_type: str) -> str:
    """ "schema": about columns and dtypes; "row": the verdict on a relation is the sum of
    the verdicts on its batches; "unique": no key repeats; "cross": compares rows
    otherwise; "aggregate": about the relation as a whole."""
    if expectation_type in SCHEMA_TYPES:
        return "schema"
    if _row_wise(expectation_type):
        return "row"
    if expectation_type in UNIQUENESS_TYPES:
        return "unique"
    return "cross" if expectation_type in CROSS_ROW_TYPES else "aggregate"


def _key_columns(expectation: dict) -> list[str]:
    kwargs = expectation["kwargs"]
    return [kwargs["column"]] if "column" in kwargs else list(kwargs["column_list"])


def _rescaled(result: dict, considered: int, mostly: float) -> dict:
    """A uniqueness result on the repeated keys only, as if run on every row considered."""
    details = dict(result["result"])
    unexpected = details.get("unexpected_count") or 0
    details.update(
        element_count=considered,
        missing_count=0,
        unexpected_percent=100 * unexpected / considered if considered else 0.0,
    )
    success = considered == 0 or (considered - unexpected) / considered >= mostly
    return {**result, "result": details, "success": success and not result["exception"]}


def _and(*conditions: str | None) -> str | None:
    present = [f"({c})" for c in conditions if c]
    return " and ".join(present) or None


def _row_wise(expectation_type: str) -> bool:
    """Checks whose verdict on a relation is the sum of their verdicts on its batches."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    if expectation_type in CROSS_ROW_TYPES | UNIQUENESS_TYPES:
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
