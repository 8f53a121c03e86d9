"""A corrupted source fails the quality gate, the run stops before publishing, and the
serving file BI tools read stays byte-identical to the last good run."""

from __future__ import annotations

import hashlib
import shutil

import dagster as dg
import duckdb
import pytest

from tests.conftest import settings_for
from tests.helpers import write_text

pytestmark = pytest.mark.e2e


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_run(serving_path) -> str:
    with duckdb.connect(str(serving_path), read_only=True) as con:
        return con.execute("select published_run_id from quality.publish_info").fetchall()[0][0]


def test_corrupted_source_stops_the_run_and_leaves_the_serving_file_untouched(
    pipeline, tmp_path, monkeypatch
):
    shutil.copytree(pipeline.settings.data_dir, tmp_path, dirs_exist_ok=True)
    settings = settings_for(tmp_path, monkeypatch)
    before = sha256(settings.serving_path), published_run(settings.serving_path)
    # Passes the file contract (no exact duplicates) but reuses one serial for two units.
    header = (
        "unit_serial,line,inspected_at,defects_found,defective,reworked,passed_first_time,"
        "opportunities_per_unit"
    )
    rows = [
        f"DUP-1,L0{n % 8 + 1},2026-10-0{n % 9 + 1}T10:00:00,0,false,false,true,250"
        for n in range(30)
    ]
    write_text(
        settings.landing_dir / "quality" / "inspections_2026-10-late.csv",
        "\n".join([header, *rows]) + "\n",
    )

    from dagster_project.definitions import build_definitions

    with dg.DagsterInstance.ephemeral() as instance:
        job = build_definitions(settings).resolve_job_def("full_pipeline")
        result = job.execute_in_process(instance=instance, raise_on_error=False)

    assert not result.success
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    gate = next(e for e in evaluations if e.asset_key == dg.AssetKey(["raw", "qc_inspections"]))
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    assert "expect_column_values_to_be_unique" in gate.metadata["failures"].value
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["serving", "ai_roi"]) not in {k for k in materialized}
    assert (sha256(settings.serving_path), published_run(settings.serving_path)) == before
