"""The warehouse connection is dagster-duckdb's DuckDBResource: its path the EnvVar
AIROI_WAREHOUSE_PATH, it waits out a brief lock held by another process, and a failing
step's connection is closed at once, so no other process finds the file locked."""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.resources import WAREHOUSE_PATH_VARIABLE, WarehouseResource
from ingestion.settings import DEFAULT_DUCKDB_MEMORY_LIMIT
from tests.conftest import settings_for

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""
OPEN_READ_WRITE = "import sys, duckdb; duckdb.connect(sys.argv[1]).close()"
MEMORY_LIMIT = "select current_setting('memory_limit')"


@contextmanager
def connection(resource: WarehouseResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """The resource's connection as a step gets it: EnvVar resolved at run time."""
    with (
        dg.build_resources({"warehouse": resource}) as resources,
        resources.warehouse.connect() as con,
    ):
        yield con


@pytest.fixture
def resource(tmp_path, monkeypatch) -> WarehouseResource:
    return WarehouseResource.from_settings(settings_for(tmp_path, monkeypatch))


def test_the_path_is_the_environment_variable(resource, tmp_path, monkeypatch):
    assert resource.database.database == dg.EnvVar(WAREHOUSE_PATH_VARIABLE)

    monkeypatch.setenv(WAREHOUSE_PATH_VARIABLE, str(tmp_path / "moved.duckdb"))
    with connection(resource) as con:
        limit = con.execute(MEMORY_LIMIT).fetchone()[0]
    with duckdb.connect(config={"memory_limit": DEFAULT_DUCKDB_MEMORY_LIMIT}) as default:
        default_limit = default.execute(MEMORY_LIMIT).fetchone()[0]

    assert (tmp_path / "moved.duckdb").exists()
    assert not (tmp_path / "warehouse.duckdb").exists()
    assert limit == default_limit


def test_a_brief_lock_elsewhere_is_waited_out(resource, tmp_path):
    warehouse = str(tmp_path / "warehouse.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, warehouse, "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    with connection(resource) as con:
        answer = con.execute("select 42").fetchone()[0]
    holder.wait(timeout=30)

    assert answer == 42
    assert time.monotonic() - started >= 0.5  # it did wait for the other process


def test_a_failing_step_leaves_the_file_unlocked(resource, tmp_path):
    warehouse = str(tmp_path / "warehouse.duckdb")
    with dg.build_resources({"warehouse": resource}) as resources:
        # Kept, as Dagster keeps a failed step's error: its traceback holds the step's
        # frame, and so the connection the step named.
        with pytest.raises(ValueError) as failure, resources.warehouse.connect() as con:
            con.execute("select 1")
            raise ValueError("the step failed")
        opened = subprocess.run([sys.executable, "-c", OPEN_READ_WRITE, warehouse], timeout=60)

    assert opened.returncode == 0
    assert failure.value.args == ("the step failed",)
    assert Path(warehouse).exists()
