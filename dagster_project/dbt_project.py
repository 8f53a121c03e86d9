"""The dbt project as Dagster sees it. Kept alone in this module so that
`dagster-dbt project prepare-and-package --file dagster_project/dbt_project.py` can build
the manifest before the definitions that need it are imported."""

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"
# The dbt installed beside this Python, so nothing depends on an activated environment.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare_manifest() -> Path:
    """Parse the dbt project into its manifest, as `dagster dev` does on load."""
    subprocess.run(
        [DBT_EXECUTABLE, "parse", "--quiet"],
        cwd=DBT_PROJECT_DIR,
        check=True,
    )
    return dbt_project.manifest_path
