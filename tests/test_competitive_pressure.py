"""Competitive pressure in the opportunity finder (docs/opportunities.md#competitive-
pressure): Eurostat's SDMX-CSV export loads as published; a peer-adoption figure moves
its process's score and rank exactly as the weights say; with no benchmark delivered the
component is absent, every other figure and rank is as without it, and the Where next
page says so. The demo's benchmark files are served and shown with their sources."""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace

import duckdb
import pytest

from dagster_project.dbt_project import DBT_PROJECT_DIR
from dashboard import opportunities as where_next
from expectations import validate_relation
from ingestion import ledger
from ingestion.contracts import COMPETITOR_MOVES, EUROSTAT_AI_USE, PEER_ADOPTION
from ingestion.loader import load_source
from tests.helpers import TEST_KEY, DbtCopy, scalar, write_text

MART = "marts.opportunities"
BENCHMARK_TABLES = ("raw.peer_adoption", "raw.eurostat_ai_use", "raw.competitor_moves")
BENCHMARK_STAGING = (
    "stg_benchmarks__peer_adoption",
    "stg_benchmarks__eurostat_ai_use",
    "stg_benchmarks__competitor_moves",
)
OTHER_COMPONENTS = (
    "hours_at_stake_score",
    "repetitiveness_score",
    "error_proneness_score",
    "pain_score",
    "strategic_alignment_score",
    "data_availability",
)
# As Eurostat's dissemination API and data browser export isoc_eb_ai (SDMX-CSV, codes
# only, a confidentiality status last): a withheld cell has an empty value and flag c.
EUROSTAT_EXPORT = (
    "DATAFLOW,LAST UPDATE,freq,unit,indic_is,size_emp,nace_r2,geo,TIME_PERIOD,OBS_VALUE,"
    "OBS_FLAG,CONF_STATUS\n"
    "ESTAT:ISOC_EB_AI(1.0),16/01/25 23:00:00,A,PC_ENT,E_AI_PACC,GE250,C26,FR,2024,18.3,,\n"
    "ESTAT:ISOC_EB_AI(1.0),16/01/25 23:00:00,A,PC_ENT,E_AI_PPP,GE10,C10-S951_X_K,EU27_2020,"
    "2024,6.2,b,\n"
    "ESTAT:ISOC_EB_AI(1.0),16/01/25 23:00:00,A,PC_ENT,E_AI_PLOG,GE250,C26,FR,2023,,c,C\n"
)


def weights() -> dict[str, float]:
    with (DBT_PROJECT_DIR / "seeds" / "opportunity_weights.csv").open(encoding="utf-8") as f:
        return {row["component"]: float(row["weight"]) for row in csv.DictReader(f)}


def by_process(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cursor = con.execute(f"select * from {MART}")
    names = [column[0] for column in cursor.description]
    return {row[1]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def ranking(rows: dict[str, dict]) -> list[str]:
    ranked = [row for row in rows.values() if row["opportunity_rank"] is not None]
    return [row["process_name"] for row in sorted(ranked, key=lambda r: r["opportunity_rank"])]


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


# --- the Eurostat export, loaded as published ------------------------------------------


def test_a_eurostat_sdmx_csv_export_loads_unchanged(tmp_path):
    landing = tmp_path / "landing"
    write_text(landing / "benchmarks" / "estat_isoc_eb_ai_linear.csv", EUROSTAT_EXPORT)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as db:
        report = load_source(db, EUROSTAT_AI_USE, landing, TEST_KEY)
        loaded = db.execute(
            "select indic_is, size_emp, nace_r2, geo, time_period, obs_value, obs_flag "
            "from raw.eurostat_ai_use order by _source_row"
        ).fetchall()
        ledger_row = db.execute(
            f"select rows_read, rows_loaded, rows_quarantined from {ledger.SCHEMA}.load_ledger"
        ).fetchone()
    assert report.count("loaded") == 1
    assert ledger_row == (3, 3, 0)
    assert loaded == [
        ("E_AI_PACC", "GE250", "C26", "FR", 2024, 18.3, None),
        ("E_AI_PPP", "GE10", "C10-S951_X_K", "EU27_2020", 2024, 6.2, "b"),
        ("E_AI_PLOG", "GE250", "C26", "FR", 2023, None, "c"),
    ]


def test_a_eurostat_value_out_of_range_is_quarantined_naming_file_row_and_column(tmp_path):
    """25 good observations and one percentage over 100: that row alone is held back."""
    landing = tmp_path / "landing"
    header, good = EUROSTAT_EXPORT.splitlines()[:2]
    rows = [good.replace(",2024,", f",{year},") for year in range(2000, 2025)]
    bad = good.replace(",18.3,", ",183,").replace(",2024,", ",1999,")
    write_text(landing / "benchmarks" / "isoc_eb_ai.csv", "\n".join([header, *rows, bad]) + "\n")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as db:
        load_source(db, EUROSTAT_AI_USE, landing, TEST_KEY)
        quarantined = db.execute(
            "select file_path, source_row, column_name from audit.quarantine"
        ).fetchall()
        counts = db.execute(
            f"select rows_read, rows_loaded, rows_quarantined from {ledger.SCHEMA}.load_ledger"
        ).fetchone()
    assert quarantined == [("benchmarks/isoc_eb_ai.csv", 26, "obs_value")]
    assert counts == (26, 25, 1)


PEER_FILE = """\
function,process,sector,size_class,country,year,adoption_share,publication_title,publication_date,publication_url
production processes,quality_report_writing,C26,GE250,,2025,0.41,Industry survey,2025-03-01,https://example.com/s
production processes,,C26,,,2024,0.22,Industry survey,2025-03-01,
accounting and finance,,,,FR,2024,1.4,Industry survey,,
"""
MOVES_FILE = """\
competitor,function,process,use_case,move_date,source_url,confidence
Rival,production processes,quality_report_writing,Report drafting,2025-02-01,https://example.com/m,high
Rival,production processes,,Visual inspection,2025-03-01,https://example.com/n,sure
"""


@pytest.mark.parametrize(
    ("contract", "name", "text", "bad_column"),
    [
        (PEER_ADOPTION, "peer_adoption_2025.csv", PEER_FILE, "adoption_share"),
        (COMPETITOR_MOVES, "competitor_moves.csv", MOVES_FILE, "confidence"),
    ],
)
def test_analysts_benchmark_files_load_quarantine_and_pass_their_suites(
    tmp_path, contract, name, text, bad_column
):
    """Blank sector, size or country loads as null (every one); a share over 1 and an
    unknown confidence are quarantined naming file, row and column; the loaded rows pass
    the source's Great Expectations suite."""
    landing = tmp_path / "landing"
    write_text(landing / "benchmarks" / name, text)
    contract = replace(contract, max_quarantine_share=0.5)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as db:
        load_source(db, contract, landing, TEST_KEY)
        quarantined = db.execute("select file_path, column_name from audit.quarantine").fetchall()
        counts = db.execute(
            f"select rows_read, rows_loaded, rows_quarantined from {ledger.SCHEMA}.load_ledger"
        ).fetchone()
        outcome = validate_relation(db, f"raw.{contract.table}", run_id="r1")
    assert quarantined == [(f"benchmarks/{name}", bad_column)]
    assert counts[1] + counts[2] == counts[0] == len(text.splitlines()) - 1
    assert outcome.passed, [(f.expectation_type, f.column) for f in outcome.failures]


def test_the_demo_eurostat_file_is_staged_with_totals_read_as_everyone(con):
    staged = scalar(con, "select count(*) from staging.stg_benchmarks__eurostat_ai_use")
    withheld = scalar(con, "select count(*) from raw.eurostat_ai_use where obs_value is null")
    assert staged == scalar(con, "select count(*) from raw.eurostat_ai_use") - withheld > 0
    totals = con.execute(
        "select count(*) from staging.stg_benchmarks__eurostat_ai_use "
        "where sector = 'C10-S951_X_K' or size_class = 'GE10' or country like 'EU%'"
    ).fetchone()[0]
    assert totals == 0
    shares = con.execute(
        "select min(adoption_share), max(adoption_share) from marts.peer_adoption"
    ).fetchone()
    assert 0 < shares[0] <= shares[1] <= 1


# --- the component in the score --------------------------------------------------------


def test_a_peer_adoption_figure_moves_its_process_as_the_weights_predict(con, dbt_copy):
    """Production processes at 100% for the company's own peer group: quality report
    writing (the one process of that function) gains weight / Σ weights x Δshare / 2 x
    data availability; no other score moves, and the ranking follows the new scores."""
    before = by_process(con)
    process = "quality_report_writing"
    with dbt_copy.connect(read_only=False) as copy:
        changed = copy.execute(
            "update raw.eurostat_ai_use set obs_value = 100 where indic_is = 'E_AI_PPP' "
            "and size_emp = 'GE250' and nace_r2 = 'C26' and geo = 'FR' and time_period = 2024"
        ).fetchone()[0]
    assert changed == 1
    dbt_copy.run("build", "--select", "stg_benchmarks__eurostat_ai_use+")
    with dbt_copy.connect() as copy:
        after = by_process(copy)

    weight = weights()
    share_of_score = weight["competitive_pressure"] / sum(weight.values())
    old = before[process]
    assert after[process]["peer_adoption_share"] == 1.0
    expected_gain = share_of_score * (1.0 - old["peer_adoption_share"]) / 2
    expected_gain *= old["data_availability"]
    assert after[process]["opportunity_score"] == pytest.approx(
        old["opportunity_score"] + expected_gain, abs=1e-12
    )
    for name, row in after.items():
        if name != process:
            assert row["opportunity_score"] == pytest.approx(before[name]["opportunity_score"])
    predicted = sorted(
        (name for name, row in after.items() if not row["is_covered"]),
        key=lambda name: -after[name]["opportunity_score"],
    )
    assert ranking(after) == predicted
    assert ranking(after).index(process) < ranking(before).index(process)
    assert (
        f"100% of {old['peer_group']} use AI in production processes"
        in (after[process]["score_notes"])
    )


@pytest.fixture(scope="module")
def without_benchmarks(pipeline, tmp_path_factory):
    """The pipeline's warehouse rebuilt, from the benchmarks on, with none delivered."""
    folder = tmp_path_factory.mktemp("no_benchmarks")
    shutil.copytree(
        DBT_PROJECT_DIR, folder / "dbt", ignore=shutil.ignore_patterns("target", "logs")
    )
    source = pipeline.settings.warehouse_path
    shutil.copy(source, folder / "warehouse.duckdb")
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, folder / "warehouse.duckdb.wal")
    copy = DbtCopy(folder / "dbt", folder / "warehouse.duckdb")
    with copy.connect(read_only=False) as db:
        for table in BENCHMARK_TABLES:
            db.execute(f"delete from {table}")
    copy.run("build", "--select", *(f"{model}+" for model in BENCHMARK_STAGING))
    with copy.connect() as db:
        return by_process(db)


def test_without_benchmarks_the_component_is_absent_and_nothing_else_moves(con, without_benchmarks):
    before = by_process(con)
    weight = weights()
    others = {c: w for c, w in weight.items() if c != "competitive_pressure"}
    for name, row in without_benchmarks.items():
        assert row["competitive_pressure_score"] is None, name
        assert row["peer_adoption_score"] is None and row["competitor_moves"] is None
        for column in OTHER_COMPONENTS:
            assert row[column] == pytest.approx(before[name][column]), (name, column)
        value = sum(w * row[f"{c}_score"] for c, w in others.items()) / sum(others.values())
        assert row["value_score"] == pytest.approx(value, abs=1e-12), name
        assert "use AI in" not in (row["score_notes"] or "")
    # The ranking of the other five components, as docs/opportunities.md gives it.
    assert ranking(without_benchmarks)[:4] == [
        "invoice_processing", "purchase_order_entry", "expense_audit", "quality_report_writing"
    ]  # fmt: skip


def test_without_benchmarks_the_page_says_the_component_is_missing(without_benchmarks):
    rows = sorted(
        without_benchmarks.values(),
        key=lambda r: (r["opportunity_rank"] is None, r["opportunity_rank"] or 0),
    )
    page = where_next.render(rows)
    assert 'data-component-missing="competitive_pressure"' in page
    assert "Competitive pressure is not scored" in page
    assert "Peers and competitors ahead" not in page


# --- served and shown ------------------------------------------------------------------


def test_the_benchmarks_are_served_and_shown_with_their_sources(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as served:
        figures = served.execute(
            "select count(*), count(distinct benchmark_origin) from overview.peer_adoption"
        ).fetchone()
        moves = served.execute("select count(*) from overview.competitor_moves").fetchone()[0]
        (reason,) = served.execute(
            "select score_notes from overview.opportunities "
            "where process_name = 'quality_report_writing'"
        ).fetchone()
    assert figures[0] > 0 and figures[1] == 1  # the demo ships Eurostat's shape only
    assert moves == 6
    assert "% of manufacturers of computer and electronic products of your size in FR" in reason
    assert "Eurostat, use of AI by enterprises (isoc_eb_ai), 2024" in reason
    assert "2 competitor move(s)" in reason
    page = (pipeline.settings.serving_path.parent / "dashboard" / "index.html").read_text()
    assert "Competitive pressure: where the figures come from" in page
    assert "https://ec.europa.eu/eurostat/databrowser/view/isoc_eb_ai/default/table" in page
    assert "Example Rival A (invented)" in page
    assert "data-component-missing" not in page
