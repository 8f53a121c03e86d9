"""Great Expectations suites (expectations/suites/) as blocking asset checks on the raw
tables and the marts: an error-severity failure stops everything downstream, publishing
included, so the serving file keeps the last good data. Warnings are reported only.

On a raw table loaded from landing files, the row checks read only the rows of the files
this run loaded (a daily run validates its day); row counts and other aggregates still
read the whole table."""

from pathlib import Path

import dagster as dg

from dagster_project.resources import WarehouseResource
from expectations import SuiteOutcome, record_outcome, relations, validate_relation
from ingestion.contracts import CONTRACTS
from ingestion.ledger import SCHEMA as AUDIT_SCHEMA

FILE_LOADED_TABLES = {f"raw.{contract.table}": contract.table for contract in CONTRACTS.values()}


def _failures_table(outcome: SuiteOutcome) -> str:
    lines = ["| severity | expectation | column | unexpected | samples |", "|---|---|---|---|---|"]
    lines += [
        f"| {e.severity} | {e.expectation_type} | {e.column or ''} | {e.unexpected_count or ''} "
        f"| {', '.join(str(v) for v in e.sample_values)} |"
        for e in outcome.failures
    ]
    return "\n".join(lines)


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


def _loaded_by_run(relation: str, run_id: str) -> str | None:
    """The rows of the files this run loaded into a raw table, as a filter."""
    table = FILE_LOADED_TABLES.get(relation)
    if table is None:
        return None
    return (
        f"_source_file in (select file_path from {AUDIT_SCHEMA}.load_ledger "
        f"where source = '{table}' and run_id = '{run_id}' and status = 'loaded')"
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
            outcome = validate_relation(
                con,
                relation,
                run_id=context.run.run_id,
                docs_dir=Path(warehouse.quality_docs_dir),
                new_rows=_loaded_by_run(relation, context.run.run_id),
            )
            record_outcome(con, outcome)
        return _result(outcome)

    return _check


suite_checks = [build_suite_check(relation) for relation in relations()]
