"""HR initiatives on teams (registry `unit_type: team`): an initiative covering two teams of
the demo gets team-level employee metrics and effects, every team cell under 5 people is
hidden, and no hidden team can be recovered by subtracting the teams shown from its
department's published total. Loads one more registry file into a copy of the session's
warehouse and rebuilds what depends on the registry with dbt."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import duckdb
import pytest

from dagster_project.dbt_project import DBT_PROJECT_DIR
from ingestion.registry import load_registry
from tests.helpers import DbtCopy, write_text

pytestmark = pytest.mark.e2e

PILOT = "hr-team-pilot"
# Every team of four departments, so each department's total is the sum of teams shown
# or hidden here; IT-SEC has 4 people.
POPULATION = (
    "IT-OPS",
    "IT-DEV",
    "IT-SEC",
    "HR-OPS",
    "HR-TA",
    "FIN-AP",
    "FIN-CTRL",
    "PRC-1",
    "PRC-2",
)
TREATED = ("IT-DEV", "HR-OPS")
REGISTRY_FILE = f"""
id: {PILOT}
name: HR copilot pilot in two teams
unit_type: team
population: [{", ".join(POPULATION)}]
rollout:
  - {{unit: IT-DEV, go_live: 2025-10-01}}
  - {{unit: HR-OPS, go_live: 2025-10-01}}
baseline_months: 12
costs: {{development: 50000, implementation: 10000, running_monthly: 2000}}
"""
SURVEY_METRICS = (
    "ai_adoption",
    "enps",
    "job_satisfaction_mean",
    "job_satisfaction_top2",
    "self_rated_productivity",
)
EMPLOYEE_METRICS = (*SURVEY_METRICS, "turnover_rate")


@pytest.fixture(scope="module")
def con(pipeline, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse with the team pilot registered and every model depending on the
    registry rebuilt (dbt build: their tests run too)."""
    root = tmp_path_factory.mktemp("team_units")
    project = root / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    copy = DbtCopy(project, root / "warehouse.duckdb")
    shutil.copy(pipeline.settings.warehouse_path, copy.warehouse)
    write_text(root / "landing" / "initiatives" / f"{PILOT}.yaml", REGISTRY_FILE)
    with copy.connect(read_only=False) as writer:
        load_registry(writer, root / "landing")
    marts = ("employee_satisfaction", "initiative_effects")
    copy.run(
        "build",
        "--select",
        *(f"stg_registry__initiative_units+,+{mart}" for mart in marts),
        "--exclude",
        "test_type:unit",
    )
    with copy.connect() as connection:
        yield connection


def team_rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_the_pilot_has_every_employee_metric_for_each_of_its_teams(con):
    teams = team_rows(
        con,
        "select unit_id, count(distinct metric_name), bool_or(is_treated), count(*) "
        "from marts.employee_satisfaction where initiative_id = ? and unit_type = 'team' "
        "group by unit_id order by unit_id",
        [PILOT],
    )
    # Five survey metrics in each of the ten survey months (IT-SEC answered in nine), and
    # turnover in each of the 30 months.
    cells = {team: 10 * 5 + 30 for team in POPULATION} | {"IT-SEC": 9 * 5 + 30}
    assert teams == [(team, 6, team in TREATED, cells[team]) for team in sorted(POPULATION)]


def test_a_shown_team_cell_is_its_team_s_own_answers(con):
    served = team_rows(
        con,
        "select metric_value, denominator from marts.employee_satisfaction "
        "where initiative_id = ? and unit_id = 'IT-OPS' and metric_name = 'job_satisfaction_mean' "
        "and month_start = '2025-12-01'",
        [PILOT],
    )
    own = team_rows(
        con,
        "select avg(job_satisfaction), count(*) from staging.stg_hr__survey_responses "
        "where team = 'IT-OPS' and response_month = '2025-12-01'",
    )
    assert served == own == [(3.375, 16)]


def test_the_pilot_gets_team_level_effects(con):
    effects = team_rows(
        con,
        "select metric_name, treated_units, control_units from marts.initiative_effects "
        "where initiative_id = ? order by metric_name",
        [PILOT],
    )
    assert effects == [(metric, 2, 7) for metric in sorted(EMPLOYEE_METRICS)]


def test_every_team_cell_under_five_people_is_hidden(con):
    leaks, small_cells, hidden_it_sec, it_sec_baselines = team_rows(
        con,
        """
        select
            count(*) filter (where cells.denominator < 5 and not published.is_suppressed),
            count(*) filter (where cells.denominator < 5),
            count(*) filter (where published.unit_id = 'IT-SEC' and published.is_suppressed),
            count(published.baseline_value) filter (where published.unit_id = 'IT-SEC')
        from marts.employee_satisfaction as published
        inner join intermediate.int_metric_values as cells
            using (unit_type, unit_id, month_start, metric_name)
        where published.initiative_id = ?
        """,
        [PILOT],
    )[0]
    assert leaks == 0
    # IT-SEC's 4 people in every cell (9 survey months, 30 of turnover); HR-TA's 3, 4 and
    # 3 respondents in three survey months.
    assert small_cells == 9 * 5 + 30 + 3 * 5
    assert hidden_it_sec == 9 * 5 + 30
    # Nor is the baseline shown that pools a team's hidden months.
    assert it_sec_baselines == 0


def test_hidden_team_cells_agree_with_the_team_breakdown(con):
    """The breakdown mart shows the same teams: together they reveal nothing more."""
    disagreements = team_rows(
        con,
        """
        select count(*)
        from marts.employee_satisfaction as published
        inner join marts.employee_satisfaction_breakdown as breakdown
            on published.unit_id = breakdown.cell and published.month_start = breakdown.month_start
        where published.initiative_id = ? and breakdown.breakdown = 'team'
            and published.metric_name in ('job_satisfaction_mean', 'enps')
            and published.is_suppressed <> breakdown.is_suppressed
        """,
        [PILOT],
    )
    assert disagreements == [(0,)]


def test_it_in_december_2024_hides_its_team_of_four_and_one_more(con):
    hidden = team_rows(
        con,
        "select unit_id from marts.employee_satisfaction where initiative_id = ? "
        "and metric_name = 'job_satisfaction_mean' and month_start = '2024-12-01' "
        "and unit_id like 'IT-%' and is_suppressed order by unit_id",
        [PILOT],
    )
    # IT-SEC answered 4 times; IT-DEV and IT-OPS 16 each: the tie goes by name.
    assert hidden == [("IT-DEV",), ("IT-SEC",)]


def test_no_hidden_team_is_recoverable_from_its_department_total(con):
    """For every department total shown (hr-copilot's department cells), month and
    metric, the team cells shown nowhere (neither in the pilot's rows nor in the team
    breakdown) are none, or at least two holding at least 5 people together: the total
    minus the teams shown never isolates one team."""
    groups = team_rows(
        con,
        f"""
        with department_totals as (
            select unit_id as department, month_start, metric_name
            from marts.employee_satisfaction
            where initiative_id = 'hr-copilot' and not is_suppressed
        ),
        team_cells as (
            select teams.department, cells.unit_id as team, cells.month_start,
                cells.metric_name, cells.denominator
            from intermediate.int_metric_values as cells
            inner join intermediate.int_hr__team_months as teams
                on cells.unit_id = teams.team and cells.month_start = teams.month_start
            where cells.unit_type = 'team'
        ),
        shown as (
            select unit_id as team, month_start, metric_name
            from marts.employee_satisfaction
            where unit_type = 'team' and not is_suppressed
            union
            select breakdown.cell, breakdown.month_start, metrics.metric_name
            from marts.employee_satisfaction_breakdown as breakdown
            cross join (select unnest({list(SURVEY_METRICS)}) as metric_name) as metrics
            where breakdown.breakdown = 'team' and not breakdown.is_suppressed
        ),
        hidden as (
            select team_cells.department, team_cells.month_start, team_cells.metric_name,
                count(*) as cells, sum(team_cells.denominator) as people
            from team_cells
            left join shown using (team, month_start, metric_name)
            where shown.team is null and team_cells.department in ('IT', 'Human Resources',
                'Finance', 'Procurement')
            group by all
        )
        select
            count(*),
            count(*) filter (where hidden.cells < 2 or hidden.people < 5)
        from hidden
        inner join department_totals using (department, month_start, metric_name)
        """,
    )
    groups_with_hidden_teams, recoverable = groups[0]
    # IT: nine survey months of five metrics and 30 months of turnover; Human Resources:
    # three survey months, but for AI adoption in March 2025 and 2026, when the department
    # total is itself hidden (a cohort of fewer than 5 users or non-users).
    assert groups_with_hidden_teams == 9 * 5 + 30 + 3 * 5 - 2
    assert recoverable == 0
