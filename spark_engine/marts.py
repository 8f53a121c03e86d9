"""Tables the Spark engine built, written out as Parquet: one folder per table, which
DuckDB reads (the attribution's inputs, spark_engine/attribution.py; marts kept in
storage DuckDB cannot read, such as a cluster's metastore tables)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


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
