"""Publish the marts: the serving file BI tools read, its Parquet export and the dashboard.

One step, behind the gate: while any error-level expectation is failing on a raw table or
a mart (expectations/gate.py), nothing is written and the refusal is recorded for the
next dashboard. Otherwise the three are staged and swapped in together
(serving/publish.py), so a failure anywhere leaves the last good publish byte-identical.
What the publish was made from is kept, so the next run can tell whether anything is new
(nothing_new.py).
"""

from pathlib import Path

import dagster as dg

from dagster_project.assets.dbt import mart_keys
from dagster_project.dbt_project import dbt_project
from dagster_project.nothing_new import INPUTS_TAG, record_publish
from dagster_project.resources import WarehouseResource
from dashboard import build_dashboard
from expectations import relations
from expectations.gate import describe, open_failures, record_blocked_publish
from serving.contract import served_relations
from serving.publish import PublishReport, publish

SERVING_KEY = dg.AssetKey(["serving", "ai_roi"])
DASHBOARD_KEY = dg.AssetKey(["serving", "dashboard"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SERVING_KEY,
            deps=mart_keys(),
            group_name="serving",
            kinds={"duckdb", "parquet"},
            description="The serving DuckDB file BI tools open read-only, and the same "
            "relations as Parquet; replaced atomically per run.",
        ),
        dg.AssetSpec(
            DASHBOARD_KEY,
            deps=[SERVING_KEY],
            group_name="serving",
            kinds={"html"},
            description="The managers' ROI dashboard: self-contained HTML built from the "
            "serving file, published with it.",
        ),
    ],
    name="serving_file",
    pool="duckdb",
)
def serving_file(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        failures = open_failures(con, relations())
        if failures:
            record_blocked_publish(con, context.run_id, failures)
            raise dg.Failure(
                description=describe(
                    failures, "nothing was published (the last good publish stays)"
                ),
                metadata={"failed_expectations": [str(f) for f in failures]},
            )
        report = publish(
            con,
            Path(warehouse.serving_path),
            context.run_id,
            served_relations(dbt_project.manifest_path),
            build_dashboard,
        )
        record_publish(con, context.run_id, context.run.tags.get(INPUTS_TAG))
    context.log.info(f"published {len(report.tables)} tables to {report.serving_path}")
    context.log.info(f"dashboard written to {report.dashboard_page}")
    yield dg.MaterializeResult(asset_key=SERVING_KEY, metadata=_serving_metadata(report))
    yield dg.MaterializeResult(
        asset_key=DASHBOARD_KEY,
        metadata={"path": dg.MetadataValue.path(str(report.dashboard_page))},
    )


def _serving_metadata(report: PublishReport) -> dict:
    return {
        "path": dg.MetadataValue.path(str(report.serving_path)),
        "parquet": dg.MetadataValue.path(str(report.parquet_dir)),
        "tables": dg.MetadataValue.md(
            "| relation | rows |\n|---|---|\n"
            + "\n".join(f"| {name} | {rows:,} |" for name, rows in report.tables.items())
        ),
        "rows": sum(report.tables.values()),
    }
