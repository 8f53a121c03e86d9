"""Schema contracts: what each landing source must look like to be loaded.

A contract names the raw table, the files it reads, and for every column its type,
whether it must be present and filled, its allowed range or values, and the header
aliases real exports use (a European survey tool writes French headers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import polars as pl

from ingestion.settings import SurveyScale, survey_scales_from_env

BOOLEAN_WORDS = {
    "true": True, "1": True, "yes": True, "y": True, "oui": True, "vrai": True,
    "false": False, "0": False, "no": False, "n": False, "non": False, "faux": False,
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    required: bool = True  # the header must contain it
    nullable: bool = False  # cells may be empty
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    translations: Mapping[str, str] = field(default_factory=dict)
    pseudonymise: bool = False
    # The organisation unit the column names (department, team, support_team, region,
    # production_line, rnd_team). Units are learnt from the data; where the organisation
    # file closes a unit type's list, values not in it are quarantined.
    unit_type: str | None = None
    allowed_from: str | None = None  # where `allowed` comes from, when not the contract


@dataclass(frozen=True, eq=False)
class RowRule:
    """A check across columns, on typed values: rows where `violated` holds are quarantined."""

    column: str
    reason: str
    violated: pl.Expr


@dataclass(frozen=True, eq=False)
class SourceContract:
    table: str  # raw table name, also the Dagster asset key ("raw", table) and dbt source
    folder: str  # landing sub-folder
    patterns: tuple[str, ...]  # file name globs
    columns: tuple[Column, ...]
    description: str
    key: tuple[str, ...]  # natural key: a later file delivering the same key restates it
    # The date each row belongs to: bounded by the history start and today, and the month
    # used to spot late rows for a month already published.
    event_column: str | None = None
    row_rules: tuple[RowRule, ...] = ()
    # Above this share of bad rows the whole file is rejected instead of mostly quarantined.
    max_quarantine_share: float = 0.05
    # Columns a file may name in its file name instead (column -> pattern with one group):
    # exports that cover a single product carry no column naming it.
    from_file_name: Mapping[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _text(name: str, **kwargs: object) -> Column:
    return Column(name, pl.String(), **kwargs)  # type: ignore[arg-type]


def _int(name: str, **kwargs: object) -> Column:
    return Column(name, pl.Int64(), **kwargs)  # type: ignore[arg-type]


def _float(name: str, **kwargs: object) -> Column:
    return Column(name, pl.Float64(), **kwargs)  # type: ignore[arg-type]


def _bool(name: str, **kwargs: object) -> Column:
    return Column(name, pl.Boolean(), **kwargs)  # type: ignore[arg-type]


def _date(name: str, **kwargs: object) -> Column:
    return Column(name, pl.Date(), **kwargs)  # type: ignore[arg-type]


def _timestamp(name: str, **kwargs: object) -> Column:
    return Column(name, pl.Datetime("us"), **kwargs)  # type: ignore[arg-type]


ORGANISATION_UNITS = SourceContract(
    table="organisation_units",
    folder="organisation",
    patterns=("units*.csv",),
    description="Optional: the organisation's units, with labels and parents (team → "
    "department, line → plant). Units are learnt from the other sources; this file names "
    "them, builds the hierarchy, and closes the list of the unit types named in "
    "AIROI_CLOSED_UNIT_TYPES.",
    key=("unit_type", "unit_id"),
    row_rules=(
        RowRule(
            "parent_type",
            "a parent needs its unit type",
            pl.col("parent_id").is_not_null() & pl.col("parent_type").is_null(),
        ),
    ),
    columns=(
        _text("unit_type"),
        _text("unit_id"),
        _text("label", required=False, nullable=True),
        _text("parent_type", required=False, nullable=True),
        _text("parent_id", required=False, nullable=True),
    ),
)

# The answers' bounds come from each question's declared scale: see hr_survey_contract.
_HR_SURVEY_UNSCALED = SourceContract(
    table="hr_survey_responses",
    folder="hr_surveys",
    patterns=("survey_*.csv", "survey_*.xlsx"),
    description="Quarterly employee pulse survey, one row per answer.",
    key=("employee_id", "wave"),
    event_column="response_date",
    columns=(
        _text("wave", aliases=("vague",)),
        _date("response_date", aliases=("date_reponse", "date_réponse")),
        _text("employee_id", aliases=("identifiant_employé", "identifiant_employe"),
              pseudonymise=True),
        _text("department", aliases=("département", "departement"), unit_type="department"),
        _text("team", aliases=("équipe", "equipe"), unit_type="team"),
        _int("job_satisfaction", aliases=("satisfaction_travail",)),
        _int("self_rated_productivity", aliases=("productivité_perçue", "productivite_percue"),
             required=False, nullable=True),
        _int("enps_score", aliases=("recommandation_employeur",), required=False, nullable=True),
        _text("ai_tool_usage", aliases=("usage_outil_ia",), allowed=("none", "light", "heavy"),
              translations={"aucun": "none", "léger": "light", "leger": "light",
                            "intensif": "heavy"}, required=False, nullable=True),
        _float("completion_minutes", aliases=("durée_minutes", "duree_minutes"), nullable=True,
               required=False, minimum=0, maximum=600),
        _text("comment", aliases=("commentaire",), nullable=True, required=False),
    ),
)  # fmt: skip


def hr_survey_contract(scales: Mapping[str, SurveyScale]) -> SourceContract:
    """The survey's contract with each answer bounded by its question's declared scale
    (AIROI_SURVEY_SCALES): an answer off the scale is quarantined, never rescaled."""
    columns = tuple(
        replace(column, minimum=scales[column.name].minimum, maximum=scales[column.name].maximum)
        if column.name in scales
        else column
        for column in _HR_SURVEY_UNSCALED.columns
    )
    return replace(_HR_SURVEY_UNSCALED, columns=columns)


# On the environment's scales: the contract the pipeline, its checks and the CLI load with.
HR_SURVEY = hr_survey_contract(survey_scales_from_env())

HR_ROSTER = SourceContract(
    table="hr_roster",
    folder="hr_roster",
    patterns=("roster*.csv",),
    description="Every employee ever employed, with hire and exit dates.",
    key=("employee_id",),
    columns=(
        _text("employee_id", pseudonymise=True),
        _text("department", unit_type="department"),
        _text("team", unit_type="team"),
        _date("hire_date"),
        _date("exit_date", nullable=True),
    ),
)

OPERATIONS_TASKS = SourceContract(
    table="operations_tasks",
    folder="operations",
    patterns=("tasks_*.jsonl",),
    description="Task events from operational systems, one row per task.",
    key=("task_id",),
    event_column="started_at",
    row_rules=(
        RowRule("ended_at", "ends before it starts", pl.col("ended_at") < pl.col("started_at")),
        RowRule(
            "ended_at",
            "a completed task needs an end time",
            (pl.col("status") == "completed") & pl.col("ended_at").is_null(),
        ),
    ),
    columns=(
        _text("task_id"),
        _text("process"),
        _text("task_type", nullable=True),
        _text("department", unit_type="department"),
        _text("team", nullable=True, unit_type="support_team"),
        _text("employee_id", nullable=True, pseudonymise=True),
        _timestamp("started_at"),
        _timestamp("ended_at", nullable=True),
        _text("status", allowed=("completed", "abandoned")),
        _bool("error_flag"),
        _bool("rework_flag"),
        _bool("ai_assisted"),
    ),
)

SALES_ORDERS = SourceContract(
    table="sales_orders",
    folder="sales",
    patterns=("orders_*.csv",),
    description="Sales orders, one row per order.",
    key=("order_id",),
    event_column="order_date",
    columns=(
        _text("order_id"),
        _text("customer_id"),
        _text("product_id", required=False, nullable=True),
        _text("region", unit_type="region"),
        _text("channel", required=False, nullable=True),
        _date("order_date"),
        _float("amount", minimum=0, maximum=10_000_000),
        _float("margin", minimum=-10_000_000, maximum=10_000_000, required=False, nullable=True),
    ),
)

SALES_CUSTOMERS = SourceContract(
    table="sales_customers",
    folder="sales",
    patterns=("customers*.csv",),
    description="Customer master data.",
    key=("customer_id",),
    columns=(
        _text("customer_id"),
        _text("region", unit_type="region"),
        _text("segment", required=False, nullable=True),
        _date("first_order_date"),
    ),
)

FEEDBACK = SourceContract(
    table="feedback_responses",
    folder="feedback",
    patterns=("feedback_*.csv",),
    description="Customer CSAT (1–5) and NPS (0–10) answers.",
    key=("response_id",),
    event_column="response_date",
    row_rules=(
        RowRule(
            "score",
            "CSAT answers run from 1 to 5",
            (pl.col("survey") == "csat") & ~pl.col("score").is_between(1, 5),
        ),
    ),
    columns=(
        _text("response_id"),
        _date("response_date"),
        _text("region", unit_type="region"),
        _text("channel"),
        _text("survey", allowed=("csat", "nps")),
        _int("score", minimum=0, maximum=10),
    ),
)

QC_INSPECTIONS = SourceContract(
    table="qc_inspections",
    folder="quality",
    patterns=("inspections_*.csv",),
    description="Quality-control inspections, one row per inspected unit.",
    key=("unit_serial",),
    event_column="inspected_at",
    row_rules=(
        RowRule(
            "defects_found",
            "a defective unit has at least one defect",
            pl.col("defective") & (pl.col("defects_found") == 0),
        ),
    ),
    columns=(
        _text("unit_serial"),
        _text("line", unit_type="production_line"),
        _timestamp("inspected_at"),
        _int("defects_found", minimum=0, maximum=1000),
        _bool("defective"),
        _bool("reworked", required=False, nullable=True),
        _bool("passed_first_time", required=False, nullable=True),
        _int("opportunities_per_unit", minimum=1, maximum=100_000, required=False, nullable=True),
    ),
)

QC_PRODUCTION_RUNS = SourceContract(
    table="qc_production_runs",
    folder="quality",
    patterns=("production_runs_*.csv",),
    description="Production per line and shift.",
    key=("run_date", "line", "shift"),
    event_column="run_date",
    columns=(
        _date("run_date"),
        _text("line", unit_type="production_line"),
        # Optional: a file without shifts has one row per line and day (key: run_date, line).
        _text("shift", required=False, nullable=True),
        _int("units_produced", minimum=0, maximum=1_000_000),
        _float("production_hours", minimum=0, maximum=24),
    ),
)

QC_CLAIMS = SourceContract(
    table="qc_claims",
    folder="quality",
    patterns=("claims*.csv",),
    description="Recalls, warranty claims and returns attributed to a production line.",
    key=("claim_id",),
    event_column="claim_date",
    columns=(
        _text("claim_id"),
        _date("claim_date"),
        _text("line", unit_type="production_line"),
        _text("claim_type", allowed=("warranty", "recall", "return")),
        _int("units_affected", minimum=0, maximum=10_000_000),
        _float("cost", minimum=0, maximum=1_000_000_000),
    ),
)

PRODUCT_LAUNCHES = SourceContract(
    table="product_launches",
    folder="products",
    patterns=("launches*.csv",),
    description="Products and services launched, with idea and launch dates.",
    key=("product_id",),
    event_column="launch_date",
    row_rules=(
        RowRule(
            "launch_date", "launched before its idea", pl.col("launch_date") < pl.col("idea_date")
        ),
    ),
    columns=(
        _text("product_id"),
        _text("product_name"),
        _text("rnd_team", unit_type="rnd_team"),
        _date("idea_date"),
        _date("launch_date"),
        _bool("ai_assisted"),
        _bool("ai_enabled"),
    ),
)

QC_INSPECTION_COUNTS = SourceContract(
    table="qc_inspection_counts",
    folder="quality",
    patterns=("inspection_counts_*.csv",),
    description=(
        "Quality-control inspections counted per production line and day (MES exports), "
        "instead of one row per inspected unit."
    ),
    key=("inspection_date", "line"),
    event_column="inspection_date",
    row_rules=(
        RowRule(
            "defective_units",
            "more defective units than units inspected",
            pl.col("defective_units") > pl.col("units_inspected"),
        ),
        RowRule(
            "first_pass_units",
            "more first-pass units than units inspected",
            pl.col("first_pass_units") > pl.col("units_inspected"),
        ),
        RowRule(
            "defects_found",
            "fewer defects than defective units (a defective unit has at least one)",
            pl.col("defects_found") < pl.col("defective_units"),
        ),
    ),
    columns=(
        _date("inspection_date"),
        _text("line", unit_type="production_line"),
        _int("units_inspected", minimum=0),
        _int("defective_units", minimum=0),
        _int("defects_found", minimum=0),
        # Optional: without them the metrics they feed (first-pass yield, DPMO, rework
        # cost) are left out for the line's month rather than counted as zero.
        _int("reworked_units", minimum=0, required=False, nullable=True),
        _int("first_pass_units", minimum=0, required=False, nullable=True),
        # Opportunities summed over the day's units (units x opportunities per unit).
        _int("defect_opportunities", minimum=0, required=False, nullable=True),
    ),
)

OPERATIONS_TASK_COUNTS = SourceContract(
    table="operations_task_counts",
    folder="operations",
    patterns=("task_counts_*.csv",),
    description=(
        "Completed tasks counted per team, process and day (workflow-tool exports), "
        "instead of one row per task."
    ),
    key=("task_date", "department", "team", "process"),
    event_column="task_date",
    row_rules=tuple(
        RowRule(
            column, f"more {what} than completed tasks", pl.col(column) > pl.col("completed_tasks")
        )
        for column, what in (
            ("tasks_with_error", "tasks with an error"),
            ("reworked_tasks", "reworked tasks"),
            ("ai_assisted_tasks", "AI-assisted tasks"),
        )
    ),
    columns=(
        _date("task_date"),
        _text("process"),
        _text("department", unit_type="department"),
        _text("team", unit_type="support_team"),
        _int("completed_tasks", minimum=0),
        # Optional: without them the metrics they feed (mean duration, error rate,
        # rework rate) are left out for the team's month rather than zero.
        _float("total_duration_minutes", minimum=0, required=False, nullable=True),
        _int("tasks_with_error", minimum=0, required=False, nullable=True),
        _int("reworked_tasks", minimum=0, required=False, nullable=True),
        _int("ai_assisted_tasks", minimum=0, required=False, nullable=True),
    ),
)

# Benchmarks maintained by analysts (docs/opportunities.md#competitive-pressure): what
# comparable companies and named competitors do with AI. Function names are free text,
# matched to the company's processes through the seed benchmark_process_functions.
PEER_ADOPTION = SourceContract(
    table="peer_adoption",
    folder="benchmarks",
    patterns=("peer_adoption*.csv",),
    description="Share of comparable companies using AI per business function (and, "
    "where known, per process), by sector, size class, country and year, with the "
    "publication it comes from.",
    key=("function", "process", "sector", "size_class", "country", "year", "publication_title"),
    columns=(
        _text("function"),
        _text("process", required=False, nullable=True),
        # Blank sector, size class or country: the figure covers every one of them.
        _text("sector", required=False, nullable=True),
        _text("size_class", required=False, nullable=True),
        _text("country", required=False, nullable=True),
        _int("year", minimum=1990, maximum=2100),
        _float("adoption_share", minimum=0, maximum=1),
        _text("publication_title"),
        _date("publication_date", required=False, nullable=True),
        _text("publication_url", required=False, nullable=True),
    ),
)

# Eurostat's enterprise AI-use table as its SDMX-CSV export publishes it (one observation
# a row, headers in capitals, codes as values): dropped in unchanged.
EUROSTAT_AI_USE = SourceContract(
    table="eurostat_ai_use",
    folder="benchmarks",
    patterns=("*isoc_eb_ai*.csv",),
    description="Eurostat isoc_eb_ai (artificial intelligence use by enterprises, by "
    "purpose, size class and NACE sector), SDMX-CSV export as published.",
    key=("indic_is", "unit", "size_emp", "nace_r2", "geo", "time_period"),
    columns=(
        _text("dataflow"),
        _text("last_update", aliases=("last update",), required=False, nullable=True),
        _text("freq", required=False, nullable=True),
        _text("unit"),
        _text("indic_is"),
        _text("size_emp", required=False, nullable=True),
        _text("nace_r2", required=False, nullable=True),
        _text("geo"),
        _int("time_period", minimum=1990, maximum=2100),
        # Empty where Eurostat withholds the figure (flag c: confidential, u: unreliable).
        _float("obs_value", nullable=True, minimum=0, maximum=100),
        _text("obs_flag", required=False, nullable=True),
    ),
)

COMPETITOR_MOVES = SourceContract(
    table="competitor_moves",
    folder="benchmarks",
    patterns=("competitor_moves*.csv",),
    description="AI use cases competitors announced or were reported to run, per "
    "function or process, with the source and the analyst's confidence in it.",
    key=("competitor", "use_case", "move_date"),
    columns=(
        _text("competitor"),
        _text("function"),
        _text("process", required=False, nullable=True),
        _text("use_case"),
        _date("move_date"),
        _text("source_url"),
        _text("confidence", allowed=("high", "medium", "low")),
    ),
)
# A usage export covers one tool: files named `<kind>_<tool>_<anything>.csv` name it.
_TOOL_IN_FILE_NAME = r"^[a-z]+_([A-Za-z0-9-]+)_"

AI_TOOLS = SourceContract(
    table="ai_tools",
    folder="ai_usage",
    patterns=("tools*.csv",),
    description="AI tools with paid seats: the initiative each serves and the active days "
    "a month from which a user counts as heavy.",
    key=("tool",),
    columns=(
        _text("tool"),
        _text("initiative_id"),
        _int("heavy_active_days", minimum=1, maximum=31),
    ),
)

AI_LICENCES = SourceContract(
    table="ai_licences",
    folder="ai_usage",
    patterns=("licences_*.csv",),
    description="Paid seats of AI tools, one row per person and seat, with its monthly price.",
    key=("tool", "employee_id", "seat_start"),
    from_file_name={"tool": _TOOL_IN_FILE_NAME},
    row_rules=(
        RowRule("seat_end", "ends before it starts", pl.col("seat_end") < pl.col("seat_start")),
    ),
    columns=(
        _text("tool", required=False, aliases=("tool_name", "product")),
        _text("employee_id", pseudonymise=True,
              aliases=("user_login", "assignee_login", "user_principal_name", "email")),
        _date("seat_start", aliases=("created_at", "assigned_date", "created_or_invited_date")),
        _date("seat_end", nullable=True, aliases=("pending_cancellation_date", "removed_date")),
        _float("monthly_price", minimum=0, maximum=100_000,
               aliases=("price_per_month", "seat_price", "monthly_cost")),
    ),
)  # fmt: skip

AI_ACTIVITY = SourceContract(
    table="ai_activity",
    folder="ai_usage",
    patterns=("activity_*.csv",),
    description="AI-tool activity per person and day (or week), from the vendors' usage "
    "exports.",
    key=("tool", "employee_id", "activity_date"),
    event_column="activity_date",
    from_file_name={"tool": _TOOL_IN_FILE_NAME},
    columns=(
        _text("tool", required=False, aliases=("tool_name", "product")),
        _text("employee_id", pseudonymise=True,
              aliases=("user_login", "user_principal_name", "email")),
        # Empty where an export lists a licensed person with no activity in its period
        # (Microsoft 365's report lists every enabled user): such a row counts nothing.
        _date("activity_date", nullable=True,
              aliases=("day", "date", "period_start", "last_activity_date")),
        # Left out by exports that list active people only: a row then means activity.
        _bool("active", required=False, nullable=True, aliases=("is_active",)),
        _int("interactions", minimum=0, required=False, nullable=True,
             aliases=("user_initiated_interaction_count", "messages", "prompts")),
        _int("accepted", minimum=0, required=False, nullable=True,
             aliases=("code_acceptance_activity_count", "accepted_suggestions")),
    ),
)  # fmt: skip

CONTRACTS: dict[str, SourceContract] = {
    contract.table: contract
    for contract in (
        ORGANISATION_UNITS,
        HR_SURVEY,
        HR_ROSTER,
        OPERATIONS_TASKS,
        SALES_ORDERS,
        SALES_CUSTOMERS,
        FEEDBACK,
        QC_INSPECTIONS,
        QC_PRODUCTION_RUNS,
        QC_CLAIMS,
        PRODUCT_LAUNCHES,
        QC_INSPECTION_COUNTS,
        OPERATIONS_TASK_COUNTS,
        PEER_ADOPTION,
        EUROSTAT_AI_USE,
        COMPETITOR_MOVES,
        AI_TOOLS,
        AI_LICENCES,
        AI_ACTIVITY,
    )
}
