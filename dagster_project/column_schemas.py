"""Column schemas with the types DuckDB actually gave each table, for the assets' Columns
tab (`dagster/column_schema`). dbt declares few `data_type`s, so the types are read from
the warehouse after a build; descriptions come from the asset's definition (the dbt yml)."""

from collections.abc import Mapping

import dagster as dg
import duckdb

COLUMN_SCHEMA = "dagster/column_schema"

_COLUMNS = """
    select column_name, data_type, is_nullable
    from duckdb_columns()
    where schema_name = ? and table_name = ?
    order by column_index
"""


def table_schema(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    described: dg.TableSchema | None = None,
) -> dg.TableSchema | None:
    """The columns of `schema.table` with their DuckDB types, described as in `described`;
    None when there is no such table."""
    descriptions = {c.name: c.description for c in described.columns} if described else {}
    rows = con.execute(_COLUMNS, [schema, table]).fetchall()
    if not rows:
        return None
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=data_type,
                description=descriptions.get(name),
                constraints=dg.TableColumnConstraints(nullable=nullable),
            )
            for name, data_type, nullable in rows
        ]
    )


def typed_schemas(
    warehouse_path: str, specs: Mapping[dg.AssetKey, dg.AssetSpec]
) -> dict[dg.AssetKey, dg.TableSchema]:
    """Typed schemas of the specs' tables (named by `dagster/table_name`, as dbt assets are),
    read in one read-only connection."""
    schemas: dict[dg.AssetKey, dg.TableSchema] = {}
    with duckdb.connect(warehouse_path, read_only=True) as con:
        for key, spec in specs.items():
            table_name = spec.metadata.get("dagster/table_name")
            if not table_name:
                continue
            schema, table = str(table_name).split(".")[-2:]
            typed = table_schema(con, schema, table, _declared(spec))
            if typed is not None:
                schemas[key] = typed
    return schemas


def _declared(spec: dg.AssetSpec) -> dg.TableSchema | None:
    value = spec.metadata.get(COLUMN_SCHEMA)
    if isinstance(value, dg.TableSchemaMetadataValue):
        return value.schema
    return value if isinstance(value, dg.TableSchema) else None
