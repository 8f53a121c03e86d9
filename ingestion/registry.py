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

from ingestion import landing, ledger
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.file_rows import RAW_SCHEMA, replace_file_rows
from ingestion.loader import SourceLoadReport
from ingestion.readers import ROW_NUMBER

SOURCE = "initiatives"
FOLDER = "initiatives"
TABLES = ("initiatives", "initiative_units", "initiative_objectives")
# `team` is an HR team (the survey's and roster's team column); `support_team` a team in
# the operations task data.
UNIT_TYPES = ("production_line", "support_team", "region", "department", "team", "rnd_team")
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
# What a cost assumption already covers, said outright so no cost is counted twice: a
# cost per defect that includes the rework of the defective unit leaves no rework cost
# to add for it.
ASSUMPTION_FLAGS = {"cost_per_defect_includes_rework": False}
# A registry file is a page of YAML: anything far larger is not one, and is not parsed.
MAX_FILE_BYTES = 1_000_000
# Values quoted in messages are cut to this length: messages are published.
QUOTED_VALUE_LENGTH = 40
# A bound on month counts that keeps them plausible, and within a bigint.
MAX_MONTHS = 1200
KINDS = {dict: "a mapping (key: value lines)", list: "a list", str: "text"}
# The kind of every registry quarantine row (the reason itself names key and value).
REJECTED_KIND = "invalid initiative file"
LINEAGE = (
    "_source_file varchar not null, _source_row bigint not null, _loaded_at timestamp not null"
)
DDL = f"""
create table if not exists {RAW_SCHEMA}.initiatives (
    initiative_id varchar, initiative_name varchar, owner varchar, description varchar,
    unit_type varchar, baseline_months bigint, ramp_up_months bigint,
    development_cost double, implementation_cost double, running_cost_monthly double,
    {", ".join(f"{name} double" for name in ASSUMPTION_DEFAULTS)},
    {", ".join(f"{name} boolean" for name in ASSUMPTION_FLAGS)},
    {LINEAGE}
);
-- Warehouses from before the assumption flags get them as columns (null: not declared).
{
    "".join(
        f"alter table {RAW_SCHEMA}.initiatives add column if not exists {name} boolean;"
        for name in ASSUMPTION_FLAGS
    )
}
create table if not exists {RAW_SCHEMA}.initiative_units (
    initiative_id varchar, unit_type varchar, unit_id varchar, go_live_date date,
    {LINEAGE}
);
create table if not exists {RAW_SCHEMA}.initiative_objectives (
    initiative_id varchar, objective_number bigint, metric varchar, direction varchar,
    target_pct double, deadline date, objective_kind varchar, target_level double,
    by_month bigint,
    {LINEAGE}
);
-- Warehouses from before level objectives get their columns (null: a change objective).
{
    "".join(
        f"alter table {RAW_SCHEMA}.initiative_objectives add column if not exists {column};"
        for column in ("objective_kind varchar", "target_level double", "by_month bigint")
    )
}
"""


def registry_files(landing_dir: Path) -> list[Path]:
    """Every entry named *.yaml or *.yml, links and directories included: `_load_file`
    rejects those that must not be read, so that each gets a ledger row."""
    return landing.matching_entries(landing_dir / FOLDER, ("*.yaml", "*.yml"))


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
        outcome, error = _load_file(con, path, landing_dir, previous, run_id)
        report.files.append(outcome)
        if error is not None:
            errors.append(error)
    if errors:
        raise SourceLoadError(SOURCE, errors)
    return report


def _load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    landing_dir: Path,
    previous: dict[str, ledger.PreviousLoad],
    run_id: str,
) -> tuple[ledger.FileOutcome, IngestionError | None]:
    """Load one registry file, or reject it with a ledger and a quarantine row: whatever
    is wrong with one file, the files after it still load."""
    relative = path.relative_to(landing_dir).as_posix()
    digest = landing.NOT_READ
    try:
        landing.check_readable(path, landing_dir)
        digest = ledger.content_hash(path)
        before = previous.get(relative)
        if before is not None and before.content_hash == digest and before.status == "loaded":
            return ledger.FileOutcome(SOURCE, relative, digest, "unchanged"), None
        tables = parse_initiative(path)
    except IngestionError as error:
        return _reject(con, relative, digest, error, run_id), error
    except Exception as error:
        # The last line of defence, for what the checks below do not foresee. Only the
        # exception's type is named: its text may quote the file at length.
        unexpected = IngestionError(
            path,
            f"could not be read ({type(error).__name__})",
            fix="compare the file with docs/initiative-registry.md",
        )
        return _reject(con, relative, digest, unexpected, run_id), unexpected
    outcome = ledger.FileOutcome(SOURCE, relative, digest, "loaded", rows_read=1, rows_loaded=1)
    replace_file_rows(con, tables, outcome, run_id)
    return outcome, None


def _reject(
    con: duckdb.DuckDBPyConnection,
    relative: str,
    digest: str,
    error: IngestionError,
    run_id: str,
) -> ledger.FileOutcome:
    outcome = ledger.FileOutcome(
        SOURCE, relative, digest, "rejected", rows_read=1, rows_quarantined=1, message=str(error)
    )
    replace_file_rows(con, dict.fromkeys(TABLES), outcome, run_id, _quarantine(error))
    return outcome


def _quarantine(error: IngestionError) -> pl.DataFrame:
    """One row naming the key at fault. No raw values: the file stays in the landing
    folder, the reason quotes the value at fault (shortened), and a copy of the text would
    copy whatever a file holds into tables that are published."""
    return pl.DataFrame(
        {
            ROW_NUMBER: [error.row or 1],
            "column_name": [error.column],
            "reason": [error.problem],
            "reason_kind": [REJECTED_KIND],
            "raw_values": [None],
        },
        schema_overrides={"column_name": pl.String, "raw_values": pl.String},
    )


def parse_initiative(path: Path) -> dict[str, pl.DataFrame | None]:
    """Validate one registry file and return its rows for the three tables."""
    spec = _read_yaml(path)
    initiative_id = _require(spec, "id", str, path)
    unit_type = _require(spec, "unit_type", str, path)
    if unit_type not in UNIT_TYPES:
        _fail(path, "unit_type", f"{_quoted(unit_type)} is not one of {', '.join(UNIT_TYPES)}")
    costs = _require(spec, "costs", dict, path)
    assumptions = {
        **ASSUMPTION_DEFAULTS,
        **ASSUMPTION_FLAGS,
        **_optional(spec, "assumptions", dict, path, {}),
    }
    initiative = {
        "initiative_id": initiative_id,
        "initiative_name": _require(spec, "name", str, path),
        "owner": _optional(spec, "owner", str, path, None),
        "description": _optional(spec, "description", str, path, None),
        "unit_type": unit_type,
        "baseline_months": _months(spec, "baseline_months", 6, path),
        "ramp_up_months": _months(spec, "ramp_up_months", 0, path),
        "development_cost": _number(costs, "development", path, "costs.development"),
        "implementation_cost": _number(costs, "implementation", path, "costs.implementation"),
        "running_cost_monthly": _number(costs, "running_monthly", path, "costs.running_monthly"),
        **{
            name: _number(assumptions, name, path, f"assumptions.{name}")
            for name in ASSUMPTION_DEFAULTS
        },
        **{name: _flag(assumptions, name, path) for name in ASSUMPTION_FLAGS},
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
    population = [
        _unit_id(unit, path, f"population[{number}]")
        for number, unit in enumerate(_require(spec, "population", list, path), start=1)
    ]
    go_lives: dict[str, dt.date] = {}
    for number, entry in enumerate(_require(spec, "rollout", list, path), start=1):
        where = f"rollout[{number}]"
        if not isinstance(entry, dict) or "unit" not in entry:
            _fail(path, f"{where}.unit", "each roll-out entry needs a unit")
        unit = _unit_id(entry["unit"], path, f"{where}.unit")
        if unit not in population:
            _fail(path, f"{where}.unit", f"{_quoted(unit)} is not in the population")
        go_lives[unit] = _date(entry.get("go_live"), path, f"{where}.go_live")
    return [
        {"initiative_id": initiative_id, "unit_type": unit_type, "unit_id": unit,
         "go_live_date": go_lives.get(unit)}
        for unit in population
    ]  # fmt: skip


def _unit_id(value: Any, path: Path, name: str) -> str:
    """Unit ids are text; a plain number (a line numbered 7) is taken as its digits."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        _fail(path, name, f"expected a unit id, found {_kind(value)}")
    return str(value)


def _objectives(spec: dict, initiative_id: str, path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, entry in enumerate(_optional(spec, "objectives", list, path, []), start=1):
        where = f"objectives[{number}]"
        if not isinstance(entry, dict):
            _fail(path, where, f"expected {KINDS[dict]}, found {_kind(entry)}")
        direction = entry.get("direction")
        if direction not in ("increase", "decrease"):
            _fail(path, f"{where}.direction", "must be 'increase' or 'decrease'")
        target = (
            _level_target(entry, path, where)
            if "target_level" in entry
            else _change_target(entry, direction, path, where)
        )
        rows.append(
            {
                "initiative_id": initiative_id,
                "objective_number": number,
                "metric": _require(entry, "metric", str, path, where),
                "direction": direction,
                **target,
            }
        )
    return rows


def _change_target(entry: dict, direction: str, path: Path, where: str) -> dict[str, Any]:
    """A change against the baseline, attributed to the initiative, by a date."""
    target = _number(entry, "target_pct", path, f"{where}.target_pct")
    _check_target_sign(direction, target, path, where)
    return {
        "objective_kind": "change",
        "target_pct": target,
        "deadline": _date(entry.get("deadline"), path, f"{where}.deadline"),
        "target_level": None,
        "by_month": None,
    }


def _level_target(entry: dict, path: Path, where: str) -> dict[str, Any]:
    """A level to reach in each treated unit's n-th month after its go-live month (an
    adoption measure: "70% weekly active by month 3"). Exactly one kind of target: a
    level with a change target or a date as well is ambiguous."""
    for other in ("target_pct", "deadline"):
        if entry.get(other) is not None:
            _fail(
                path,
                f"{where}.{other}",
                f"an objective with target_level is reached by_month, not by {other}: "
                "keep one kind of target",
            )
    by_month = entry.get("by_month")
    if isinstance(by_month, bool) or not isinstance(by_month, int) or by_month < 0:
        _fail(
            path,
            f"{where}.by_month",
            f"expected the month after go-live to judge the level in (0 = the go-live "
            f"month), found {_quoted(by_month)}",
        )
    return {
        "objective_kind": "level",
        "target_pct": None,
        "deadline": None,
        "target_level": _number(entry, "target_level", path, f"{where}.target_level"),
        "by_month": by_month,
    }


def _check_target_sign(direction: str, target: float, path: Path, where: str) -> None:
    """A target against its direction ("decrease" with +30) is refused, not guessed: it
    may mean a 30% cut or a typo in either field."""
    if target != 0 and (target > 0) == (direction == "increase"):
        return
    example = f"{'' if direction == 'increase' else '-'}{abs(target) or 10:g}"
    article, sign = ("an", "above") if direction == "increase" else ("a", "below")
    _fail(
        path,
        f"{where}.target_pct",
        f"{target:g} does not go the objective's direction ({direction}): {article} "
        f"{direction} target is {sign} 0, e.g. target_pct: {example}",
    )


class _RegistryLoader(yaml.SafeLoader):
    """Safe YAML without aliases. Each alias repeats what its anchor holds, so nested ones
    grow exponentially (a 1 KB file can expand to gigabytes); registry files need none."""

    def __init__(self, text: str, path: Path) -> None:
        super().__init__(text)
        self.path = path

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise IngestionError(
                self.path,
                "YAML aliases (*name) are not supported in registry files",
                row=self.peek_event().start_mark.line + 1,
                fix="write the value out in full instead of referring to an anchor (&name)",
            )
        return super().compose_node(parent, index)


def _read_yaml(path: Path) -> dict:
    loader = _RegistryLoader(_read_text(path), path)
    try:
        spec = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise IngestionError(
            path,
            f"YAML syntax error: {getattr(error, 'problem', error)}",
            row=mark.line + 1 if mark else None,
            fix="check indentation and colons on that line (a YAML linter helps)",
        ) from error
    finally:
        loader.dispose()
    if not isinstance(spec, dict):
        raise IngestionError(path, "expected a mapping of initiative fields at the top level")
    return spec


def _read_text(path: Path) -> str:
    """The file's text; reading stops past the size limit."""
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise IngestionError(
            path,
            f"larger than {MAX_FILE_BYTES:,} bytes, the limit for a registry file; not parsed",
            fix="check that this is the right file: a registry file is a page of YAML",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestionError(
            path,
            f"not UTF-8 (byte 0x{data[error.start]:02x}: saved as Latin-1 or Windows-1252?)",
            row=data[: error.start].count(b"\n") + 1,
            fix="save the file as UTF-8 (in most editors: Save as..., Encoding: UTF-8)",
        ) from error


def _fail(path: Path, key: str, problem: str) -> NoReturn:
    raise IngestionError(path, problem, column=key, fix="see docs/initiative-registry.md")


def _require(spec: dict, key: str, kind: type, path: Path, parent: str = "") -> Any:
    name = f"{parent}.{key}" if parent else key
    if spec.get(key) is None:
        _fail(path, name, "required field missing")
    return _optional(spec, key, kind, path, None, name)


def _optional(
    spec: dict, key: str, kind: type, path: Path, default: Any, name: str | None = None
) -> Any:
    """`spec[key]` if it is a `kind`, `default` if it is absent or null."""
    value = spec.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        _fail(path, name or key, f"expected {KINDS[kind]}, found {_kind(value)}")
    return value


def _months(spec: dict, key: str, default: int, path: Path) -> int:
    value = spec.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, key, f"expected a whole number, found {_quoted(value)}")
    if not 0 <= value <= MAX_MONTHS:
        _fail(path, key, f"{value} is not a number of months from 0 to {MAX_MONTHS}")
    return value


def _flag(assumptions: dict, key: str, path: Path) -> bool:
    value = assumptions.get(key)
    if not isinstance(value, bool):
        _fail(path, f"assumptions.{key}", f"expected true or false, found {_quoted(value)}")
    return value


def _number(spec: dict, key: str, path: Path, name: str) -> float:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, name, f"expected a number, found {_quoted(value)}")
    return float(value)


def _date(value: Any, path: Path, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        _fail(path, name, f"expected a date (YYYY-MM-DD), found a date and time {value}")
    if isinstance(value, dt.date):
        return value
    if value is None:
        _fail(path, name, "required date missing (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _fail(path, name, f"{_quoted(value)} is not a date (YYYY-MM-DD)")


def _kind(value: Any) -> str:
    """A YAML value as a message describes it: its kind, or the value itself, cut short."""
    for kind, words in KINDS.items():
        if isinstance(value, kind):
            return words
    return "nothing" if value is None else _quoted(value)


def _quoted(value: Any) -> str:
    """`value` as quoted in a message: its repr, cut short."""
    text = repr(value)
    if len(text) <= QUOTED_VALUE_LENGTH:
        return text
    return f"{text[:QUOTED_VALUE_LENGTH]}... ({len(text)} characters)"
