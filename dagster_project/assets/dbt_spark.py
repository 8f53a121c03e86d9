"""The dbt models on the Spark engine, in one Dagster step as on DuckDB, in three parts:
dbt-spark runs dbt Python models only on Databricks, so dbt builds everything but the
attribution's Python models and what reads them; the attribution's tables are computed
beside dbt (`python -m spark_engine attribute`, on attribution/tables.py as the Python
models are) and reported as those models' materializations; then dbt builds what reads
them. Last, the marts and seeds Spark built, and the report month the publish records,
are read into the DuckDB warehouse (lake/marts.py), where the Great Expectations gate,
the mart previews and the publish read them.

dbt's tests run with the models they test: those of the first part with it (a test that
also reads a model of the last part waits for it), the others with the last part."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from dagster_project.resources import WarehouseResource
from lake.marts import load_exported_tables, spark_tables
from spark_engine.java import spark_environment
from spark_engine.session import spark_dir

MARTS_SCHEMA = "marts"
# Read by the publish besides the marts and seeds: the month each publish reports on
# (serving/publish.py).
PUBLISH_READS = ("intermediate.int_report_month",)
ALL_SOURCES = "source:*"


@dataclass
class DbtRun:
    """What one or more dbt invocations reported, and the error that stopped them."""

    events: list[Any] = field(default_factory=list)
    error: Exception | None = None

    def then(self, other: DbtRun) -> DbtRun:
        return DbtRun([*self.events, *other.events], other.error)


RunDbt = Callable[[list[str]], DbtRun]
# The materialization of a Python model computed beside dbt, from its unique id and rows.
AttributedOutput = Callable[[str, int], dg.Output]


@dataclass(frozen=True)
class SparkParts:
    """Unique ids of the nodes each part builds."""

    first: frozenset[str]
    attributed: frozenset[str]
    last: frozenset[str]


def split_nodes(manifest: Mapping[str, Any], nodes: Iterable[str]) -> SparkParts:
    """`nodes` (models and seeds to build) in the three parts."""
    nodes = frozenset(nodes)
    python = {node for node in manifest["nodes"] if _is_python_model(manifest, node)}
    below = _descendants(manifest, python) - python
    return SparkParts(
        first=nodes - python - below,
        attributed=nodes & python,
        last=nodes & below,
    )


def build_on_spark(
    run_dbt: RunDbt,
    command: list[str],
    manifest: Mapping[str, Any],
    parts: SparkParts,
    attributed_output: AttributedOutput,
) -> DbtRun:
    """dbt's `command`, run in the three parts; stops at the first that fails."""
    built = DbtRun()
    if parts.first:
        built = run_dbt(_excluding(command, manifest, parts.attributed | parts.last, "eager"))
        if built.error is not None:
            return built
    if parts.attributed:
        rows = attribute()
        ordered = _parents_first(manifest, parts.attributed)
        outputs = [attributed_output(n, rows[_name(manifest, n)]) for n in ordered]
        built = built.then(DbtRun(outputs))
    if parts.last:
        others = set(manifest["nodes"]) - parts.last
        models = {node for node in others if manifest["nodes"][node]["resource_type"] != "test"}
        last = _excluding(command, manifest, models, "cautious", [ALL_SOURCES])
        built = built.then(run_dbt(last))
    return built


def attribute() -> dict[str, int]:
    """The attribution's tables, built in Spark by a process of its own (Spark's embedded
    metastore admits one JVM at a time); their rows by model name."""
    work_dir = spark_dir() / "attribution"
    result = subprocess.run(
        [sys.executable, "-m", "spark_engine", "attribute", str(work_dir)],
        env=spark_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise dg.Failure(
            description="the attribution on Spark failed",
            metadata={"stderr": dg.MetadataValue.text(result.stderr[-5000:])},
        )
    rows = (line.partition(": ")[::2] for line in result.stdout.splitlines() if ": " in line)
    return {name: int(count.split()[0]) for name, count in rows}


def load_marts(warehouse: WarehouseResource, manifest: Mapping[str, Any]) -> dict[str, int]:
    """Every mart and seed Spark has built, and what else the publish reads, read into the
    DuckDB warehouse; rows by relation."""
    relations = sorted(
        {
            *PUBLISH_READS,
            *(
                f"{node['schema']}.{node['alias']}"
                for node in manifest["nodes"].values()
                if node["resource_type"] == "seed"
                or (node["resource_type"] == "model" and node["schema"] == MARTS_SCHEMA)
            ),
        }
    )
    with warehouse.connect() as con:
        return load_exported_tables(con, spark_tables(spark_dir() / "warehouse", relations))


def _excluding(
    command: list[str],
    manifest: Mapping[str, Any],
    nodes: Collection[str],
    indirect_selection: str,
    selectors: Iterable[str] = (),
) -> list[str]:
    """`command` without `nodes`; their tests follow them as `indirect_selection` says."""
    excluded = sorted({*(_fqn(manifest, node) for node in nodes), *selectors})
    if not excluded:
        return [*command, "--indirect-selection", indirect_selection]
    return [*command, "--exclude", " ".join(excluded), "--indirect-selection", indirect_selection]


def _fqn(manifest: Mapping[str, Any], node: str) -> str:
    # Full fqn: a bare name would also match a folder of that name (marts/initiatives/).
    return "fqn:" + ".".join(manifest["nodes"][node]["fqn"])


def _name(manifest: Mapping[str, Any], node: str) -> str:
    return manifest["nodes"][node]["name"]


def _parents_first(manifest: Mapping[str, Any], nodes: Collection[str]) -> list[str]:
    """`nodes` in an order that puts each after those of them it reads: Dagster takes a
    step's outputs only in that order."""
    parents = manifest["parent_map"]

    def depth(node: str) -> int:
        above = [parent for parent in parents.get(node, []) if parent in nodes]
        return 1 + max(map(depth, above), default=0)

    return sorted(nodes, key=lambda node: (depth(node), node))


def _is_python_model(manifest: Mapping[str, Any], node: str) -> bool:
    properties = manifest["nodes"][node]
    return properties["resource_type"] == "model" and properties.get("language") == "python"


def _descendants(manifest: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    """Models and seeds below `roots` (tests excluded), `roots` included."""
    children = manifest["child_map"]
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        node = pending.pop()
        if node not in seen and node in manifest["nodes"]:
            seen.add(node)
            pending.extend(children.get(node, []))
    return {node for node in seen if manifest["nodes"][node]["resource_type"] != "test"}
