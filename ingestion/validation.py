"""Conform an all-text frame to its contract: names, types, ranges, allowed values.

Every row comes out either typed and valid, or in the quarantine with the columns at
fault, a reason per column and its raw values, so nothing read is lost.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.contracts import BOOLEAN_WORDS, Column, SourceContract
from ingestion.errors import IngestionError
from ingestion.readers import ROW_NUMBER

TYPE_NAMES = {
    pl.Int64: "whole number",
    pl.Float64: "number",
    pl.Boolean: "true/false value",
    pl.Date: "date (YYYY-MM-DD)",
    pl.Datetime: "timestamp (YYYY-MM-DDTHH:MM:SS)",
    pl.String: "text",
}
REASONS = "_reasons"


@dataclass(frozen=True)
class Conformed:
    rows: pl.DataFrame  # valid rows: contract columns typed, plus _source_row
    quarantine: pl.DataFrame  # _source_row, column_name, reason, raw_values
    ignored_columns: tuple[str, ...]


def normalise_header(name: str) -> str:
    name = unicodedata.normalize("NFC", name).replace("\ufeff", "").strip().lower()
    return "_".join(name.split())


def contract_names(columns: list[str], contract: SourceContract) -> dict[str, str]:
    """Each of a file's columns under its contract name (aliases resolved), else normalised."""
    lookup = {}
    for column in contract.columns:
        for alias in (column.name, *column.aliases):
            lookup[normalise_header(alias)] = column.name
    return {
        original: lookup.get(normalise_header(original), normalise_header(original))
        for original in columns
        if original != ROW_NUMBER
    }


def rename_to_contract(
    frame: pl.DataFrame, contract: SourceContract, path: Path, require_columns: bool = True
) -> pl.DataFrame:
    """Map header aliases onto contract names; fail naming any missing required column
    (unless `require_columns` is off: a part of a file need not hold every key)."""
    renames = contract_names(frame.columns, contract)
    frame = frame.rename(renames)
    if require_columns:
        check_required_columns(contract, path, renames)
    missing = [column.name for column in contract.columns if column.name not in frame.columns]
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)


def check_required_columns(contract: SourceContract, path: Path, renames: dict[str, str]) -> None:
    """`renames`: the file's columns, as `contract_names` maps them."""
    present = set(renames.values())
    for column in contract.columns:
        if column.required and column.name not in present:
            accepted = ", ".join(repr(name) for name in (column.name, *column.aliases))
            found = ", ".join(repr(name) for name in renames)
            raise IngestionError(
                path,
                f"required column missing (accepted names: {accepted}; found: {found})",
                row=0,
                column=column.name,
                fix="add the column to the export, or check the separator and header line",
            )


def _clean(name: str) -> pl.Expr:
    text = pl.col(name).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _typed(column: Column) -> pl.Expr:
    text = _clean(column.name)
    if column.translations:
        text = text.replace(dict(column.translations))
    dtype = column.dtype
    if dtype == pl.Int64:
        return text.cast(pl.Int64, strict=False)
    if dtype == pl.Float64:
        # Decimal commas from European exports; thousands separators are not expected.
        return text.str.replace(r"^(-?\d+),(\d+)$", "$1.$2").cast(pl.Float64, strict=False)
    if dtype == pl.Boolean:
        return text.str.to_lowercase().replace_strict(
            BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean
        )
    if dtype == pl.Date:
        return pl.coalesce(
            text.str.to_date("%Y-%m-%d", strict=False),
            text.str.to_datetime(strict=False, time_unit="us").dt.date(),
        )
    if isinstance(dtype, pl.Datetime):
        return text.str.to_datetime(strict=False, time_unit="us")
    return text


def _readable(limit: float) -> str:
    return f"{int(limit):,}" if float(limit).is_integer() else f"{limit:g}"


def _reason(column: Column, typed: pl.Expr) -> pl.Expr:
    """The first problem with this column's value (`typed`: its typed form), or null."""
    text = _clean(column.name)
    type_name = TYPE_NAMES.get(column.dtype.base_type(), str(column.dtype))
    prefix = f"{column.name}: "
    invalid = prefix + "'{}' is not a valid " + type_name
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (text.is_null() & pl.lit(not column.nullable), pl.lit(prefix + "missing value")),
        (text.is_not_null() & typed.is_null(), pl.format(invalid, text)),
    ]
    if column.minimum is not None:
        message = prefix + "{} is below the minimum " + _readable(column.minimum)
        checks.append((typed < column.minimum, pl.format(message, text)))
    if column.maximum is not None:
        message = prefix + "{} is above the maximum " + _readable(column.maximum)
        checks.append((typed > column.maximum, pl.format(message, text)))
    if column.allowed is not None:
        message = prefix + "'{}' is not one of " + ", ".join(column.allowed)
        checks.append((typed.is_in(column.allowed).not_(), pl.format(message, typed)))
    condition, message = checks[0]
    chain = pl.when(condition).then(message)
    for condition, message in checks[1:]:
        chain = chain.when(condition).then(message)
    return chain.otherwise(None)


@dataclass(frozen=True)
class DateBounds:
    """Event dates outside [history_start, latest] are quarantined: a typo, or a clock."""

    history_start: dt.date
    latest: dt.datetime

    @classmethod
    def until_now(cls, history_start: dt.date) -> DateBounds:
        return cls(history_start=history_start, latest=dt.datetime.now() + dt.timedelta(days=1))


def _rule_reasons(contract: SourceContract, bounds: DateBounds) -> list[pl.Expr]:
    """Checks on typed values: cross-column rules and the event date's bounds."""
    reasons = [
        pl.when(rule.violated).then(pl.lit(f"{rule.column}: {rule.reason}"))
        for rule in contract.row_rules
    ]
    if contract.event_column is not None:
        event = pl.col(contract.event_column)
        name = contract.event_column
        reasons += [
            pl.when(event.cast(pl.Datetime("us")) > bounds.latest).then(
                pl.format(name + ": {} is in the future", event.cast(pl.String))
            ),
            pl.when(event.cast(pl.Date) < bounds.history_start).then(
                pl.format(
                    name + ": {} is before the history starts (" + f"{bounds.history_start})",
                    event.cast(pl.String),
                )
            ),
        ]
    return [reason.otherwise(None).alias(f"_rule_{i}") for i, reason in enumerate(reasons)]


def _duplicate_reason(names: list[str]) -> pl.Expr:
    first = pl.col(ROW_NUMBER).min().over(names)
    return (
        pl.when(pl.col(ROW_NUMBER) != first)
        .then(pl.format("all columns: exact duplicate of row {} of this file", first))
        .otherwise(None)
    )


def conform(frame: pl.DataFrame, contract: SourceContract, bounds: DateBounds) -> Conformed:
    """Split a frame already renamed to the contract into valid rows and quarantine."""
    names = contract.column_names
    ignored = tuple(c for c in frame.columns if c not in names and c != ROW_NUMBER)
    typed = frame.select(
        ROW_NUMBER, *[_typed(column).alias(column.name) for column in contract.columns]
    )
    rule_columns = typed.select(_rule_reasons(contract, bounds))
    # Reasons stay one column each; only flagged rows gather theirs into a list, which
    # keeps a clean file (the usual case) cheap.
    reasons = (
        frame.with_columns(
            typed.select(pl.all().name.prefix("_typed_")).drop(f"_typed_{ROW_NUMBER}")
        )
        .select(
            *[
                _reason(column, pl.col(f"_typed_{column.name}")).alias(f"_reason_{i}")
                for i, column in enumerate(contract.columns)
            ],
            _duplicate_reason(names).alias("_reason_duplicate"),
        )
        .hstack(rule_columns)
    )
    bad = reasons.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    rows = typed.filter(~bad)
    flagged = frame.filter(bad).hstack(reasons.filter(bad))
    quarantine = flagged.select(
        ROW_NUMBER,
        pl.concat_list(reasons.columns).list.drop_nulls().alias(REASONS),
        pl.struct(names).struct.json_encode().alias("raw_values"),
    ).select(
        ROW_NUMBER,
        pl.col(REASONS)
        .list.eval(pl.element().str.split(": ").list.first())
        .list.unique(maintain_order=True)
        .list.join(", ")
        .alias("column_name"),
        pl.col(REASONS).list.join("; ").alias("reason"),
        "raw_values",
    )
    return Conformed(rows=rows, quarantine=quarantine, ignored_columns=ignored)
