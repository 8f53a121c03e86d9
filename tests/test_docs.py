"""Every mart and every one of its columns is described in the dbt yml (and so in the
serving file's comments and the dbt docs); so is every staging and intermediate column."""

from __future__ import annotations

import json

import duckdb
import pytest

pytestmark = pytest.mark.e2e


def test_every_mart_column_is_described(pipeline, dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    marts = [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "marts" in node["fqn"]
    ]  # fmt: skip
    undocumented = []
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as con:
        for node in marts:
            if not node["description"].strip():
                undocumented.append(node["name"])
            described = {
                name for name, column in node["columns"].items() if column.get("description")
            }
            columns = con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'marts' and table_name = ?",
                [node["name"]],
            ).fetchall()
            undocumented += [f"{node['name']}.{c}" for (c,) in columns if c not in described]
    assert len(marts) >= 12
    assert not undocumented, undocumented


def test_every_staging_and_intermediate_column_is_described(pipeline, dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    layers = {"staging", "intermediate"}
    nodes = [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] in layers
    ]  # fmt: skip
    undocumented, columns_seen = [], 0
    with duckdb.connect(str(pipeline.settings.warehouse_path), read_only=True) as con:
        for node in nodes:
            described = {
                name for name, column in node["columns"].items() if column.get("description")
            }
            columns = con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
                [node["schema"], node["alias"]],
            ).fetchall()
            columns_seen += len(columns)
            undocumented += [f"{node['name']}.{c}" for (c,) in columns if c not in described]
    assert len(nodes) >= 48 and columns_seen >= 490
    assert not undocumented, undocumented
