"""Objectives on the demo: one whose deadline has passed is judged on the data up to its
deadline (the same estimator on the panel cut there), one still running on all data to
date. Reads the marts of the session's real pipeline run."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from attribution import estimate_effects
from attribution.panel import INPUT_COLUMNS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


def objectives(con) -> pd.DataFrame:
    return con.execute(
        "select objectives.*, effects.did_effect_pct as effect_on_all_data "
        "from marts.initiative_objectives as objectives "
        "inner join intermediate.int_attribution__effects as effects "
        "using (initiative_id, metric_name) order by initiative_id, objective_number"
    ).df()


def effect_through(con, initiative_id: str, metric_name: str, month: pd.Timestamp) -> float:
    panel = con.execute(
        "select * rename (month_start as month) from intermediate.int_initiative_metric_panel "
        "where initiative_id = ? and metric_name = ? and month_start <= ?",
        [initiative_id, metric_name, month],
    ).df()
    panel["month"] = pd.to_datetime(panel["month"])
    return float(estimate_effects(panel[INPUT_COLUMNS])["did_effect_pct"].iloc[0])


def test_a_past_deadline_is_judged_on_the_data_up_to_it(con):
    frame = objectives(con)
    past = frame[frame["deadline_date"] <= frame["report_date"]]
    assert len(past) >= 3
    for row in past.itertuples():
        # Every demo deadline is a month end: its own month is the last one judged.
        assert row.judged_through_month == row.deadline_date.replace(day=1), row
        expected = effect_through(
            con, row.initiative_id, row.metric_name, pd.Timestamp(row.judged_through_month)
        )
        assert row.attributed_effect_pct == pytest.approx(expected, rel=1e-9), row
    # Later months move the estimate: what they say does not change a past verdict.
    assert (past["attributed_effect_pct"] != past["effect_on_all_data"]).any()


def test_a_running_objective_is_judged_on_all_data_to_date(con):
    frame = objectives(con)
    running = frame[frame["deadline_date"] > frame["report_date"]]
    assert len(running) >= 1
    assert running["attributed_effect_pct"].to_numpy() == pytest.approx(
        running["effect_on_all_data"].to_numpy(), rel=1e-12
    )
    report_months = [day.replace(day=1) for day in running["report_date"]]
    assert list(running["judged_through_month"]) == report_months


def test_progress_is_the_effect_in_the_objective_s_direction(con):
    frame = objectives(con)
    sign = frame["target_direction"].map({"increase": 1, "decrease": -1})
    expected = sign * frame["attributed_effect_pct"] / frame["target_effect_pct"].abs()
    assert frame["progress"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


def test_a_level_objective_is_judged_on_each_unit_in_its_month(con, pipeline):
    """The demo's "80% of seat holders active by month 3": utilisation pooled over the
    copilot's teams, each in the third month after its go-live month, as generated."""
    row = con.execute(
        "select target_level, by_month_after_go_live, achieved_level, progress, "
        "objective_status, deadline_date, judged_through_month, target_effect_pct "
        "from marts.initiative_objectives "
        "where initiative_id = 'support-copilot' and objective_kind = 'level'"
    ).fetchone()
    target, by_month, achieved, progress, status, deadline, judged_through, change = row
    go_lives = con.execute(
        "select unit_id, strftime(date_trunc('month', go_live_date) + to_months(?), '%Y-%m') "
        "from raw.initiative_units "
        "where initiative_id = 'support-copilot' and go_live_date is not null",
        [by_month],
    ).fetchall()
    truth = pipeline.truth["ai_usage"]["support-copilot"]["units"]
    cells = [truth[unit][month] for unit, month in go_lives]
    expected = sum(c["active_users"] for c in cells) / sum(c["licensed_seats"] for c in cells)

    assert (target, by_month, change) == (0.80, 3, None)
    assert achieved == pytest.approx(expected, rel=1e-12)
    assert progress == pytest.approx(expected / 0.80, rel=1e-12)
    last_month = pd.Timestamp(max(month for _, month in go_lives))
    assert pd.Timestamp(deadline) == last_month + pd.offsets.MonthEnd(0)
    assert pd.Timestamp(judged_through) == last_month
    assert status == ("met" if expected >= 0.80 else "missed")
