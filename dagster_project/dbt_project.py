"""The dbt project as Dagster sees it. Kept alone in this module so that
`dagster-dbt project prepare-and-package --file dagster_project/dbt_project.py` can build
the manifest before the definitions that need it are imported."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"
GENERATED_FOLDERS = {"target", "logs"}
# The dbt installed beside this Python, so nothing depends on an activated environment.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

# The attribution model's regressions must give the same numbers bit for bit on every
# run; multi-threaded BLAS sums in a varying order. dbt runs in a child process, which
# inherits this.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare_manifest() -> Path:
    """Parse the dbt project into its manifest, as `dagster dev` does on load; skipped
    (a few seconds saved per run) while the manifest is newer than every project file."""
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime > _newest_project_file():
        return manifest
    subprocess.run(
        [DBT_EXECUTABLE, "parse", "--quiet"],
        cwd=DBT_PROJECT_DIR,
        check=True,
    )
    return dbt_project.manifest_path


def _newest_project_file() -> float:
    return max((path.stat().st_mtime for path in project_files()), default=0.0)


def project_files() -> Iterator[Path]:
    """The project's own files. dbt's target/ and logs/ are not entered: every run adds a
    folder of compiled files there."""
    for folder, subfolders, files in os.walk(DBT_PROJECT_DIR):
        subfolders[:] = sorted(name for name in subfolders if name not in GENERATED_FOLDERS)
        for name in sorted(files):
            yield Path(folder, name)
