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

from ingestion.deliveries import all_sources

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
    ServedRelation(
        "quality",
        "quality_results",
        # The state the publish gate reads (expectations/gate.py): each table's latest
        # validation of the whole table. Sample values are raw rows: not served.
        "with latest as (select relation, max(validated_at) as validated_at "
        "from audit.quality_results where where_clause is null group by relation) "
        "select relation, suite, expectation_type, column_name, severity, success, "
        "unexpected_count, unexpected_percent, observed_value, rows_validated, validated_at "
        "from audit.quality_results inner join latest using (relation, validated_at) "
        "where where_clause is null",
        "The latest validation of every raw table and mart by its Great Expectations suite, "
        "the one the publish gate read: one row per expectation, with what it observed "
        "(sample values are not served).",
        {
            "relation": "The table validated (raw.<source> as delivered, marts.<mart>).",
            "suite": "The expectation suite (expectations/suites/<suite>.json).",
            "expectation_type": "The expectation, as Great Expectations names it.",
            "column_name": "The column or columns checked; null for checks of the table.",
            "severity": "error (a failure stops publishing) or warn (reported only).",
            "success": "Whether the expectation held.",
            "unexpected_count": "Rows breaking a row-by-row expectation.",
            "unexpected_percent": "The same as a percentage of the rows checked.",
            "observed_value": "What an aggregate check saw (a count, a mean), as JSON.",
            "rows_validated": "Rows of the table validated.",
            "validated_at": "When the validation ran.",
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


def source_coverage(manifest_path: Path) -> ServedRelation:
    """Every landing source: delivered or not, the metrics computed from it, and those a
    source not delivered leaves out (none where an alternative source of the same data,
    such as inspection counts for inspection rows, was delivered)."""
    manifest = json.loads(manifest_path.read_text())
    seed = next(
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed" and node["name"] == "metric_definitions"
    )
    sources = ", ".join(f"('{source}')" for source in all_sources())
    return ServedRelation(
        "quality",
        "source_coverage",
        f"""
        with sources as (select * from (values {sources}) as listed (source)),
        loads as (
            select source, count(*) as files_loaded, sum(rows_loaded) as rows_loaded
            from audit.load_ledger where status = 'loaded' group by source
        ),
        needs as (
            select metric_name, needed.alternatives, alternative.source
            from {seed["schema"]}.{seed["alias"]},
                unnest(string_split(sources, '|')) as needed (alternatives),
                unnest(string_split(needed.alternatives, '/')) as alternative (source)
        ),
        met as (
            select needs.metric_name, needs.alternatives,
                bool_or(coalesce(loads.files_loaded, 0) > 0) as is_met
            from needs left join loads on needs.source = loads.source
            group by needs.metric_name, needs.alternatives
        ),
        metrics as (
            select needs.source,
                string_agg(distinct needs.metric_name, ', ' order by needs.metric_name)
                    as metrics,
                string_agg(distinct needs.metric_name, ', ' order by needs.metric_name)
                    filter (where not met.is_met) as missing
            from needs
            inner join met using (metric_name, alternatives)
            group by needs.source
        )
        select
            sources.source,
            coalesce(loads.files_loaded, 0) > 0 as is_delivered,
            coalesce(loads.files_loaded, 0) as files_loaded,
            coalesce(loads.rows_loaded, 0) as rows_loaded,
            metrics.metrics as metrics_from_source,
            metrics.missing as metrics_missing
        from sources
        left join loads on sources.source = loads.source
        left join metrics on sources.source = metrics.source
        order by sources.source
        """,
        "Every landing source: whether it was delivered, and the metrics computed from it. "
        "A source not delivered leaves its metrics out; the rest is published.",
        {
            "source": "Landing source (raw table; `initiatives` is the registry).",
            "is_delivered": "At least one of its files loaded.",
            "files_loaded": "Files loaded.",
            "rows_loaded": "Rows loaded.",
            "metrics_from_source": "Metrics computed from this source (metric_definitions).",
            "metrics_missing": "Metrics not available because this source is not delivered "
            "and no alternative source of the same data is; null when none are missing.",
        },
    )


def served_relations(manifest_path: Path) -> list[ServedRelation]:
    return [*mart_relations(manifest_path), *QUALITY_RELATIONS, source_coverage(manifest_path)]
