"""The lake on the Spark engine: the accepted raw tables and the quarantine written as
Parquet (lake/export.py) after ingestion has loaded them into DuckDB, where the load
ledger and the quarantine stay transactional. dbt-spark reads them as external tables
(dbt/macros/register_lake_sources.sql); every dbt model that reads a source waits for
this asset on Spark (dagster_project/assets/dbt.py)."""

from collections.abc import Iterable

import dagster as dg

from dagster_project.resources import WarehouseResource
from lake.export import export_sources, lake_dir

LAKE_KEY = dg.AssetKey(["lake", "sources"])


def build_lake_sources(source_keys: Iterable[dg.AssetKey]) -> dg.AssetsDefinition:
    """The lake export, after every asset that writes one of dbt's sources."""

    @dg.asset(
        key=LAKE_KEY,
        deps=sorted(source_keys, key=lambda key: key.to_user_string()),
        group_name="lake",
        kinds={"duckdb", "parquet"},
        pool="duckdb",
        description="The raw tables and the quarantine as Parquet, one folder per table "
        "under `$AIROI_LAKE_DIR/<schema>/<table>/`: what dbt reads on Spark.",
    )
    def lake_sources(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        folder = lake_dir()
        with warehouse.connect() as con:
            tables = export_sources(con, folder)
        context.log.info(f"{len(tables)} tables written to {folder}")
        return dg.MaterializeResult(
            metadata={"path": dg.MetadataValue.path(str(folder)), "tables": len(tables)}
        )

    return lake_sources
