"""End to end: demo data → real Dagster run → raw, staging, marts, serving file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingestion.contracts import CONTRACTS
from ingestion.loader import landing_files
from ingestion.readers import read_as_text
from ingestion.registry import registry_files

pytestmark = pytest.mark.e2e


def warehouse(run) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(run.settings.warehouse_path), read_only=True)


def count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return con.execute(f"select count(*) from {relation}").fetchone()[0]


def rows_in_files(paths: list[Path]) -> int:
    """Counted independently of the loader: lines for JSONL and CSV, cells for XLSX."""
    total = 0
    for path in paths:
        if path.suffix == ".xlsx":
            total += pl.read_excel(path).height
        elif path.suffix == ".jsonl":
            total += sum(1 for line in path.read_bytes().splitlines() if line.strip())
        else:
            total += len(path.read_bytes().splitlines()) - 1  # header
    return total


def test_the_job_succeeds(pipeline):
    assert pipeline.result.success


# The demo delivers every source but the optional organisation file and the quality and
# task counts (it writes unit and task rows); tests/test_partial_delivery.py covers
# sources left out.
NOT_IN_THE_DEMO = {
    "organisation_units",
    "qc_inspection_counts",
    "operations_task_counts",
    "peer_adoption",
}


@pytest.mark.parametrize("table", sorted(CONTRACTS))
def test_raw_rows_equal_the_rows_in_the_generated_files(pipeline, table):
    files = landing_files(CONTRACTS[table], pipeline.settings.landing_dir)
    expected = rows_in_files(files)

    with warehouse(pipeline) as con:
        assert (expected > 0) is (table not in NOT_IN_THE_DEMO)
        assert count(con, f"raw.{table}") == expected
        assert count(con, "audit.quarantine") == 0


def test_every_initiative_file_is_one_registry_row(pipeline):
    expected = len(registry_files(pipeline.settings.landing_dir))
    with warehouse(pipeline) as con:
        assert count(con, "raw.initiatives") == expected == len(pipeline.truth["initiatives"])


STAGING = {
    "stg_hr__survey_responses": "hr_survey_responses",
    "stg_hr__roster": "hr_roster",
    "stg_operations__tasks": "operations_tasks",
    "stg_sales__orders": "sales_orders",
    "stg_sales__customers": "sales_customers",
    "stg_feedback__responses": "feedback_responses",
    "stg_quality__inspections": "qc_inspections",
    "stg_quality__production_runs": "qc_production_runs",
    "stg_quality__claims": "qc_claims",
    "stg_products__launches": "product_launches",
    "stg_benchmarks__competitor_moves": "competitor_moves",
    "stg_registry__initiatives": "initiatives",
    "stg_registry__initiative_units": "initiative_units",
    "stg_registry__initiative_objectives": "initiative_objectives",
}


@pytest.mark.parametrize(("model", "raw_table"), sorted(STAGING.items()))
def test_staging_keeps_every_row_of_duplicate_free_demo_data(pipeline, model, raw_table):
    with warehouse(pipeline) as con:
        assert count(con, f"staging.{model}") == count(con, f"raw.{raw_table}") > 0


def test_employee_ids_never_reach_the_warehouse(pipeline):
    with warehouse(pipeline) as con:
        for table in ("raw.hr_roster", "raw.hr_survey_responses", "raw.operations_tasks"):
            raw_ids = count(con, f"{table} where employee_id like 'E0%'")
            assert raw_ids == 0, table
        lengths = con.execute("select distinct length(employee_id) from raw.hr_roster").fetchall()
        assert lengths == [(64,)]


def test_french_survey_waves_are_translated_and_decimal_commas_read(pipeline):
    landing = pipeline.settings.landing_dir
    french = [
        p for p in landing_files(CONTRACTS["hr_survey_responses"], landing)
        if "vague" in read_as_text(p).columns
    ]  # fmt: skip
    assert french, "the demo should carry French survey exports"
    with warehouse(pipeline) as con:
        usage, minutes = con.execute(
            "select list(distinct ai_tool_usage order by ai_tool_usage), "
            "max(completion_minutes - floor(completion_minutes)) "
            "from raw.hr_survey_responses where _source_file = ?",
            [french[0].relative_to(landing).as_posix()],
        ).fetchone()
    assert usage == ["heavy", "light", "none"]
    assert minutes > 0  # fractional minutes survived the decimal comma


def test_initiative_rollouts_match_the_registry(pipeline):
    with warehouse(pipeline) as con:
        row = con.execute(
            "select treated_units, control_units, first_go_live_date::varchar "
            "from marts.initiatives where initiative_id = 'vision-qc'"
        ).fetchone()
    assert row == (4, 4, "2025-11-01")


def test_serving_file_holds_the_marts_and_the_run_id(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        run_id = con.execute("select published_run_id from quality.publish_info").fetchone()[0]
        initiatives = count(con, "overview.initiatives")
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_schemas()").fetchall()
        }
    assert run_id == pipeline.result.run_id
    assert initiatives == len(pipeline.truth["initiatives"])
    assert {"overview", "metrics", "quality"} <= schemas
    assert not schemas & {"raw", "staging", "intermediate", "marts", "audit"}


def test_a_second_run_loads_nothing_new_and_changes_no_count(pipeline):
    def counts() -> dict[str, int]:
        with warehouse(pipeline) as con:
            tables = con.execute(
                "select schema_name || '.' || table_name from duckdb_tables() "
                "where schema_name in ('raw', 'marts')"
            ).fetchall()
            return {name: count(con, name) for (name,) in tables}

    before = counts()
    second = pipeline.run_again()

    assert second.success
    loaded = [
        event.materialization.metadata["files_loaded"].value
        for event in second.get_asset_materialization_events()
        if event.materialization.asset_key.path[0] == "raw"
    ]
    assert loaded and set(loaded) == {0}
    assert counts() == before
    # Every check has a result: those of models not rebuilt are carried over, not missing.
    evaluated = {e.asset_check_key for e in second.get_asset_check_evaluations()}
    expected = set(
        pipeline.defs.resolve_job_def("full_pipeline").asset_layer.asset_graph.asset_check_keys
    )
    assert evaluated == expected
    logged = [record.user_message for record in pipeline.instance.all_logs(second.run_id)]
    assert not [m for m in logged if "did not yield or return expected outputs" in m]
    # The marts' suites see the same data again: their results are carried over; the raw
    # tables' suites, bound to the clock (freshness), run.
    suites = {
        e.asset_key.to_user_string(): e.metadata
        for e in second.get_asset_check_evaluations()
        if e.check_name == "great_expectations"
    }
    carried = {name for name, metadata in suites.items() if "carried_over" in metadata}
    assert {name for name in suites if name.startswith("marts/")} <= carried
    assert "raw/operations_tasks" not in carried
