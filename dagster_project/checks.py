"""Great Expectations suites (expectations/suites/) as blocking asset checks on the raw
tables and the marts: an error-severity failure stops everything downstream, publishing
included, so the serving file keeps the last good data. Warnings are reported only."""

from pathlib import Path

import dagster as dg

from dagster_project.resources import WarehouseResource
from expectations import SuiteOutcome, record_outcome, relations, validate_relation


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
                con, relation, run_id=context.run.run_id, docs_dir=Path(warehouse.quality_docs_dir)
            )
            record_outcome(con, outcome)
        return _result(outcome)

    return _check


suite_checks = [build_suite_check(relation) for relation in relations()]
