"""The local Spark session the pipeline's own steps use: the same warehouse folder,
metastore and settings as dbt's `spark` target (dbt/profiles.yml), from the same
environment variables, so both see the same tables. Spark starts its JVM once per
process; getOrCreate returns the running one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion.settings import PROJECT_ROOT
from spark_engine.java import spark_variables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where Spark keeps its tables and metastore: AIROI_SPARK_DIR, else
    $AIROI_DATA_DIR/spark, else data/spark in the project, as dbt's profile says."""
    if environ.get("AIROI_SPARK_DIR"):
        return Path(environ["AIROI_SPARK_DIR"])
    data_dir = environ.get("AIROI_DATA_DIR") or PROJECT_ROOT / "data"
    return Path(data_dir) / "spark"


def spark_settings(folder: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The settings of dbt's `spark` target, for a session whose files live in `folder`."""
    folder = folder.resolve()
    return {
        "spark.master": environ.get("AIROI_SPARK_MASTER", "local[*]"),
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={folder / 'derby.log'}",
        "spark.driver.memory": environ.get("AIROI_SPARK_DRIVER_MEMORY", "2g"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.hive.manageFilesourcePartitions": "false",
        "spark.sql.sources.parallelPartitionDiscovery.threshold": "100000",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": environ.get("AIROI_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.sql.sources.default": "parquet",
        "spark.sql.legacy.createHiveTableByDefault": "false",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        # dbt-spark sets the same, for the same results on Spark 3 and 4.
        "spark.sql.ansi.enabled": "false",
    }


def local_session(folder: Path, environ: Mapping[str, str] = os.environ) -> SparkSession:
    """A Spark session with Hive support over `folder`, started (with a Java runtime,
    spark_engine/java.py) unless this process already runs one."""
    os.environ.update(spark_variables(environ))
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("ai-roi-warehouse").enableHiveSupport()
    for key, value in spark_settings(folder, environ).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
