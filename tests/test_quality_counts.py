"""Quality inspections delivered as daily counts per production line instead of one row
per unit: the contract's row rules, the demo generator's option, and the same quality
metrics from either form (a line and day delivered both ways counts once, from the count)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import polars as pl
import pytest

from expectations import validate_relation
from ingestion.contracts import CONTRACTS
from ingestion.demo_data import generate
from ingestion.file_rows import ensure_raw_table
from ingestion.loader import SourceLoadReport, load_source
from tests.helpers import TEST_KEY, DbtCopy, write_text

COUNTS = CONTRACTS["qc_inspection_counts"]
HEADER = (
    "inspection_date,line,units_inspected,defective_units,defects_found,reworked_units,"
    "first_pass_units,defect_opportunities"
)
COUNT_COLUMNS = [
    "units_inspected", "defective_units", "defects_found", "reworked_units",
    "first_pass_units", "defect_opportunities",
]  # fmt: skip
QUALITY_METRICS = ("defective_rate", "defects_per_unit", "dpmo", "first_pass_yield")
# Everything between the raw inspections and the metric values.
QUALITY_MODELS = (
    "stg_quality__inspections",
    "stg_quality__inspection_counts",
    "int_quality__inspection_days",
    "int_quality__line_months",
    "int_metric_values",
)
# The session pipeline's demo (scale 0.3): 8 lines x 30 months x 4 metrics.
QUALITY_METRIC_ROWS = 960
DEMO_SCALE = 0.05


def counts_csv(rows: list[tuple]) -> str:
    lines = [HEADER] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def test_rows_breaking_the_count_rules_are_quarantined(con, tmp_path: Path) -> None:
    good = [
        (f"2025-01-{day:02d}", line, 100, 5, 7, 4, 95, 25_000)
        for day in range(1, 31)
        for line in ("L01", "L02")
    ]
    bad = [
        ("2025-01-02", "L03", 10, 11, 11, None, None, None),  # more defective than inspected
        ("2025-01-03", "L03", 10, 1, 1, 0, 11, None),  # more first-pass than inspected
        ("2025-01-04", "L03", 10, 3, 2, 1, 7, 2_000),  # fewer defects than defective units
    ]
    landing = tmp_path / "landing"
    write_text(landing / "quality" / "inspection_counts_2025-01.csv", counts_csv(good + bad))

    report = load_source(con, COUNTS, landing, TEST_KEY)

    assert (report.total("rows_read"), report.total("rows_loaded")) == (63, 60)
    quarantined = con.execute(
        "select source_row, column_name, reason from audit.quarantine order by source_row"
    ).fetchall()
    assert quarantined == [
        (61, "defective_units", "defective_units: more defective units than units inspected"),
        (62, "first_pass_units", "first_pass_units: more first-pass units than units inspected"),
        (
            63,
            "defects_found",
            "defects_found: fewer defects than defective units (a defective unit has at least one)",
        ),
    ]


def test_optional_count_columns_may_be_left_out(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    text = (
        "inspection_date,line,units_inspected,defective_units,defects_found\n"
        "2025-01-02,L01,100,5,7\n"
    )
    write_text(landing / "quality" / "inspection_counts_2025-01.csv", text)

    report = load_source(con, COUNTS, landing, TEST_KEY)

    assert (report.count("loaded"), report.total("rows_loaded")) == (1, 1)
    row = con.execute(f"select {', '.join(COUNT_COLUMNS)} from raw.qc_inspection_counts").fetchall()
    assert row == [(100, 5, 7, None, None, None)]


def test_the_quality_gate_passes_an_empty_counts_table_and_warns_on_odd_counts(con) -> None:
    """A plant delivering unit rows leaves the counts table empty: no failure. Rework and
    opportunity counts that cannot be right are warned about, without closing the gate."""
    ensure_raw_table(con, COUNTS)
    empty = validate_relation(con, "raw.qc_inspection_counts", run_id="r1")
    con.execute(
        "insert into raw.qc_inspection_counts values "
        "('2025-01-02', 'L01', 100, 5, 7, 101, 95, 6, 'quality/inspection_counts_2025-01.csv', "
        "1, now()::timestamp)"
    )
    odd = validate_relation(con, "raw.qc_inspection_counts", run_id="r2")

    assert (empty.passed, empty.failures, empty.rows_validated) == (True, [], 0)
    assert odd.passed
    assert [(f.column, f.severity, f.unexpected_count) for f in odd.failures] == [
        ("units_inspected, reworked_units", "warn", 1),
        ("defect_opportunities, defects_found", "warn", 1),
    ]


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_demo_writes_the_same_inspections_as_daily_counts(tmp_path: Path) -> None:
    units, counts = tmp_path / "units", tmp_path / "counts"
    generate(units, scale=DEMO_SCALE)
    generate(counts, scale=DEMO_SCALE, quality_as_counts=True)

    unit_files, count_files = _digests(units), _digests(counts)
    inspections = {name for name in unit_files if name.startswith("quality/inspections_")}
    count_names = {name for name in count_files if name.startswith("quality/inspection_counts_")}
    assert (len(inspections), len(count_names)) == (30, 30)
    assert {n.replace("inspections_", "inspection_counts_") for n in inspections} == count_names
    # Every other landing file is untouched (the ground truth tallies the files written).
    others = set(unit_files) - inspections - {"ground_truth.json"}
    assert others == set(count_files) - count_names - {"ground_truth.json"}
    assert all(unit_files[name] == count_files[name] for name in others)

    unit_rows = pl.read_csv(sorted((units / "quality").glob("inspections_*.csv")))
    count_rows = pl.read_csv(sorted((counts / "quality").glob("inspection_counts_*.csv")))
    per_line_from_units = unit_rows.group_by("line").agg(
        pl.len().alias("units_inspected"),
        pl.col("defective").sum().alias("defective_units"),
        pl.col("defects_found").sum(),
        pl.col("reworked").sum().alias("reworked_units"),
        pl.col("passed_first_time").sum().alias("first_pass_units"),
        pl.col("opportunities_per_unit").sum().alias("defect_opportunities"),
    )
    per_line_from_counts = count_rows.group_by("line").agg(pl.col(COUNT_COLUMNS).sum())
    assert (
        per_line_from_units.sort("line")
        .cast({c: pl.Int64 for c in COUNT_COLUMNS})
        .equals(per_line_from_counts.sort("line").cast({c: pl.Int64 for c in COUNT_COLUMNS}))
    )
    days = unit_rows.select("line", pl.col("inspected_at").str.slice(0, 10)).unique().height
    assert count_rows.height == days


# The end-to-end checks below edit a copy of the session pipeline's warehouse and rebuild
# the quality models with dbt.


def quality_metrics(con: duckdb.DuckDBPyConnection) -> dict[tuple, tuple]:
    """Production lines' inspection metrics: (line, month, metric) → (numerator,
    denominator, value)."""
    rows = con.execute(
        "select unit_id, month_start, metric_name, numerator, denominator, metric_value "
        "from intermediate.int_metric_values "
        "where unit_type = 'production_line' and list_contains(?, metric_name)",
        [list(QUALITY_METRICS)],
    ).fetchall()
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


def unit_rows_as_counts(con: duckdb.DuckDBPyConnection, where: str = "true") -> pl.DataFrame:
    """raw.qc_inspections tallied per line and day: the counts form of the same units."""
    return con.sql(
        f"""
        select
            cast(inspected_at as date) as inspection_date,
            line,
            count(*) as units_inspected,
            count(*) filter (where defective) as defective_units,
            sum(defects_found)::bigint as defects_found,
            count(*) filter (where reworked) as reworked_units,
            count(*) filter (where passed_first_time) as first_pass_units,
            sum(opportunities_per_unit)::bigint as defect_opportunities
        from raw.qc_inspections
        where {where}
        group by all
        order by inspection_date, line
        """
    ).pl()


def load_counts(
    con: duckdb.DuckDBPyConnection, counts: pl.DataFrame, landing: Path
) -> SourceLoadReport:
    """Write `counts` as monthly `inspection_counts_<YYYY-MM>.csv` files and load them."""
    month = pl.col("inspection_date").dt.strftime("%Y-%m")
    for (label,), part in counts.group_by(month, maintain_order=True):
        path = landing / "quality" / f"inspection_counts_{label}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_csv(path)
    return load_source(con, COUNTS, landing, TEST_KEY)


@pytest.mark.e2e
def test_the_same_inspections_as_daily_counts_give_the_same_quality_metrics(
    dbt_copy: DbtCopy, tmp_path: Path
) -> None:
    with dbt_copy.connect(read_only=False) as con:
        before = quality_metrics(con)
        counts = unit_rows_as_counts(con)
        report = load_counts(con, counts, tmp_path / "landing")
        con.execute("delete from raw.qc_inspections")
    # The unit rows' incremental model keeps deleted rows unless rebuilt from scratch.
    dbt_copy.run("build", "--select", *QUALITY_MODELS, "--full-refresh")

    with dbt_copy.connect() as con:
        after = quality_metrics(con)
        staged = con.execute(
            "select (select count(*) from staging.stg_quality__inspections), "
            "(select count(*) from staging.stg_quality__inspection_counts)"
        ).fetchall()[0]
    assert (report.total("rows_loaded"), report.total("rows_quarantined")) == (counts.height, 0)
    assert staged == (0, counts.height)
    assert len(before) == QUALITY_METRIC_ROWS
    assert after.keys() == before.keys()
    for key, values in before.items():
        assert after[key] == pytest.approx(values, rel=1e-9, abs=1e-9), key


MARCH = dt.date(2025, 3, 1)


def _line_month(con: duckdb.DuckDBPyConnection, line: str) -> tuple:
    """The inspection counts of `line` in March 2025."""
    return con.execute(
        "select units_inspected, defective_units, defects_found, reworked_units, "
        "first_pass_units, defect_opportunities from intermediate.int_quality__line_months "
        "where line_id = ? and month_start = ?",
        [line, MARCH],
    ).fetchall()[0]


@pytest.mark.e2e
def test_a_line_day_delivered_both_ways_counts_once_from_the_count(
    dbt_copy: DbtCopy, tmp_path: Path
) -> None:
    """L01 on 2025-03-03 also comes as a count of 100 more units (all first-pass) than its
    unit rows: the count wins. L02 on 2025-03-04 also comes as the same totals without
    first-pass and opportunity counts: L02's March loses first-pass yield and DPMO and
    keeps the rest. The warn test lists both days."""
    days = (
        "(line = 'L01' and inspected_at::date = date '2025-03-03') "
        "or (line = 'L02' and inspected_at::date = date '2025-03-04')"
    )
    l01 = pl.col("line") == "L01"
    with dbt_copy.connect(read_only=False) as con:
        before = quality_metrics(con)
        l01_before, l02_before = _line_month(con, "L01"), _line_month(con, "L02")
        unit_days = unit_rows_as_counts(con, where=days)
        counts = unit_days.with_columns(
            units_inspected=pl.when(l01)
            .then(pl.col("units_inspected") + 100)
            .otherwise("units_inspected"),
            first_pass_units=pl.when(l01).then(pl.col("first_pass_units") + 100),
            defect_opportunities=pl.when(l01).then("defect_opportunities"),
        )
        load_counts(con, counts, tmp_path / "landing")
    dbt_copy.run("build", "--select", *QUALITY_MODELS)

    with dbt_copy.connect() as con:
        after = quality_metrics(con)
        l01_after, l02_after = _line_month(con, "L01"), _line_month(con, "L02")
        flagged = con.execute(
            "select line_id, inspection_date, units_in_counts, units_in_unit_rows "
            "from dbt_test__audit.quality_line_days_delivered_both_ways order by line_id"
        ).fetchall()
    l01_units, l02_units = unit_days["units_inspected"].to_list()
    assert flagged == [
        ("L01", dt.date(2025, 3, 3), l01_units + 100, l01_units),
        ("L02", dt.date(2025, 3, 4), l02_units, l02_units),
    ]
    units, defective, defects, reworked, first_pass, opportunities = l01_before
    assert l01_after == (units + 100, defective, defects, reworked, first_pass + 100, opportunities)
    assert l02_after == (*l02_before[:4], None, None)

    absent = {("L02", MARCH, "dpmo"), ("L02", MARCH, "first_pass_yield")}
    assert after.keys() == before.keys() - absent
    recounted = {
        ("L01", MARCH, "defective_rate"): defective / (units + 100),
        ("L01", MARCH, "defects_per_unit"): defects / (units + 100),
        ("L01", MARCH, "first_pass_yield"): (first_pass + 100) / (units + 100),
    }
    for key, values in after.items():
        expected = recounted.get(key, before[key][2])
        assert values[2] == pytest.approx(expected, rel=1e-9, abs=1e-9), key
