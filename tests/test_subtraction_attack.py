"""HR privacy against a subtraction attack (tests/subtraction_attack.py): whoever holds the
serving file solves every served HR count of a department and month together — totals,
cells, numerators, denominators, means x respondents — and must not recover any hidden
group of fewer than 5 people, its size or its answers. First on small serving files
written here, whose answers are known, then on the session's published demo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from tests.subtraction_attack import attack, findings, ledgers

MARCH = date(2026, 3, 1)
SERVED_TABLES = """
create schema metrics;
create schema overview;
create table overview.units (unit_type text, unit_id text, parent_type text, parent_id text);
create table metrics.employee_satisfaction (
    unit_type text, unit_id text, month_start date, metric_name text, is_suppressed boolean,
    metric_value double, numerator double, denominator double, baseline_value double,
    change_vs_baseline double);
create table metrics.employee_satisfaction_breakdown (
    department text, month_start date, breakdown text, cell text, is_suppressed boolean,
    respondents bigint, job_satisfaction_mean double, job_satisfaction_top2_share double,
    enps double, self_rated_productivity_mean double, job_satisfaction_scale text,
    job_satisfaction_mean_0_100 double, self_rated_productivity_scale text,
    self_rated_productivity_mean_0_100 double);
"""
# Human Resources in March, one team of 13: 4 non-users and 2 heavy users hidden, the 7
# light users shown (mean 4 of 5, or 75 on 0-100). The department's job satisfaction
# totals 45; 9 of its 13 use the AI tool.
BREAKDOWN = [
    ("team", "HR-OPS", False, 13, 45 / 13),
    ("ai_tool_usage", "none", True, None, None),
    ("ai_tool_usage", "light", False, 7, None),
    ("ai_tool_usage", "heavy", True, None, None),
]
HIDDEN_ADOPTION = (True, None, None, None)
SHOWN_ADOPTION = (False, 9 / 13, 9.0, 13.0)
FLAGGED_BUT_SERVED = (True, 9 / 13, 9.0, 13.0)


def served(department_adoption: tuple, team_adoption: tuple) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SERVED_TABLES)
    for breakdown, cell, hidden, respondents, mean in BREAKDOWN:
        con.execute(
            "insert into metrics.employee_satisfaction_breakdown (department, month_start, "
            "breakdown, cell, is_suppressed, respondents, job_satisfaction_mean, "
            "job_satisfaction_scale, job_satisfaction_mean_0_100) values "
            "('Human Resources', ?, ?, ?, ?, ?, ?, '1-5', ?)",
            [MARCH, breakdown, cell, hidden, respondents, mean, 75.0 if cell == "light" else None],
        )
    rows = [
        ("department", "Human Resources", "job_satisfaction_mean", (False, 45 / 13, 45.0, 13.0)),
        ("department", "Human Resources", "ai_adoption", department_adoption),
        ("team", "HR-OPS", "job_satisfaction_mean", (False, 45 / 13, 45.0, 13.0)),
        ("team", "HR-OPS", "ai_adoption", team_adoption),
    ]
    for unit_type, unit_id, metric, (hidden, value, numerator, denominator) in rows:
        con.execute(
            "insert into metrics.employee_satisfaction values (?, ?, ?, ?, ?, ?, ?, ?, null, null)",
            [unit_type, unit_id, MARCH, metric, hidden, value, numerator, denominator],
        )
    return con


def recovered(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, float]]:
    return {(finding.group, finding.kind, finding.value) for finding in attack(con)}


def test_the_adoption_numerator_gives_away_the_hidden_cohorts():
    """9 users - 7 light = 2 heavy; 13 answering - 9 users = 4 non-users."""
    with served(SHOWN_ADOPTION, SHOWN_ADOPTION) as con:
        assert recovered(con) >= {
            ("AI usage heavy", "people", 2.0),
            ("AI usage none", "people", 4.0),
        }


def test_the_department_s_adoption_is_recovered_from_its_teams_shown():
    with served(HIDDEN_ADOPTION, SHOWN_ADOPTION) as con:
        assert ("AI usage heavy", "people", 2.0) in recovered(con)


def test_a_value_flagged_hidden_but_served_is_read():
    with served(FLAGGED_BUT_SERVED, HIDDEN_ADOPTION) as con:
        assert ("AI usage none", "people", 4.0) in recovered(con)


def test_hidden_cohorts_of_six_together_may_be_known_but_not_apart():
    """With adoption hidden everywhere, the department's 13 - the 7 light users shown = 6
    people in the two hidden cohorts together: a group of 5 or more, not one of them."""
    with served(HIDDEN_ADOPTION, HIDDEN_ADOPTION) as con:
        assert recovered(con) == set()
        [book] = ledgers(con)
        assert book.hidden_cohorts == {"none", "heavy"}


@pytest.fixture(scope="module")
def serving(pipeline) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as con:
        yield con


@pytest.mark.e2e
def test_no_hidden_hr_group_can_be_recovered_from_the_serving_file(serving):
    """Every department and month of the published demo: survey months (teams x AI-usage
    cohorts) and turnover months (teams). The demo hides small teams (IT-SEC, HR-TA) and
    small usage cohorts in most departments; none of them, nor any union of them under 5
    people, can be computed from what is served."""
    books = ledgers(serving)
    targets = sum(1 for book in books for _ in book.hidden_groups())
    assert {book.department for book in books if book.hidden_cohorts} >= {
        "Human Resources",
        "IT",
        "Procurement",
    }
    assert targets > 100
    found = [finding for book in books for finding in findings(book)]
    assert not found, "\n".join(map(str, found))
