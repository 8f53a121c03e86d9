"""Publish the marts into the serving file BI tools read (see serving/publish.py)."""

from pathlib import Path

import dagster as dg

from dagster_project.assets.dbt import mart_keys
from dagster_project.dbt_project import dbt_project
from dagster_project.resources import WarehouseResource
from serving.contract import served_relations
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
        relations = served_relations(dbt_project.manifest_path)
        report = publish(con, Path(warehouse.serving_path), context.run_id, relations)
    context.log.info(f"published {len(report.tables)} tables to {report.serving_path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.serving_path)),
            "parquet": dg.MetadataValue.path(str(report.parquet_dir)),
            "tables": dg.MetadataValue.md(
                "| relation | rows |\n|---|---|\n"
                + "\n".join(f"| {name} | {rows:,} |" for name, rows in report.tables.items())
            ),
            "rows": sum(report.tables.values()),
        }
    )
