"""Every family mart covers every unit and month of the data: units no initiative covers
show their metrics with the initiative columns empty, before any roll-out too, while the
rows of covered units stay as they are."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.e2e

FAMILY_MARTS = {
    "efficiency": "efficiency",
    "quality": "quality",
    "revenue": "revenue_impact",
    "innovation": "innovation",
    "employee_satisfaction": "employee_satisfaction",
}
INITIATIVE_COLUMNS = (
    "initiative_id", "is_treated", "go_live_month", "period", "baseline_value",
    "change_vs_baseline", "change_vs_baseline_pct", "attributed_effect_pct",
    "attributed_effect_ci_low_pct", "attributed_effect_ci_high_pct", "attribution_evidence",
)  # fmt: skip
# A support team outside every initiative's population in the demo.
UNCOVERED_TEAM = "FIN-AP"


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as connection:
        yield connection


def metric_values(con, unit_type: str, unit_id: str) -> dict[tuple, tuple]:
    """int_metric_values of one unit over the reported months."""
    rows = con.execute(
        "select month_start, metric_name, numerator, denominator, metric_value "
        "from intermediate.int_metric_values "
        "inner join intermediate.int_months using (month_start) "
        "where unit_type = ? and unit_id = ?",
        [unit_type, unit_id],
    ).fetchall()
    return {(month, metric): tuple(values) for month, metric, *values in rows}


def mart_rows(con, mart: str, unit_type: str, unit_id: str) -> dict[tuple, tuple]:
    """The unit's rows in a family mart, each checked to carry no initiative column."""
    empty = " and ".join(f"{column} is null" for column in INITIATIVE_COLUMNS)
    rows = con.execute(
        f"select month_start, metric_name, numerator, denominator, metric_value, {empty} "
        f"from marts.{mart} where unit_type = ? and unit_id = ?",
        [unit_type, unit_id],
    ).fetchall()
    assert all(row[-1] for row in rows), "a row of an uncovered unit names an initiative"
    return {(month, metric): tuple(values) for month, metric, *values, _ in rows}


def test_a_team_no_initiative_covers_shows_its_metrics_without_initiative(con):
    covering = con.execute(
        "select count(*) from staging.stg_registry__initiative_units where unit_id = ?",
        [UNCOVERED_TEAM],
    ).fetchone()[0]
    expected = metric_values(con, "support_team", UNCOVERED_TEAM)

    published = mart_rows(con, "efficiency", "support_team", UNCOVERED_TEAM)

    assert covering == 0
    assert len(published) == 180  # 6 efficiency metrics x 30 reported months
    assert published == expected


def test_covered_units_keep_their_initiative_rows(con):
    """The rows with an initiative are int_initiative_metric_months' rows, one per
    initiative, unit, month and metric, with their values and baselines (what the HR
    privacy rule hides aside)."""
    for family, mart in FAMILY_MARTS.items():
        hr = mart == "employee_satisfaction"
        shown = "not is_suppressed" if hr else "true"
        baseline_shown = "baseline_value is not null" if hr else "true"
        missing, extra, differing = con.execute(
            f"""
            with published as (
                select initiative_id, unit_id, month_start, metric_name, baseline_value,
                    metric_value, {shown} as is_shown, {baseline_shown} as is_baseline_shown
                from marts.{mart} where initiative_id is not null
            ),
            panel as (
                select initiative_id, unit_id, month_start, metric_name, baseline_value,
                    metric_value
                from intermediate.int_initiative_metric_months where family = ?
            ),
            keys as (
                select initiative_id, unit_id, month_start, metric_name from published
            )
            select
                (select count(*) from (
                    select initiative_id, unit_id, month_start, metric_name from panel
                    except all select * from keys)),
                (select count(*) from (
                    select * from keys except all
                    select initiative_id, unit_id, month_start, metric_name from panel)),
                (select count(*) from published inner join panel
                    using (initiative_id, unit_id, month_start, metric_name)
                    where (published.is_baseline_shown
                        and published.baseline_value is distinct from panel.baseline_value)
                    or (published.is_shown
                        and published.metric_value is distinct from panel.metric_value))
            """,
            [family],
        ).fetchone()
        assert (missing, extra, differing) == (0, 0, 0), mart


def test_units_left_out_of_the_registry_appear_without_initiative(dbt_copy):
    """One unit of each initiative's population taken out of the registry: each family
    shows it once per metric and month, with its values, and never under an initiative."""
    with dbt_copy.connect(read_only=False) as copy:
        removed = copy.execute(
            "select unit_type, max(unit_id) from raw.initiative_units group by unit_type "
            "order by unit_type"
        ).fetchall()
        for unit_type, unit_id in removed:
            copy.execute(
                "delete from raw.initiative_units where unit_type = ? and unit_id = ?",
                [unit_type, unit_id],
            )

    dbt_copy.run("build", "--select", "stg_registry__initiative_units+")

    with dbt_copy.connect() as copy:
        assert [unit_type for unit_type, _ in removed] == [
            "department", "production_line", "region", "rnd_team", "support_team"
        ]  # fmt: skip
        for unit_type, unit_id in removed:
            expected = metric_values(copy, unit_type, unit_id)
            published = {}
            for mart in FAMILY_MARTS.values():
                published |= mart_rows(copy, mart, unit_type, unit_id)
            assert expected and published == expected, (unit_type, unit_id)


def test_with_an_empty_registry_every_family_is_published(dbt_copy):
    """A company that has not registered any initiative yet still sees (and can baseline)
    every metric of every unit and month; nothing is attributed or valued."""
    with dbt_copy.connect(read_only=False) as copy:
        for table in ("initiatives", "initiative_units", "initiative_objectives"):
            copy.execute(f"delete from raw.{table}")

    dbt_copy.run("build")

    with dbt_copy.connect() as copy:
        expected = dict(
            copy.execute(
                "select family, count(*) from intermediate.int_metric_values "
                "inner join intermediate.int_months using (month_start) "
                "inner join main.metric_definitions using (metric_name) group by family"
            ).fetchall()
        )
        published = {
            family: copy.execute(
                f"select count(*), count(initiative_id) from marts.{mart}"
            ).fetchone()
            for family, mart in FAMILY_MARTS.items()
        }
        attributed = copy.execute(
            "select (select count(*) from marts.initiative_effects), "
            "(select count(*) from marts.cost_savings), "
            "(select count(*) from marts.initiative_roi)"
        ).fetchone()
    assert published == {family: (expected[family], 0) for family in FAMILY_MARTS}
    assert all(count > 0 for count, _ in published.values())
    assert attributed == (0, 0, 0)
