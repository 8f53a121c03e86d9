"""Registry checks that need the data: a go-live after the data ends is flagged, naming
the registry file, by a real dbt test on a copy of the session's warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import pytest

from dagster_project.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR

pytestmark = pytest.mark.e2e


def own_target(tmp_path) -> list[str]:
    """The project's target/ holds the manifest that other tests' definitions read."""
    return ["--target-path", str(tmp_path / "target")]


def test_go_live_after_the_data_ends_is_flagged_with_its_file(pipeline, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline.settings.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw.initiative_units set go_live_date = date '2031-01-01' "
            "where initiative_id = 'vision-qc' and unit_id = 'L04'"
        )

    result = subprocess.run(
        [DBT_EXECUTABLE, "test", "--select", "registry_go_live_after_data_ends",
         *own_target(tmp_path)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "AIROI_WAREHOUSE_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout  # a warning: planned roll-outs are allowed
    assert "WARN 1 registry_go_live_after_data_ends" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        flagged = con.execute(
            "select source_file, unit_id, go_live_date::varchar "
            "from dbt_test__audit.registry_go_live_after_data_ends"
        ).fetchall()
    assert flagged == [("initiatives/vision-qc.yaml", "L04", "2031-01-01")]


def test_go_live_before_the_data_starts_is_flagged_and_counted(pipeline, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline.settings.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw.initiative_units set go_live_date = date '2010-01-01' "
            "where initiative_id = 'vision-qc' and unit_id = 'L04'"
        )
    env = {**os.environ, "AIROI_WAREHOUSE_PATH": str(warehouse)}

    result = subprocess.run(
        [DBT_EXECUTABLE, "build", "--select", "initiatives", "registry_go_live_before_data_starts",
         *own_target(tmp_path)],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert "WARN 1 registry_go_live_before_data_starts" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        flagged = con.execute(
            "select source_file, unit_id from dbt_test__audit.registry_go_live_before_data_starts"
        ).fetchall()
        counted = con.execute(
            "select treated_units, treated_units_without_baseline from marts.initiatives "
            "where initiative_id = 'vision-qc'"
        ).fetchall()
    assert flagged == [("initiatives/vision-qc.yaml", "L04")]
    assert counted == [(4, 1)]
