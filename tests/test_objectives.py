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
