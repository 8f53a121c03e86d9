"""The Great Expectations Data Docs site, rebuilt once per run after every suite ran.

A failing suite rebuilds it at once itself, since nothing downstream of a failed gate runs.
"""

from pathlib import Path

import dagster as dg

from dagster_project.assets.dbt import mart_keys
from dagster_project.resources import WarehouseResource
from expectations import build_docs


@dg.asset(
    key=dg.AssetKey(["quality", "data_docs"]),
    deps=mart_keys(),
    group_name="serving",
    kinds={"html"},
    description="Data Docs: every validation of the raw tables and marts, browsable offline.",
)
def quality_docs(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    index = build_docs(Path(warehouse.quality_docs_dir))
    context.log.info(f"data quality reports at {index}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(index))})
