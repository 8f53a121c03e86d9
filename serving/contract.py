"""The serving contract: which relations BI tools get, under which schema, described how.

Marts declare their audience schema in their dbt yml (`config.meta.serving_schema`:
`overview` for managers, `metrics` for analysts) and their descriptions there too, so the
contract lives beside the SQL. The `quality` schema is the pipeline's own audit trail.
Raw and staging tables, raw values and employee identifiers are never served.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

RUN_ID_COLUMN = "published_run_id"


@dataclass(frozen=True)
class ServedRelation:
    schema: str
    name: str
    select_sql: str  # a query over the warehouse
    description: str
    column_descriptions: dict[str, str] = field(default_factory=dict)


QUALITY_RELATIONS = (
    ServedRelation(
        "quality",
        "file_loads",
        "select source, file_path, status, rows_read, rows_loaded, rows_quarantined, message, "
        "loaded_at from audit.load_ledger",
        "Every landing file and how its latest load went; rows_read = rows_loaded + "
        "rows_quarantined.",
    ),
    ServedRelation(
        "quality",
        "quarantine_summary",
        # By the kind of reason: the reasons themselves quote values and row numbers, which
        # would make nearly every row a line of its own. Rows from before reason_kind
        # existed keep their reason.
        "select source, file_path, column_name, coalesce(reason_kind, reason) as reason, "
        "count(*) as rows_quarantined from audit.quarantine group by all",
        "Rows held back by the contracts, by file, column and kind of reason (raw values are "
        "not served).",
        {
            "reason": "Why the rows were held back, without their values and row numbers "
            "(audit.quarantine has each row's own reason).",
            "rows_quarantined": "Rows held back for this reason.",
        },
    ),
    ServedRelation(
        "quality",
        "restatements",
        "select source, file_path, kind, period_month, rows_restated, detail, recorded_at "
        "from audit.restatements",
        "Loads that changed something already reported: late rows for a published month, or "
        "keys delivered again by another file.",
    ),
    ServedRelation(
        "quality",
        "blocked_publishes",
        "select run_id, blocked_at, failures from audit.blocked_publishes "
        "where blocked_at > coalesce((select max(published_at) from audit.publish_log), "
        "'-infinity'::timestamp)",
        "Runs since the previous publish whose publish the quality gate refused, with the "
        "error-level expectations that failed and what they observed.",
        {
            "run_id": "Id of the refused run.",
            "blocked_at": "When the gate refused it.",
            "failures": "One line per failing expectation: relation, expectation, column, "
            "observed value.",
        },
    ),
)


def mart_relations(manifest_path: Path) -> list[ServedRelation]:
    """Every dbt model with a serving schema, with its dbt descriptions."""
    manifest = json.loads(manifest_path.read_text())
    relations = []
    for node in manifest["nodes"].values():
        schema = node.get("config", {}).get("meta", {}).get("serving_schema")
        if node["resource_type"] != "model" or schema is None:
            continue
        relations.append(
            ServedRelation(
                schema=schema,
                name=node["name"],
                select_sql=f"select * from {node['schema']}.{node['alias']}",
                description=" ".join(node.get("description", "").split()),
                column_descriptions={
                    name: " ".join(column.get("description", "").split())
                    for name, column in node.get("columns", {}).items()
                    if column.get("description")
                },
            )
        )
    return sorted(relations, key=lambda relation: (relation.schema, relation.name))


def served_relations(manifest_path: Path) -> list[ServedRelation]:
    return [*mart_relations(manifest_path), *QUALITY_RELATIONS]
