"""The preflight: what a landing folder would load and refuse, read without a warehouse."""

from __future__ import annotations

import pytest

from ingestion.__main__ import main
from ingestion.contracts import CONTRACTS
from ingestion.preflight import (
    ColumnCoverage,
    MetricAvailability,
    SourceReport,
    UnitValues,
    metric_catalogue,
    preflight,
    render,
)
from tests.conftest import settings_for
from tests.helpers import feedback_csv, write_text

DELIVERED = ("feedback_responses", "hr_survey_responses")
FRENCH_HEADER = (
    "vague,date_réponse,identifiant_employé,département,équipe,satisfaction_travail,"
    "productivité_perçue,recommandation_employeur,usage_outil_ia,durée_minutes"
)
ENGLISH_HEADER = (
    "wave,response_date,employee_id,department,team,job_satisfaction,"
    "self_rated_productivity,enps_score,ai_tool_usage"
)
SURVEY_METRICS = (
    "job_satisfaction_mean",
    "job_satisfaction_top2",
    "enps",
    "self_rated_productivity",
    "ai_adoption",
)
# A catalogue of three metrics: one available, one on a field no file has, one on a
# field every file leaves empty.
CATALOGUE = (
    "metric_name,sources,fields\n"
    "csat,feedback_responses,survey|score\n"
    "comment_share,hr_survey_responses,comment\n"
    "survey_minutes,hr_survey_responses|feedback_responses,completion_minutes|survey\n"
)
REJECTION = (
    "hr_surveys/survey_2025Q2.csv, row 2, column 'enps_score': 1 of 2 rows invalid, above "
    "the 5% limit, so the whole file is quarantined; first: enps_score: above the maximum. "
    "Fix: correct the export and deliver the file again; it reloads cleanly"
)


def survey_row(number: int, satisfaction: int = 4) -> str:
    """A French survey answer; satisfaction runs from 1 to 5."""
    department, team = ("Finance", "FIN-AP") if number % 2 else ("Sales", "SAL-1")
    return (
        f"2025Q1,2025-02-{number:02d},EMP-{number:04d},{department},{team},"
        f"{satisfaction},3,8,léger,"
    )


@pytest.fixture
def landing(tmp_path):
    """Feedback, clean; a French survey export without its optional comment column and
    with one answer out of range (1 of 20: quarantined, the file loads); an English one
    whose second answer is out of range (1 of 2: the file is rejected)."""
    folder = tmp_path / "landing"
    write_text(
        folder / "feedback" / "feedback_2025-01.csv",
        feedback_csv(
            [
                ("r1", "2025-01-03", "NORTH", "direct", "csat", 5),
                ("r2", "2025-01-04", "SOUTH", "online", "nps", 9),
                ("r3", "2025-01-05", "EAST", "partner", "nps", 3),
            ]
        ),
    )
    write_text(
        folder / "hr_surveys" / "survey_2025Q1.csv",
        "\n".join([FRENCH_HEADER, *map(survey_row, range(1, 20)), survey_row(20, satisfaction=7)])
        + "\n",
    )
    write_text(
        folder / "hr_surveys" / "survey_2025Q2.csv",
        f"{ENGLISH_HEADER}\n"
        "2025Q2,2025-05-02,EMP-0001,R&D,RD-1,4,3,8,heavy\n"
        "2025Q2,2025-05-03,EMP-0002,R&D,RD-1,4,3,11,heavy\n",
    )
    return folder


@pytest.fixture
def catalogue(tmp_path):
    return write_text(tmp_path / "metric_definitions.csv", CATALOGUE)


def test_a_clean_source_is_reported_with_its_columns_units_and_rows(landing):
    report = preflight(landing)

    assert report.source("feedback_responses") == SourceReport(
        source="feedback_responses",
        expected=("feedback/feedback_*.csv",),
        files=1,
        files_read=1,
        rows_read=3,
        rows_loaded=3,
        columns=tuple(
            ColumnCoverage(name, required=True, files_with=1, aliases=(), filled=True)
            for name in ("response_id", "response_date", "region", "channel", "survey", "score")
        ),
        units=(UnitValues("region", "region", ("EAST", "NORTH", "SOUTH")),),
        rejected_files=(),
        quarantined=(),
    )


def test_aliases_missing_columns_quarantine_and_rejection_are_reported(landing):
    report = preflight(landing)

    def mapped(name: str, alias: str, required: bool = True) -> ColumnCoverage:
        return ColumnCoverage(name, required=required, files_with=2, aliases=(alias,), filled=True)

    assert report.source("hr_survey_responses") == SourceReport(
        source="hr_survey_responses",
        expected=("hr_surveys/survey_*.csv", "hr_surveys/survey_*.xlsx"),
        files=2,
        files_read=2,
        rows_read=22,
        rows_loaded=19,
        columns=(
            mapped("wave", "vague"),
            mapped("response_date", "date_réponse"),
            mapped("employee_id", "identifiant_employé"),
            mapped("department", "département"),
            mapped("team", "équipe"),
            mapped("job_satisfaction", "satisfaction_travail"),
            mapped("self_rated_productivity", "productivité_perçue", required=False),
            mapped("enps_score", "recommandation_employeur", required=False),
            mapped("ai_tool_usage", "usage_outil_ia", required=False),
            ColumnCoverage(
                "completion_minutes",
                required=False,
                files_with=1,
                aliases=("durée_minutes",),
                filled=False,
            ),
            ColumnCoverage("comment", required=False, files_with=0, aliases=(), filled=False),
        ),
        # Units of the rejected file (R&D, RD-1) would not load, so are not found.
        units=(
            UnitValues("department", "department", ("Finance", "Sales")),
            UnitValues("team", "team", ("FIN-AP", "SAL-1")),
        ),
        rejected_files=(REJECTION,),
        quarantined=(
            ("enps_score: above the maximum", 1),
            ("file rejected: too many invalid rows", 1),
            ("job_satisfaction: above the maximum", 1),
        ),
    )
    assert report.refused


def test_a_source_without_a_matching_file_is_not_delivered(landing):
    report = preflight(landing)

    not_delivered = [source.source for source in report.sources if not source.delivered]
    assert not_delivered == [name for name in [*CONTRACTS, "initiatives"] if name not in DELIVERED]
    assert report.source("initiatives") == SourceReport(
        source="initiatives",
        expected=("initiatives/*.yaml", "initiatives/*.yml"),
        files=0,
        files_read=0,
        rows_read=0,
        rows_loaded=0,
        columns=(),
        units=(),
        rejected_files=(),
        quarantined=(),
    )


def test_metrics_of_delivered_sources_are_available_and_the_others_say_why_not(landing):
    report = preflight(landing)

    available = [metric.name for metric in report.metrics if metric.available]
    unavailable = {metric.name: metric.reasons for metric in report.metrics if metric.reasons}
    assert available == ["csat", "nps", *SURVEY_METRICS]
    assert unavailable == {
        metric.name: tuple(
            f"source {source} not delivered"
            for source in metric.every_source
            if source not in DELIVERED
        )
        for metric in metric_catalogue()
        if metric.name not in available
    }
    assert unavailable["ai_enabled_revenue"] == (
        "source sales_orders not delivered",
        "source product_launches not delivered",
    )


def test_a_metric_on_a_field_missing_or_left_empty_says_which_and_where(landing, catalogue):
    report = preflight(landing, catalogue=catalogue)

    assert report.metrics == (
        MetricAvailability("csat", ()),
        MetricAvailability(
            "comment_share", ("field comment missing from every file of hr_survey_responses",)
        ),
        MetricAvailability(
            "survey_minutes",
            ("field completion_minutes empty in every file of hr_survey_responses",),
        ),
    )


def test_a_metric_whose_only_file_is_rejected_would_not_load(tmp_path, catalogue):
    landing = tmp_path / "landing"
    write_text(
        landing / "feedback" / "feedback_2025-01.csv",
        feedback_csv([("r1", "2025-01-03", "NORTH", "direct", "csat", 9)]),
    )

    report = preflight(landing, catalogue=catalogue)

    assert report.metrics[0] == MetricAvailability(
        "csat", ("no row of feedback_responses would load",)
    )


def test_unreadable_entries_and_files_without_a_required_column_are_refused(tmp_path):
    landing = tmp_path / "landing"
    (landing / "sales" / "orders_2025-01.csv").mkdir(parents=True)
    write_text(landing / "feedback" / "feedback_2025-01.csv", "response_date,score\n2025-01-03,4\n")
    write_text(landing / "initiatives" / "broken.yaml", "id: [unclosed\n")

    report = preflight(landing)

    refused = {source.source: source.rejected_files for source in report.sources}
    assert refused["sales_orders"] == (
        "sales/orders_2025-01.csv: a directory, not a file; not read. Fix: move the files it "
        "holds into the landing folder, or rename it",
    )
    assert refused["feedback_responses"] == (
        "feedback/feedback_2025-01.csv, row 0, column 'response_id': required column missing "
        "(accepted names: 'response_id'; found: 'response_date', 'score'). Fix: add the "
        "column to the export, or check the separator and header line",
    )
    assert refused["initiatives"] == (
        "initiatives/broken.yaml, row 2: YAML syntax error: expected ',' or ']', but got "
        "'<stream end>'. Fix: check indentation and colons on that line (a YAML linter helps)",
    )
    assert report.source("feedback_responses").rows_read == 1


def test_the_text_names_every_refusal_without_values_or_employee_ids(landing, catalogue):
    text = render(preflight(landing, catalogue=catalogue))

    sections = text.split("\n\n")
    assert sections[0] == (
        f"Preflight of {landing} (read only: nothing is loaded, no warehouse file is opened)"
    )
    assert sections[1] == f"Delivered: 2 of {len(CONTRACTS) + 1} sources"
    assert sections[2].splitlines() == [
        "hr_survey_responses: 2 files (1 rejected), 22 rows read, 19 would load",
        "  columns: vague → wave, date_réponse → response_date, identifiant_employé → employee_id,",
        "           département → department, équipe → team, satisfaction_travail → "
        "job_satisfaction,",
        "           productivité_perçue → self_rated_productivity, recommandation_employeur → "
        "enps_score,",
        "           usage_outil_ia → ai_tool_usage, durée_minutes → completion_minutes",
        "  missing: completion_minutes (optional) from 1 of 2 files; comment (optional) from "
        "every file",
        "  department units: 2 (Finance, Sales)",
        "  team units: 2 (FIN-AP, SAL-1)",
    ]
    assert sections[3] == (
        "feedback_responses: 1 file, 3 rows read, 3 would load\n"
        "  columns: response_id, response_date, region, channel, survey, score\n"
        "  missing: none\n"
        "  region units: 3 (EAST, NORTH, SOUTH)"
    )
    not_delivered = sections[4].splitlines()
    assert len(not_delivered) == 1 + len(CONTRACTS) + 1 - len(DELIVERED)
    assert not_delivered[0] == "Not delivered:"
    assert "  hr_roster: no file matching hr_roster/roster*.csv" in not_delivered
    assert not_delivered[-1] == (
        "  initiatives: no file matching initiatives/*.yaml or initiatives/*.yml"
    )
    assert sections[5:] == [
        "Metrics: 1 of 3 available\n"
        "  available: csat\n"
        "  unavailable:\n"
        "    comment_share: field comment missing from every file of hr_survey_responses\n"
        "    survey_minutes: field completion_minutes empty in every file of hr_survey_responses",
        "Refusals: 1 file rejected, 3 rows quarantined\n"
        f"  {REJECTION}\n"
        "  hr_survey_responses, rows quarantined by reason:\n"
        "         1  enps_score: above the maximum\n"
        "         1  file rejected: too many invalid rows\n"
        "         1  job_satisfaction: above the maximum\n",
    ]
    assert "EMP-" not in text


def test_the_command_exits_1_on_refusals_and_creates_no_duckdb_file(
    landing, tmp_path, monkeypatch, capsys
):
    settings = settings_for(tmp_path / "data", monkeypatch)
    monkeypatch.delenv("AIROI_PSEUDONYMISATION_KEY")
    monkeypatch.setenv("AIROI_PSEUDONYMISATION_KEY_FILE", str(tmp_path / "key"))

    exit_code = main(["preflight", str(landing)])

    assert exit_code == 1
    assert capsys.readouterr().out == render(preflight(landing))
    assert list(tmp_path.rglob("*.duckdb*")) == []
    assert not settings.warehouse_path.parent.exists()
    assert not (tmp_path / "key").exists()


def test_the_command_reads_the_configured_landing_folder_and_exits_0_when_clean(
    tmp_path, monkeypatch, capsys
):
    settings = settings_for(tmp_path / "data", monkeypatch)
    write_text(
        settings.landing_dir / "feedback" / "feedback_2025-01.csv",
        feedback_csv([("r1", "2025-01-03", "NORTH", "direct", "csat", 5)]),
    )

    exit_code = main(["preflight"])

    out = capsys.readouterr().out
    assert exit_code == 0
    assert out.startswith(f"Preflight of {settings.landing_dir} ")
    assert out.endswith("\n\nRefusals: none (every file and row would load)\n")


def test_the_command_names_a_landing_folder_that_does_not_exist(tmp_path, capsys):
    exit_code = main(["preflight", str(tmp_path / "nowhere")])

    assert exit_code == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'nowhere'}: no such folder. Fix: pass the landing folder's path, or set "
        "AIROI_LANDING_DIR\n"
    )


def test_a_landing_folder_is_for_the_preflight_only(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["load", str(tmp_path)])

    assert raised.value.code == 2
    assert capsys.readouterr().err.endswith(
        "python -m ingestion: error: LANDING_DIR is for preflight only\n"
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("revenue,sales_order,amount", "metric revenue needs unknown source sales_order"),
        (
            "revenue,sales_orders,price",
            "metric revenue needs field price, which none of its sources (sales_orders) has",
        ),
    ],
)
def test_a_catalogue_naming_an_unknown_source_or_field_is_refused(tmp_path, row, problem):
    catalogue = write_text(tmp_path / "metrics.csv", f"metric_name,sources,fields\n{row}\n")

    with pytest.raises(ValueError) as raised:
        metric_catalogue(catalogue)

    assert str(raised.value) == f"{catalogue}: {problem}"
