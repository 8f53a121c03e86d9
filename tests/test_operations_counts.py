"""Operations tasks delivered as daily counts per team and process instead of one row per
task: the contract's row rules, optional counts, the quality gate on an empty table, and
the same efficiency metrics from either form (all but the median duration, which counts
cannot give, and which is then absent rather than wrong)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from expectations import validate_relation
from ingestion.contracts import CONTRACTS
from ingestion.file_rows import ensure_raw_table
from ingestion.loader import SourceLoadReport, load_source
from tests.helpers import TEST_KEY, DbtCopy, write_text

COUNTS = CONTRACTS["operations_task_counts"]
HEADER = (
    "task_date,process,department,team,completed_tasks,total_duration_minutes,"
    "tasks_with_error,reworked_tasks,ai_assisted_tasks"
)
EFFICIENCY_METRICS = (
    "task_duration_mean",
    "task_duration_median",
    "throughput",
    "error_rate",
    "rework_rate",
    "task_volume",
)
# Everything between the raw tasks and the metric values.
OPERATIONS_MODELS = (
    "stg_operations__tasks",
    "stg_operations__task_counts",
    "int_operations__team_days",
    "int_operations__team_months",
    "int_metric_values",
)


def test_rows_breaking_the_count_rules_are_quarantined(con, tmp_path: Path) -> None:
    good = [
        f"2025-01-{day:02d},invoices,Finance,{team},40,480.5,2,1,10"
        for day in range(1, 31)
        for team in ("FIN-AP", "FIN-OPS")
    ]
    bad = [
        "2025-01-02,invoices,Finance,FIN-CTRL,4,60,5,0,0",
        "2025-01-03,invoices,Finance,FIN-CTRL,4,60,0,5,0",
        "2025-01-04,invoices,Finance,FIN-CTRL,4,60,0,0,5",
    ]
    landing = tmp_path / "landing"
    write_text(landing / "operations" / "task_counts_2025-01.csv", "\n".join([HEADER, *good, *bad]))

    report = load_source(con, COUNTS, landing, TEST_KEY)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (63, 60)
    quarantined = con.execute(
        "select source_row, column_name, reason from audit.quarantine order by source_row"
    ).fetchall()
    assert quarantined == [
        (61, "tasks_with_error", "tasks_with_error: more tasks with an error than completed tasks"),
        (62, "reworked_tasks", "reworked_tasks: more reworked tasks than completed tasks"),
        (63, "ai_assisted_tasks", "ai_assisted_tasks: more AI-assisted tasks than completed tasks"),
    ]


def test_optional_count_columns_may_be_left_out(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    text = (
        "task_date,process,department,team,completed_tasks\n2025-01-02,invoices,Finance,FIN-AP,40\n"
    )
    write_text(landing / "operations" / "task_counts_2025-01.csv", text)

    report = load_source(con, COUNTS, landing, TEST_KEY)

    assert (report.count("loaded"), report.total("rows_loaded")) == (1, 1)
    row = con.execute(
        "select completed_tasks, total_duration_minutes, tasks_with_error, reworked_tasks, "
        "ai_assisted_tasks from raw.operations_task_counts"
    ).fetchall()
    assert row == [(40, None, None, None, None)]


def test_the_quality_gate_passes_an_empty_counts_table(con) -> None:
    """A company delivering task rows leaves the counts table empty: no failure."""
    ensure_raw_table(con, COUNTS)
    outcome = validate_relation(con, "raw.operations_task_counts", run_id="r1")
    assert (outcome.passed, outcome.failures, outcome.rows_validated) == (True, [], 0)


def efficiency_metrics(con: duckdb.DuckDBPyConnection) -> dict[tuple, tuple]:
    """Support teams' efficiency metrics: (team, month, metric) → (numerator, denominator,
    value)."""
    rows = con.execute(
        "select unit_id, month_start, metric_name, numerator, denominator, metric_value "
        "from intermediate.int_metric_values "
        "where unit_type = 'support_team' and list_contains(?, metric_name)",
        [list(EFFICIENCY_METRICS)],
    ).fetchall()
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


def task_rows_as_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """raw.operations_tasks' completed tasks with a team, tallied per team, process and
    day: the counts form of the same tasks."""
    return con.sql(
        """
        select
            cast(started_at as date) as task_date,
            process,
            department,
            team,
            count(*) as completed_tasks,
            sum(date_diff('second', started_at, ended_at) / 60.0) as total_duration_minutes,
            count(*) filter (where error_flag) as tasks_with_error,
            count(*) filter (where rework_flag) as reworked_tasks,
            count(*) filter (where ai_assisted) as ai_assisted_tasks
        from raw.operations_tasks
        where status = 'completed' and team is not null
        group by all
        order by all
        """
    ).pl()


def load_counts(
    con: duckdb.DuckDBPyConnection, counts: pl.DataFrame, landing: Path
) -> SourceLoadReport:
    """Write `counts` as monthly `task_counts_<YYYY-MM>.csv` files and load them."""
    month = pl.col("task_date").dt.strftime("%Y-%m")
    for (label,), part in counts.group_by(month, maintain_order=True):
        path = landing / "operations" / f"task_counts_{label}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_csv(path)
    return load_source(con, COUNTS, landing, TEST_KEY)


@pytest.mark.e2e
def test_the_same_tasks_as_daily_counts_give_the_same_efficiency_metrics(
    dbt_copy: DbtCopy, tmp_path: Path
) -> None:
    with dbt_copy.connect(read_only=False) as con:
        before = efficiency_metrics(con)
        counts = task_rows_as_counts(con)
        report = load_counts(con, counts, tmp_path / "landing")
        con.execute("delete from raw.operations_tasks")
    # The task rows' incremental model keeps deleted rows unless rebuilt from scratch.
    dbt_copy.run("build", "--select", *OPERATIONS_MODELS, "--full-refresh")

    with dbt_copy.connect() as con:
        after = efficiency_metrics(con)
    assert (report.total("rows_loaded"), report.total("rows_quarantined")) == (counts.height, 0)
    medians = {key for key in before if key[2] == "task_duration_median"}
    assert medians and not medians & after.keys()  # absent, not zero
    assert after.keys() == before.keys() - medians
    for key, values in after.items():
        assert values == pytest.approx(before[key], rel=1e-9, abs=1e-9), key


@pytest.mark.e2e
def test_a_day_delivered_both_ways_counts_once_from_the_count(
    dbt_copy: DbtCopy, tmp_path: Path
) -> None:
    """One team, process and day also comes as a count of 10 more tasks, without error or
    rework counts: the count replaces that day's rows, the team's month takes its tasks,
    loses its error and rework rates (unknown for one day) and its median duration."""
    with dbt_copy.connect(read_only=False) as con:
        day = (
            task_rows_as_counts(con).filter(pl.col("task_date").dt.month() == 3).row(0, named=True)
        )
        before = efficiency_metrics(con)
        extra = {**day, "completed_tasks": day["completed_tasks"] + 10}
        extra |= {"tasks_with_error": None, "reworked_tasks": None}
        load_counts(con, pl.DataFrame([extra]), tmp_path / "landing")
    dbt_copy.run("build", "--select", *OPERATIONS_MODELS)

    with dbt_copy.connect() as con:
        after = efficiency_metrics(con)
        delivered_as = con.execute(
            "select delivered_as, count(*) from intermediate.int_operations__team_days "
            "where delivered_as <> 'rows' group by all"
        ).fetchall()
    month = day["task_date"].replace(day=1)
    team = day["team"]
    assert delivered_as == [("both", 1)]
    assert after[(team, month, "task_volume")][0] == before[(team, month, "task_volume")][0] + 10
    for metric in ("error_rate", "rework_rate", "task_duration_median"):
        assert (team, month, metric) in before and (team, month, metric) not in after
    unchanged = {key for key in before if key[:2] != (team, month)}
    assert all(after[key] == pytest.approx(before[key]) for key in unchanged)
