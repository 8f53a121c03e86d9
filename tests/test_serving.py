"""The serving file: its contract, DuckDB 1.x clients, Parquet, and readers that never
block the pipeline nor see half a publish."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.dbt_project import dbt_project
from serving.contract import RUN_ID_COLUMN, served_relations
from serving.publish import parquet_root, publish
from tests.test_bi_clients import CLIENTS_DIR, client_versions

pytestmark = pytest.mark.e2e


def serving_tables(path: Path) -> list[tuple[str, str, str | None]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select schema_name, table_name, comment from duckdb_tables() order by 1, 2"
        ).fetchall()


def test_every_relation_is_described_and_carries_the_run_id(pipeline):
    tables = serving_tables(pipeline.settings.serving_path)
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        ((published,),) = con.execute(
            f"select {RUN_ID_COLUMN} from quality.publish_info"
        ).fetchall()
        for schema, table, comment in tables:
            assert comment, f"{schema}.{table} has no description"
            run_ids = con.execute(
                f"select distinct {RUN_ID_COLUMN} from {schema}.{table}"
            ).fetchall()
            assert run_ids in ([(published,)], []), f"{schema}.{table}"
        described = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'overview' "
            "and table_name = 'initiative_roi' and comment is not null"
        ).fetchall()[0][0]
    assert described >= 10


def test_no_identifiers_or_raw_values_are_served(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        columns = {
            row[0] for row in con.execute("select column_name from duckdb_columns()").fetchall()
        }
    assert not columns & {"employee_id", "employee_key", "raw_values", "comment_text"}


def test_parquet_export_matches_the_serving_file(pipeline):
    current = parquet_root(pipeline.settings.serving_path) / "current"
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        for schema, table, _ in serving_tables(pipeline.settings.serving_path):
            rows = con.execute(f"select count(*) from {schema}.{table}").fetchall()[0][0]
            assert (
                pl.scan_parquet(current / schema / f"{table}.parquet")
                .select(pl.len())
                .collect()
                .item()
                == rows
            )


def test_the_oldest_duckdb_client_reads_every_relation(pipeline):
    """The demo's real publish, opened by the oldest client BI tools may bundle."""
    oldest = client_versions()[0]
    script = textwrap.dedent(
        """
        import sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        print(duckdb.__version__)
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2"
        ).fetchall():
            rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            print(f"{schema}.{table} {rows}")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(pipeline.settings.serving_path)],
        env={**os.environ, "PYTHONPATH": str(CLIENTS_DIR / oldest)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    version, *lines = result.stdout.splitlines()
    read_by_old = dict(line.split() for line in lines)
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        expected = {
            f"{schema}.{table}": str(
                con.execute(f"select count(*) from {schema}.{table}").fetchall()[0][0]
            )
            for schema, table, _ in serving_tables(pipeline.settings.serving_path)
        }
    assert version == oldest
    assert read_by_old == expected


READER = textwrap.dedent(
    """
    import sys, duckdb
    path, minimum = sys.argv[1], int(sys.argv[2])
    reads = errors = inconsistent = 0
    while reads < minimum:
        try:
            with duckdb.connect(path, read_only=True) as con:
                distinct = con.execute(
                    "select count(distinct published_run_id) from ("
                    " select published_run_id from overview.initiative_roi"
                    " union all select published_run_id from overview.initiative_effects"
                    " union all select published_run_id from metrics.quality"
                    " union all select published_run_id from quality.publish_info)"
                ).fetchall()[0][0]
            inconsistent += distinct != 1
        except Exception as error:
            errors += 1
            print("error:", error, file=sys.stderr)
        reads += 1
    print(reads, errors, inconsistent)
    """
)


def test_readers_never_block_publishing_nor_see_half_a_publish(pipeline, tmp_path):
    warehouse_copy = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline.settings.warehouse_path, warehouse_copy)
    serving = tmp_path / "serving" / "ai_roi.duckdb"
    relations = served_relations(dbt_project.manifest_path)
    with duckdb.connect(str(warehouse_copy)) as con:
        publish(con, serving, "publish-0", relations)
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(serving), "400"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        publishes = 0
        while reader.poll() is None:
            publishes += 1
            publish(con, serving, f"publish-{publishes}", relations)
        output, stderr = reader.communicate()

    reads, errors, inconsistent = map(int, output.split())
    assert publishes >= 3, "the reader finished before several publishes happened"
    assert (reads, errors, inconsistent) == (400, 0, 0), stderr


def test_a_dashboard_that_fails_to_build_replaces_nothing(pipeline, tmp_path):
    """The serving file, its Parquet and the dashboard are swapped in together, or not."""
    from dashboard import build_dashboard
    from serving.publish import dashboard_dir

    warehouse_copy = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline.settings.warehouse_path, warehouse_copy)
    serving = tmp_path / "serving" / "ai_roi.duckdb"
    relations = served_relations(dbt_project.manifest_path)

    def broken_dashboard(serving_file: Path, folder: Path) -> Path:
        build_dashboard(serving_file, folder)  # half the pages written, then a failure
        raise StopIteration("a chart could not be drawn")

    with duckdb.connect(str(warehouse_copy)) as con:
        publish(con, serving, "good", relations, build_dashboard)
        before = {p: p.read_bytes() for p in sorted(tmp_path.joinpath("serving").rglob("*"))
                  if p.is_file()}  # fmt: skip
        with pytest.raises(StopIteration):
            publish(con, serving, "broken", relations, broken_dashboard)

    after = {p: p.read_bytes() for p in sorted(tmp_path.joinpath("serving").rglob("*"))
             if p.is_file()}  # fmt: skip
    assert after == before
    assert (parquet_root(serving) / "current").resolve().name == "good"
    assert sorted(p.name for p in dashboard_dir(serving).iterdir()) == [
        "index.html",
        "roi-dashboard-good.html",
    ]
