"""The adoption family on the session's demo pipeline: utilisation recovered exactly from
the generated seats and usage, no served usage cell under 5 people, pseudonyms shared
with HR, the intensity effect recovered, licence costs in the ROI and the Adoption page."""

from __future__ import annotations

import re

import duckdb
import pytest

pytestmark = pytest.mark.e2e

SEAT_COUNTS = ("licensed_seats", "light_users", "heavy_users")


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def served(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as connection:
        yield connection


def test_utilisation_and_idle_cost_are_recovered_exactly(con, pipeline):
    truth = pipeline.truth["ai_usage"]
    rows = con.execute(
        "select initiative_id, unit_id, strftime(month_start, '%Y-%m'), licensed_seats, "
        "active_users, utilisation, idle_seat_cost, heavy_users from marts.adoption "
        "where not is_suppressed"
    ).fetchall()
    expected = sum(len(months) for item in truth.values() for months in item["units"].values())
    assert len(rows) == expected
    for initiative_id, unit_id, month, seats, active, utilisation, idle_cost, heavy in rows:
        cell = truth[initiative_id]["units"][unit_id][month]
        assert (seats, active, idle_cost) == (
            cell["licensed_seats"],
            cell["active_users"],
            cell["idle_seat_cost"],
        )
        assert utilisation == cell["utilisation"]
        assert heavy in (None, cell["heavy_users"])


def test_no_served_usage_cell_rests_on_fewer_than_5_people(served):
    for column in SEAT_COUNTS:
        smallest = served.execute(f"select min({column}) from metrics.adoption").fetchone()[0]
        assert smallest is None or smallest >= 5, column
    people = served.execute(
        "select min(least(people, reference_people)) from metrics.adoption_dose_response"
    ).fetchone()[0]
    assert people is None or people >= 5
    hidden = served.execute(
        "select count(*) from metrics.adoption where light_users is null and active_users >= 5"
    ).fetchone()[0]
    assert hidden > 0  # the demo's sales regions have fewer than 5 heavy users


def test_usage_pseudonyms_are_the_hr_roster_pseudonyms(con):
    people, in_roster = con.execute(
        "select count(distinct a.employee_id), count(distinct r.employee_id) "
        "from raw.ai_activity as a left join raw.hr_roster as r using (employee_id)"
    ).fetchone()
    assert people > 100 and in_roster == people
    raw_ids = con.execute(
        "select count(*) from raw.ai_licences "
        "where not regexp_matches(employee_id, '^[0-9a-f]{64}$')"
    ).fetchone()[0]
    assert raw_ids == 0


def test_the_intensity_effect_is_recovered_within_10_percent(con, pipeline):
    truth = pipeline.truth["ai_usage"]["support-copilot"]["intensity_effects"]
    rows = con.execute(
        "select intensity, effect_pct, evidence, unit_did_effect_pct "
        "from marts.adoption_dose_response "
        "where initiative_id = 'support-copilot' and metric_name = 'task_duration_mean'"
    ).fetchall()
    assert {row[0] for row in rows} == {"light", "heavy"}
    for intensity, effect, evidence, unit_effect in rows:
        assert effect == pytest.approx(truth["task_duration_mean"][intensity], rel=0.10)
        assert evidence == "associational"
        assert unit_effect == pytest.approx(-0.25, abs=0.05)


def test_the_roi_counts_the_seats_held_and_the_idle_ones_saving(con, pipeline):
    month = con.execute(
        "select strftime(report_month, '%Y-%m') from intermediate.int_report_month"
    ).fetchone()[0]
    truth = pipeline.truth["ai_usage"]["support-copilot"]
    cells = [months[month] for months in truth["units"].values() if month in months]
    licences, saving = con.execute(
        "select licence_cost_monthly, idle_seat_saving_annual from marts.initiative_roi "
        "where initiative_id = 'support-copilot'"
    ).fetchone()
    price = truth["monthly_price"]
    assert licences == sum(cell["licensed_seats"] for cell in cells) * price
    assert saving == 12 * sum(cell["idle_seat_cost"] for cell in cells)
    unchanged = con.execute(
        "select licence_cost_monthly, idle_seat_saving_annual from marts.initiative_roi "
        "where initiative_id = 'vision-qc'"
    ).fetchone()
    assert unchanged == (None, None)


def test_the_adoption_page_shows_the_served_utilisation(pipeline, served):
    page = (pipeline.settings.serving_path.parent / "dashboard" / "index.html").read_text()
    assert 'id="page-adoption"' in page and "Dose-response" in page
    seats, active = served.execute(
        "select sum(licensed_seats), sum(active_users) from metrics.adoption "
        "where initiative_id = 'support-copilot' and not is_suppressed "
        "and month_start = (select max(month_start) from metrics.adoption)"
    ).fetchone()
    block = page.split('data-initiative="support-copilot"', 1)[1]
    shown = re.search(r'data-adoption="utilisation" data-value="([^"]+)"', block)
    assert shown is not None
    assert float(shown.group(1)) == pytest.approx(active / seats, rel=1e-12)
