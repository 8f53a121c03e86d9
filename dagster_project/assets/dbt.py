"""The dbt project as assets: staging → intermediate → marts, with dbt tests as checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_project.dbt_project import dbt_project
from dagster_project.previews import mart_metadata
from dagster_project.resources import WarehouseResource


class LayeredTranslator(DagsterDbtTranslator):
    """Group models by their layer folder (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 else None


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # dbt's tests on the raw sources become checks on the ingestion assets they test.
    dagster_dbt_translator=LayeredTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
    pool="duckdb",
)
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    # Events are held until dbt exits: the previews read the warehouse, which DuckDB lets
    # only one process open while dbt writes it.
    invocation = dbt.cli(["build"], context=context, raise_on_error=False)
    events = list(invocation.stream())
    outputs = {
        e.output_name: context.asset_key_for_output(e.output_name)
        for e in events
        if isinstance(e, dg.Output)
    }
    marts = set(mart_keys())
    previews = mart_metadata(warehouse.warehouse_path, [k for k in outputs.values() if k in marts])
    for event in events:
        key = outputs.get(event.output_name) if isinstance(event, dg.Output) else None
        if key in previews:
            event = event.with_metadata({**event.metadata, **previews[key]})
        yield event
    if not invocation.is_successful():
        raise invocation.get_error()


def mart_keys() -> list[dg.AssetKey]:
    return [spec.key for spec in dbt_models.specs if spec.group_name == "marts"]
