"""Row checks screened by DuckDB report what GX reports when it reads every row."""

from __future__ import annotations

import duckdb
import pytest

from expectations import runner, screening
from expectations.runner import validate_relation

RELATION = "raw.screened"
ROWS = 6000


def expectation(kind: str, **kwargs: object) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {"severity": "error"}}


SUITE = {
    "name": "raw__screened",
    "meta": {"parameters": {}},
    "expectations": [
        expectation("expect_column_values_to_not_be_null", column="code"),
        expectation("expect_column_values_to_be_null", column="note"),
        expectation("expect_column_values_to_be_in_set", column="code", value_set=["a", "b"]),
        expectation("expect_column_values_to_not_be_in_set", column="code", value_set=["x"]),
        expectation(
            "expect_column_values_to_be_between", column="amount", min_value=0, max_value=100
        ),
        expectation(
            "expect_column_values_to_be_between",
            column="amount",
            min_value=0,
            max_value=100,
            strict_min=True,
            mostly=0.9,
        ),
        expectation(
            "expect_column_values_to_be_between",
            column="ended_at",
            min_value="2026-01-01T00:00:00",
        ),
        expectation("expect_column_values_to_match_regex", column="code", regex="^[a-z]$"),
        expectation(
            "expect_column_pair_values_a_to_be_greater_than_b",
            column_A="ended_at",
            column_B="started_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        expectation(
            "expect_column_pair_values_a_to_be_greater_than_b",
            column_A="ended_at",
            column_B="started_at",
        ),
        expectation(
            "expect_column_values_to_not_be_null",
            column="ended_at",
            row_condition={
                "type": "comparison",
                "column": {"name": "code"},
                "operator": "==",
                "parameter": "a",
            },
        ),
        expectation(
            "expect_column_values_to_be_in_set",
            column="flag",
            value_set=[True],
            row_condition={"type": "nullity", "column": {"name": "note"}, "is_null": False},
        ),
        expectation(
            "expect_column_values_to_match_regex", column="code", regex="(?i)^[a-z]$"
        ),  # look-around and flags: left to GX on every row
    ],
}


@pytest.fixture
def screened_table(con: duckdb.DuckDBPyConnection, monkeypatch) -> duckdb.DuckDBPyConnection:
    monkeypatch.setattr(runner, "suite_for", lambda relation: SUITE)
    con.execute("create schema raw")
    con.execute(
        f"""
        create table {RELATION} as
        select
            i as id,
            case when i % 997 = 0 then null when i % 1499 = 0 then 'x'
                 when i % 701 = 0 then 'Q' when i % 2 = 0 then 'a' else 'b' end as code,
            case when i % 1200 = 0 then 'late' end as note,
            case when i % 883 = 0 then null when i % 619 = 0 then -5.0
                 when i % 5 = 0 then 0.0 else (i % 100)::double end as amount,
            timestamp '2026-01-01' + to_minutes(i) as started_at,
            case when i % 409 = 0 then null when i % 389 = 0 then timestamp '2025-12-31'
                 when i % 3 = 0 then timestamp '2026-01-01' + to_minutes(i)
                 else timestamp '2026-01-01' + to_minutes(i + 30) end as ended_at,
            case when i % 2400 = 0 then false when i % 7 = 0 then null else true end as flag
        from range(1, {ROWS + 1}) as t(i)
        """
    )
    return con


def outcome_fields(outcome) -> list[tuple]:
    return [
        (e.expectation_type, e.column, e.success, e.unexpected_count,
         round(e.unexpected_percent or 0.0, 9), sorted(map(str, e.sample_values)))
        for e in outcome.expectations
    ]  # fmt: skip


def test_screened_checks_report_what_gx_reports_over_every_row(screened_table, monkeypatch):
    counted = []
    passing_counts = screening.passing_counts

    def spy(con, sql, screens):
        counted.append(len(screens))
        return passing_counts(con, sql, screens)

    monkeypatch.setattr(screening, "passing_counts", spy)
    screened = validate_relation(screened_table, RELATION, run_id="screened", batch_rows=2048)
    assert counted == [len(SUITE["expectations"]) - 1]
    monkeypatch.setattr(screening, "RULES", {})
    every_row = validate_relation(screened_table, RELATION, run_id="every", batch_rows=2048)
    assert outcome_fields(screened) == outcome_fields(every_row)
    failing = {(e.expectation_type, e.column) for e in screened.failures}
    assert len(failing) >= 8  # the table breaks most checks, so the counts are compared


def test_only_rows_a_check_may_flag_reach_gx(screened_table):
    dtypes = {"code": "str", "note": "str", "amount": "float64", "ended_at": "datetime64[us]",
              "started_at": "datetime64[us]", "flag": "boolean"}  # fmt: skip
    screens = []
    for item in SUITE["expectations"]:
        try:
            screens.append(screening.screen_for(item, {}, dtypes))
        except screening.Untranslatable:
            continue
    assert len(screens) == len(SUITE["expectations"]) - 1
    candidates = screened_table.execute(
        f"select count(*) from {RELATION} where {screening.candidates_sql(screens)}"
    ).fetchone()[0]
    assert 0 < candidates < ROWS // 2


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("expect_column_values_to_be_between", {"column": "code", "min_value": 1}),
        ("expect_column_values_to_be_in_set", {"column": "amount", "value_set": ["1"]}),
        ("expect_column_values_to_match_regex", {"column": "code", "regex": "a(?=b)"}),
        ("expect_column_values_to_be_in_set", {"column": "code", "value_set": {"$PARAMETER": "p"}}),
        ("expect_column_values_to_be_unique", {"column": "code"}),
    ],
)
def test_what_duckdb_might_read_otherwise_is_left_to_gx(kind, kwargs):
    dtypes = {"code": "str", "amount": "float64"}
    with pytest.raises(screening.Untranslatable):
        screening.screen_for(expectation(kind, **kwargs), {}, dtypes)
