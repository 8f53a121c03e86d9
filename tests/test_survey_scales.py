"""Declared survey scales (AIROI_SURVEY_SCALES): parsed once in the settings, followed by
the survey contract's range checks, by dbt's top-two-box shares, and named beside every
mean served. The last test loads a 1-4 survey into a copy of the session's warehouse and
rebuilds the HR models with dbt on that scale."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from dashboard import labels
from ingestion.contracts import HR_SURVEY, hr_survey_contract
from ingestion.loader import load_source
from ingestion.pseudonymise import load_key
from ingestion.settings import SurveyScale, parse_survey_scales
from tests.helpers import TEST_KEY, DbtCopy, write_text

ONE_TO_FOUR = "job_satisfaction=1-4,self_rated_productivity=1-4,enps_score=0-10"
HEADER = (
    "wave,response_date,employee_id,department,team,job_satisfaction,"
    "self_rated_productivity,enps_score,ai_tool_usage"
)
SURVEY_FILE = "hr_surveys/survey_2026Q3.csv"


def answers_on_one_to_four() -> str:
    """40 answers in Finance's FIN-AP, ten each of 1, 2, 3 and 4 (mean 2.5, half of them in
    the top two boxes 3-4), then a 5 and a decimal answer that a 1-4 survey cannot hold."""
    rows = [
        f"2026Q3,2026-09-15,E9{n:04d},Finance,FIN-AP,{1 + n % 4},{1 + n % 4},{n % 11},none"
        for n in range(40)
    ]
    rows += [
        "2026Q3,2026-09-15,E99998,Finance,FIN-AP,5,3,9,none",
        "2026Q3,2026-09-15,E99999,Finance,FIN-AP,3,3.5,9,none",
    ]
    return "\n".join([HEADER, *rows]) + "\n"


def bounds(contract) -> dict[str, tuple[float | None, float | None]]:
    questions = ("job_satisfaction", "self_rated_productivity", "enps_score")
    return {c.name: (c.minimum, c.maximum) for c in contract.columns if c.name in questions}


def test_the_default_scales_are_the_demo_survey_s():
    assert parse_survey_scales("") == {
        "job_satisfaction": SurveyScale(1, 5),
        "self_rated_productivity": SurveyScale(1, 5),
        "enps_score": SurveyScale(0, 10),
    }


def test_declared_scales_replace_only_their_own_defaults():
    scales = parse_survey_scales(" job_satisfaction = 1-4 , self_rated_productivity=1-7")

    assert scales["job_satisfaction"] == SurveyScale(1, 4)
    assert scales["self_rated_productivity"].label == "1-7"
    assert scales["enps_score"] == SurveyScale(0, 10)


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("job_satisfaction=1to4", r"'job_satisfaction=1to4' is not question=min-max"),
        ("happiness=1-5", r"unknown survey question happiness"),
        ("enps_score=1-10", r"enps_score is eNPS, which is defined on 0-10 only"),
        ("job_satisfaction=1-2", r"job_satisfaction=1-2 needs at least three answers"),
        ("job_satisfaction=1-4,job_satisfaction=1-5", r"job_satisfaction is declared twice"),
    ],
)
def test_a_scale_that_cannot_be_read_or_used_is_refused(declared, message):
    with pytest.raises(ValueError, match=rf"AIROI_SURVEY_SCALES: {message}"):
        parse_survey_scales(declared)


def test_the_survey_contract_follows_the_declared_scale():
    assert bounds(HR_SURVEY) == {
        "job_satisfaction": (1, 5),
        "self_rated_productivity": (1, 5),
        "enps_score": (0, 10),
    }
    seven = hr_survey_contract(parse_survey_scales("self_rated_productivity=1-7"))
    assert bounds(seven)["self_rated_productivity"] == (1, 7)


def test_the_pipeline_s_contracts_take_the_environment_s_scales():
    script = (
        "from ingestion.contracts import CONTRACTS; "
        "c = CONTRACTS['hr_survey_responses']; "
        "print([(x.minimum, x.maximum) for x in c.columns if x.name == 'job_satisfaction'])"
    )
    env = {**os.environ, "AIROI_SURVEY_SCALES": ONE_TO_FOUR}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[(1, 4)]"


def test_a_five_or_a_decimal_on_a_one_to_four_survey_is_quarantined(tmp_path):
    landing = tmp_path / "landing"
    write_text(landing / SURVEY_FILE, answers_on_one_to_four())
    contract = hr_survey_contract(parse_survey_scales(ONE_TO_FOUR))

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        report = load_source(con, contract, landing, TEST_KEY)
        quarantined = con.execute(
            "select source_row, column_name, reason from audit.quarantine order by source_row"
        ).fetchall()

    assert report.total("rows_loaded") == 40
    assert quarantined == [
        (41, "job_satisfaction", "job_satisfaction: 5 is above the maximum 4"),
        (
            42,
            "self_rated_productivity",
            "self_rated_productivity: '3.5' is not a valid whole number",
        ),
    ]


def test_survey_metrics_are_named_with_their_scale():
    assert labels.metric("job_satisfaction_mean", "1-4") == "Job satisfaction (1-4)"
    assert labels.metric("job_satisfaction_top2", "1-4") == "Satisfied employees (3-4)"
    assert labels.metric("job_satisfaction_top2", "1-5") == "Satisfied employees (4-5)"
    assert labels.metric("self_rated_productivity", "1-7") == "Self-rated productivity (1-7)"
    assert labels.metric("enps", "0-10") == "Employee NPS"


@pytest.mark.e2e
def test_a_one_to_four_survey_is_served_on_its_scale(pipeline, dbt_copy: DbtCopy, monkeypatch):
    """The demo's survey answers replaced by the 1-4 file: the 5 is held back, the top-two
    share counts the 3s and 4s (20 of 40), and the means are served as 1-4 and on 0-100."""
    landing = dbt_copy.project.parent / "landing"
    write_text(landing / SURVEY_FILE, answers_on_one_to_four())
    contract = hr_survey_contract(parse_survey_scales(ONE_TO_FOUR))
    with dbt_copy.connect(read_only=False) as con:
        con.execute("delete from raw.hr_survey_responses")
        load_source(con, contract, landing, load_key(pipeline.settings.key_file))
        quarantined = con.execute(
            "select column_name from audit.quarantine where file_path = ?", [SURVEY_FILE]
        ).fetchall()
    assert quarantined == [("job_satisfaction",), ("self_rated_productivity",)]

    monkeypatch.setenv("AIROI_SURVEY_SCALES", ONE_TO_FOUR)
    # The HR models between the survey and the two marts; the attribution keeps its build.
    between = "stg_hr__survey_responses+,+{}"
    dbt_copy.run(
        "build",
        "--select",
        between.format("employee_satisfaction"),
        between.format("employee_satisfaction_breakdown"),
        "--exclude",
        "int_attribution__effects",
        "test_type:unit",
    )

    with dbt_copy.connect() as con:
        breakdown = con.execute(
            "select respondents, job_satisfaction_mean, job_satisfaction_top2_share, "
            "job_satisfaction_scale, job_satisfaction_mean_0_100 "
            "from marts.employee_satisfaction_breakdown "
            "where breakdown = 'team' and cell = 'FIN-AP' and month_start = '2026-09-01'"
        ).fetchall()
        served = con.execute(
            "select metric_name, metric_value, scale, metric_value_0_100 "
            "from marts.employee_satisfaction where initiative_id = 'hr-copilot' "
            "and unit_id = 'Finance' and month_start = '2026-09-01' and scale is not null "
            "order by metric_name"
        ).fetchall()
    assert breakdown == [(40, 2.5, 0.5, "1-4", 50.0)]
    assert served == [
        ("enps", -55.0, "0-10", None),
        ("job_satisfaction_mean", 2.5, "1-4", 50.0),
        ("job_satisfaction_top2", 0.5, "1-4", None),
        ("self_rated_productivity", 2.5, "1-4", 50.0),
    ]
