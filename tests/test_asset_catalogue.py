"""Every asset is described and owned, the quarantine is a described source, and each
table's materialization carries its columns with the types DuckDB gave them."""

import dagster as dg
import duckdb
import pytest

from dagster_project.column_schemas import COLUMN_SCHEMA
from dagster_project.ownership import (
    DEFAULT_OWNERS,
    OWNERS_VARIABLE,
    owners_from_env,
    with_default_owners,
)


def test_every_asset_is_described_and_owned_by_the_default_team(dbt_manifest):
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    undescribed = [
        key.to_user_string()
        for key in keys
        if not graph.get(key).description or graph.get(key).description.startswith("dbt model")
    ]
    owners = {tuple(graph.get(key).owners) for key in keys}
    assert len(keys) >= 80
    assert undescribed == []
    assert owners == {(DEFAULT_OWNERS,)}


def test_owners_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(OWNERS_VARIABLE, " team:finance-analytics ,ana@example.com")
    assert owners_from_env() == ["team:finance-analytics", "ana@example.com"]

    monkeypatch.setenv(OWNERS_VARIABLE, "team:finance-analytics, Ana")
    with pytest.raises(ValueError, match=f"{OWNERS_VARIABLE}=.*not Ana"):
        owners_from_env()


def test_a_dbt_model_naming_its_owners_in_meta_keeps_them(dbt_manifest):
    from dagster_project.assets.dbt import TRANSLATOR, dbt_project_manifest
    from dagster_project.dbt_project import dbt_project

    manifest = dbt_project_manifest()
    roi, effects = (
        f"model.ai_roi_warehouse.{name}" for name in ("initiative_roi", "initiative_effects")
    )
    manifest["nodes"][roi]["meta"] = {"dagster": {"owners": ["team:finance-analytics"]}}
    specs = [TRANSLATOR.get_asset_spec(manifest, node, dbt_project) for node in (roi, effects)]

    owned = with_default_owners(specs, ["team:analytics-engineering"])

    assert [spec.owners for spec in owned] == [
        ["team:finance-analytics"],
        ["team:analytics-engineering"],
    ]


def test_the_quarantine_is_a_described_source_downstream_of_the_loads(dbt_manifest):
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    quarantine = graph.get(dg.AssetKey(["audit", "quarantine"]))
    schema = quarantine.metadata[COLUMN_SCHEMA].schema
    columns = {column.name: column for column in schema.columns}

    assert not quarantine.is_materializable
    assert quarantine.description.startswith("Rows held back by the ingestion contracts")
    assert quarantine.group_name == "ingestion"
    assert dg.AssetKey(["raw", "operations_tasks"]) in quarantine.parent_keys
    assert columns["source_row"].type == "BIGINT"
    assert columns["quarantined_at"].type == "TIMESTAMP"
    assert columns["raw_values"].description == "The row's raw values as JSON text."
    quarantined_tasks = graph.get(dg.AssetKey(["staging", "stg_audit__quarantined_tasks"]))
    assert quarantined_tasks.parent_keys == {quarantine.key}


def recorded_columns(metadata: dict) -> dict[str, dg.TableColumn]:
    return {column.name: column for column in metadata[COLUMN_SCHEMA].schema.columns}


@pytest.mark.e2e
def test_every_table_materialized_carries_its_typed_columns(pipeline):
    """Every materialization of a table (the run's, not the days a full build records)
    lists its columns in order with DuckDB's types."""
    materialized = {
        event.asset_key: event.materialization.metadata
        for event in pipeline.result.get_asset_materialization_events()
        if not event.partition
    }
    specs = {key: pipeline.defs.resolve_assets_def(key).specs_by_key[key] for key in materialized}
    tables = {
        key: str(spec.metadata["dagster/table_name"])
        for key, spec in specs.items()
        if "dagster/table_name" in spec.metadata
    }
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as con:
        for key, table_name in tables.items():
            schema, table = table_name.split(".")[-2:]
            actual = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            recorded = recorded_columns(materialized[key]).values()
            assert [(c.name, c.type) for c in recorded] == actual, key.to_user_string()

    assert {"raw", "staging", "intermediate", "marts"} <= {key.path[0] for key in tables}
    roi = recorded_columns(materialized[dg.AssetKey(["marts", "initiative_roi"])])
    tasks = recorded_columns(materialized[dg.AssetKey(["staging", "stg_operations__tasks"])])
    assert roi["npv"].type == "DOUBLE"
    assert roi["npv"].description  # from the dbt yml
    assert tasks["started_at"].type == "TIMESTAMP"
