"""Everything Dagster loads: `dagster dev -m dagster_project.definitions`."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.assets.dbt import dbt_models
from dagster_project.assets.ingestion import initiative_registry, source_assets
from dagster_project.assets.publish import serving_file
from dagster_project.dbt_project import dbt_project
from dagster_project.jobs import daily_schedule, full_pipeline, new_landing_files
from dagster_project.resources import WarehouseResource
from ingestion.settings import Settings

defs = dg.Definitions(
    assets=[*source_assets, initiative_registry, dbt_models, serving_file],
    jobs=[full_pipeline],
    schedules=[daily_schedule],
    sensors=[new_landing_files],
    resources={
        "warehouse": WarehouseResource.from_settings(Settings.from_env()),
        # The venv's own dbt, so runs work without activating the environment.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    },
)
