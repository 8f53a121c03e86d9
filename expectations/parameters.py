"""Suite parameters: the dynamic bounds a suite leaves as `{"$PARAMETER": name}`.

Each suite documents its parameters in `meta.parameters`, one entry per name with a
`source` saying how the runner computes the value at validation time:

- `previous_row_count` (`factor`, `default`): the rows of the previous successful
  validation of the same relation and scope (`audit.quality_results`) times `factor`;
  `default` when there is none yet (first run).
- `now` (`offset_hours`): DuckDB's `now()` shifted by `offset_hours` (negative = past), as
  an ISO timestamp; the same clock that stamps `_loaded_at`.
- `query` (`sql`): the non-null values of the first column, e.g. the keys of the table
  referenced. When that table does not exist yet the parameter stays unresolved and the
  expectations using it are skipped (reported in the outcome's notes).
- `survey_scale` (`question`, `end`, `offset`): the `minimum` or `maximum` of a survey
  question's declared answer scale (AIROI_SURVEY_SCALES, as ingestion reads it), plus
  `offset` (default 0), so the survey's ranges follow the scale the contract checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from expectations.audit import previous_row_count
from ingestion.settings import survey_scales_from_env


@dataclass
class ResolvedParameters:
    values: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)  # name → why not


def resolve_parameters(
    con: duckdb.DuckDBPyConnection, relation: str, specs: dict[str, dict], *, partial: bool
) -> ResolvedParameters:
    resolved = ResolvedParameters()
    for name, spec in specs.items():
        source = spec.get("source")
        if source == "previous_row_count":
            resolved.values[name] = _row_count_bound(con, relation, spec, partial=partial)
        elif source == "now":
            resolved.values[name] = _now(con, float(spec.get("offset_hours", 0)))
        elif source == "survey_scale":
            resolved.values[name] = _survey_scale_end(spec)
        elif source == "query":
            try:
                resolved.values[name] = _query_values(con, spec["sql"])
            except duckdb.CatalogException as error:
                resolved.unresolved[name] = str(error).splitlines()[0]
        else:
            raise ValueError(f"parameter {name!r}: unknown source {source!r}")
    return resolved


def _row_count_bound(
    con: duckdb.DuckDBPyConnection, relation: str, spec: dict, *, partial: bool
) -> int | None:
    previous = previous_row_count(con, relation, partial=partial)
    if previous is None:
        return spec.get("default")
    return round(previous * float(spec["factor"]))


def _now(con: duckdb.DuckDBPyConnection, offset_hours: float) -> str:
    rows = con.execute("select now()::timestamp + ? * interval 1 hour", [offset_hours]).fetchall()
    return rows[0][0].isoformat()


def _survey_scale_end(spec: dict) -> float:
    scale = survey_scales_from_env()[spec["question"]]
    end = {"minimum": scale.minimum, "maximum": scale.maximum}[spec["end"]]
    return end + float(spec.get("offset", 0))


def _query_values(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return [row[0] for row in con.execute(sql).fetchall() if row[0] is not None]
