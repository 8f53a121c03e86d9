"""The serving file opens, comments included, in every DuckDB client BI tools bundle:
each version in scripts/duckdb-clients.txt, installed by scripts/setup-duckdb-clients.sh
into its own folder and run in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import PROJECT_ROOT
from serving.contract import ServedRelation
from serving.publish import publish

VERSIONS_FILE = PROJECT_ROOT / "scripts" / "duckdb-clients.txt"
CLIENTS_DIR = PROJECT_ROOT / ".venv" / "duckdb-clients"
RUN_ID = "run-bi-clients"
TABLE_COMMENT = "One row of every column type the served relations use."
COLUMN_COMMENT = "Return on investment: net benefit over cost."

# Column → (type, SQL literal, value a client reads back). One column per type the served
# relations use: test_the_sample_covers_every_served_type keeps this list complete.
SAMPLE = {
    "units": ("BIGINT", "12", 12),
    "units_total": ("HUGEINT", "170141183460469231731687303715884105727", 2**127 - 1),
    "roi": ("DOUBLE", "1.25", 1.25),
    "significant": ("BOOLEAN", "true", True),
    "report_month": ("DATE", "DATE '2026-10-01'", "2026-10-01"),
    "measured_at": ("TIMESTAMP", "TIMESTAMP '2026-11-01 06:30:00'", "2026-11-01 06:30:00"),
    "initiative": ("VARCHAR", "'Prévision de la demande'", "Prévision de la demande"),
}

READ_AS_A_BI_TOOL = textwrap.dedent(
    """
    import json, sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    names = [c[0] for c in con.execute("select * from overview.sample").description]
    (row,) = con.execute("select * from overview.sample").fetchall()
    print(json.dumps({
        "version": duckdb.__version__,
        "tables": con.execute("select count(*) from duckdb_tables()").fetchone()[0],
        "row": dict(zip(names, row)),
        "table_comment": con.execute(
            "select comment from duckdb_tables() where table_name = 'sample'"
        ).fetchone()[0],
        "column_comment": con.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'sample' and column_name = 'roi'"
        ).fetchone()[0],
    }, default=str))
    """
)


def client_versions() -> list[str]:
    lines = VERSIONS_FILE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def serving_file(tmp_path_factory) -> Path:
    """A one-table warehouse published by serving.publish.publish, as the pipeline does."""
    folder = tmp_path_factory.mktemp("bi_clients")
    columns = ", ".join(
        f"{literal}::{kind} as {name}" for name, (kind, literal, _) in SAMPLE.items()
    )
    with duckdb.connect(str(folder / "warehouse.duckdb")) as warehouse:
        warehouse.execute("create schema marts")
        warehouse.execute(f"create table marts.sample as select {columns}")
        warehouse.execute("create schema intermediate")
        warehouse.execute("create table intermediate.int_report_month as select report_month "
                          "from marts.sample")  # fmt: skip
        relation = ServedRelation(
            "overview",
            "sample",
            "select * from marts.sample",
            TABLE_COMMENT,
            {"roi": COLUMN_COMMENT},
        )
        report = publish(warehouse, folder / "serving" / "ai_roi.duckdb", RUN_ID, [relation])
    return report.serving_path


@pytest.mark.parametrize("version", client_versions())
def test_every_client_reads_the_published_file(serving_file, version):
    client = CLIENTS_DIR / version
    assert client.is_dir(), f"{client} is missing: run scripts/setup-duckdb-clients.sh"

    result = subprocess.run(
        [sys.executable, "-c", READ_AS_A_BI_TOOL, str(serving_file)],
        env={**os.environ, "PYTHONPATH": str(client)},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {
        "version": version,
        "tables": 2,  # overview.sample and quality.publish_info
        "row": {name: value for name, (_, _, value) in SAMPLE.items()}
        | {"published_run_id": RUN_ID},
        "table_comment": TABLE_COMMENT,
        "column_comment": COLUMN_COMMENT,
    }


@pytest.mark.e2e
def test_the_sample_covers_every_served_type(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        served = con.execute(
            "select distinct data_type from duckdb_columns() where not internal"
        ).fetchall()
    assert {kind for (kind,) in served} <= {kind for kind, _, _ in SAMPLE.values()}
