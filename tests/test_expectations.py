"""The GX quality gate: suites, runner, batching, row-count history and Data Docs.

Real Great Expectations validations on small DuckDB files built here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from expectations import (
    build_docs,
    record_outcome,
    relations,
    suite_for,
    suite_names,
    validate_relation,
)
from expectations.outcome import ExpectationOutcome, SuiteOutcome
from expectations.suites import SUITES_DIR
from ingestion import registry
from ingestion.contracts import CONTRACTS
from serving.contract import mart_relations

FEEDBACK = "raw.feedback_responses"
LINEAGE = {"_source_file", "_source_row", "_loaded_at"}
PARAMETER_SOURCES = {"previous_row_count", "now", "query", "survey_scale"}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema raw")
    yield connection
    connection.close()


def add_feedback(con: duckdb.DuckDBPyConnection, rows: int, first: int = 0) -> None:
    """`rows` valid answers, alternately CSAT (1–5) and NPS (0–10), all from one file."""
    con.execute(
        f"""
        create table if not exists {FEEDBACK} as select * from (
            select 'x' response_id, date '2026-01-01' response_date, 'x' region, 'x' channel,
                   'x' survey, 0::bigint score, 'x' _source_file, 0::bigint _source_row,
                   now()::timestamp _loaded_at
        ) where false;
        insert into {FEEDBACK}
        select
            printf('R%06d', i),
            date '2026-01-01' + (i % 28)::int,
            ['NORTH', 'SOUTH', 'EAST', 'WEST', 'CENTRAL', 'ISLANDS'][i % 6 + 1],
            ['direct', 'partner', 'online'][i % 3 + 1],
            case when i % 2 = 0 then 'csat' else 'nps' end,
            case when i % 2 = 0 then i % 5 + 1 else i % 11 end,
            'feedback/feedback_2026-01.csv',
            i + 1,
            now()::timestamp
        from range({first}, {first + rows}) t(i)
        """
    )


def failures(outcome: SuiteOutcome) -> list[tuple[str, str | None, str]]:
    return [(f.expectation_type, f.column, f.severity) for f in outcome.failures]


def only_failure(outcome: SuiteOutcome) -> ExpectationOutcome:
    assert len(outcome.failures) == 1, failures(outcome)
    return outcome.failures[0]


def test_a_clean_table_passes(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    outcome = validate_relation(con, FEEDBACK, run_id="r1")
    assert outcome.passed
    assert outcome.failures == []
    assert outcome.rows_validated == 200
    assert outcome.suite == "raw__feedback_responses"
    assert len(outcome.expectations) == len(suite_for(FEEDBACK)["expectations"]) == 25
    assert outcome.notes == []


def test_an_out_of_range_score_fails_its_range_check(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    # 7 is a valid NPS answer but not a CSAT one: only the CSAT range fails.
    con.execute(f"update {FEEDBACK} set score = 7 where response_id in ('R000010', 'R000020')")
    outcome = validate_relation(con, FEEDBACK, run_id="r1")
    failure = only_failure(outcome)
    assert (failure.expectation_type, failure.column) == (
        "expect_column_values_to_be_between",
        "score",
    )
    assert failure.severity == "error"
    assert failure.unexpected_count == 2
    assert failure.unexpected_percent == pytest.approx(100 * 2 / 100)  # of 100 CSAT answers
    assert failure.sample_values == [7, 7]
    assert "CSAT" in failure.why
    assert not outcome.passed


def test_a_null_key_fails_not_null(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    con.execute(f"update {FEEDBACK} set response_id = null where response_id = 'R000003'")
    outcome = validate_relation(con, FEEDBACK, run_id="r1")
    failure = only_failure(outcome)
    assert (failure.expectation_type, failure.column, failure.severity) == (
        "expect_column_values_to_not_be_null",
        "response_id",
        "error",
    )
    assert failure.unexpected_count == 1
    assert failure.unexpected_percent == pytest.approx(0.5)
    assert failure.sample_values == [None]
    assert not outcome.passed


def test_a_duplicate_key_within_a_file_is_an_error(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    con.execute(f"insert into {FEEDBACK} select * from {FEEDBACK} where response_id = 'R000042'")
    outcome = validate_relation(con, FEEDBACK, run_id="r1")
    assert failures(outcome) == [
        ("expect_column_values_to_be_unique", "response_id", "warn"),
        ("expect_compound_columns_to_be_unique", "response_id, _source_file", "error"),
    ]
    unique, per_file = outcome.failures
    assert unique.unexpected_count == per_file.unexpected_count == 2
    assert unique.sample_values == ["R000042", "R000042"]
    pair = {"response_id": "R000042", "_source_file": "feedback/feedback_2026-01.csv"}
    assert per_file.sample_values == [pair, pair]
    assert not outcome.passed


def test_warnings_leave_the_gate_open(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 200)
    # A key redelivered by a later file (staging keeps the latest) and a stale load: warnings.
    con.execute(
        f"""
        insert into {FEEDBACK}
        select * replace ('feedback/feedback_2026-02.csv' as _source_file)
        from {FEEDBACK} where response_id = 'R000042';
        update {FEEDBACK} set _loaded_at = now()::timestamp - interval 40 day
        """
    )
    outcome = validate_relation(con, FEEDBACK, run_id="r1")
    assert failures(outcome) == [
        ("expect_column_values_to_be_unique", "response_id", "warn"),
        ("expect_column_max_to_be_between", "_loaded_at", "warn"),
    ]
    assert outcome.failures[0].unexpected_count == 2
    assert outcome.passed


def test_batches_count_the_same_as_one_pass(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 5000)
    con.execute(
        f"""
        update {FEEDBACK} set score = 9 where survey = 'csat' and _source_row % 500 = 1;
        update {FEEDBACK} set survey = 'ces' where _source_row in (10, 2500, 4990);
        update {FEEDBACK} set response_id = 'R000001' where _source_row = 4999
        """
    )
    whole = validate_relation(con, FEEDBACK, run_id="r1")
    batched = validate_relation(con, FEEDBACK, run_id="r2", batch_rows=2000)
    assert (whole.batches, batched.batches) == (1, 3)  # 2,000 rounds up to 2,048-row vectors
    counts = {(f.expectation_type, f.column): f.unexpected_count for f in batched.failures}
    assert counts == {
        ("expect_column_values_to_be_between", "score"): 10,
        ("expect_column_values_to_be_in_set", "survey"): 3,
        ("expect_column_values_to_be_unique", "response_id"): 2,  # rows in different batches
        ("expect_compound_columns_to_be_unique", "response_id, _source_file"): 2,
    }
    for one, split in zip(whole.expectations, batched.expectations, strict=True):
        assert (split.expectation_type, split.column) == (one.expectation_type, one.column)
        assert (split.success, split.unexpected_count) == (one.success, one.unexpected_count)
        assert split.unexpected_percent == pytest.approx(one.unexpected_percent)
        assert split.observed_value == one.observed_value


def test_row_count_bound_follows_the_previous_good_run(con: duckdb.DuckDBPyConnection) -> None:
    add_feedback(con, 1000)
    first = validate_relation(con, FEEDBACK, run_id="r1")
    assert record_outcome(con, first) == 25
    # A slice is compared with earlier slices only: here there are none, so any size passes.
    slice_outcome = validate_relation(con, FEEDBACK, run_id="r2", where="survey = 'nps'")
    assert (slice_outcome.rows_validated, slice_outcome.passed) == (500, True)
    record_outcome(con, slice_outcome)

    con.execute(f"delete from {FEEDBACK} where _source_row > 100")  # a 90% drop
    dropped = validate_relation(con, FEEDBACK, run_id="r3")
    failure = only_failure(dropped)
    assert (failure.expectation_type, failure.severity) == (
        "expect_table_row_count_to_be_between",
        "error",
    )
    assert failure.observed_value == 100
    assert not dropped.passed
    record_outcome(con, dropped)

    # The failed run is no baseline: the next one is still held to the last good 1,000.
    assert not validate_relation(con, FEEDBACK, run_id="r4").passed
    history = con.execute(
        "select run_id, count(*), bool_and(success), max(rows_validated), any_value(where_clause)"
        " from audit.quality_results group by run_id order by run_id"
    ).fetchall()
    assert history == [
        ("r1", 25, True, 1000, None),
        ("r2", 25, True, 500, "survey = 'nps'"),
        ("r3", 25, False, 100, None),
    ]


def test_missing_lookup_tables_skip_their_checks(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(registry.DDL)
    for quality_table in (
        "qc_inspections",
        "qc_inspection_counts",
        "qc_production_runs",
        "qc_claims",
    ):
        con.execute(f"create table raw.{quality_table} as select 'L01' as line")
    con.execute(
        """
        insert into raw.initiatives (initiative_id, _source_file, _source_row, _loaded_at)
        values ('vision-qc', 'initiatives/vision-qc.yaml', 1, now());
        insert into raw.initiative_units values
            ('vision-qc', 'production_line', 'L01', date '2025-11-01', 'i.yaml', 1, now()),
            ('vision-qc', 'production_line', 'L99', null, 'i.yaml', 2, now()),
            ('ghost', 'region', 'NORTH', null, 'g.yaml', 1, now())
        """
    )
    outcome = validate_relation(con, "raw.initiative_units", run_id="r1")
    assert failures(outcome) == [
        ("expect_column_values_to_be_in_set", "initiative_id", "error"),
        ("expect_column_values_to_be_in_set", "unit_id", "warn"),
    ]
    assert [f.sample_values for f in outcome.failures] == [["ghost"], ["L99"]]
    # Lines are checked against the quality tables made here; support teams, R&D teams,
    # regions, departments and teams come from raw tables not loaded here.
    assert len(outcome.notes) == 5
    assert all("unresolved" in note and "does not exist" in note for note in outcome.notes)
    assert len(outcome.expectations) == len(suite_for("raw.initiative_units")["expectations"]) - 5


def test_data_docs_collect_every_validation(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    add_feedback(con, 50)
    con.execute(
        "create table raw.sales_customers as select 'C1' customer_id, 'NORTH' region,"
        " 'smb' segment, date '2025-01-01' first_order_date, 'sales/customers.csv' _source_file,"
        " 1::bigint _source_row, now()::timestamp _loaded_at"
    )
    docs = tmp_path / "docs"
    first = validate_relation(con, FEEDBACK, run_id="docs-run", docs_dir=docs)
    second = validate_relation(con, "raw.sales_customers", run_id="docs-run", docs_dir=docs)
    assert first.docs_index == second.docs_index == build_docs(docs) == docs / "index.html"
    index = (docs / "index.html").read_text(encoding="utf-8")
    # Each validation opens its own GX context: the index still lists both.
    assert "raw__feedback_responses" in index and "raw__sales_customers" in index
    pages = sorted(p.relative_to(docs).parts[:3] for p in docs.glob("validations/**/*.html"))
    assert pages == [
        ("validations", "raw__feedback_responses", "docs-run"),
        ("validations", "raw__sales_customers", "docs-run"),
    ]


def test_every_raw_table_and_served_mart_has_a_suite(dbt_manifest: Path) -> None:
    raw_tables = [*CONTRACTS, *registry.TABLES]
    marts = [relation.name for relation in mart_relations(dbt_manifest)]
    assert set(relations()) == {f"raw.{t}" for t in raw_tables} | {f"marts.{m}" for m in marts}
    assert len(suite_names()) == len(relations())
    with pytest.raises(KeyError, match="no expectation suite"):
        suite_for("raw.nothing_here")


@pytest.mark.parametrize("name", sorted(path.stem for path in SUITES_DIR.glob("*.json")))
def test_every_suite_loads_into_gx_and_is_documented(name: str) -> None:
    import great_expectations as gx

    suite = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    gx_suite = gx.ExpectationSuite(**suite)
    assert gx_suite.name == name
    assert len(gx_suite.expectations) == len(suite["expectations"]) > 0
    for expectation in suite["expectations"]:
        assert expectation["meta"]["severity"] in {"error", "warn"}
        assert expectation["meta"]["why"].strip()
    documented = suite["meta"].get("parameters", {})
    assert set(_parameters(suite["expectations"])) == set(documented)
    assert all(spec["source"] in PARAMETER_SOURCES and spec["why"] for spec in documented.values())


@pytest.mark.parametrize("name", [n for n in sorted(suite_names()) if n.startswith("raw__")])
def test_raw_suites_name_only_contract_columns(name: str) -> None:
    table = name.removeprefix("raw__")
    assert set(_columns(suite_for(f"raw.{table}"))) <= _raw_columns(table)


def _raw_columns(table: str) -> set[str]:
    if table in CONTRACTS:
        return set(CONTRACTS[table].column_names) | LINEAGE
    # The registry's tables have no contract: their DDL is the truth.
    assert table in registry.TABLES
    con = duckdb.connect()
    con.execute(f"create schema raw; {registry.DDL}")
    return {row[0] for row in con.execute(f"describe raw.{table}").fetchall()}


def _columns(suite: dict) -> list[str]:
    names = []
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        names += [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
        names += kwargs.get("column_list", []) + kwargs.get("column_set", [])
        condition = kwargs.get("row_condition")
        if condition:
            names.append(condition["column"]["name"])
    return names


def _parameters(value: object) -> list[str]:
    if isinstance(value, dict):
        own = [value["$PARAMETER"]] if "$PARAMETER" in value else []
        return own + [name for item in value.values() for name in _parameters(item)]
    if isinstance(value, list):
        return [name for item in value for name in _parameters(item)]
    return []
