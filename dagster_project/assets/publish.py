"""Publish the marts into the serving file BI tools read (see serving/publish.py)."""

from pathlib import Path

import dagster as dg

from dagster_project.assets.dbt import mart_keys
from dagster_project.resources import WarehouseResource
from serving.publish import publish


@dg.asset(
    key=dg.AssetKey(["serving", "ai_roi"]),
    deps=mart_keys(),
    group_name="serving",
    kinds={"duckdb"},
    pool="duckdb",
    description="The serving DuckDB file BI tools open read-only; replaced atomically per run.",
)
def serving_file(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        report = publish(con, Path(warehouse.serving_path), run_id=context.run_id)
    context.log.info(f"published {len(report.tables)} tables to {report.serving_path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.serving_path)),
            "tables": len(report.tables),
            "rows": sum(report.tables.values()),
        }
    )
