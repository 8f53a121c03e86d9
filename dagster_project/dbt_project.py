"""The dbt project as Dagster sees it. Kept alone in this module so that
`dagster-dbt project prepare-and-package --file dagster_project/dbt_project.py` can build
the manifest before the definitions that need it are imported."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
