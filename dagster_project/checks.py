"""Great Expectations suites (expectations/suites/) as blocking asset checks on the raw
tables and the marts: an error-severity failure stops everything downstream, publishing
included, so the serving file keeps the last good data. Warnings are reported only.

On a raw table loaded from landing files, the row checks read only the rows of the files
loaded since the table's last passing validation (a daily run validates its day, and rows
that failed stay under check until they are fixed); row counts and other aggregates still
read the whole table. A validation that crashes is recorded as a failure, so the publish
gate (expectations/gate.py) never mistakes it for a pass. A relation unchanged since a
validation that met every expectation carries that result over (expectations/carry_over.py)."""

import datetime as dt
from pathlib import Path

import dagster as dg

from dagster_project.coverage import undelivered_behind
from dagster_project.resources import WarehouseResource
from expectations import (
    ExpectationOutcome,
    SuiteOutcome,
    record_outcome,
    relations,
    suite_for,
    validate_relation,
)
from expectations.audit import TABLE as RESULTS_TABLE
from expectations.audit import ensure_table
from expectations.carry_over import (
    PassedValidation,
    record_state,
    relation_state,
    unchanged_since_passed,
)
from expectations.gate import open_failures, record_blocked_publish
from ingestion.contracts import CONTRACTS
from ingestion.ledger import SCHEMA as AUDIT_SCHEMA

FILE_LOADED_TABLES = {f"raw.{contract.table}": contract.table for contract in CONTRACTS.values()}


def _failures_table(outcome: SuiteOutcome) -> str:
    lines = [
        "| severity | expectation | column | unexpected | observed | samples |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {e.severity} | {e.expectation_type} | {e.column or ''} | {e.unexpected_count or ''} "
        f"| {_cell(e.observed_value)} | {', '.join(_cell(v) for v in e.sample_values)} |"
        for e in outcome.failures
    ]
    return "\n".join(lines)


def _cell(value: object) -> str:
    """A value as Markdown table text: no pipes, no line breaks, no markup, kept short."""
    text = "" if value is None else str(value)
    text = "".join(c if c.isprintable() else " " for c in text).replace("|", "/")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text if len(text) <= 80 else text[:79] + "\u2026"


def _result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    errors = [e for e in outcome.failures if e.severity == "error"]
    metadata: dict = {
        "suite": outcome.suite,
        "rows_validated": outcome.rows_validated,
        **({"new_rows_validated": outcome.new_rows} if outcome.new_rows is not None else {}),
        "expectations": len(outcome.expectations),
        "failed_errors": len(errors),
        "failed_warnings": len(outcome.failures) - len(errors),
        "unexpected_rows": sum(e.unexpected_count or 0 for e in outcome.failures),
    }
    if outcome.failures:
        metadata["failures"] = dg.MetadataValue.md(_failures_table(outcome))
    if outcome.docs_index is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(outcome.docs_index))
    return dg.AssetCheckResult(
        passed=not outcome.failures,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{len(outcome.failures)} of {len(outcome.expectations)} expectations failed"
        if outcome.failures
        else f"all {len(outcome.expectations)} expectations met",
    )


def _carried_over(passed: PassedValidation) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=True,
        metadata={
            "carried_over": True,
            "validated_in_run": passed.run_id,
            "rows_validated": passed.rows_validated,
            "expectations": passed.expectations,
        },
        description=f"all {passed.expectations} expectations met when run {passed.run_id} "
        "validated the same data with the same suite; not validated again",
    )


def rows_not_yet_passed(relation: str) -> str | None:
    """The rows of a raw table's files loaded since its last passing validation, as a
    filter: this run's files, and any that failed before and were not fixed."""
    table = FILE_LOADED_TABLES.get(relation)
    if table is None:
        return None
    last_pass = (
        f"select max(validated_at) from (select validated_at from {RESULTS_TABLE} "
        f"where relation = '{relation}' and where_clause is null group by run_id, validated_at "
        "having bool_and(success or severity <> 'error'))"
    )
    return (
        f"_source_file in (select file_path from {AUDIT_SCHEMA}.load_ledger "
        f"where source = '{table}' and status = 'loaded' "
        f"and loaded_at >= coalesce(({last_pass}), '-infinity'::timestamp))"
    )


def crashed_outcome(relation: str, run_id: str, error: Exception) -> SuiteOutcome:
    """A validation that could not run, as a failed error-level expectation."""
    return _one_expectation(
        relation,
        run_id,
        "validation_ran",
        "error",
        f"could not run: {type(error).__name__}",
        exception=str(error)[:500],
    )


def not_delivered_outcome(relation: str, run_id: str, sources: list[str]) -> SuiteOutcome:
    """A suite skipped because the sources behind the relation were not delivered: a
    warning, so the gate stays open for what was delivered."""
    observed = f"not delivered: {', '.join(sources)}"
    return _one_expectation(relation, run_id, "source_delivered", "warn", observed)


def _one_expectation(
    relation: str,
    run_id: str,
    kind: str,
    severity: str,
    observed: str,
    exception: str | None = None,
) -> SuiteOutcome:
    failure = ExpectationOutcome(
        expectation_type=kind,
        column=None,
        severity=severity,
        success=False,
        unexpected_count=None,
        unexpected_percent=None,
        sample_values=[],
        observed_value=observed,
        exception=exception,
    )
    return SuiteOutcome(
        relation=relation,
        suite=suite_for(relation)["name"],
        run_id=run_id,
        rows_validated=0,
        expectations=[failure],
        validated_at=dt.datetime.now(),
    )


def build_suite_check(relation: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(relation.split(".")),
        name="great_expectations",
        blocking=True,
        pool="duckdb",
        description=f"Great Expectations suite for {relation} (expectations/suites/).",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as con:
            ensure_table(con)
            missing = undelivered_behind(con, relation)
            if missing:
                record_outcome(con, not_delivered_outcome(relation, context.run.run_id, missing))
                return dg.AssetCheckResult(
                    passed=False,
                    severity=dg.AssetCheckSeverity.WARN,
                    description=f"skipped: not delivered: {', '.join(missing)}",
                    metadata={"sources_not_delivered": ", ".join(missing)},
                )
            state = relation_state(con, relation)
            passed = unchanged_since_passed(con, relation, state)
            if passed is not None:
                return _carried_over(passed)
            try:
                outcome = validate_relation(
                    con,
                    relation,
                    run_id=context.run.run_id,
                    docs_dir=Path(warehouse.quality_docs_dir),
                    new_rows=rows_not_yet_passed(relation),
                )
            except Exception as error:
                record_outcome(con, crashed_outcome(relation, context.run.run_id, error))
                raise
            record_outcome(con, outcome)
            record_state(con, relation, outcome.validated_at, state)
            if not outcome.passed:  # said at once: later steps may not run to say it
                record_blocked_publish(con, context.run.run_id, open_failures(con, relations()))
        return _result(outcome)

    return _check


suite_checks = [build_suite_check(relation) for relation in relations()]
