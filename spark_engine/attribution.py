"""The attribution on Spark. dbt-spark runs dbt Python models only on Databricks, so here
the same tables (attribution/tables.py) are computed beside dbt: the small inputs leave
Spark as Parquet, are read by DuckDB into pandas as dbt-duckdb hands them to the Python
models, and the outputs go back as Spark tables under the models' names. Run it between
a dbt build that leaves the Python models out and one that builds what reads them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from attribution.dose_response import dose_response_table
from attribution.tables import (
    effect_draws_table,
    effects_table,
    event_study_table,
    objective_effects_table,
)
from spark_engine.marts import export_tables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INPUTS = {
    "panel": "intermediate.int_initiative_metric_panel",
    "objectives": "staging.stg_registry__initiative_objectives",
    "report_month": "intermediate.int_report_month",
    "dose_panel": "intermediate.int_ai_usage__dose_panel",
}
SCHEMA = "intermediate"


def attribute(spark: SparkSession, work_dir: Path) -> dict[str, int]:
    """Build the attribution's tables in Spark from its inputs there; returns their rows."""
    folders = export_tables(spark, list(INPUTS.values()), work_dir / "inputs")
    outputs = work_dir / "outputs"
    with duckdb.connect() as con:
        frames = {name: _read(con, folders[relation]) for name, relation in INPUTS.items()}
        effects = effects_table(frames["panel"])
        tables = {
            "int_attribution__effects": effects,
            "int_attribution__event_study": event_study_table(frames["panel"]),
            "int_objective_effects": objective_effects_table(
                frames["panel"], frames["objectives"], frames["report_month"]
            ),
        }
        tables["int_ai_usage__dose_response"] = dose_response_table(frames["dose_panel"])
        con.register("effects", effects)
        tables["int_attribution__effect_draws"] = effect_draws_table(con.sql("from effects").pl())
        for name, frame in tables.items():
            _write(con, frame, outputs / name)
    return {name: _load(spark, outputs / name, f"{SCHEMA}.{name}") for name in tables}


def _read(con: duckdb.DuckDBPyConnection, folder: Path):
    return con.sql(f"from read_parquet('{_literal(folder / '*.parquet')}')").df()


def _write(con: duckdb.DuckDBPyConnection, frame, folder: Path) -> None:
    """`frame` as Parquet, with pandas' nanosecond timestamps in microseconds: Spark 3.5
    reads no nanosecond Parquet timestamps."""
    folder.mkdir(parents=True, exist_ok=True)
    con.register("output", frame)
    columns = ", ".join(
        f'cast("{name}" as timestamp) as "{name}"' if kind == "TIMESTAMP_NS" else f'"{name}"'
        for name, kind, *_ in con.execute("describe output").fetchall()
    )
    target = _literal(folder / "part-0.parquet")
    con.execute(f"copy (select {columns} from output) to '{target}' (format parquet)")
    con.unregister("output")


def _load(spark: SparkSession, folder: Path, relation: str) -> int:
    frame = spark.read.parquet(str(folder))
    frame.write.mode("overwrite").saveAsTable(relation)
    return spark.table(relation).count()


def _literal(path: Path) -> str:
    return path.as_posix().replace("'", "''")
