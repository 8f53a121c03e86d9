"""Rows a row check could flag, found by DuckDB, so that GX reads only those.

A row-wise expectation (not null, in a set, between, a pair compared, a pattern) judges
each row on its own. For the kinds below, a SQL predicate says which rows surely pass.
GX checks every other row (the candidates) as before; the rows left out are added to its
counts as passing, their number and their nulls counted by DuckDB. A predicate may let
through rows that pass (a null it cannot decide, a row another check wants); it never
keeps back a row GX would flag. A kind, a parameter or a condition it cannot translate is
checked by GX on every row, as are all checks when DuckDB cannot run the predicates.

On 10M tasks most rows pass every check, so the gate converts a few rows to pandas
instead of every row (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

# Pattern syntax both Python's `re` and DuckDB's RE2 read the same way: character classes,
# anchors, repetition, alternation and plain groups; no look-around, back-references or
# flags.
PORTABLE_PATTERN = re.compile(r"^(?:[^\\()]|\\[dDwWsS.\\^$|?*+()\[\]{}-]|\((?!\?))*$")
COMPARISONS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class Untranslatable(Exception):
    """A check, parameter or condition this module does not express in SQL."""


@dataclass(frozen=True)
class Screen:
    """One expectation in SQL: `passes` is true where the row surely passes; GX considers
    the row where `applies`, and counts it as missing where `missing` (None: the check is
    about nulls and counts none missing)."""

    passes: str
    applies: str
    missing: str | None


def screen_for(
    expectation: dict[str, Any], parameters: dict[str, Any], dtypes: dict[str, str | None]
) -> Screen:
    """`dtypes`: each column's pandas dtype as GX sees it (expectations.frames)."""
    kwargs = {key: _resolved(value, parameters) for key, value in expectation["kwargs"].items()}
    try:
        rule = RULES[expectation["type"]]
    except KeyError:
        raise Untranslatable(expectation["type"]) from None
    _check_kinds(kwargs, dtypes)
    passes, missing = rule(kwargs)
    return Screen(passes, _condition(kwargs.get("row_condition"), dtypes), missing)


def candidates_sql(screens: list[Screen]) -> str:
    """Rows that any of `screens` may flag."""
    return " or ".join(f"not coalesce({_surely_passes(s)}, false)" for s in screens)


def passing_counts(
    con: duckdb.DuckDBPyConnection, relation_sql: str, screens: list[Screen]
) -> list[tuple[int, int]]:
    """Per screen, over the rows no screen flags: the rows it considers and, of those, the
    ones it counts as missing."""
    counts = []
    for screen in screens:
        considered = f"coalesce({screen.applies}, false)"
        missing = f"{considered} and ({screen.missing})" if screen.missing else "false"
        counts += [f"count(*) filter (where {considered})", f"count(*) filter (where {missing})"]
    row = con.execute(
        f"select {', '.join(counts)} from ({relation_sql}) as scoped "
        f"where not ({candidates_sql(screens)})"
    ).fetchall()[0]
    return [(row[i], row[i + 1]) for i in range(0, len(row), 2)]


def passing_result(considered: int, missing: int, screen: Screen) -> dict[str, Any]:
    """A GX-shaped result for rows that all pass, to add to the candidates' results."""
    result: dict[str, Any] = {"element_count": considered, "unexpected_count": 0}
    if screen.missing is not None:
        result["missing_count"] = missing
    return {"success": True, "result": result, "exception": None}


def _surely_passes(screen: Screen) -> str:
    return f"(not coalesce({screen.applies}, false)) or ({screen.passes})"


def _not_null(kwargs: dict) -> tuple[str, str | None]:
    return f"{_column(kwargs['column'])} is not null", None


def _null(kwargs: dict) -> tuple[str, str | None]:
    return f"{_column(kwargs['column'])} is null", None


def _in_set(kwargs: dict) -> tuple[str, str | None]:
    column = _column(kwargs["column"])
    return f"{column} is null or {column} in ({_members(kwargs['value_set'])})", f"{column} is null"


def _not_in_set(kwargs: dict) -> tuple[str, str | None]:
    column = _column(kwargs["column"])
    excluded = f"{column} not in ({_members(kwargs['value_set'])})"
    return f"{column} is null or {excluded}", f"{column} is null"


def _between(kwargs: dict) -> tuple[str, str | None]:
    column = _column(kwargs["column"])
    bounds = []
    if kwargs.get("min_value") is not None:
        operator = ">" if kwargs.get("strict_min") else ">="
        bounds.append(f"{column} {operator} {_literal(kwargs['min_value'])}")
    if kwargs.get("max_value") is not None:
        operator = "<" if kwargs.get("strict_max") else "<="
        bounds.append(f"{column} {operator} {_literal(kwargs['max_value'])}")
    if not bounds:
        raise Untranslatable("a range without bounds")
    return f"{column} is null or ({' and '.join(bounds)})", f"{column} is null"


def _match_regex(kwargs: dict) -> tuple[str, str | None]:
    column, pattern = _column(kwargs["column"]), kwargs["regex"]
    if not isinstance(pattern, str) or not PORTABLE_PATTERN.match(pattern):
        raise Untranslatable(f"pattern {pattern!r}")
    return f"{column} is null or regexp_matches({column}, {_literal(pattern)})", f"{column} is null"


def _a_greater_than_b(kwargs: dict) -> tuple[str, str | None]:
    a, b = _column(kwargs["column_A"]), _column(kwargs["column_B"])
    operator = ">=" if kwargs.get("or_equal") else ">"
    ignored = {
        "either_value_is_missing": f"{a} is null or {b} is null",
        "both_values_are_missing": f"{a} is null and {b} is null",
    }.get(kwargs.get("ignore_row_if", "both_values_are_missing"))
    if ignored is None:
        raise Untranslatable(f"ignore_row_if {kwargs.get('ignore_row_if')!r}")
    return f"({ignored}) or {a} {operator} {b}", ignored


RULES: dict[str, Callable[[dict], tuple[str, str | None]]] = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_be_null": _null,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_not_be_in_set": _not_in_set,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_match_regex": _match_regex,
    "expect_column_pair_values_a_to_be_greater_than_b": _a_greater_than_b,
}


def _check_kinds(kwargs: dict, dtypes: dict[str, str | None]) -> None:
    """Values compared with a column must be of its kind, so that DuckDB cannot cast its way
    to a verdict GX would not reach."""
    columns = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    kinds = {_kind_of_dtype(dtypes.get(column)) for column in columns}
    if len(kinds) != 1 or None in kinds:
        raise Untranslatable(f"columns {columns} of kinds {kinds}")
    (kind,) = kinds
    values = [kwargs.get(key) for key in ("min_value", "max_value") if kwargs.get(key) is not None]
    values += list(kwargs.get("value_set") or [])
    if "regex" in kwargs and kind != "text":
        raise Untranslatable("a pattern over a column that is not text")
    if any(_kind_of_value(value) != kind for value in values):
        raise Untranslatable(f"values {values!r} for a {kind} column")


def _kind_of_dtype(dtype: str | None) -> str | None:
    if dtype in ("Int64", "float64"):
        return "number"
    return {"str": "text", "boolean": "boolean", "datetime64[us]": "time"}.get(dtype or "")


def _kind_of_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "time"
    if isinstance(value, str):
        return "text" if not _is_timestamp(value) else "time"
    return None


def _is_timestamp(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _condition(condition: Any, dtypes: dict[str, str | None]) -> str:
    """GX's row condition as SQL; a row where it is null is not considered, as in GX."""
    if condition is None:
        return "true"
    if not isinstance(condition, dict):
        raise Untranslatable(f"row condition {condition!r}")
    kind = condition.get("type")
    if kind in ("and", "or"):
        parts = [f"({_condition(part, dtypes)})" for part in condition["conditions"]]
        return f" {kind} ".join(parts)
    name = condition["column"]["name"]
    if name not in dtypes:
        raise Untranslatable(f"row condition on {name!r}")
    column = _column(name)
    if kind == "nullity":
        return f"{column} is {'' if condition['is_null'] else 'not '}null"
    if kind != "comparison":
        raise Untranslatable(f"row condition {kind!r}")
    operator, parameter = condition["operator"], condition["parameter"]
    _check_kinds({"column": name, "value_set": _listed(parameter)}, dtypes)
    if operator in ("IN", "NOT_IN"):
        negation = "not " if operator == "NOT_IN" else ""
        return f"{column} {negation}in ({_members(parameter)})"
    if operator not in COMPARISONS:
        raise Untranslatable(f"operator {operator!r}")
    return f"{column} {COMPARISONS[operator]} {_literal(parameter)}"


def _listed(parameter: Any) -> list[Any]:
    return list(parameter) if isinstance(parameter, list | tuple) else [parameter]


def _resolved(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if name not in parameters:
            raise Untranslatable(f"parameter {name!r}")
        return parameters[name]
    return value


def _members(values: Any) -> str:
    if not isinstance(values, list | tuple | set) or not values:
        raise Untranslatable(f"value set {values!r}")
    return ", ".join(_literal(value) for value in values)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and value == value:  # not NaN
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    raise Untranslatable(f"value {value!r}")


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
