"""`python -m spark_engine attribute WORK_DIR`: the attribution on Spark, between the dbt
build without the Python models and the one of what reads them. A process of its own:
Spark's embedded metastore admits one JVM at a time, and dbt's session is another."""

from __future__ import annotations

import argparse
from pathlib import Path

from spark_engine.attribution import attribute
from spark_engine.session import local_session, spark_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spark_engine")
    commands = parser.add_subparsers(dest="command", required=True)
    attribution = commands.add_parser("attribute", help="build the attribution's tables")
    attribution.add_argument("work_dir", type=Path, help="folder for the Parquet hand-over")
    arguments = parser.parse_args(argv)
    spark = local_session(spark_dir())
    try:
        for table, rows in attribute(spark, arguments.work_dir).items():
            print(f"{table}: {rows} rows", flush=True)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
