"""Everything Dagster loads: `dagster dev` and `dg dev` read it from pyproject.toml."""

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.assets.dbt import (
    dbt_daily_models,
    dbt_models,
    dbt_project_manifest,
    source_keys,
)
from dagster_project.assets.ingestion import GROUP, initiative_registry, source_assets
from dagster_project.assets.lake import build_lake_sources
from dagster_project.assets.publish import serving_file
from dagster_project.assets.quality_docs import quality_docs
from dagster_project.assets.quarantine import quarantine_spec
from dagster_project.checks import suite_checks
from dagster_project.dbt_project import DBT_EXECUTABLE, dbt_project
from dagster_project.engine import on_spark
from dagster_project.event_log import speed_up_sqlite_storage
from dagster_project.jobs import daily_schedule, full_pipeline, new_landing_files
from dagster_project.ownership import owners_from_env, with_default_owners
from dagster_project.resources import WarehouseResource
from ingestion.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Definitions over the given paths. dbt reads the warehouse path from
    AIROI_WAREHOUSE_PATH, so the environment must agree with `settings`. Assets that name
    no owners are owned by AIROI_ASSET_OWNERS (default team:analytics-engineering). On
    the Spark engine (AIROI_ENGINE=spark) the lake export runs between ingestion and dbt."""
    quarantine = quarantine_spec(
        dbt_project_manifest(),
        written_by=[key for asset in source_assets for key in asset.keys],
        group_name=GROUP,
    )
    assets = [
        *source_assets,
        initiative_registry,
        quarantine,
        *([build_lake_sources(source_keys())] if on_spark() else []),
        dbt_daily_models,
        dbt_models,
        serving_file,
        quality_docs,
    ]
    return dg.Definitions(
        assets=with_default_owners(assets, owners_from_env()),
        asset_checks=suite_checks,
        jobs=[full_pipeline],
        schedules=[daily_schedule],
        sensors=[new_landing_files],
        resources={
            "warehouse": WarehouseResource.from_settings(settings),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
    )


# Every process that runs these definitions writes Dagster's events this fast.
speed_up_sqlite_storage()
defs = build_definitions(Settings.from_env())
