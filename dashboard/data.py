"""Everything the dashboard shows, read from one publish of the serving file.

The serving file is opened read-only and every query is pinned to the run named in
`quality.publish_info`, so the page never mixes two publishes. Queries return plain rows
(dicts); the sections decide how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]

# Family key -> serving table with its monthly unit panel.
FAMILY_TABLES = {
    "efficiency": "efficiency",
    "quality": "quality",
    "revenue": "revenue_impact",
    "innovation": "innovation",
    "employee_satisfaction": "employee_satisfaction",
}
CATALOGUE = "overview.metric_catalogue"
# Pins a query to the publish being shown ($run is bound by _Reader.query).
THIS_RUN = "published_run_id = $run"


@dataclass(frozen=True)
class MonthlyPoint:
    month: date
    value: float


@dataclass
class Snapshot:
    """One publish, as the dashboard needs it."""

    run_id: str
    published_at: datetime
    report_month: date | None
    initiatives: list[Row]
    roi: dict[str, Row]
    effects: list[Row]
    objectives: list[Row]
    # (initiative_id, metric_name, is_treated) -> monthly ratio of sums over units
    monthly: dict[tuple[str, str, bool], list[MonthlyPoint]]
    suppressed_cells: dict[tuple[str, str], int]
    benefit_streams: list[Row]
    monthly_benefits: dict[str, list[MonthlyPoint]]
    poor_quality: dict[tuple[str, bool], list[MonthlyPoint]]
    adoption_breakdown: list[Row]
    file_loads: list[Row]
    quarantine: list[Row]
    restatements: list[Row]
    blocked_publishes: list[Row]  # runs refused by the quality gate since the last publish
    source_coverage: list[Row]  # every landing source, delivered or not
    opportunities: list[Row] | None = None  # None when the serving file has no ranking
    competitor_moves: list[Row] = field(default_factory=list)  # behind the ranking's pressure
    quality_results: list[Row] = field(default_factory=list)  # latest validation per table
    catalogue: dict[str, Row] = field(default_factory=dict)  # metric_name -> its definition
    # Every unit, initiative or not: (family, metric_name, unit_type) -> monthly ratio of
    # sums over all the type's units, and each unit's latest 12 months as one row.
    all_units_monthly: dict[tuple[str, str, str], list[MonthlyPoint]] = field(default_factory=dict)
    unit_values: list[Row] = field(default_factory=list)
    survey_scales: dict[str, str] = field(default_factory=dict)  # metric_name -> "1-4"
    # (initiative_id, metric_name) -> its event study, by month relative to go-live
    event_studies: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    # AI-tool seats and use per initiative, unit and month, and the dose-response estimates
    adoption: list[Row] = field(default_factory=list)
    dose_response: list[Row] = field(default_factory=list)

    def initiative(self, initiative_id: str) -> Row | None:
        return next((i for i in self.initiatives if i["initiative_id"] == initiative_id), None)

    def effects_of(self, initiative_id: str, family: str | None = None) -> list[Row]:
        return [
            e
            for e in self.effects
            if e["initiative_id"] == initiative_id and family in (None, e["family"])
        ]

    def effect(self, initiative_id: str, metric_name: str) -> Row | None:
        return next(
            (e for e in self.effects_of(initiative_id) if e["metric_name"] == metric_name), None
        )

    def objectives_of(self, initiative_id: str) -> list[Row]:
        return [o for o in self.objectives if o["initiative_id"] == initiative_id]


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        self.con = con
        self.run_id = run_id
        self.tables = {
            f"{schema}.{name}": comment
            for schema, name, comment in con.execute(
                "select schema_name, table_name, comment from duckdb_tables()"
            ).fetchall()
        }

    def has(self, table: str) -> bool:
        return table in self.tables

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of `sql`, whose `$run` is this publish's run id."""
        cursor = self.con.execute(sql, {"run": self.run_id})
        return [column[0] for column in cursor.description], cursor.fetchall()

    def rows(self, sql: str) -> list[Row]:
        names, values = self.query(sql)
        return [dict(zip(names, row, strict=True)) for row in values]


def load(serving_path: Path) -> Snapshot:
    """Read one publish of the serving file (read-only: the pipeline may replace it)."""
    with duckdb.connect(str(serving_path), read_only=True) as con:
        publish = con.execute(
            "select published_run_id, published_at, report_month from quality.publish_info "
            "order by published_at desc limit 1"
        ).fetchall()
        if not publish:
            raise ValueError(f"{serving_path} has no publish_info row: nothing was published")
        run_id, published_at, report_month = publish[0]
        reader = _Reader(con, run_id)
        monthly, suppressed = _family_panels(reader)
        return Snapshot(
            run_id=run_id,
            published_at=published_at,
            report_month=report_month,
            initiatives=reader.rows(
                f"select * from overview.initiatives where {THIS_RUN} order by initiative_name"
            ),
            roi={
                row["initiative_id"]: row
                for row in reader.rows(f"select * from overview.initiative_roi where {THIS_RUN}")
            },
            effects=_effects(reader),
            objectives=reader.rows(
                f"select * from overview.initiative_objectives where {THIS_RUN} "
                "order by initiative_id, objective_number"
            ),
            monthly=monthly,
            suppressed_cells=suppressed,
            benefit_streams=_benefit_streams(reader),
            monthly_benefits=_monthly_benefits(reader),
            poor_quality=_poor_quality(reader),
            adoption_breakdown=_adoption_breakdown(reader),
            file_loads=reader.rows(
                f"select * from quality.file_loads where {THIS_RUN} order by source, file_path"
            ),
            quarantine=_optional(reader, "quality.quarantine_summary"),
            quality_results=_quality_results(reader),
            restatements=_optional(reader, "quality.restatements"),
            blocked_publishes=_optional(reader, "quality.blocked_publishes"),
            source_coverage=_optional(reader, "quality.source_coverage"),
            opportunities=_opportunities(reader),
            competitor_moves=_optional(reader, "overview.competitor_moves"),
            catalogue={row["metric_name"]: row for row in _optional(reader, CATALOGUE)},
            all_units_monthly=_all_units_monthly(reader),
            unit_values=_unit_values(reader),
            survey_scales=_survey_scales(reader),
            event_studies=_event_studies(reader),
            adoption=_ordered(reader, "metrics.adoption", "initiative_id, month_start, unit_id"),
            dose_response=_ordered(
                reader, "metrics.adoption_dose_response", "initiative_id, metric_name, intensity"
            ),
        )


def _optional(reader: _Reader, table: str) -> list[Row]:
    return reader.rows(f"select * from {table} where {THIS_RUN}") if reader.has(table) else []


def _ordered(reader: _Reader, table: str, order: str) -> list[Row]:
    if not reader.has(table):
        return []
    return reader.rows(f"select * from {table} where {THIS_RUN} order by {order}")


def _quality_results(reader: _Reader) -> list[Row]:
    """Each expectation of the latest validation of every table, failures first."""
    table = "quality.quality_results"
    if not reader.has(table):
        return []
    return reader.rows(
        f"select * from {table} where {THIS_RUN} "
        "order by relation, success, severity, expectation_type, column_name"
    )


def _series(rows: list[Row], *key: str) -> dict[Any, list[MonthlyPoint]]:
    """Rows with month_start and value, as one series per value of the `key` columns."""
    series: dict[Any, list[MonthlyPoint]] = {}
    for row in rows:
        if row["value"] is not None:
            name = tuple(row[k] for k in key) if len(key) > 1 else row[key[0]]
            series.setdefault(name, []).append(MonthlyPoint(row["month_start"], row["value"]))
    return series


def _family_panels(
    reader: _Reader,
) -> tuple[dict[tuple[str, str, bool], list[MonthlyPoint]], dict[tuple[str, str], int]]:
    """Monthly mean of treated and of control units, as a ratio of sums (never a mean of
    ratios). Suppressed HR cells carry no numerator and are left out, and only counted.
    Units no initiative covers (no initiative_id) belong to no initiative's panel."""
    monthly: dict[tuple[str, str, bool], list[MonthlyPoint]] = {}
    suppressed: dict[tuple[str, str], int] = {}
    for table in FAMILY_TABLES.values():
        if not reader.has(f"metrics.{table}"):
            continue
        hidden = "is_suppressed" if table == "employee_satisfaction" else "false"
        rows = reader.rows(
            f"select initiative_id, metric_name, is_treated, month_start, "
            f"sum(numerator) / nullif(sum(denominator), 0) as value "
            f"from metrics.{table} where {THIS_RUN} and initiative_id is not null "
            f"and not {hidden} and numerator is not null "
            f"group by all order by month_start"
        )
        monthly |= _series(rows, "initiative_id", "metric_name", "is_treated")
        if hidden != "false":
            for row in reader.rows(
                f"select initiative_id, metric_name, count(*) as cells from metrics.{table} "
                f"where {THIS_RUN} and initiative_id is not null and {hidden} group by all"
            ):
                suppressed[(row["initiative_id"], row["metric_name"])] = int(row["cells"])
    return monthly, suppressed


def _shown_cells(table: str) -> str:
    """Each unit's month of each metric once (a unit two initiatives cover has a row per
    initiative, and one without any has one), hidden HR cells left out."""
    hidden = "is_suppressed" if table == "employee_satisfaction" else "false"
    return (
        f"select distinct unit_type, unit_id, month_start, metric_name, numerator, denominator "
        f"from metrics.{table} where {THIS_RUN} and numerator is not null and not {hidden}"
    )


def _all_units_monthly(reader: _Reader) -> dict[tuple[str, str, str], list[MonthlyPoint]]:
    """Per metric and unit type, the monthly ratio of sums over every unit shown: the
    baseline exists before any initiative goes live."""
    monthly: dict[tuple[str, str, str], list[MonthlyPoint]] = {}
    for family, table in FAMILY_TABLES.items():
        if not reader.has(f"metrics.{table}"):
            continue
        rows = reader.rows(
            f"select '{family}' as family, metric_name, unit_type, month_start, "
            f"sum(numerator) / nullif(sum(denominator), 0) as value "
            f"from ({_shown_cells(table)}) group by all order by month_start"
        )
        monthly |= _series(rows, "family", "metric_name", "unit_type")
    return monthly


def _unit_values(reader: _Reader) -> list[Row]:
    """Every unit of every family, with each metric over the family's latest 12 months
    (ratio of sums of the cells shown; null where there are none), whether all of those
    months are hidden (HR cells under 5 people), its label and its parent's."""
    has_units = reader.has("overview.units")
    labels = (
        "left join overview.units as labels on labels.published_run_id = $run "
        "and units.unit_type = labels.unit_type and units.unit_id = labels.unit_id "
        "left join overview.units as parents on parents.published_run_id = $run "
        "and labels.parent_type = parents.unit_type and labels.parent_id = parents.unit_id"
        if has_units
        else ""
    )
    label, parent = ("labels.unit_label", "parents.unit_label") if has_units else ("null", "null")
    rows: list[Row] = []
    for family, table in FAMILY_TABLES.items():
        if not reader.has(f"metrics.{table}"):
            continue
        hidden = "is_suppressed" if table == "employee_satisfaction" else "false"
        rows += reader.rows(
            f"""
            with panel as (select * from metrics.{table} where {THIS_RUN}),
            cutoff as (select max(month_start) - interval 12 month as after from panel),
            units as (
                select unit_type, unit_id, metric_name,
                    coalesce(bool_and({hidden}) filter (where month_start > cutoff.after), false)
                        as is_hidden
                from panel, cutoff group by all
            ),
            latest as (
                select unit_type, unit_id, metric_name,
                    sum(numerator) / nullif(sum(denominator), 0) as value
                from ({_shown_cells(table)}), cutoff
                where month_start > cutoff.after group by all
            )
            select '{family}' as family, units.unit_type, units.unit_id, units.metric_name,
                latest.value, units.is_hidden, {label} as unit_label, {parent} as parent_label
            from units
            left join latest using (unit_type, unit_id, metric_name)
            {labels}
            order by units.unit_type, units.unit_id, units.metric_name
            """
        )
    return rows


def _effects(reader: _Reader) -> list[Row]:
    """Every initiative's effects. Survey metrics carry the answer scale their question was
    declared on (`scale`, e.g. "1-4"), also in their unit: "points (survey scale)" in the
    catalogue reads "points (1-4)"."""
    effects = reader.rows(
        f"select * from overview.initiative_effects where {THIS_RUN} "
        "order by initiative_id, family, metric_name"
    )
    scales = _survey_scales(reader)
    for effect in effects:
        effect["scale"] = scales.get(effect["metric_name"])
        if effect["scale"]:
            effect["value_unit"] = effect["value_unit"].replace("survey scale", effect["scale"])
    return effects


def _event_studies(reader: _Reader) -> dict[tuple[str, str], list[Row]]:
    studies: dict[tuple[str, str], list[Row]] = {}
    if not reader.has("overview.initiative_event_study"):
        return studies
    for row in reader.rows(
        f"select * from overview.initiative_event_study where {THIS_RUN} "
        "order by initiative_id, metric_name, event_time"
    ):
        studies.setdefault((row["initiative_id"], row["metric_name"]), []).append(row)
    return studies


def _survey_scales(reader: _Reader) -> dict[str, str]:
    """Metric name -> the answer scale of the survey question behind it."""
    if not reader.has("metrics.employee_satisfaction"):
        return {}
    _, rows = reader.query(
        "select distinct metric_name, scale from metrics.employee_satisfaction "
        f"where {THIS_RUN} and scale is not null"
    )
    return dict(rows)


def _benefit_streams(reader: _Reader) -> list[Row]:
    """Each benefit stream per year: average measured month x 12, as initiative_roi does."""
    if not reader.has("metrics.cost_savings"):
        return []
    return reader.rows(
        "select initiative_id, benefit_stream, any_value(source_metric) as source_metric, "
        "12 * sum(benefit) / count(distinct month_start) as annual, "
        "12 * sum(benefit_low) / count(distinct month_start) as annual_low, "
        "12 * sum(benefit_high) / count(distinct month_start) as annual_high, "
        "count(distinct month_start) as months "
        f"from metrics.cost_savings where {THIS_RUN} "
        "group by all order by initiative_id, annual desc"
    )


def _monthly_benefits(reader: _Reader) -> dict[str, list[MonthlyPoint]]:
    if not reader.has("metrics.cost_savings"):
        return {}
    rows = reader.rows(
        "select initiative_id, month_start, sum(benefit) as value "
        f"from metrics.cost_savings where {THIS_RUN} group by all order by month_start"
    )
    return _series(rows, "initiative_id")


def _poor_quality(reader: _Reader) -> dict[tuple[str, bool], list[MonthlyPoint]]:
    """Cost of poor quality per line and month, treated lines against control lines."""
    if not (reader.has("metrics.cost_of_poor_quality") and reader.has("metrics.quality")):
        return {}
    rows = reader.rows(
        "with roles as (select distinct initiative_id, unit_id, is_treated "
        f"from metrics.quality where {THIS_RUN}) "
        "select copq.initiative_id, roles.is_treated, copq.month_start, "
        "avg(copq.cost_of_poor_quality) as value "
        "from metrics.cost_of_poor_quality as copq inner join roles "
        "on copq.initiative_id = roles.initiative_id and copq.line_id = roles.unit_id "
        "where copq.published_run_id = $run group by all order by copq.month_start"
    )
    return _series(rows, "initiative_id", "is_treated")


def _adoption_breakdown(reader: _Reader) -> list[Row]:
    """Satisfaction by AI-adoption cohort in the latest survey month, hidden cells kept
    as hidden (their values are null in the serving file)."""
    if not reader.has("metrics.employee_satisfaction_breakdown"):
        return []
    return reader.rows(
        f"select * from metrics.employee_satisfaction_breakdown where {THIS_RUN} "
        "and breakdown = 'ai_tool_usage' and month_start = ("
        f"select max(month_start) from metrics.employee_satisfaction_breakdown where {THIS_RUN}) "
        "order by department, cell"
    )


def _opportunities(reader: _Reader) -> list[Row] | None:
    """The "where next" ranking: ranked processes first, then those already covered."""
    table = "overview.opportunities"
    if not reader.has(table):
        return None
    return reader.rows(
        f"select * from {table} where {THIS_RUN} "
        "order by opportunity_rank nulls last, opportunity_score desc, process_name, department"
    )
