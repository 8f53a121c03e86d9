"""The ingestion's quarantine, `audit.quarantine`, as an external asset.

Every source asset writes its held-back rows there while it loads, and the opportunity
finder's dbt model reads it (dbt source `audit.quarantine`). No step materializes it on its
own, so it is declared, not executed: described as the dbt source describes it, its column
types those of the table the ingestion creates (ingestion/ledger.py).
"""

from collections.abc import Iterable

import dagster as dg
import duckdb

from dagster_project.column_schemas import COLUMN_SCHEMA, table_schema
from dagster_project.dbt_project import dbt_project
from ingestion.ledger import SCHEMA, ensure_schema

TABLE = "quarantine"
QUARANTINE_KEY = dg.AssetKey([SCHEMA, TABLE])
DBT_SOURCE = f"source.{dbt_project.name}.{SCHEMA}.{TABLE}"


def quarantine_spec(
    manifest: dict, written_by: Iterable[dg.AssetKey], group_name: str
) -> dg.AssetSpec:
    """The quarantine, downstream of the source assets that write it."""
    source = manifest["sources"][DBT_SOURCE]
    return dg.AssetSpec(
        QUARANTINE_KEY,
        deps=list(written_by),
        group_name=group_name,
        kinds={"duckdb"},
        description=" ".join(source["description"].split()),
        metadata={
            "dagster/table_name": f"{SCHEMA}.{TABLE}",
            COLUMN_SCHEMA: dg.MetadataValue.table_schema(_declared_schema(source)),
        },
    )


def _declared_schema(source: dict) -> dg.TableSchema:
    """The table as the ledger's DDL creates it, with the dbt source's column descriptions."""
    described = dg.TableSchema(
        columns=[
            dg.TableColumn(name, description=column.get("description"))
            for name, column in source["columns"].items()
        ]
    )
    with duckdb.connect(":memory:") as con:
        ensure_schema(con)
        schema = table_schema(con, SCHEMA, TABLE, described)
    assert schema is not None, "ingestion/ledger.py no longer creates audit.quarantine"
    return schema
