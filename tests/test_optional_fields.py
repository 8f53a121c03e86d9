"""Optional fields: an export without them loads, and they are empty in raw (never a
constant that would read as a measurement). A production-runs export without shifts has
one row per line and day, and its key works: a re-delivery replaces, never duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from ingestion.contracts import (
    HR_SURVEY,
    QC_INSPECTIONS,
    QC_PRODUCTION_RUNS,
    SALES_CUSTOMERS,
    SALES_ORDERS,
    SourceContract,
)
from ingestion.loader import load_source
from ingestion.validation import DateBounds
from tests.helpers import TEST_KEY, scalar, write_text

BOUNDS = DateBounds(history_start=dt.date(2015, 1, 1), latest=dt.datetime(2026, 11, 1))

# One valid row per source, as text, under the contract's column names; the file's path.
ROWS: dict[str, tuple[str, list[dict[str, str]]]] = {
    "sales_orders": (
        "sales/orders_2025-01.csv",
        [
            {"order_id": f"o{n}", "customer_id": "c1", "product_id": "p1", "region": "NORTH",
             "channel": "direct", "order_date": "2025-01-03", "amount": "100.5",
             "margin": "20.25"}
            for n in range(3)
        ],
    ),
    "sales_customers": (
        "sales/customers.csv",
        [
            {"customer_id": f"c{n}", "region": "NORTH", "segment": "smb",
             "first_order_date": "2024-06-01"}
            for n in range(3)
        ],
    ),
    "hr_survey_responses": (
        "hr_surveys/survey_2025Q1.csv",
        [
            {"wave": "2025Q1", "response_date": "2025-03-10", "employee_id": f"E{n:05d}",
             "department": "Finance", "team": "FIN-AP", "job_satisfaction": "4",
             "self_rated_productivity": "3", "enps_score": "9", "ai_tool_usage": "light"}
            for n in range(3)
        ],
    ),
    "qc_production_runs": (
        "quality/production_runs_2025-01.csv",
        [
            {"run_date": f"2025-01-0{day}", "line": "L01", "shift": "A",
             "units_produced": "1200", "production_hours": "7.5"}
            for day in (1, 2, 3)
        ],
    ),
    "qc_inspections": (
        "quality/inspections_2025-01.csv",
        [
            {"unit_serial": f"S{n}", "line": "L01", "inspected_at": "2025-01-03T10:00:00",
             "defects_found": "0", "defective": "false", "reworked": "false",
             "passed_first_time": "true", "opportunities_per_unit": "40"}
            for n in range(3)
        ],
    ),
}  # fmt: skip

CONTRACTS = {
    contract.table: contract
    for contract in (SALES_ORDERS, SALES_CUSTOMERS, HR_SURVEY, QC_PRODUCTION_RUNS, QC_INSPECTIONS)
}

OPTIONAL = [
    ("sales_orders", "channel"),
    ("sales_orders", "margin"),
    ("sales_orders", "product_id"),
    ("sales_customers", "segment"),
    ("hr_survey_responses", "self_rated_productivity"),
    ("hr_survey_responses", "enps_score"),
    ("hr_survey_responses", "ai_tool_usage"),
    ("qc_production_runs", "shift"),
    ("qc_inspections", "reworked"),
    ("qc_inspections", "passed_first_time"),
    ("qc_inspections", "opportunities_per_unit"),
]


def csv_text(rows: list[dict[str, str]], leave_out: str | None = None) -> str:
    columns = [column for column in rows[0] if column != leave_out]
    lines = [",".join(columns)] + [",".join(row[column] for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def load(con, landing, contract: SourceContract):
    return load_source(con, contract, landing, TEST_KEY, bounds=BOUNDS)


def test_the_optional_fields_are_the_contracts_optional_fields():
    declared = {
        (table, column.name)
        for table, contract in CONTRACTS.items()
        for column in contract.columns
        if not column.required
    }
    # Survey completion time and comments were optional before.
    assert declared - {("hr_survey_responses", "completion_minutes"),
                       ("hr_survey_responses", "comment")} == set(OPTIONAL)  # fmt: skip
    assert all(
        column.nullable
        for table, contract in CONTRACTS.items()
        for column in contract.columns
        if (table, column.name) in OPTIONAL
    )


@pytest.mark.parametrize(("table", "column"), OPTIONAL, ids=[f"{t}.{c}" for t, c in OPTIONAL])
def test_a_file_without_an_optional_column_loads_with_it_empty(con, landing, table, column):
    path, rows = ROWS[table]
    write_text(landing / path, csv_text(rows, leave_out=column))

    report = load(con, landing, CONTRACTS[table])

    assert (report.total("rows_read"), report.total("rows_loaded")) == (3, 3)
    assert scalar(con, f"select count({column}) from raw.{table}") == 0
    assert scalar(con, "select count(*) from audit.quarantine") == 0


@pytest.mark.parametrize(("table", "column"), OPTIONAL, ids=[f"{t}.{c}" for t, c in OPTIONAL])
def test_an_empty_optional_cell_loads_as_missing(con, landing, table, column):
    path, rows = ROWS[table]
    write_text(landing / path, csv_text([{**rows[0], column: ""}, *rows[1:]]))

    report = load(con, landing, CONTRACTS[table])

    assert report.total("rows_loaded") == 3
    assert scalar(con, f"select count({column}) from raw.{table}") == 2


def test_production_runs_without_shift_are_keyed_by_line_and_day(con, landing):
    path, rows = ROWS["qc_production_runs"]
    write_text(landing / path, csv_text(rows, leave_out="shift"))
    load(con, landing, QC_PRODUCTION_RUNS)
    corrected = [{**rows[0], "units_produced": "1100"}]
    write_text(landing / "quality/production_runs_2025-01_fix.csv", csv_text(corrected, "shift"))

    load(con, landing, QC_PRODUCTION_RUNS)

    # The correction's day is the same key (an empty shift matches an empty shift).
    assert con.execute("select kind, rows_restated, detail from audit.restatements").fetchall() == [
        ("key delivered again", 1, "replaces rows of quality/production_runs_2025-01.csv")
    ]


def test_a_redelivered_production_file_without_shift_retracts_only_what_it_drops(con, landing):
    path, rows = ROWS["qc_production_runs"]
    write_text(landing / path, csv_text(rows, leave_out="shift"))
    load(con, landing, QC_PRODUCTION_RUNS)

    write_text(landing / path, csv_text(rows[:2], leave_out="shift"))
    load(con, landing, QC_PRODUCTION_RUNS)

    assert con.execute(
        "select kind, period_month, rows_restated from audit.restatements"
    ).fetchall() == [("rows retracted", dt.date(2025, 1, 1), 1)]
    assert scalar(con, "select count(*) from raw.qc_production_runs where shift is null") == 2
