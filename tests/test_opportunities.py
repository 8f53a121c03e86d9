"""The opportunity finder (mart `opportunities`) on the demo data: the processes the
generator made the best candidates rank first, poor data marks a process down with its
reason, covered processes read "already covered" with their measured effect, the
configuration moves the ranking as docs/opportunities.md says, and free text yields no
theme for fewer than 10 commenters. Reads the session's real pipeline run; the
configuration and privacy tests rebuild the mart with dbt in a copy of the project and
of the warehouse, so nothing tracked is edited."""

from __future__ import annotations

import csv

import duckdb
import pytest

from dagster_project.dbt_project import DBT_PROJECT_DIR

pytestmark = pytest.mark.e2e

MART = "marts.opportunities"
SEEDS = DBT_PROJECT_DIR / "seeds"
COMPONENTS = {
    "hours_at_stake": "hours_at_stake_score",
    "repetitiveness": "repetitiveness_score",
    "error_proneness": "error_proneness_score",
    "pain": "pain_score",
    "strategic_alignment": "strategic_alignment_score",
    "competitive_pressure": "competitive_pressure_score",
}


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by_process(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    return {row["process_name"]: row for row in rows(con, f"select * from {MART}")}


def ranking(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            f"select process_name from {MART} where opportunity_rank is not null "
            "order by opportunity_rank"
        ).fetchall()
    ]


def weights() -> dict[str, float]:
    with (SEEDS / "opportunity_weights.csv").open(encoding="utf-8") as handle:
        return {row["component"]: float(row["weight"]) for row in csv.DictReader(handle)}


# --- the demo data's answer ----------------------------------------------------------


def test_the_repetitive_slow_error_prone_painful_well_recorded_processes_rank_top_three(
    pipeline, con
):
    expected = pipeline.truth["opportunities"]["expected_top"]
    top = ranking(con)[:3]
    assert set(top) == set(expected), top
    candidates = by_process(con)
    for name in expected:
        row = candidates[name]
        assert row["status"] == "candidate"
        assert row["data_availability"] == pytest.approx(1.0)
        assert row["top_two_type_share"] >= 0.9  # few task types...
        assert row["duration_cv"] <= 0.3  # ...and steady durations
        assert row["error_rate"] + row["rework_rate"] >= 0.12
        assert row["comment_themes"], name  # pain in the comments, shown as themes
    # The generator's widest-spread processes trail on repetitiveness.
    assert candidates["it_ticket_resolution"]["repetitiveness_score"] < 0.15
    assert candidates["invoice_processing"]["repetitiveness_score"] == pytest.approx(
        (1.0 + 1 - candidates["invoice_processing"]["duration_cv"]) / 2
    )


def test_poor_data_marks_a_process_down_and_says_why(pipeline, con):
    poor = pipeline.truth["opportunities"]["poor_data_process"]
    row = by_process(con)[poor]
    third_score = con.execute(
        f"select opportunity_score from {MART} where opportunity_rank = 3"
    ).fetchone()[0]

    # ~30% of its rows lack task_type and team (the same rows): completeness ≈ 0.70.
    assert row["completeness"] == pytest.approx(0.70, abs=0.05)
    assert row["validity"] == 1.0  # nothing quarantined in the demo data
    assert row["data_availability"] == pytest.approx(row["completeness"])
    assert row["status"] == "fix data first"
    assert row["opportunity_score"] == pytest.approx(row["value_score"] * row["data_availability"])
    # On hours, errors and pain it would be top three; its data takes it out.
    assert row["hours_at_stake_score"] > 0.9
    assert row["value_score"] > third_score > row["opportunity_score"]
    assert row["opportunity_rank"] > 3
    missing = round(100 * (1 - row["completeness"]), 1)
    assert f"task_type missing in {missing}% of rows" in row["data_quality_findings"]
    assert f"team missing in {missing}% of rows" in row["data_quality_findings"]
    assert row["score_notes"].startswith(
        f"marked down to {round(100 * row['data_availability'])}% for data availability: "
        "task_type missing"
    )

    # Completeness recomputed from the staged tasks of the window.
    (share,) = con.execute(
        "select avg(case when task_type is null or team is null then 1.0 else 0.0 end) "
        "from staging.stg_operations__tasks, intermediate.int_report_month "
        "where process_name = ? and task_month > report_month - interval 12 month "
        "and task_month <= report_month",
        [poor],
    ).fetchone()
    assert row["completeness"] == pytest.approx(1 - share)


def test_a_covered_process_reads_already_covered_with_its_measured_effect(pipeline, con):
    covered = pipeline.truth["opportunities"]["covered_by_initiative"]
    rows_ = by_process(con)
    assert {name for name, row in rows_.items() if row["is_covered"]} == set(covered)
    for process, initiative in covered.items():
        row = rows_[process]
        effect, low, high = con.execute(
            "select did_effect_pct, did_ci_low_pct, did_ci_high_pct from marts.initiative_effects "
            "where initiative_id = ? and metric_name = 'task_duration_mean'",
            [initiative],
        ).fetchone()
        assert row["covering_initiative_id"] == initiative
        assert row["opportunity_rank"] is None and row["status"] == "already covered"
        assert row["covering_duration_effect_pct"] == pytest.approx(effect)
        assert (
            row["covering_duration_effect_ci_low_pct"],
            row["covering_duration_effect_ci_high_pct"],
        ) == (
            pytest.approx(low),
            pytest.approx(high),
        )
        assert f"task_duration_mean {round(100 * effect):+d}%" in row["covering_effects"]
        assert row["score_notes"].startswith(f"already covered by {initiative} (")
        # Four of the eight support teams are treated: about half the tasks.
        assert row["covered_task_share"] == pytest.approx(0.5, abs=0.05)
    # Lines and regions are also the teams writing quality reports and quotes, but the
    # vision model and the sales assistant do not change those tasks.
    assert not rows_["quality_report_writing"]["is_covered"]
    assert not rows_["sales_quote_prep"]["is_covered"]
    assert len(ranking(con)) == len(rows_) - len(covered)


def test_value_at_stake_is_annual_hours_times_loaded_cost(con):
    hours = dict(
        con.execute(
            "select process_name, sum(epoch(ended_at) - epoch(started_at)) / 3600.0 "
            "from staging.stg_operations__tasks, intermediate.int_report_month "
            "where is_completed and task_month > report_month - interval 12 month "
            "and task_month <= report_month group by process_name"
        ).fetchall()
    )
    for name, row in by_process(con).items():
        assert row["months_observed"] == 12
        assert row["annual_hours"] == pytest.approx(hours[name])
        # The registry's median assumption (55/h), or the covering initiative's own (42/h).
        assert row["loaded_hourly_cost"] == (42.0 if row["is_covered"] else 55.0)
        assert row["annual_value_at_stake"] == pytest.approx(
            hours[name] * row["loaded_hourly_cost"]
        )
    assert by_process(con)["invoice_processing"]["annual_value_at_stake"] == pytest.approx(
        46_000, rel=0.05
    )


def test_the_score_is_the_weighted_components_times_data_availability(con):
    weight = weights()
    assert weight == {
        "hours_at_stake": 0.30,
        "repetitiveness": 0.20,
        "error_proneness": 0.20,
        "pain": 0.20,
        "strategic_alignment": 0.10,
        "competitive_pressure": 0.10,
    }
    candidates = by_process(con)
    most_hours = max(row["annual_hours"] for row in candidates.values())
    for name, row in candidates.items():
        value = sum(w * row[COMPONENTS[c]] for c, w in weight.items()) / sum(weight.values())
        assert row["competitive_pressure_score"] is not None  # the demo delivers benchmarks
        assert row["value_score"] == pytest.approx(value), name
        assert row["opportunity_score"] == pytest.approx(value * row["data_availability"]), name
        assert row["hours_at_stake_score"] == pytest.approx(row["annual_hours"] / most_hours)
        assert row["pain_score"] == pytest.approx(
            (row["survey_pain_score"] + row["comment_pain_score"]) / 2
        )
        assert row["strategic_alignment_score"] == 0.5  # every department neutral by default
    ranked = rows(
        con, f"select opportunity_score from {MART} where not is_covered order by opportunity_rank"
    )
    scores = [row["opportunity_score"] for row in ranked]
    assert scores == sorted(scores, reverse=True)


def test_the_ranking_is_served_for_bi_without_comment_text(pipeline):
    with duckdb.connect(str(pipeline.settings.serving_path), read_only=True) as served:
        (comment,) = served.execute(
            "select comment from duckdb_tables() where schema_name = 'overview' "
            "and table_name = 'opportunities'"
        ).fetchone()
        described = served.execute(
            "select count(*), count(comment) from duckdb_columns() "
            "where schema_name = 'overview' and table_name = 'opportunities'"
        ).fetchone()
        first = served.execute(
            "select process_name from overview.opportunities where opportunity_rank = 1"
        ).fetchone()[0]
        text = served.execute(
            "select string_agg(coalesce(comment_themes, '') || coalesce(score_notes, ''), ' ') "
            "from overview.opportunities"
        ).fetchone()[0]
    assert comment.startswith("Where to deploy AI next")
    assert described[0] == described[1] >= 50  # every column described
    assert first == pipeline.truth["opportunities"]["expected_top"][0]
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as con:
        comments = [
            c for (c,) in con.execute(
                "select distinct comment_text from staging.stg_hr__survey_responses "
                "where comment_text is not null"
            ).fetchall()
        ]  # fmt: skip
    assert len(comments) > 20
    assert not [c for c in comments if c in text]


# --- configuration and privacy, rebuilt in a copy -------------------------------------


def test_changing_a_strategic_alignment_changes_the_ranking_as_documented(con, dbt_copy):
    """docs/opportunities.md: Manufacturing to 1.0 and Finance to 0.0 moves every score by
    0.10 / 1.10 x the change x data availability; quality report writing overtakes purchase-
    order entry and expense audit."""
    before = by_process(con)
    seed = dbt_copy.project / "seeds" / "opportunity_departments.csv"
    with seed.open(encoding="utf-8") as handle:
        departments = list(csv.DictReader(handle))
    alignment = {"Manufacturing": "1.0", "Finance": "0.0"}
    for row in departments:
        row["strategic_alignment"] = alignment.get(row["department"], row["strategic_alignment"])
    with seed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(departments[0]))
        writer.writeheader()
        writer.writerows(departments)

    dbt_copy.run("build", "--select", "opportunity_departments", "opportunities")

    with dbt_copy.connect() as copy:
        after = by_process(copy)
        new_ranking = ranking(copy)
    assert ranking(con)[:4] == [
        "invoice_processing", "expense_audit", "purchase_order_entry", "quality_report_writing"
    ]  # fmt: skip
    assert new_ranking[:4] == [
        "invoice_processing", "quality_report_writing", "purchase_order_entry", "expense_audit"
    ]  # fmt: skip
    share = weights()["strategic_alignment"] / sum(weights().values())
    for name, row in after.items():
        change = row["strategic_alignment_score"] - before[name]["strategic_alignment_score"]
        expected = before[name]["opportunity_score"] + share * change * row["data_availability"]
        assert row["opportunity_score"] == pytest.approx(expected, abs=1e-12), name
    assert after["quality_report_writing"]["opportunity_score"] - before["quality_report_writing"][
        "opportunity_score"
    ] == pytest.approx(share * 0.5)
    assert after["expense_audit"]["opportunity_score"] - before["expense_audit"][
        "opportunity_score"
    ] == pytest.approx(-share * 0.5)


def test_rows_quarantined_at_load_lower_validity(con, dbt_copy):
    """Quarantined operations rows count against their process (read from the raw values)
    when they started in the window or their start cannot be read; older ones do not."""
    raw = "json_object('task_id', 'Q' || i, 'process', 'expense_audit', 'started_at', {start})"
    with dbt_copy.connect(read_only=False) as copy:
        for count, start in (
            (100, "strftime(report_month + interval 14 day, '%Y-%m-%dT%H:%M:%S')"),
            (10, "'31/02/2026 9h'"),
            (50, "'2024-06-03T09:00:00'"),
        ):
            copy.execute(
                "insert into audit.quarantine (source, file_path, source_row, column_name, "
                "reason, raw_values, run_id, quarantined_at) "
                "select 'operations_tasks', 'operations/x.jsonl', "
                f"i, 'started_at', 'test', {raw.format(start=start)}, 'test', now()::timestamp "
                f"from range({count}) t(i), intermediate.int_report_month"
            )
    dbt_copy.run("build", "--select", "int_opportunity_data_quality+")

    with dbt_copy.connect() as copy:
        row = by_process(copy)["expense_audit"]
    rows_loaded = row["task_count"]
    assert row["quarantined_rows"] == 110
    assert row["validity"] == pytest.approx(rows_loaded / (rows_loaded + 110))
    assert row["data_availability"] == pytest.approx(row["completeness"] * row["validity"])
    assert row["opportunity_score"] == pytest.approx(row["value_score"] * row["data_availability"])
    share = round(100 * (1 - row["validity"]), 1)
    assert row["data_quality_findings"] == f"110 rows quarantined at load ({share}%)"
    assert by_process(con)["expense_audit"]["validity"] == 1.0


def test_fewer_than_ten_commenters_yield_no_theme(con, dbt_copy):
    """Procurement's comments in the window cut down to 9 people: its processes lose their
    comment share and themes (pain rests on the survey items alone); Finance keeps its."""
    with dbt_copy.connect(read_only=False) as copy:
        copy.execute(
            """
            update raw.hr_survey_responses set comment = null
            where department = 'Procurement' and comment is not null
              and employee_id not in (
                select employee_id from raw.hr_survey_responses, intermediate.int_report_month
                where department = 'Procurement' and comment is not null
                  and response_date >= report_month - interval 11 month
                group by employee_id order by employee_id limit 9)
            """
        )
    dbt_copy.run("build", "--select", "int_opportunity_comment_themes+")

    with dbt_copy.connect() as copy:
        after = by_process(copy)
    for name in ("purchase_order_entry", "contract_review"):
        row = after[name]
        assert row["comment_group_size"] == 9
        assert row["comment_mention_share"] is None and row["comment_themes"] is None
        assert row["comment_pain_score"] is None
        assert row["pain_score"] == pytest.approx(row["survey_pain_score"])
        assert "no comment themes (fewer than 10 commenters)" in row["score_notes"]
    before = by_process(con)
    assert before["purchase_order_entry"]["comment_group_size"] >= 10
    assert before["purchase_order_entry"]["comment_themes"]
    assert (
        after["invoice_processing"]["comment_themes"]
        == before["invoice_processing"]["comment_themes"]
    )
