"""docs/landing-files.md lists every landing field as required or optional with the
metrics that need it, as the contracts and the metric catalogue (seed
metric_definitions: `sources`, `fields`) say; and the catalogue names only real fields."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ingestion.contracts import CONTRACTS, Column, SourceContract
from ingestion.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "landing-files.md"
SEED = PROJECT_ROOT / "dbt" / "seeds" / "metric_definitions.csv"
SECTION = "## Required and optional fields"
ROW = re.compile(
    r"^\| `(?P<source>\w+)` \| `(?P<field>\w+)` \| (?P<status>[^|]+) \| (?P<used>[^|]+) \|$"
)


def catalogue(seed: Path = SEED) -> list[dict[str, str]]:
    with seed.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sources_of(metric: dict[str, str]) -> list[str]:
    """Every source the metric names, alternatives (`a/b`) included."""
    return [source for entry in metric["sources"].split("|") for source in entry.split("/")]


def metrics_needing(source: str, field: str, metrics: list[dict[str, str]]) -> list[str]:
    return [
        metric["metric_name"]
        for metric in metrics
        if source in sources_of(metric) and field in metric["fields"].split("|")
    ]


def used_by(contract: SourceContract, column: Column, metrics: list[dict[str, str]]) -> str:
    """What the doc says a field feeds: every metric of its source when it places rows in
    a unit or month, else the catalogue's metrics that need it."""
    fed = [metric for metric in metrics if contract.table in sources_of(metric)]
    unit_types = {unit_type for metric in fed for unit_type in metric["unit_type"].split("|")}
    if fed and (column.name == contract.event_column or column.unit_type in unit_types):
        return "every metric from this source (its unit or month)"
    named = metrics_needing(contract.table, column.name, metrics)
    if named:
        return ", ".join(f"`{name}`" for name in named)
    if column.name in contract.key:
        return "none (identifies the row)"
    return "none"


def status(column: Column) -> str:
    if not column.required:
        return "optional"
    return "required, may be empty" if column.nullable else "required"


def expected_rows(metrics: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    return [
        (
            contract.table,
            column.name,
            status(column),
            used_by(contract, column, metrics),
        )
        for contract in CONTRACTS.values()
        for column in contract.columns
    ]


def documented_rows(doc: Path = DOC) -> list[tuple[str, str, str, str]]:
    text = doc.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    matches = (ROW.match(line) for line in section.splitlines())
    return [(m["source"], m["field"], m["status"], m["used"]) for m in matches if m]


def test_the_doc_lists_every_field_with_its_status_and_metrics():
    assert documented_rows() == expected_rows(catalogue())


def test_the_catalogue_names_only_fields_of_its_sources():
    for metric in catalogue():
        fields = {name for source in sources_of(metric) for name in CONTRACTS[source].column_names}
        needed = {name for name in metric["fields"].split("|") if name}
        assert needed <= fields, metric["metric_name"]


def test_optional_fields_feed_only_metrics_that_can_be_absent():
    """Each optional field a catalogue metric needs is one the dbt models treat as absent
    (null, so the metric has no row) when a file leaves it out, never as zero."""
    optional = {
        (contract.table, column.name)
        for contract in CONTRACTS.values()
        for column in contract.columns
        if not column.required
    }
    needing = {
        (source, field): metrics_needing(source, field, catalogue()) for source, field in optional
    }
    assert {key: names for key, names in needing.items() if names} == {
        ("sales_orders", "margin"): ["gross_margin", "customer_lifetime_value"],
        ("sales_orders", "product_id"): ["ai_enabled_revenue"],
        ("hr_survey_responses", "self_rated_productivity"): ["self_rated_productivity"],
        ("hr_survey_responses", "enps_score"): ["enps"],
        ("hr_survey_responses", "ai_tool_usage"): ["ai_adoption"],
        ("qc_inspections", "passed_first_time"): ["first_pass_yield"],
        ("qc_inspections", "opportunities_per_unit"): ["dpmo"],
        ("qc_inspection_counts", "first_pass_units"): ["first_pass_yield"],
        ("qc_inspection_counts", "defect_opportunities"): ["dpmo"],
        ("operations_task_counts", "total_duration_minutes"): ["task_duration_mean"],
        ("operations_task_counts", "tasks_with_error"): ["error_rate"],
        ("operations_task_counts", "reworked_tasks"): ["rework_rate"],
    }
