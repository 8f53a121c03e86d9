"""The built-in ROI dashboard: one offline HTML file per publish, from the serving file."""

from pathlib import Path

import dagster as dg

from dagster_project.assets.publish import serving_file
from dagster_project.resources import WarehouseResource
from dashboard import build_dashboard


@dg.asset(
    key=dg.AssetKey(["serving", "dashboard"]),
    deps=[serving_file],
    group_name="serving",
    kinds={"html"},
    description="The managers' ROI dashboard: self-contained HTML built from the serving file.",
)
def roi_dashboard(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    serving_path = Path(warehouse.serving_path)
    page = build_dashboard(serving_path, serving_path.parent / "dashboard")
    context.log.info(f"dashboard written to {page}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(page))})
