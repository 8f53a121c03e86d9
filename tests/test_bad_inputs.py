"""The catalogue of bad inputs: each gets a clear error naming file, row and column, or a
quarantine row with a reason; every row read is accounted for; a fixed file reloads once."""

from __future__ import annotations

import codecs
import datetime as dt
import json

import pytest

from ingestion.contracts import (
    FEEDBACK,
    HR_SURVEY,
    OPERATIONS_TASKS,
    ORGANISATION_UNITS,
    QC_INSPECTIONS,
    SALES_ORDERS,
)
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.loader import load_source
from ingestion.registry import load_registry
from ingestion.settings import Streaming
from ingestion.validation import DateBounds
from serving.contract import QUALITY_RELATIONS
from tests.helpers import TEST_KEY, feedback_csv, scalar, write_text

BOUNDS = DateBounds(history_start=dt.date(2015, 1, 1), latest=dt.datetime(2026, 11, 1))
TINY_PARTS = Streaming(above_bytes=0, chunk_bytes=150)
WHOLE_AND_STREAMED = pytest.mark.parametrize(
    "streaming", [None, TINY_PARTS], ids=["whole", "streamed"]
)
ORDERS_HEADER = ("order_id", "customer_id", "product_id", "region", "channel", "order_date",
                 "amount", "margin")  # fmt: skip


def feedback_rows(count: int) -> list[tuple]:
    return [(f"r{n}", "2025-01-03", "NORTH", "direct", "nps", n % 11) for n in range(count)]


def load(con, landing, contract=FEEDBACK, streaming=None):
    return load_source(con, contract, landing, TEST_KEY, bounds=BOUNDS, streaming=streaming)


def assert_every_row_accounted_for(con):
    broken = scalar(
        con,
        "select count(*) from audit.load_accounting "
        "where rows_read <> rows_loaded + rows_quarantined",
    )
    assert broken == 0


def quarantined(con) -> list[tuple]:
    return con.execute(
        "select source_row, column_name, reason from audit.quarantine order by source_row"
    ).fetchall()


def load_with_one_bad_feedback_row(con, landing, bad: tuple):
    rows = [*feedback_rows(40), bad]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))
    report = load(con, landing)
    assert (report.total("rows_read"), report.total("rows_loaded")) == (41, 40)
    assert_every_row_accounted_for(con)
    return quarantined(con)


def test_empty_file(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", "")

    with pytest.raises(
        SourceLoadError, match=r"feedback_2025-01\.csv: the file is empty\. Fix: re-export"
    ):
        load(con, landing)
    assert scalar(con, "select status from audit.load_ledger") == "rejected"
    assert_every_row_accounted_for(con)


def test_header_only_loads_nothing_and_says_so(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv([]))

    report = load(con, landing)

    assert report.total("rows_read") == 0
    assert (
        scalar(con, "select message from audit.load_ledger") == "the file has a header but no rows"
    )


def test_truncated_last_csv_line_is_quarantined_with_its_row(con, landing):
    text = feedback_csv(feedback_rows(40)) + "r99,2025-01-05,NORTH"
    write_text(landing / "feedback" / "feedback_2025-01.csv", text)

    report = load(con, landing)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (41, 40)
    row, columns, reason = quarantined(con)[0]
    assert (row, columns) == (41, "channel, survey, score")
    assert reason.startswith("channel: missing value")


def test_truncated_last_json_line_names_file_and_row(con, landing):
    task = {
        "task_id": "t1", "process": "p", "task_type": "x", "department": "IT", "team": "IT-OPS",
        "employee_id": "E1", "started_at": "2025-01-02T09:00:00",
        "ended_at": "2025-01-02T09:30:00", "status": "completed", "error_flag": False,
        "rework_flag": False, "ai_assisted": False,
    }  # fmt: skip
    write_text(
        landing / "operations" / "tasks_2025-01.jsonl",
        json.dumps(task) + '\n{"task_id": "t2", "pro',
    )

    with pytest.raises(SourceLoadError, match=r"tasks_2025-01.jsonl, row 2: invalid JSON"):
        load(con, landing, OPERATIONS_TASKS)


def test_semicolon_separated_file_is_read(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(feedback_rows(3), ";"))

    assert load(con, landing).total("rows_loaded") == 3


def test_unknown_separator_names_the_missing_columns_and_the_fix(con, landing):
    write_text(
        landing / "feedback" / "feedback_2025-01.csv",
        feedback_csv(feedback_rows(3)).replace(",", ":"),
    )

    with pytest.raises(
        SourceLoadError, match=r"row 0, column 'response_id': required column missing"
    ) as raised:
        load(con, landing)
    assert "check the separator and header line" in str(raised.value)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp1252", b""), ("utf-8", codecs.BOM_UTF8)],
    ids=["latin1", "utf8-bom"],
)
def test_latin1_and_bom_survey_exports_load(con, landing, encoding, prefix):
    header = (
        "vague;date_reponse;identifiant_employé;département;équipe;satisfaction_travail;"
        "productivité_perçue;recommandation_employeur;usage_outil_ia;durée_minutes;commentaire"
    )
    row = "2025Q3;2025-09-12;E00001;Finance;FIN-AP;4;3;9;intensif;4,5;Très lent, à revoir"
    path = landing / "hr_surveys" / "survey_2025Q3.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(prefix + f"{header}\n{row}\n".encode(encoding))

    load(con, landing, HR_SURVEY)

    assert scalar(con, "select comment from raw.hr_survey_responses") == "Très lent, à revoir"


def test_unknown_extra_column_is_ignored_and_noted(con, landing):
    text = feedback_csv(feedback_rows(3)).replace("score\n", "score,agent_notes\n", 1)
    text = text.replace("\n", ",x\n").replace("score,agent_notes,x\n", "score,agent_notes\n")
    write_text(landing / "feedback" / "feedback_2025-01.csv", text)

    assert load(con, landing).total("rows_loaded") == 3
    message = scalar(con, "select message from audit.load_ledger")
    assert message == "columns not in the contract were ignored: agent_notes"


def test_wrong_type_is_quarantined(con, landing):
    bad = ("bad", "2025-01-03", "NORTH", "direct", "nps", "nine")
    assert load_with_one_bad_feedback_row(con, landing, bad) == [
        (41, "score", "score: 'nine' is not a valid whole number")
    ]


def test_nps_above_ten_is_quarantined(con, landing):
    bad = ("bad", "2025-01-03", "NORTH", "direct", "nps", 11)
    assert load_with_one_bad_feedback_row(con, landing, bad) == [
        (41, "score", "score: 11 is above the maximum 10")
    ]


def test_csat_above_five_is_quarantined(con, landing):
    bad = ("bad", "2025-01-03", "NORTH", "direct", "csat", 7)
    assert load_with_one_bad_feedback_row(con, landing, bad) == [
        (41, "score", "score: CSAT answers run from 1 to 5")
    ]


def test_likert_seven_is_quarantined(con, landing):
    header = "wave,response_date,employee_id,department,team,job_satisfaction," \
        "self_rated_productivity,enps_score,ai_tool_usage"  # fmt: skip
    rows = [f"2025Q1,2025-03-10,E{n:05d},IT,IT-OPS,4,4,8,none" for n in range(40)]
    rows.append("2025Q1,2025-03-10,E99999,IT,IT-OPS,7,4,8,none")
    write_text(landing / "hr_surveys" / "survey_2025Q1.csv", "\n".join([header, *rows]) + "\n")

    load(con, landing, HR_SURVEY)

    assert quarantined(con) == [
        (41, "job_satisfaction", "job_satisfaction: 7 is above the maximum 5")
    ]
    raw_values = scalar(con, "select raw_values from audit.quarantine")
    assert "E99999" not in raw_values  # quarantined rows are pseudonymised too


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("-5", "amount: -5 is below the minimum 0"),
        ("2000000000000", "amount: 2000000000000 is above the maximum 10,000,000"),
    ],
)
def test_negative_or_absurd_amounts_are_quarantined(con, landing, amount, reason):
    header = "order_id,customer_id,product_id,region,channel,order_date,amount,margin"
    rows = [f"o{n},c1,p1,NORTH,direct,2025-01-05,100.5,30" for n in range(40)]
    rows.append(f"bad,c1,p1,NORTH,direct,2025-01-05,{amount},30")
    write_text(landing / "sales" / "orders_2025-01.csv", "\n".join([header, *rows]) + "\n")

    load(con, landing, SALES_ORDERS)

    assert quarantined(con) == [(41, "amount", reason)]


def test_duplicate_row_within_a_file_is_quarantined(con, landing):
    rows = feedback_rows(40)
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv([*rows, rows[4]]))

    load(con, landing)

    assert quarantined(con) == [
        (41, "all columns", "all columns: exact duplicate of row 5 of this file")
    ]
    assert_every_row_accounted_for(con)


def test_key_delivered_again_by_another_file_is_shown_as_a_restatement(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(feedback_rows(5)))
    load(con, landing)
    corrected = [("r2", "2025-01-03", "NORTH", "direct", "nps", 10)]
    write_text(landing / "feedback" / "feedback_2025-01_correction.csv", feedback_csv(corrected))

    load(con, landing)

    assert con.execute("select kind, rows_restated, detail from audit.restatements").fetchall() == [
        ("key delivered again", 1, "replaces rows of feedback/feedback_2025-01.csv")
    ]


def test_late_rows_for_a_published_month_are_shown_as_a_restatement(con, landing):
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(feedback_rows(5)))
    load(con, landing)
    con.execute("insert into audit.publish_log values ('run-1', date '2025-02-01', now())")
    late = [("late1", "2025-01-28", "SOUTH", "online", "csat", 4)]
    write_text(landing / "feedback" / "feedback_2025-01_late.csv", feedback_csv(late))

    load(con, landing)

    assert con.execute(
        "select kind, period_month::varchar, rows_restated, detail from audit.restatements"
    ).fetchall() == [
        ("late rows for a reported month", "2025-01-01", 1, "already published up to 2025-02")
    ]


@pytest.mark.parametrize(
    ("date", "reason"),
    [("2031-01-01", "response_date: 2031-01-01 is in the future"),
     ("1999-12-31", "response_date: 1999-12-31 is before the history starts (2015-01-01)")],
)  # fmt: skip
def test_dates_in_the_future_or_before_the_history_are_quarantined(con, landing, date, reason):
    bad = ("bad", date, "NORTH", "direct", "nps", 5)
    assert load_with_one_bad_feedback_row(con, landing, bad) == [(41, "response_date", reason)]


def inspections_on_lines(lines: list[str]) -> str:
    header = (
        "unit_serial,line,inspected_at,defects_found,defective,reworked,passed_first_time,"
        "opportunities_per_unit"
    )
    rows = [
        f"u{n},{line},2025-01-05T10:00:00,0,false,false,true,250" for n, line in enumerate(lines)
    ]
    return "\n".join([header, *rows]) + "\n"


def test_units_are_learnt_from_the_data(con, landing):
    lines = [f"Plant {n % 3} line {n % 27:02d}" for n in range(270)]
    write_text(landing / "quality" / "inspections_2025-01.csv", inspections_on_lines(lines))

    report = load(con, landing, QC_INSPECTIONS)

    assert report.total("rows_loaded") == 270
    assert scalar(con, "select count(distinct line) from raw.qc_inspections") == 27


def test_a_unit_outside_a_closed_list_is_quarantined(con, landing):
    write_text(
        landing / "organisation" / "units.csv",
        "unit_type,unit_id,label\nproduction_line,L01,Line 1\nproduction_line,L02,Line 2\n",
    )
    load(con, landing, ORGANISATION_UNITS)
    write_text(
        landing / "quality" / "inspections_2025-01.csv",
        inspections_on_lines(["L01"] * 40 + ["L99"]),
    )

    load_source(
        con, QC_INSPECTIONS, landing, TEST_KEY, bounds=BOUNDS,
        closed_unit_types=frozenset({"production_line"}),
    )  # fmt: skip

    ((row, column, reason),) = quarantined(con)
    assert (row, column) == (41, "line")
    assert reason == "line: 'L99' is not in the organisation file's production_line list"


def test_a_closed_list_without_an_organisation_file_names_the_fix(con, landing):
    write_text(landing / "quality" / "inspections_2025-01.csv", inspections_on_lines(["L01"]))

    with pytest.raises(IngestionError, match=r"declares no production_line\. Fix: list the"):
        load_source(
            con, QC_INSPECTIONS, landing, TEST_KEY, bounds=BOUNDS,
            closed_unit_types=frozenset({"production_line"}),
        )  # fmt: skip


def test_fixed_file_reloads_once_and_cleanly(con, landing):
    bad = ("bad", "2025-01-03", "NORTH", "direct", "nps", 11)
    load_with_one_bad_feedback_row(con, landing, bad)
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(feedback_rows(41)))

    load(con, landing)
    load(con, landing)

    assert scalar(con, "select count(*) from raw.feedback_responses") == 41
    assert quarantined(con) == []
    assert scalar(con, "select count(*) from audit.load_accounting where status = 'loaded'") == 2


def orders_csv(last_amount: str, separator: str = ",") -> str:
    """40 valid orders and one whose amount is `last_amount` (as written in the file)."""
    rows = [
        [f"o{n}", "c1", "p1", "NORTH", "direct", "2025-01-05", "100.5", "30"] for n in range(40)
    ]
    rows.append(["bad", "c1", "p1", "NORTH", "direct", "2025-01-05", last_amount, "30"])
    return "".join(separator.join(row) + "\n" for row in [ORDERS_HEADER, *rows])


AMBIGUOUS_COMMA = (
    "amount: '12,500' is ambiguous: a thousands separator or a decimal comma; "
    "export numbers without thousands separators"
)
AMBIGUOUS_POINT = (
    "amount: '12.500' is ambiguous: a thousands separator or a decimal point; "
    "export numbers without thousands separators"
)


@pytest.mark.parametrize(
    ("separator", "amount", "reason"),
    [
        (",", '"12,500"', AMBIGUOUS_COMMA),
        (";", "12,500", AMBIGUOUS_COMMA),
        (";", "12.500", AMBIGUOUS_POINT),
        (",", '"1,234,567"', "amount: '1,234,567' is not a valid number"),
        (";", "1.234,50", "amount: '1.234,50' is not a valid number"),
        (",", "1 234", "amount: '1 234' is not a valid number"),
    ],
)
def test_thousands_separators_are_quarantined_not_guessed(con, landing, separator, amount, reason):
    write_text(landing / "sales" / "orders_2025-01.csv", orders_csv(amount, separator))

    load(con, landing, SALES_ORDERS)

    assert quarantined(con) == [(41, "amount", reason)]
    assert_every_row_accounted_for(con)


@pytest.mark.parametrize(
    ("separator", "amount", "value"),
    [(",", '"12,5"', 12.5), (";", "12,50", 12.5), (",", "12.500", 12.5), ("\t", "12.500", 12.5),
     (";", "12.5", 12.5), (";", "0,125", 0.125), (";", "1234,567", 1234.567)],
)  # fmt: skip
def test_unambiguous_decimal_marks_load(con, landing, separator, amount, value):
    write_text(landing / "sales" / "orders_2025-01.csv", orders_csv(amount, separator))

    load(con, landing, SALES_ORDERS)

    assert quarantined(con) == []
    assert scalar(con, "select amount from raw.sales_orders where order_id = 'bad'") == value


def test_a_point_is_ambiguous_in_every_part_of_a_semicolon_file(con, landing):
    write_text(landing / "sales" / "orders_2025-01.csv", orders_csv("12.500", ";"))

    report = load(con, landing, SALES_ORDERS, streaming=TINY_PARTS)

    assert report.total("rows_loaded") == 40
    assert quarantined(con) == [(41, "amount", AMBIGUOUS_POINT)]


def test_a_grouped_whole_number_stays_invalid(con, landing):
    rows = [*feedback_rows(40), ("bad", "2025-01-03", "NORTH", "direct", "nps", "1.000")]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows, ";"))

    load(con, landing)

    assert quarantined(con) == [(41, "score", "score: '1.000' is not a valid whole number")]


@WHOLE_AND_STREAMED
def test_blank_lines_in_a_csv_are_not_rows(con, landing, streaming):
    rows = feedback_rows(40)
    text = feedback_csv(rows[:20]) + "\n  \n" + feedback_csv(rows[20:]).split("\n", 1)[1]
    write_text(landing / "feedback" / "feedback_2025-01.csv", text + "\n\r\n \t \n")

    report = load(con, landing, streaming=streaming)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (40, 40)
    assert scalar(con, "select status from audit.load_ledger") == "loaded"
    assert scalar(con, "select max(_source_row) from raw.feedback_responses") == 40
    assert_every_row_accounted_for(con)


@WHOLE_AND_STREAMED
def test_a_csv_line_of_separators_only_is_still_a_row(con, landing, streaming):
    write_text(
        landing / "feedback" / "feedback_2025-01.csv",
        feedback_csv(feedback_rows(40)) + ",,,,,\n\n",
    )

    report = load(con, landing, streaming=streaming)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (41, 40)
    ((row, columns, reason),) = quarantined(con)
    assert (row, columns) == (41, "response_id, response_date, region, channel, survey, score")
    assert reason.startswith("response_id: missing value; response_date: missing value")


def task_line(number: int, **changes: object) -> str:
    task = {
        "task_id": f"T{number}", "process": "invoice_entry", "task_type": "entry",
        "department": "Finance", "team": "FIN-AP", "employee_id": "E00001",
        "started_at": "2025-01-02T09:00:00", "ended_at": "2025-01-02T09:30:00",
        "status": "completed", "error_flag": False, "rework_flag": False, "ai_assisted": False,
    }  # fmt: skip
    return json.dumps({**task, **changes})


@WHOLE_AND_STREAMED
def test_blank_json_lines_are_not_rows_and_rows_keep_their_line_numbers(con, landing, streaming):
    lines = [task_line(n) for n in range(40)]
    lines.insert(20, "   ")
    lines.insert(30, task_line(99, status="lost"))
    text = "\n".join(lines) + "\n\n \n"
    write_text(landing / "operations" / "tasks_2025-01.jsonl", text)

    report = load(con, landing, OPERATIONS_TASKS, streaming=streaming)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (41, 40)
    assert quarantined(con) == [(31, "status", "status: 'lost' is not one of completed, abandoned")]
    assert scalar(con, "select max(_source_row) from raw.operations_tasks") == 42


@WHOLE_AND_STREAMED
def test_json_lines_polars_cannot_read_are_quarantined_naming_their_row(con, landing, streaming):
    lines = [task_line(n) for n in range(100)]
    lines[10] = '["T10", "invoice_entry"]'
    lines[20] = "7"
    lines[30] = task_line(30, error_flag=3)
    lines[40] = task_line(40).replace('"status"', '"duration": NaN, "status"')
    lines[50] = task_line(50).replace('"status"', '"duration": -Infinity, "status"')
    write_text(landing / "operations" / "tasks_2025-01.jsonl", "\n".join(lines) + "\n")

    report = load(con, landing, OPERATIONS_TASKS, streaming=streaming)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (100, 95)
    assert quarantined(con) == [
        (11, "all columns", "all columns: row 11 is not a JSON object"),
        (21, "all columns", "all columns: row 21 is not a JSON object"),
        (31, "error_flag", "error_flag: '3' is not a valid true/false value"),
        (41, "all columns", "all columns: row 41 is not valid JSON (NaN or Infinity)"),
        (51, "all columns", "all columns: row 51 is not valid JSON (NaN or Infinity)"),
    ]
    assert_every_row_accounted_for(con)


def test_json_values_of_mixed_types_are_read_as_written(con, landing):
    """`1` after `false` fails Polars' typed read: the file is read line by line, as text."""
    lines = [task_line(n) for n in range(40)]
    written = task_line(40, error_flag=1, team=7).replace('"entry"', "12.50")
    write_text(landing / "operations" / "tasks_2025-01.jsonl", "\n".join([*lines, written]) + "\n")

    load(con, landing, OPERATIONS_TASKS)

    assert quarantined(con) == []
    row = con.execute(
        "select error_flag, task_type, team from raw.operations_tasks where task_id = 'T40'"
    ).fetchall()
    assert row == [(True, "12.50", "7")]


def test_two_header_columns_for_one_contract_column_name_both(con, landing):
    header = "wave,response_date,employee_id,department,team,équipe,job_satisfaction," \
        "self_rated_productivity,enps_score,ai_tool_usage"  # fmt: skip
    row = "2025Q1,2025-03-10,E00001,IT,IT-OPS,IT-OPS,4,4,8,none"
    write_text(landing / "hr_surveys" / "survey_2025Q1.csv", f"{header}\n{row}\n")

    with pytest.raises(SourceLoadError) as raised:
        load(con, landing, HR_SURVEY)

    assert (
        "survey_2025Q1.csv, row 0, column 'team': two columns of the header, 'team' and "
        "'équipe', are both read as column 'team'. Fix: keep one of them in the export"
    ) in str(raised.value)
    assert_every_row_accounted_for(con)


@WHOLE_AND_STREAMED
@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["le", "be"])
def test_utf16_excel_unicode_text_export_loads(con, landing, bom, streaming):
    text = feedback_csv(feedback_rows(40), "\t").replace("\n", "\r\n")
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path = landing / "feedback" / "feedback_2025-01.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(bom + text.encode(encoding))

    report = load(con, landing, streaming=streaming)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (40, 40)
    assert scalar(con, "select region from raw.feedback_responses limit 1") == "NORTH"


def test_utf16_without_byte_order_mark_is_rejected_with_the_fix(con, landing):
    text = feedback_csv(feedback_rows(3), "\t")
    write_text(landing / "feedback" / "feedback_2025-01.csv", text, encoding="utf-16-le")

    with pytest.raises(SourceLoadError) as raised:
        load(con, landing)

    message = str(raised.value)
    assert (
        "feedback_2025-01.csv: the file looks like UTF-16 (or binary) without a byte-order "
        "mark. Fix: export it as UTF-8"
    ) in message
    assert not any(ord(character) < 32 for character in message.replace("\n", ""))


def quarantine_summary(con) -> list[tuple]:
    (summary,) = [r for r in QUALITY_RELATIONS if r.name == "quarantine_summary"]
    return con.execute(f"{summary.select_sql} order by all").fetchall()


@WHOLE_AND_STREAMED
def test_quarantine_summary_has_one_line_per_kind_of_reason(con, landing, streaming):
    rows = feedback_rows(400)
    rows += rows[:10]  # ten duplicates, each of another row
    rows += [(f"x{n}", "2025-01-03", "NORTH", "direct", "nps", 11 + n) for n in range(10)]
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))

    load(con, landing, streaming=streaming)

    file = "feedback/feedback_2025-01.csv"
    assert quarantine_summary(con) == [
        ("feedback_responses", file, "all columns",
         "all columns: exact duplicate of an earlier row of this file", 10),
        ("feedback_responses", file, "score", "score: above the maximum", 10),
    ]  # fmt: skip
    assert scalar(con, "select count(distinct reason) from audit.quarantine") == 20


@WHOLE_AND_STREAMED
def test_rows_of_a_rejected_file_have_a_reason_kind(con, landing, streaming):
    rows = [*feedback_rows(30), *[(f"x{n}", "2025-01-03", "NORTH", "direct", "nps", 11 + n)
                                  for n in range(3)]]  # fmt: skip
    write_text(landing / "feedback" / "feedback_2025-01.csv", feedback_csv(rows))

    with pytest.raises(SourceLoadError):
        load(con, landing, streaming=streaming)

    kinds = con.execute(
        "select reason_kind, count(*) from audit.quarantine group by all order by all"
    ).fetchall()
    assert kinds == [("file rejected: too many invalid rows", 30), ("score: above the maximum", 3)]


def test_an_older_quarantine_table_gains_reason_kind(con, landing):
    con.execute("create schema audit")
    con.execute(
        "create table audit.quarantine (source varchar not null, file_path varchar not null, "
        "source_row bigint not null, column_name varchar, reason varchar not null, "
        "raw_values varchar, run_id varchar not null, quarantined_at timestamp not null)"
    )
    con.execute("insert into audit.quarantine values ('x', 'x.csv', 1, 'a', 'a: old', '{}', "
                "'r0', now())")  # fmt: skip
    bad = ("bad", "2025-01-03", "NORTH", "direct", "nps", 11)

    load_with_one_bad_feedback_row(con, landing, bad)

    assert con.execute(
        "select source, reason_kind from audit.quarantine order by source"
    ).fetchall() == [("feedback_responses", "score: above the maximum"), ("x", None)]
    assert ("x", "x.csv", "a", "a: old", 1) in quarantine_summary(con)


def test_rejected_initiative_file_has_a_reason_kind(con, tmp_path):
    write_text(tmp_path / "initiatives" / "broken.yaml", "id: [oops\n")

    with pytest.raises(SourceLoadError):
        load_registry(con, tmp_path)

    assert con.execute("select column_name, reason_kind from audit.quarantine").fetchall() == [
        (None, "invalid initiative file")
    ]
