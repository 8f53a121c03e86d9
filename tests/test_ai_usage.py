"""The AI-usage source: the vendors' usage exports and seat lists load through the
contracts' header aliases (one test file per shape docs/landing-files.md maps), the tool
comes from the file name where the export has no column for it, bad rows are quarantined
naming file, row and column, and employee ids get the same pseudonyms as in HR files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import CONTRACTS
from ingestion.loader import load_source
from ingestion.pseudonymise import pseudonym
from tests.helpers import TEST_KEY, write_text

ACTIVITY = CONTRACTS["ai_activity"]
LICENCES = CONTRACTS["ai_licences"]
HR_ROSTER = CONTRACTS["hr_roster"]
EXPORTS = Path(__file__).parent / "vendor_exports"

# GitHub Copilot usage metrics, user-level report (one row per user and day), flattened
# to CSV: the nested totals_by_* objects left out.
GITHUB_COPILOT = (EXPORTS / "github_copilot_user_level_report.csv").read_text(encoding="utf-8")
# Microsoft 365 Copilot usage report, user detail: every enabled user, with the last day
# they used Copilot in the period (empty if never).
M365_COPILOT = (EXPORTS / "m365_copilot_usage_user_detail.csv").read_text(encoding="utf-8")
# ChatGPT Enterprise user analytics, weekly user engagement export.
CHATGPT_ENTERPRISE = (EXPORTS / "chatgpt_enterprise_users.csv").read_text(encoding="utf-8")
# A seat list from the vendor's admin console (GitHub's seat API names, flattened), with
# the price per seat added: no vendor export carries it.
GITHUB_SEATS = (EXPORTS / "github_copilot_seats_with_price.csv").read_text(encoding="utf-8")


def _activity(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    return set(
        con.execute(
            "select tool, employee_id, activity_date, active, interactions, accepted "
            "from raw.ai_activity"
        ).fetchall()
    )


def _load(con, landing: Path, name: str, text: str, contract=ACTIVITY):
    write_text(landing / "ai_usage" / name, text)
    return load_source(con, contract, landing, TEST_KEY)


def test_a_github_copilot_user_level_report_loads(con, landing: Path) -> None:
    report = _load(con, landing, "activity_github-copilot_2026-03.csv", GITHUB_COPILOT)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (3, 3)
    first, second = pseudonym(TEST_KEY, "E00001"), pseudonym(TEST_KEY, "E00002")
    assert _activity(con) == {
        ("github-copilot", first, dt.date(2026, 3, 2), None, 6, 5),
        ("github-copilot", second, dt.date(2026, 3, 2), None, 0, 1),
        ("github-copilot", first, dt.date(2026, 3, 3), None, 2, 3),
    }


def test_a_microsoft_365_copilot_usage_report_loads(con, landing: Path) -> None:
    report = _load(con, landing, "activity_m365-copilot_2026-03.csv", M365_COPILOT)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (2, 2)
    assert _activity(con) == {
        ("m365-copilot", pseudonym(TEST_KEY, "E00001"), dt.date(2026, 3, 30), None, None, None),
        ("m365-copilot", pseudonym(TEST_KEY, "E00002"), None, None, None, None),
    }


def test_a_chatgpt_enterprise_user_analytics_export_loads(con, landing: Path) -> None:
    report = _load(con, landing, "activity_chatgpt-enterprise_2026-w10.csv", CHATGPT_ENTERPRISE)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (2, 2)
    assert _activity(con) == {
        ("chatgpt-enterprise", pseudonym(TEST_KEY, "E00001"), dt.date(2026, 3, 2), True, 41, None),
        ("chatgpt-enterprise", pseudonym(TEST_KEY, "E00002"), dt.date(2026, 3, 2), False, 0, None),
    }


def test_a_seat_list_in_github_names_loads(con, landing: Path) -> None:
    report = _load(con, landing, "licences_github-copilot_2026-03.csv", GITHUB_SEATS, LICENCES)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (2, 2)
    seats = con.execute(
        "select tool, employee_id, seat_start, seat_end, monthly_price from raw.ai_licences "
        "order by seat_end nulls first"
    ).fetchall()
    assert seats == [
        ("github-copilot", pseudonym(TEST_KEY, "E00001"), dt.date(2025, 10, 1), None, 19.0),
        ("github-copilot", pseudonym(TEST_KEY, "E00002"), dt.date(2025, 10, 1),
         dt.date(2026, 4, 30), 19.0),
    ]  # fmt: skip


def test_a_tool_column_wins_over_the_file_name(con, landing: Path) -> None:
    text = "tool,day,user_login\ncoding-assistant,2026-03-02,E00001\n"
    _load(con, landing, "activity_github-copilot_2026-03.csv", text)

    assert {row[0] for row in _activity(con)} == {"coding-assistant"}


def test_without_a_tool_in_column_or_file_name_the_file_is_rejected(con, landing: Path) -> None:
    write_text(landing / "ai_usage" / "activity-march.csv", "day,user_login\n2026-03-02,E1\n")
    write_text(landing / "ai_usage" / "activity_march.csv", "day,user_login\n2026-03-02,E1\n")

    with pytest.raises(Exception, match="tool: missing value"):
        load_source(con, ACTIVITY, landing, TEST_KEY)


def test_unreadable_values_are_quarantined_naming_file_row_and_column(con, landing) -> None:
    rows = [f"2026-03-{day:02d},E{day:05d},{day}" for day in range(1, 29)]
    text = "\n".join(
        ["day,user_login,user_initiated_interaction_count", *rows, "2026-03-29,E00099,many"]
    )
    report = _load(con, landing, "activity_github-copilot_2026-03.csv", text + "\n")

    assert (report.total("rows_read"), report.total("rows_loaded")) == (29, 28)
    assert report.total("rows_quarantined") == 1
    quarantined = con.execute(
        "select file_path, source_row, column_name, reason from audit.quarantine"
    ).fetchall()
    assert quarantined == [
        (
            "ai_usage/activity_github-copilot_2026-03.csv",
            29,
            "interactions",
            "interactions: 'many' is not a valid whole number",
        )
    ]


def test_a_seat_ending_before_it_starts_is_quarantined(con, landing: Path) -> None:
    rows = [f"E{n:05d},2025-10-01,,19" for n in range(1, 30)] + ["E00099,2025-10-01,2025-09-01,19"]
    text = "\n".join(["employee_id,seat_start,seat_end,monthly_price", *rows]) + "\n"
    report = _load(con, landing, "licences_github-copilot_2026-03.csv", text, LICENCES)

    assert report.total("rows_quarantined") == 1
    reason = con.execute("select reason from audit.quarantine").fetchone()
    assert reason == ("seat_end: ends before it starts",)


def test_usage_and_hr_files_give_the_same_pseudonym(con, landing: Path) -> None:
    write_text(
        landing / "hr_roster" / "roster.csv",
        "employee_id,department,team,hire_date,exit_date\nE00001,Support,S1,2020-01-01,\n",
    )
    load_source(con, HR_ROSTER, landing, TEST_KEY)
    _load(con, landing, "activity_github-copilot_2026-03.csv", GITHUB_COPILOT)

    joined = con.execute(
        "select count(distinct a.employee_id) from raw.ai_activity as a "
        "join raw.hr_roster as r on a.employee_id = r.employee_id"
    ).fetchone()
    assert joined == (1,)
    assert "E00001" not in str(con.execute("select * from raw.ai_activity").fetchall())
