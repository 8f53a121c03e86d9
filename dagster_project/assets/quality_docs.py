"""The Great Expectations Data Docs site, rebuilt once per run after every suite ran, when
any suite ran: with every result carried over the site already shows them.

A failing suite rebuilds it at once itself, since nothing downstream of a failed gate runs.
"""

from pathlib import Path

import dagster as dg

from dagster_project.assets.dbt import mart_keys
from dagster_project.resources import WarehouseResource
from expectations import build_docs
from expectations.audit import TABLE as RESULTS
from ingestion.duckdb_helpers import scalar, table_exists


@dg.asset(
    key=dg.AssetKey(["quality", "data_docs"]),
    deps=mart_keys(),
    group_name="serving",
    kinds={"html"},
    description="Data Docs: every validation of the raw tables and marts, browsable offline.",
    pool="duckdb",
)
def quality_docs(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    index = Path(warehouse.quality_docs_dir) / "index.html"
    if index.exists() and not _validated_in(warehouse, context.run_id):
        context.log.info(f"no suite ran: the data quality reports at {index} stand")
        return dg.MaterializeResult(
            metadata={"path": dg.MetadataValue.path(str(index)), "rebuilt": False}
        )
    index = build_docs(Path(warehouse.quality_docs_dir))
    context.log.info(f"data quality reports at {index}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(index))})


def _validated_in(warehouse: WarehouseResource, run_id: str) -> bool:
    with warehouse.connect() as con:
        if not table_exists(con, RESULTS):
            return False
        return scalar(con, f"select count(*) from {RESULTS} where run_id = ?", [run_id]) > 0
