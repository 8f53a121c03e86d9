"""The dbt project's conventions (docs/dbt-conventions.md): every served mart enforces a
typed contract, every model is tested on its grain, every source but the optional
organisation file has a freshness fitting its cadence, and `dbt source freshness` reads
them as documented."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DbtCopy

# Type names DuckDB and Spark SQL both accept (Spark refuses `varchar` without a length).
PORTABLE_TYPES = {"string", "double", "bigint", "boolean", "date", "timestamp"}
# A primary key: the project's own combination test, or unique and not_null on a column.
GRAIN_TEST = "unique_combination"
CONVENTIONS = Path(__file__).resolve().parents[1] / "docs" / "dbt-conventions.md"


def load(manifest_path: Path) -> dict[str, Any]:
    return json.loads(manifest_path.read_text())


def models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def served(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in models(manifest) if node["config"]["meta"].get("serving_schema")]


def test_every_served_mart_enforces_a_typed_contract(dbt_manifest):
    marts = served(load(dbt_manifest))
    untyped = [
        f"{node['name']}.{name}"
        for node in marts
        for name, column in node["columns"].items()
        if column.get("data_type") not in PORTABLE_TYPES
    ]
    assert len(marts) == 20
    assert [n["name"] for n in marts if not n["config"]["contract"]["enforced"]] == []
    assert untyped == []


def grain_tested(manifest: dict[str, Any]) -> set[str]:
    """Unique ids of the models with a primary-key test."""
    tested: set[str] = set()
    column_tests: dict[tuple[str, str], set[str]] = {}
    for test in manifest["nodes"].values():
        if test["resource_type"] != "test" or not test.get("attached_node"):
            continue
        name = test.get("test_metadata", {}).get("name")
        if name == GRAIN_TEST:
            tested.add(test["attached_node"])
        elif test.get("column_name"):
            key = (test["attached_node"], test["column_name"])
            column_tests.setdefault(key, set()).add(name)
    keys = {node for (node, _), names in column_tests.items() if {"unique", "not_null"} <= names}
    return tested | keys


def test_every_model_is_tested_on_its_grain(dbt_manifest):
    manifest = load(dbt_manifest)
    tested = grain_tested(manifest)
    untested = sorted(n["name"] for n in models(manifest) if n["unique_id"] not in tested)
    assert len(models(manifest)) >= 65
    assert untested == []


def test_every_source_has_a_freshness_but_the_optional_organisation_file(dbt_manifest):
    sources = load(dbt_manifest)["sources"].values()
    without = sorted(
        f"{s['source_name']}.{s['name']}"
        for s in sources
        if not (s.get("freshness") or {}).get("warn_after", {}).get("count")
    )
    unmeasured = [
        s["name"]
        for s in sources
        if s.get("freshness") and not (s["loaded_at_field"] or s["loaded_at_query"])
    ]
    assert without == ["raw.organisation_units"]
    assert unmeasured == []


def documented_freshness() -> dict[str, tuple[str, str]]:
    """Each source's (warn after, error after) as the freshness table of the docs says."""
    section = CONVENTIONS.read_text().split("## Source freshness")[1].split("\n## ")[0]
    thresholds = {}
    for row in re.findall(r"^\|(.+)\|$", section, flags=re.MULTILINE):
        names, _, warn, error = (cell.strip() for cell in row.split("|"))
        for name in re.findall(r"`([a-z_.]+)`", names):
            thresholds[name if "." in name else f"raw.{name}"] = (warn, error)
    return thresholds


def threshold(time: dict[str, Any] | None) -> str:
    if not time or time.get("count") is None:
        return "never"
    return f"{time['count']} {time['period']}s"


def test_the_documented_freshness_table_is_the_projects(dbt_manifest):
    configured = {
        f"{s['source_name']}.{s['name']}": (
            threshold(s["freshness"]["warn_after"]), threshold(s["freshness"]["error_after"])
        ) if s.get("freshness") else ("—", "—")
        for s in load(dbt_manifest)["sources"].values()
    }  # fmt: skip
    assert len(configured) == 23
    assert documented_freshness() == configured


def test_dbt_refuses_a_contract_on_a_python_model(tmp_path):
    """Why the attribution's Python models carry none: dbt refuses it when parsing."""
    from dagster_project.dbt_project import DBT_PROJECT_DIR

    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "intermediate" / "int_contracted.py").write_text(
        "def model(dbt, session):\n    return session.sql('select 1 as one')\n"
    )
    (project / "models" / "intermediate" / "_contracted.yml").write_text(
        "version: 2\nmodels:\n  - name: int_contracted\n    config: {contract: {enforced: true}}\n"
        "    columns: [{name: one, data_type: bigint}]\n"
    )
    with pytest.raises(AssertionError, match="Expected 'sql' but found 'python'"):
        DbtCopy(project, tmp_path / "warehouse.duckdb").run("parse")


@pytest.mark.e2e
def test_a_served_mart_whose_sql_changes_a_type_fails_its_build(dbt_copy):
    units = dbt_copy.project / "models" / "marts" / "organisation" / "units.sql"
    sql = units.read_text()
    drifted = "cast(declared.unit_id is not null as integer) as is_declared"
    units.write_text(sql.replace("declared.unit_id is not null as is_declared", drifted))

    mismatch = r"enforced contract that failed(.|\n)*is_declared +\| INTEGER +\| BOOLEAN"
    with pytest.raises(AssertionError, match=mismatch):
        dbt_copy.run("run", "--select", "units")
    with dbt_copy.connect() as con:
        served_type = con.execute(
            "select data_type from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'units' and column_name = 'is_declared'"
        ).fetchall()
    assert served_type == [("BOOLEAN",)]


@pytest.mark.e2e
def test_source_freshness_follows_each_delivery_cadence(dbt_copy):
    """Loads aged by hand: a monthly export a month late warns and two months late fails,
    a daily fact a day late warns, and so does its empty alternative (task counts), the
    survey a month after its wave passes, a registry untouched for over a year only warns,
    and so does a benchmark never delivered (the demo ships no analysts' peer figures);
    an alternative never delivered (inspection counts) is as fresh as the unit rows."""
    aged_days = {
        "feedback_responses": 40,
        "hr_roster": 70,
        "operations_tasks": 2,
        "hr_survey_responses": 40,
        "initiatives": 400,
        "initiative_units": 400,
        "initiative_objectives": 400,
    }
    with dbt_copy.connect(read_only=False) as con:
        for table, days in aged_days.items():
            con.execute(
                f"update raw.{table} set _loaded_at = now()::timestamp - interval {days} day"
            )

    with pytest.raises(AssertionError, match=r"ERROR STALE freshness of raw\.hr_roster"):
        dbt_copy.run("source", "freshness")
    results = json.loads((dbt_copy.project / "target" / "sources.json").read_text())["results"]
    status = {r["unique_id"].split(".", 2)[2]: r["status"] for r in results}
    assert {name: s for name, s in status.items() if s != "pass"} == {
        "raw.feedback_responses": "warn",
        "raw.hr_roster": "error",
        "raw.operations_tasks": "warn",
        "raw.operations_task_counts": "warn",
        "raw.initiatives": "warn",
        "raw.initiative_units": "warn",
        "raw.initiative_objectives": "warn",
        "raw.peer_adoption": "warn",
    }
    assert status["raw.qc_inspection_counts"] == status["audit.quarantine"] == "pass"
    assert len(status) == 22
