"""A source failing an error-level expectation stops the run before any dbt model is
built: the serving file, its Parquet export and the dashboard stay byte-identical, the
failure is printed with what it observed, and the next publish's dashboard says so."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.nothing_new import INPUTS_TAG, nothing_new, run_inputs
from dagster_project.run_summary import summary
from serving.publish import dashboard_dir, parquet_root
from tests.conftest import settings_for
from tests.helpers import write_text

pytestmark = pytest.mark.e2e

HEADER = (
    "unit_serial,line,inspected_at,defects_found,defective,reworked,passed_first_time,"
    "opportunities_per_unit"
)


def published_bytes(serving_path: Path) -> dict[str, str]:
    """Every file a BI tool or a manager reads, by path, with its content hash."""
    current = (parquet_root(serving_path) / "current").resolve()
    files = [serving_path, *current.rglob("*.parquet"), *dashboard_dir(serving_path).iterdir()]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def inspections(serials: list[str]) -> str:
    rows = [
        f"{serial},L0{n % 8 + 1},2026-10-0{n % 9 + 1}T10:00:00,0,false,false,true,250"
        for n, serial in enumerate(serials)
    ]
    return "\n".join([HEADER, *rows]) + "\n"


def run(settings, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    from dagster_project.definitions import build_definitions

    with dg.DagsterInstance.ephemeral() as instance:
        job = build_definitions(settings).resolve_job_def("full_pipeline")
        return job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)


def test_a_failed_raw_check_publishes_nothing_and_the_next_dashboard_says_so(
    pipeline, tmp_path, monkeypatch
):
    shutil.copytree(pipeline.settings.data_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    settings = settings_for(tmp_path, monkeypatch)
    before = published_bytes(settings.serving_path)
    late_file = settings.landing_dir / "quality" / "inspections_2026-10-late.csv"
    # Passes the file contract (no exact duplicates) but reuses one serial for 30 units.
    write_text(late_file, inspections(["DUP-1"] * 30))

    blocked = run(settings)

    assert not blocked.success
    gate = next(
        e
        for e in blocked.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey(["raw", "qc_inspections"])
    )
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    built = {e.asset_key.path[0] for e in blocked.get_asset_materialization_events()}
    assert built == {"raw"}  # no dbt model, no serving file, no dashboard
    refusals = [
        e.event_specific_data.error.message
        for e in blocked.all_events
        if e.event_type_value == "STEP_FAILURE"
    ]
    assert any(
        "raw.qc_inspections: expect_compound_columns_to_be_unique on unit_serial, _source_file "
        "failed (30 unexpected rows"
        in message
        and "no dbt model was built" in message
        for message in refusals
    ), "\n".join(refusals)
    assert published_bytes(settings.serving_path) == before
    printed = summary(settings, blocked)
    assert "What failed:\n  - raw.qc_inspections: expect_compound_columns_to_be_unique" in printed
    assert f"{settings.serving_path} (NOT updated by this run" in printed

    write_text(late_file, inspections([f"LATE-{n}" for n in range(30)]))
    fixed = run(settings)

    assert fixed.success
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        ((run_id, failures),) = con.execute(
            "select run_id, failures from quality.blocked_publishes"
        ).fetchall()
    assert run_id == blocked.run_id and "_source_file failed (30 unexpected rows" in failures
    page = (dashboard_dir(settings.serving_path) / "index.html").read_text()
    assert "Publishing was stopped:" in page and "_source_file failed (30 unexpected rows" in page


def test_a_refused_run_is_never_taken_for_nothing_new(pipeline, tmp_path, monkeypatch):
    """The landing files as published again after a refused run: the bad rows it loaded
    stay in the warehouse and its failures stay open, so the next run must run."""
    shutil.copytree(pipeline.settings.data_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    settings = settings_for(tmp_path, monkeypatch)
    inputs = run_inputs(settings)
    assert run(settings, tags={INPUTS_TAG: inputs}).success
    assert nothing_new(settings, inputs) is not None
    late_file = settings.landing_dir / "quality" / "inspections_2026-10-late.csv"
    write_text(late_file, inspections(["DUP-1"] * 30))

    assert not run(settings, tags={INPUTS_TAG: run_inputs(settings)}).success

    late_file.unlink()
    assert run_inputs(settings) == inputs
    assert nothing_new(settings, inputs) is None
