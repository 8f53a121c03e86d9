"""The initiative registry: one YAML file per AI initiative → three raw tables.

`raw.initiatives` (costs and assumptions), `raw.initiative_units` (the population, with
each treated unit's own go-live; controls have none) and `raw.initiative_objectives`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import polars as pl
import yaml

from ingestion import ledger
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.file_rows import RAW_SCHEMA, replace_file_rows
from ingestion.loader import SourceLoadReport
from ingestion.readers import ROW_NUMBER

SOURCE = "initiatives"
FOLDER = "initiatives"
TABLES = ("initiatives", "initiative_units", "initiative_objectives")
UNIT_TYPES = ("production_line", "support_team", "region", "department", "rnd_team")
ASSUMPTION_DEFAULTS = {
    "loaded_hourly_cost": 55.0,
    "realisation_factor": 0.6,
    "gross_margin": 0.35,
    "cost_per_defect": 120.0,
    "cost_per_rework": 40.0,
    "discount_rate": 0.10,
    "horizon_years": 3.0,
    "benefit_risk_haircut": 0.10,
}
LINEAGE = (
    "_source_file varchar not null, _source_row bigint not null, _loaded_at timestamp not null"
)
DDL = f"""
create table if not exists {RAW_SCHEMA}.initiatives (
    initiative_id varchar, initiative_name varchar, owner varchar, description varchar,
    unit_type varchar, baseline_months bigint, ramp_up_months bigint,
    development_cost double, implementation_cost double, running_cost_monthly double,
    {", ".join(f"{name} double" for name in ASSUMPTION_DEFAULTS)},
    {LINEAGE}
);
create table if not exists {RAW_SCHEMA}.initiative_units (
    initiative_id varchar, unit_type varchar, unit_id varchar, go_live_date date,
    {LINEAGE}
);
create table if not exists {RAW_SCHEMA}.initiative_objectives (
    initiative_id varchar, objective_number bigint, metric varchar, direction varchar,
    target_pct double, deadline date,
    {LINEAGE}
);
"""


def registry_files(landing_dir: Path) -> list[Path]:
    folder = landing_dir / FOLDER
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_registry(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, run_id: str | None = None
) -> SourceLoadReport:
    run_id = run_id or uuid.uuid4().hex
    ledger.ensure_schema(con)
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(DDL)
    previous = ledger.previous_loads(con, SOURCE)
    report = SourceLoadReport(SOURCE)
    errors: list[IngestionError] = []
    for path in registry_files(landing_dir):
        relative = path.relative_to(landing_dir).as_posix()
        digest = ledger.content_hash(path)
        before = previous.get(relative)
        if before is not None and before.content_hash == digest and before.status == "loaded":
            report.files.append(ledger.FileOutcome(SOURCE, relative, digest, "unchanged"))
            continue
        try:
            tables = parse_initiative(path)
        except IngestionError as error:
            outcome = ledger.FileOutcome(
                SOURCE, relative, digest, "rejected", rows_read=1, rows_quarantined=1,
                message=str(error),
            )  # fmt: skip
            replace_file_rows(con, dict.fromkeys(TABLES), outcome, run_id, _quarantine(error))
            report.files.append(outcome)
            errors.append(error)
            continue
        outcome = ledger.FileOutcome(SOURCE, relative, digest, "loaded", rows_read=1, rows_loaded=1)
        replace_file_rows(con, tables, outcome, run_id)
        report.files.append(outcome)
    if errors:
        raise SourceLoadError(SOURCE, errors)
    return report


def _quarantine(error: IngestionError) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ROW_NUMBER: [error.row or 1],
            "column_name": [error.column],
            "reason": [error.problem],
            "raw_values": [Path(error.path).read_text(errors="replace")],
        }
    )


def parse_initiative(path: Path) -> dict[str, pl.DataFrame | None]:
    """Validate one registry file and return its rows for the three tables."""
    spec = _read_yaml(path)
    initiative_id = _require(spec, "id", str, path)
    unit_type = _require(spec, "unit_type", str, path)
    if unit_type not in UNIT_TYPES:
        _fail(path, "unit_type", f"'{unit_type}' is not one of {', '.join(UNIT_TYPES)}")
    costs = _require(spec, "costs", dict, path)
    assumptions = {**ASSUMPTION_DEFAULTS, **(spec.get("assumptions") or {})}
    initiative = {
        "initiative_id": initiative_id,
        "initiative_name": _require(spec, "name", str, path),
        "owner": spec.get("owner"),
        "description": spec.get("description"),
        "unit_type": unit_type,
        "baseline_months": int(spec.get("baseline_months", 6)),
        "ramp_up_months": int(spec.get("ramp_up_months", 0)),
        "development_cost": _number(costs, "development", path, "costs.development"),
        "implementation_cost": _number(costs, "implementation", path, "costs.implementation"),
        "running_cost_monthly": _number(costs, "running_monthly", path, "costs.running_monthly"),
        **{
            name: _number(assumptions, name, path, f"assumptions.{name}")
            for name in ASSUMPTION_DEFAULTS
        },
    }
    return {
        "initiatives": _frame([initiative]),
        "initiative_units": _frame(_units(spec, initiative_id, unit_type, path)),
        "initiative_objectives": _frame(_objectives(spec, initiative_id, path)),
    }


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return (
        pl.DataFrame(rows, infer_schema_length=None)
        .with_row_index(ROW_NUMBER, offset=1)
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    )


def _units(spec: dict, initiative_id: str, unit_type: str, path: Path) -> list[dict[str, Any]]:
    population = [str(unit) for unit in _require(spec, "population", list, path)]
    go_lives: dict[str, dt.date] = {}
    for number, entry in enumerate(_require(spec, "rollout", list, path), start=1):
        where = f"rollout[{number}]"
        if not isinstance(entry, dict) or "unit" not in entry:
            _fail(path, f"{where}.unit", "each roll-out entry needs a unit")
        unit = str(entry["unit"])
        if unit not in population:
            _fail(path, f"{where}.unit", f"'{unit}' is not in the population")
        go_lives[unit] = _date(entry.get("go_live"), path, f"{where}.go_live")
    return [
        {"initiative_id": initiative_id, "unit_type": unit_type, "unit_id": unit,
         "go_live_date": go_lives.get(unit)}
        for unit in population
    ]  # fmt: skip


def _objectives(spec: dict, initiative_id: str, path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, entry in enumerate(spec.get("objectives") or [], start=1):
        where = f"objectives[{number}]"
        direction = entry.get("direction")
        if direction not in ("increase", "decrease"):
            _fail(path, f"{where}.direction", "must be 'increase' or 'decrease'")
        rows.append(
            {
                "initiative_id": initiative_id,
                "objective_number": number,
                "metric": _require(entry, "metric", str, path, where),
                "direction": direction,
                "target_pct": _number(entry, "target_pct", path, f"{where}.target_pct"),
                "deadline": _date(entry.get("deadline"), path, f"{where}.deadline"),
            }
        )
    return rows


def _read_yaml(path: Path) -> dict:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise IngestionError(
            path,
            f"YAML syntax error: {getattr(error, 'problem', error)}",
            row=mark.line + 1 if mark else None,
            fix="check indentation and colons on that line (a YAML linter helps)",
        ) from error
    if not isinstance(spec, dict):
        raise IngestionError(path, "expected a mapping of initiative fields at the top level")
    return spec


def _fail(path: Path, key: str, problem: str) -> NoReturn:
    raise IngestionError(path, problem, column=key, fix="see docs/initiative-registry.md")


def _require(spec: dict, key: str, kind: type, path: Path, parent: str = "") -> Any:
    name = f"{parent}.{key}" if parent else key
    if spec.get(key) is None:
        _fail(path, name, "required field missing")
    if not isinstance(spec[key], kind):
        _fail(path, name, f"expected {kind.__name__}, found {type(spec[key]).__name__}")
    return spec[key]


def _number(spec: dict, key: str, path: Path, name: str) -> float:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, name, f"expected a number, found {value!r}")
    return float(value)


def _date(value: Any, path: Path, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if value is None:
        _fail(path, name, "required date missing (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _fail(path, name, f"'{value}' is not a date (YYYY-MM-DD)")
