"""Tables the Spark engine built, written out as Parquet: one folder per table, which
DuckDB reads into the warehouse the serving file is published from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def tables_in(spark: SparkSession, schema: str) -> list[str]:
    return sorted(row.tableName for row in spark.sql(f"show tables in {schema}").collect())


def export_tables(spark: SparkSession, relations: list[str], folder: Path) -> dict[str, Path]:
    """Each `schema.table` of `relations` to `folder/<table>/`, replacing what was there.
    One file per table: these are aggregates, small whatever the input's size."""
    exported = {}
    for relation in relations:
        target = folder / relation.split(".")[-1]
        shutil.rmtree(target, ignore_errors=True)
        spark.table(relation).coalesce(1).write.parquet(str(target))
        exported[relation] = target
    return exported
