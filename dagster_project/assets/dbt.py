"""The dbt project as assets: staging → intermediate → marts, with dbt tests as checks.

Two invocations: the incremental models of the large facts (dbt tag `daily`), partitioned
by day, then everything else, which reads them whole.
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from pydantic import Field

from dagster_project.column_schemas import COLUMN_SCHEMA, typed_schemas
from dagster_project.dbt_project import dbt_project
from dagster_project.partitions import (
    daily_partitions,
    is_partitioned_run,
    record_full_build,
    window_vars,
)
from dagster_project.previews import mart_metadata
from dagster_project.rebuild_plan import plan_rebuild, record_build
from dagster_project.resources import WarehouseResource
from dagster_project.retractions import daily_sources, record_refresh, retracted_files
from expectations import relations
from expectations.gate import describe, open_failures, record_blocked_publish


class LayeredTranslator(DagsterDbtTranslator):
    """Group models by their layer folder (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 else None


DAILY_MODELS = "tag:daily"
# Unit tests check the SQL, not the data: the test suite runs them (test_dbt_unit_tests.py).
BUILD = ["build", "--exclude-resource-type", "unit_test"]
# dbt's tests on the raw sources become checks on the ingestion assets they test.
TRANSLATOR = LayeredTranslator(
    settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=DAILY_MODELS,
    name="dbt_daily_models",
    partitions_def=daily_partitions,
    # A range of days (a backfill) is one dbt invocation over the whole window.
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool="duckdb",
)
def dbt_daily_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    _refuse_failing_raw_tables(warehouse, context.run_id)
    window = window_vars(context)
    if window:
        context.log.info(f"incremental models: restating {window}")
    else:
        context.log.info("incremental models: rows loaded since their last build")
    command = [*BUILD, "--vars", json.dumps(window)] if window else BUILD
    with warehouse.connect() as con:
        retracted = retracted_files(con, daily_sources(dbt_project_manifest()))
    if retracted:
        context.log.info(
            f"rows retracted by {', '.join(retracted)}: rebuilding the incremental models in full"
        )
        command = [*command, "--full-refresh"]
    # Events are held until dbt exits: their column types are read from the warehouse,
    # which DuckDB lets only one process open while dbt writes it.
    invocation = dbt.cli(command, context=context, raise_on_error=False)
    events = list(_logged(context, invocation.stream()))
    yield from _with_column_types(context, warehouse, events)
    if not invocation.is_successful():
        raise invocation.get_error()
    if retracted:
        with warehouse.connect() as con:
            record_refresh(con, context.run_id)
    if not is_partitioned_run(context):
        record_full_build(context, _built_keys(context, events))


class ModelBuildConfig(dg.Config):
    rebuild_all: bool = Field(
        default=False,
        description="Build every model, even those whose input raw tables did not change "
        "since the last successful build.",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=DAILY_MODELS,
    dagster_dbt_translator=TRANSLATOR,
    pool="duckdb",
)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: ModelBuildConfig,
):
    """Models whose inputs did not change are not run (see rebuild_plan.py): they are
    reported materialized with `rebuilt: false`, so their checks and the publish still
    run downstream."""
    _refuse_failing_raw_tables(warehouse, context.run_id)
    nodes = {
        spec.metadata["dagster_dbt/unique_id"]: spec.key
        for spec in context.assets_def.specs
        if spec.key in context.selected_asset_keys
    }
    # A subset (models picked in the UI) is built as asked, and is not a build of the rest.
    whole = len(nodes) == len(context.assets_def.keys)
    manifest = dbt_project_manifest()
    with warehouse.connect() as con:
        plan = plan_rebuild(con, manifest, nodes, _rebuild_all_because(config, whole))
    context.log.info(f"{plan.reason}; {len(plan.skip)} of {len(nodes)} models and seeds unchanged")
    # Full fqn: a bare name would also match a folder of that name (marts/initiatives/).
    skipped = sorted("fqn:" + ".".join(manifest["nodes"][node]["fqn"]) for node in plan.skip)
    command = [*BUILD, "--exclude", " ".join(skipped)] if skipped else BUILD
    # Events are held until dbt exits: the previews read the warehouse, which DuckDB lets
    # only one process open while dbt writes it.
    invocation = dbt.cli(command, context=context, raise_on_error=False)
    events = list(_logged(context, invocation.stream()))
    carried_over = [
        dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(nodes[node]),
            metadata={"rebuilt": False, "why": "no input changed since the last build"},
        )
        for node in plan.skip_in_order
    ]
    for output in _with_column_types(context, warehouse, carried_over):
        yield output  # upstream of every model rebuilt: reported first
        yield from _carried_over_checks(context, context.asset_key_for_output(output.output_name))
    marts = set(mart_keys())
    built = _built_keys(context, events)
    previews = mart_metadata(warehouse.warehouse_path, [k for k in built if k in marts])
    for event in _with_column_types(context, warehouse, events):
        key = _output_key(context, event)
        if key in previews:
            event = event.with_metadata({**event.metadata, **previews[key]})
        yield event
    if not invocation.is_successful():
        raise invocation.get_error()
    if whole:
        with warehouse.connect() as con:
            record_build(con, context.run_id, plan)


def _carried_over_checks(
    context: dg.AssetExecutionContext, key: dg.AssetKey
) -> Iterator[dg.AssetCheckResult]:
    """The dbt tests of a model not rebuilt passed on the same data in the last build (only
    a successful build is recorded): reported as carried over, not as missing."""
    for check in context.selected_asset_check_keys:
        if check.asset_key == key:
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=check.name,
                passed=True,
                metadata={"carried_over": True, "why": "model not rebuilt: same data"},
            )


def _refuse_failing_raw_tables(warehouse: WarehouseResource, run_id: str) -> None:
    """No model is built from a raw table whose error-level expectations fail."""
    raw_tables = [relation for relation in relations() if relation.startswith("raw.")]
    with warehouse.connect() as con:
        failures = open_failures(con, raw_tables)
        if failures:
            record_blocked_publish(con, run_id, failures)
    if failures:
        raise dg.Failure(
            description=describe(failures, "no dbt model was built"),
            metadata={"failed_expectations": [str(f) for f in failures]},
        )


def _output_key(context: dg.AssetExecutionContext, event: Any) -> dg.AssetKey | None:
    """The model an event reports built, if it is an output."""
    return context.asset_key_for_output(event.output_name) if isinstance(event, dg.Output) else None


def _built_keys(context: dg.AssetExecutionContext, events: list[Any]) -> list[dg.AssetKey]:
    return [key for key in (_output_key(context, e) for e in events) if key is not None]


def _with_column_types(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, events: list[Any]
) -> list[Any]:
    """The events, each model's output carrying its columns with their DuckDB types."""
    specs = {spec.key: spec for spec in context.assets_def.specs}
    built = {key: specs[key] for key in _built_keys(context, events)}
    schemas = typed_schemas(warehouse.warehouse_path, built) if built else {}
    typed = []
    for event in events:
        key = _output_key(context, event)
        if key in schemas:
            event = event.with_metadata({**event.metadata, COLUMN_SCHEMA: schemas[key]})
        typed.append(event)
    return typed


def _rebuild_all_because(config: ModelBuildConfig, whole: bool) -> str | None:
    if config.rebuild_all:
        return "as configured (rebuild_all)"
    return None if whole else "a subset of the models was selected"


def dbt_project_manifest() -> dict[str, Any]:
    return json.loads(dbt_project.manifest_path.read_text())


def mart_keys() -> list[dg.AssetKey]:
    return [spec.key for spec in dbt_models.specs if spec.group_name == "marts"]


def _logged(context: dg.AssetExecutionContext, events: Iterator[Any]) -> Iterator[Any]:
    """Log each model built and test run as dbt reports it: progress on long builds."""
    for event in events:
        if isinstance(event, dg.Output):
            context.log.info(
                f"dbt built {context.asset_key_for_output(event.output_name).to_user_string()}"
            )
        elif isinstance(event, dg.AssetCheckResult):
            verdict = "passed" if event.passed else "FAILED"
            context.log.info(
                f"dbt test {event.check_name} on {event.asset_key.to_user_string()}: {verdict}"
            )
        yield event
