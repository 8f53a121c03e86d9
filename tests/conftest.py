"""Shared fixtures. `pipeline` generates demo data and runs the real job once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.settings import Settings
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, DbtCopy

# Small enough for a quick suite, large enough for every effect to be estimable.
DEMO_SCALE = 0.3


@dataclass
class PipelineRun:
    settings: Settings
    defs: dg.Definitions
    result: dg.ExecuteInProcessResult
    truth: dict
    instance: dg.DagsterInstance
    # The landing files and serving file of that first run, before any test adds files or
    # runs the job again (quality results accumulate run after run).
    first_publish: Path

    @property
    def first_serving(self) -> Path:
        return self.first_publish / "ai_roi.duckdb"

    def run_again(self) -> dg.ExecuteInProcessResult:
        job = self.defs.resolve_job_def("full_pipeline")
        return job.execute_in_process(instance=self.instance, raise_on_error=False)


def settings_for(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point every path (and dbt's profile) at `data_dir`."""
    monkeypatch.setenv("AIROI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AIROI_WAREHOUSE_PATH", str(data_dir / "warehouse.duckdb"))
    monkeypatch.setenv("AIROI_LANDING_DIR", str(data_dir / "landing"))
    monkeypatch.setenv("AIROI_SERVING_PATH", str(data_dir / "serving" / "ai_roi.duckdb"))
    monkeypatch.setenv("AIROI_PSEUDONYMISATION_KEY", "test-key")
    return Settings.from_env()


@pytest.fixture
def con(tmp_path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse file of the test's own (tests of one relation make their own)."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


@pytest.fixture
def landing(tmp_path) -> Path:
    return tmp_path / "landing"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Spark run is the longest test: started first, it runs beside the rest when the
    suite is spread over workers (`pytest -n 2 --dist loadfile`)."""
    items.sort(key=lambda item: item.get_closest_marker("spark") is None)


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory) -> Path:
    from filelock import FileLock

    from dagster_project.dbt_project import prepare_manifest

    # Workers share the project's target folder: one parses while the others wait.
    with FileLock(tmp_path_factory.getbasetemp().parent / "dbt-parse.lock"):
        return prepare_manifest()


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory, dbt_manifest) -> Iterator[PipelineRun]:
    from dagster_project.definitions import build_definitions
    from ingestion.demo_data import generate

    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(tmp_path_factory.mktemp("pipeline"), monkeypatch)
        truth = generate(settings.landing_dir, scale=DEMO_SCALE)
        defs = build_definitions(settings)
        with dg.DagsterInstance.ephemeral() as instance:
            job = defs.resolve_job_def("full_pipeline")
            result = job.execute_in_process(instance=instance, raise_on_error=False)
            first_publish = tmp_path_factory.mktemp("first_publish")
            shutil.copytree(settings.landing_dir, first_publish / "landing")
            if settings.serving_path.exists():
                shutil.copy(settings.serving_path, first_publish / "ai_roi.duckdb")
            yield PipelineRun(settings, defs, result, truth, instance, first_publish)


@pytest.fixture
def dbt_copy(pipeline, tmp_path) -> DbtCopy:
    """The dbt project and the pipeline's warehouse, copied: edit and rebuild freely."""
    from dagster_project.dbt_project import DBT_PROJECT_DIR

    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp_path / "warehouse.duckdb"
    source = pipeline.settings.warehouse_path
    shutil.copy(source, warehouse)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, warehouse.with_name(warehouse.name + ".wal"))
    return DbtCopy(project, warehouse)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (Playwright's own browser download is not reachable here)."""
    if not CHROMIUM.exists():
        install = subprocess.run(
            "apt-get update && apt-get install -y chromium",
            shell=True,
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if install.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(f"could not install chromium:\n{install.stdout[-2000:]}{install.stderr}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
