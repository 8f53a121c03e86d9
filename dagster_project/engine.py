"""The engine the dbt models run on: `AIROI_ENGINE`, `duckdb` (the default) or `spark`.

dbt's profile reads the same variable to pick its target; the pipeline reads it to add
the lake export before dbt, to build the attribution beside dbt-spark, and to load the
marts Spark built into the DuckDB warehouse, where the gate and the publish read them as
they read DuckDB's own (docs/scaling-out.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping

ENGINE_VARIABLE = "AIROI_ENGINE"
ENGINES = ("duckdb", "spark")
# `skip` leaves dbt's data tests out of the builds on Spark (docs/scaling-out.md: where
# that is sound); they always run on DuckDB.
SPARK_TESTS_VARIABLE = "AIROI_SPARK_DBT_TESTS"


def engine(environ: Mapping[str, str] = os.environ) -> str:
    name = environ.get(ENGINE_VARIABLE) or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"{ENGINE_VARIABLE}={name!r}: expected one of {', '.join(ENGINES)}")
    return name


def on_spark(environ: Mapping[str, str] = os.environ) -> bool:
    return engine(environ) == "spark"


def dbt_data_tests(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the dbt builds run the data tests: always on DuckDB, on Spark unless
    AIROI_SPARK_DBT_TESTS=skip."""
    return not on_spark(environ) or environ.get(SPARK_TESTS_VARIABLE, "run") != "skip"


def prepare_engine() -> None:
    """What a process that runs dbt on Spark needs in its environment: a Java runtime and
    the driver's address (spark_engine/java.py). Nothing on DuckDB."""
    if on_spark():
        from spark_engine.java import spark_variables

        os.environ.update(spark_variables())
