"""The dbt project as assets: staging → intermediate → marts, with dbt tests as checks.

Two steps: the incremental models of the large facts (dbt tag `daily`), partitioned by
day, then everything else, which reads them whole. On the Spark engine
(dagster_project/engine.py) dbt's profile picks its `spark` target, the models that read
a source wait for the lake export (assets/lake.py), and the second step builds the
attribution beside dbt-spark and loads the marts into DuckDB (assets/dbt_spark.py).
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

from dagster_project.assets.dbt_spark import (
    DbtRun,
    build_on_spark,
    load_marts,
    split_nodes,
)
from dagster_project.assets.lake import LAKE_KEY
from dagster_project.column_schemas import COLUMN_SCHEMA, typed_schemas
from dagster_project.dbt_project import dbt_project
from dagster_project.engine import dbt_data_tests, on_spark, prepare_engine
from dagster_project.partitions import (
    daily_partitions,
    is_partitioned_run,
    record_full_build,
    window_vars,
)
from dagster_project.previews import mart_metadata
from dagster_project.rebuild_plan import last_build_time, plan_rebuild, record_build
from dagster_project.resources import WarehouseResource
from dagster_project.retractions import (
    daily_sources,
    record_refresh,
    retracted_files,
    retracted_since,
)
from expectations import relations
from expectations.gate import describe, open_failures, record_blocked_publish


class LayeredTranslator(DagsterDbtTranslator):
    """Group models by their layer folder (staging, intermediate, marts). On Spark, dbt
    reads its sources from the lake: each is the lake export's asset, so the models and
    the sources' tests wait for it."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 else None

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if on_spark() and unique_id.startswith("source."):
            return spec.replace_attributes(key=LAKE_KEY)
        return spec


DAILY_MODELS = "tag:daily"
# Unit tests check the SQL, not the data: the test suite runs them (test_dbt_unit_tests.py).
UNIT_TESTS = "unit_test"
# A test of a model rebuilt runs even when another model it reads is left out as unchanged
# (dbt's default, eager, would leave it out with that model, and its check without result).
KEEP_TESTS_OF_BUILT_MODELS = ["--indirect-selection", "cautious"]
# dbt's tests on the raw sources become checks on the ingestion assets they test (on
# Spark, on the lake export, which every source is).
TRANSLATOR = LayeredTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_source_tests_as_checks=True, enable_duplicate_source_asset_keys=True
    )
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
    variables = {**window, **_engine_vars()}
    command = [*_build(), "--vars", json.dumps(variables)] if variables else _build()
    with warehouse.connect() as con:
        retracted = retracted_files(con, daily_sources(dbt_project_manifest()))
    if retracted:
        context.log.info(
            f"rows retracted by {', '.join(retracted)}: rebuilding the incremental models in full"
        )
        command = [*command, "--full-refresh"]
    # Events are held until dbt exits: their column types are read from the warehouse,
    # which DuckDB lets only one process open while dbt writes it.
    built = _run_dbt(context, dbt, command)
    yield from _with_column_types(context, warehouse, built.events)
    if built.error is not None:
        raise built.error
    if retracted:
        with warehouse.connect() as con:
            record_refresh(con, context.run_id)
    if not is_partitioned_run(context):
        record_full_build(context, _built_keys(context, built.events))


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
        retracted = retracted_since(con, last_build_time(con))
    context.log.info(f"{plan.reason}; {len(plan.skip)} of {len(nodes)} models and seeds unchanged")
    # Full fqn: a bare name would also match a folder of that name (marts/initiatives/).
    skipped = sorted("fqn:" + ".".join(manifest["nodes"][node]["fqn"]) for node in plan.skip)
    command = _build()
    if skipped:
        command = [*command, *KEEP_TESTS_OF_BUILT_MODELS, "--exclude", " ".join(skipped)]
    if plan.rebuild_all or retracted:
        # The incremental panels from scratch: a merge cannot drop a unit or month.
        command = [*command, "--full-refresh"]
        if retracted:
            context.log.info(f"rows retracted by {', '.join(retracted)}: panels rebuilt in full")
    # Events are held until dbt exits: the previews read the warehouse, which DuckDB lets
    # only one process open while dbt writes it.
    to_build = {node: key for node, key in nodes.items() if node not in plan.skip}
    built = _build_models(context, dbt, command, manifest, to_build)
    events = built.events
    if on_spark():
        loaded = load_marts(warehouse, manifest)
        context.log.info(f"{len(loaded)} marts, seeds and inputs of the publish read into DuckDB")
    carried_over = [
        dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(nodes[node]),
            metadata={"rebuilt": False, "why": "no input changed since the last build"},
        )
        for node in plan.skip_in_order
    ]
    tested = {
        dg.AssetCheckKey(e.asset_key, e.check_name)
        for e in events
        if isinstance(e, dg.AssetCheckResult)
    }
    for output in _with_column_types(context, warehouse, carried_over):
        yield output  # upstream of every model rebuilt: reported first
        key = context.asset_key_for_output(output.output_name)
        yield from _carried_over_checks(context, key, tested)
    marts = set(mart_keys())
    built_keys = _built_keys(context, events)
    previews = mart_metadata(warehouse.warehouse_path, [k for k in built_keys if k in marts])
    for event in _with_column_types(context, warehouse, events):
        key = _output_key(context, event)
        if key in previews:
            event = event.with_metadata({**event.metadata, **previews[key]})
        yield event
    if built.error is not None:
        raise built.error
    if whole:
        with warehouse.connect() as con:
            record_build(con, context.run_id, plan)


def _carried_over_checks(
    context: dg.AssetExecutionContext, key: dg.AssetKey, tested: set[dg.AssetCheckKey]
) -> Iterator[dg.AssetCheckResult]:
    """The dbt tests of a model not rebuilt passed on the same data in the last build (only
    a successful build is recorded): reported as carried over, not as missing. Those that
    ran anyway (they also read a model rebuilt) report their own result."""
    for check in context.selected_asset_check_keys:
        if check.asset_key == key and check not in tested:
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=check.name,
                passed=True,
                metadata={"carried_over": True, "why": "model not rebuilt: same data"},
            )


def _build() -> list[str]:
    """`dbt build` of the selected models and seeds, with their data tests unless the
    engine is told to leave them out (dagster_project/engine.py)."""
    excluded = [UNIT_TESTS] if dbt_data_tests() else [UNIT_TESTS, "test"]
    return ["build", "--exclude-resource-type", *excluded]


def _engine_vars() -> dict[str, bool]:
    """On Spark, the incremental models' build first makes the lake's tables its sources."""
    return {"register_lake_sources": True} if on_spark() else {}


def _run_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, command: list[str]) -> DbtRun:
    prepare_engine()
    invocation = dbt.cli(command, context=context, raise_on_error=False)
    events = list(_logged(context, invocation.stream()))
    return DbtRun(events, None if invocation.is_successful() else invocation.get_error())


def _build_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    command: list[str],
    manifest: dict[str, Any],
    nodes: Mapping[str, dg.AssetKey],
) -> DbtRun:
    """dbt's `command` building `nodes` (unique id → asset key): one invocation on DuckDB,
    three parts on Spark."""
    if not on_spark():
        return _run_dbt(context, dbt, command)

    def attributed(node: str, rows: int) -> dg.Output:
        return dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(nodes[node]),
            metadata={"dagster/row_count": rows, "built_by": "spark_engine attribute"},
        )

    return build_on_spark(
        lambda args: _run_dbt(context, dbt, args),
        command,
        manifest,
        split_nodes(manifest, nodes),
        attributed,
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


def source_keys() -> list[dg.AssetKey]:
    """The assets that write dbt's sources: the raw tables and the quarantine."""
    manifest = dbt_project_manifest()
    translator = DagsterDbtTranslator()
    return [translator.get_asset_spec(manifest, source, None).key for source in manifest["sources"]]


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
