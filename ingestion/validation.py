"""Conform an all-text frame to its contract: names, types, ranges, allowed values.

Every row comes out either typed and valid, or in the quarantine with the columns at
fault, a reason per column and its raw values, so nothing read is lost.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from ingestion.contracts import BOOLEAN_WORDS, Column, SourceContract
from ingestion.errors import IngestionError
from ingestion.readers import READ_ERROR, READER_COLUMNS, ROW_NUMBER

TYPE_NAMES = {
    pl.Int64: "whole number",
    pl.Float64: "number",
    pl.Boolean: "true/false value",
    pl.Date: "date (YYYY-MM-DD)",
    pl.Datetime: "timestamp (YYYY-MM-DDTHH:MM:SS)",
    pl.String: "text",
}
REASONS = "_reasons"
KINDS = "_kinds"
FIRST_COPY = "_first_copy"
UNREADABLE = "_unreadable"
DUPLICATE_KIND = "all columns: exact duplicate of an earlier row of this file"


@dataclass(frozen=True)
class Conformed:
    rows: pl.DataFrame  # valid rows: contract columns typed, plus _source_row
    # _source_row, column_name, reason, reason_kind (the reason without its values and row
    # numbers, so that alike problems count together), raw_values
    quarantine: pl.DataFrame
    ignored_columns: tuple[str, ...]


@dataclass(frozen=True)
class _Check:
    """A problem a row can have, where `failed`: `reason` names the value, `kind` is the
    reason without values and row numbers."""

    failed: pl.Expr
    reason: pl.Expr
    kind: str | pl.Expr


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
        if original not in READER_COLUMNS
    }


def rename_to_contract(
    frame: pl.DataFrame, contract: SourceContract, path: Path, require_columns: bool = True
) -> pl.DataFrame:
    """Map header aliases onto contract names; fail naming any missing required column
    (unless `require_columns` is off: a part of a file need not hold every key)."""
    renames = contract_names(frame.columns, contract)
    _check_one_column_per_name(renames, path)
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
            found = _quotable_header(contract, renames)
            raise IngestionError(
                path,
                f"required column missing (accepted names: {accepted}; found: {found})",
                row=0,
                column=column.name,
                fix="add the column to the export, or check the separator and header line",
            )


# Unrecognised header names are quoted only if short, and only so many of them: a long
# "header" is likely no header at all (the first line of a key or of a binary file), and
# messages end up in the ledger, the logs and the dashboard.
QUOTED_NAME_LENGTH = 32
QUOTED_UNRECOGNISED_NAMES = 20


def _quotable_header(contract: SourceContract, renames: dict[str, str]) -> str:
    """The file's header names, recognised ones first, as far as they are safe to quote."""
    known = set(contract.column_names)
    recognised = [_printable(name) for name, renamed in renames.items() if renamed in known]
    unrecognised = [_printable(name) for name, renamed in renames.items() if renamed not in known]
    short = [name for name in unrecognised if len(name) <= QUOTED_NAME_LENGTH]
    quoted = [*recognised, *short[:QUOTED_UNRECOGNISED_NAMES]]
    hidden = [len(name) for name in unrecognised if len(name) > QUOTED_NAME_LENGTH]
    hidden += [len(name) for name in short[QUOTED_UNRECOGNISED_NAMES:]]
    parts = [", ".join(repr(name) for name in quoted)] if quoted else []
    if hidden:
        parts.append(_not_shown(hidden))
    return "; ".join(parts) or "no columns"


def _printable(name: str) -> str:
    """`name` without control or format characters, each run of whitespace one space."""
    kept = "".join(char for char in name if char.isspace() or unicodedata.category(char)[0] != "C")
    return " ".join(kept.split())


def _not_shown(lengths: list[int]) -> str:
    if len(lengths) == 1:
        return f"1 unrecognised column of {lengths[0]} characters, not shown"
    return f"{len(lengths)} unrecognised columns of up to {max(lengths)} characters, not shown"


def _check_one_column_per_name(renames: dict[str, str], path: Path) -> None:
    """Two header columns read as one (a contract name and its alias, say): which of them
    to load could only be guessed."""
    first_of_name: dict[str, str] = {}
    for original, name in renames.items():
        if name in first_of_name:
            first = _shortened(first_of_name[name])
            raise IngestionError(
                path,
                f"two columns of the header, {first!r} and {_shortened(original)!r}, are "
                f"both read as column {_shortened(name)!r}",
                row=0,
                column=_shortened(name),
                fix="keep one of them in the export",
            )
        first_of_name[name] = original


def _shortened(name: str) -> str:
    """A header name short enough to quote: a long one is likely no header at all."""
    return name if len(name) <= 40 else name[:40] + "…"


def _clean(name: str) -> pl.Expr:
    text = pl.col(name).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _typed(column: Column, point_may_group_thousands: bool) -> pl.Expr:
    text = _clean(column.name)
    if column.translations:
        text = text.replace(dict(column.translations))
    dtype = column.dtype
    if dtype == pl.Int64:
        return text.cast(pl.Int64, strict=False)
    if dtype == pl.Float64:
        # Decimal commas from European exports; a thousands separator is never guessed.
        number = text.str.replace(r"^(-?\d+),(\d+)$", "$1.$2").cast(pl.Float64, strict=False)
        ambiguous = _ambiguous_number(text, point_may_group_thousands)
        return pl.when(ambiguous).then(None).otherwise(number)
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


def _ambiguous_number(text: pl.Expr, point_may_group_thousands: bool) -> pl.Expr:
    """One separator then three digits: a thousands separator or a decimal mark, for a
    comma always, for a point where it may group thousands. A group follows one to three
    digits not starting with 0, so `0,125` and `1234,567` are decimals."""
    marks = "[,.]" if point_may_group_thousands else ","
    return text.str.contains(rf"^-?[1-9]\d{{0,2}}{marks}\d{{3}}$")


def _value_checks(column: Column, typed: pl.Expr, point_may_group_thousands: bool) -> list[_Check]:
    """What can be wrong with this column's value (`typed`: its typed form), in the order
    they are reported: only the first problem found counts."""
    text = _clean(column.name)
    type_name = TYPE_NAMES.get(column.dtype.base_type(), str(column.dtype))
    prefix = f"{column.name}: "
    missing = prefix + "missing value"
    checks = [_Check(text.is_null() & pl.lit(not column.nullable), pl.lit(missing), missing)]
    if column.dtype == pl.Float64:
        checks.append(_ambiguity_check(column, text, point_may_group_thousands))
    invalid = prefix + "'{}' is not a valid " + type_name
    checks.append(
        _Check(
            text.is_not_null() & typed.is_null(),
            pl.format(invalid, text),
            prefix + "not a valid " + type_name,
        )
    )
    if column.minimum is not None:
        message = prefix + "{} is below the minimum " + _readable(column.minimum)
        checks.append(
            _Check(typed < column.minimum, pl.format(message, text), prefix + "below the minimum")
        )
    if column.maximum is not None:
        message = prefix + "{} is above the maximum " + _readable(column.maximum)
        checks.append(
            _Check(typed > column.maximum, pl.format(message, text), prefix + "above the maximum")
        )
    if column.allowed is not None:
        message = prefix + "'{}' is not one of " + ", ".join(column.allowed)
        if column.allowed_from is not None:  # a company's list: named, not quoted whole
            message = prefix + "'{}' is not in " + column.allowed_from
        checks.append(
            _Check(
                typed.is_in(column.allowed).not_(),
                pl.format(message, typed),
                prefix + "not one of the allowed values",
            )
        )
    return checks


def _ambiguity_check(column: Column, text: pl.Expr, point_may_group_thousands: bool) -> _Check:
    prefix = f"{column.name}: "
    mark = pl.when(text.str.contains(",")).then(pl.lit("comma")).otherwise(pl.lit("point"))
    message = (
        prefix + "'{}' is ambiguous: a thousands separator or a decimal {}; "
        "export numbers without thousands separators"
    )
    return _Check(
        _ambiguous_number(text, point_may_group_thousands),
        pl.format(message, text, mark),
        prefix + "ambiguous thousands separator or decimal mark",
    )


def _first_failed(checks: list[_Check], field: Literal["reason", "kind"]) -> pl.Expr:
    """The reason (or kind) of the first of `checks` that failed, or null."""
    chain = pl.when(checks[0].failed).then(_expression(getattr(checks[0], field)))
    for check in checks[1:]:
        chain = chain.when(check.failed).then(_expression(getattr(check, field)))
    return chain.otherwise(None)


def _expression(value: str | pl.Expr) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value)


@dataclass(frozen=True)
class DateBounds:
    """Event dates outside [history_start, latest] are quarantined: a typo, or a clock."""

    history_start: dt.date
    latest: dt.datetime

    @classmethod
    def until_now(cls, history_start: dt.date) -> DateBounds:
        return cls(history_start=history_start, latest=dt.datetime.now() + dt.timedelta(days=1))


def _rule_checks(contract: SourceContract, bounds: DateBounds) -> list[_Check]:
    """Checks on typed values: cross-column rules and the event date's bounds."""
    checks = [
        _Check(
            rule.violated, pl.lit(f"{rule.column}: {rule.reason}"), f"{rule.column}: {rule.reason}"
        )
        for rule in contract.row_rules
    ]
    if contract.event_column is not None:
        event = pl.col(contract.event_column)
        name = contract.event_column
        checks += [
            _Check(
                event.cast(pl.Datetime("us")) > bounds.latest,
                pl.format(name + ": {} is in the future", event.cast(pl.String)),
                name + ": in the future",
            ),
            _Check(
                event.cast(pl.Date) < bounds.history_start,
                pl.format(
                    name + ": {} is before the history starts (" + f"{bounds.history_start})",
                    event.cast(pl.String),
                ),
                name + ": before the history starts",
            ),
        ]
    return checks


def _duplicate_check() -> _Check:
    first = pl.col(FIRST_COPY)
    return _Check(
        pl.col(ROW_NUMBER) != first,
        pl.format("all columns: exact duplicate of row {} of this file", first),
        DUPLICATE_KIND,
    )


def _unreadable_check() -> _Check:
    """A record the reader could not read as values (see readers.READ_ERROR)."""
    error = pl.col(READ_ERROR)
    return _Check(
        error.is_not_null(),
        pl.format("all columns: row {} is {}", pl.col(ROW_NUMBER), error),
        pl.format("all columns: {}", error),
    )


def conform(
    frame: pl.DataFrame,
    contract: SourceContract,
    bounds: DateBounds,
    point_may_group_thousands: bool = False,
) -> Conformed:
    """Split a frame already renamed to the contract into valid rows and quarantine.
    `point_may_group_thousands`: the file is one where `12.500` may mean 12500."""
    names = contract.column_names
    ignored = tuple(c for c in frame.columns if c not in names and c not in READER_COLUMNS)
    typed = frame.select(
        ROW_NUMBER,
        *[_typed(c, point_may_group_thousands).alias(c.name) for c in contract.columns],
    )
    unreadable = READ_ERROR in frame.columns
    # A record the reader could not read is no copy of one it could (both without values).
    copies = [*names, READ_ERROR] if unreadable else names
    checked = frame.with_columns(
        *typed.select(pl.all().name.prefix("_typed_")).drop(f"_typed_{ROW_NUMBER}"),
        pl.col(ROW_NUMBER).min().over(copies).alias(FIRST_COPY),
    )
    groups = {
        f"_value_{i}": _value_checks(c, pl.col(f"_typed_{c.name}"), point_may_group_thousands)
        for i, c in enumerate(contract.columns)
    }
    groups["_duplicate"] = [_duplicate_check()]
    if unreadable:
        groups[UNREADABLE] = [_unreadable_check()]
    rules = {f"_rule_{i}": [rule] for i, rule in enumerate(_rule_checks(contract, bounds))}
    # Every row is only checked; the flagged ones, few in the usual file, get their reasons
    # and kinds written.
    bad = _failed_any(checked, groups) | _failed_any(typed, rules)
    flagged, flagged_typed = checked.filter(bad), typed.filter(bad)
    quarantine = pl.concat(
        [
            flagged.select(ROW_NUMBER, _raw_values(names, unreadable)),
            _gathered(_problems(flagged, flagged_typed, groups, rules, "reason"), REASONS),
            _gathered(_problems(flagged, flagged_typed, groups, rules, "kind"), KINDS),
        ],
        how="horizontal",
    ).select(
        ROW_NUMBER,
        pl.col(REASONS)
        .list.eval(pl.element().str.split(": ").list.first())
        .list.unique(maintain_order=True)
        .list.join(", ")
        .alias("column_name"),
        pl.col(REASONS).list.join("; ").alias("reason"),
        pl.col(KINDS).list.join("; ").alias("reason_kind"),
        "raw_values",
    )
    return Conformed(rows=typed.filter(~bad), quarantine=quarantine, ignored_columns=ignored)


def _failed_any(frame: pl.DataFrame, groups: dict[str, list[_Check]]) -> pl.Series:
    """Whether any check failed, row by row (a null comparison is no failure). A column
    per group first: Polars checks columns in parallel."""
    if not groups:
        return pl.repeat(False, frame.height, eager=True)
    failed = frame.select(
        pl.any_horizontal(check.failed for check in checks).fill_null(False).alias(name)
        for name, checks in groups.items()
    )
    return failed.select(pl.any_horizontal(pl.all())).to_series()


def _problems(
    checked: pl.DataFrame,
    typed: pl.DataFrame,
    groups: dict[str, list[_Check]],
    rules: dict[str, list[_Check]],
    field: Literal["reason", "kind"],
) -> pl.DataFrame:
    """A column per group of checks (on `checked`: text and typed values) and per rule (on
    `typed`): the reason or kind of its first failed check, or null."""
    return _first_failures(checked, groups, field).hstack(_first_failures(typed, rules, field))


def _first_failures(
    frame: pl.DataFrame, groups: dict[str, list[_Check]], field: Literal["reason", "kind"]
) -> pl.DataFrame:
    return frame.select(_first_failed(checks, field).alias(name) for name, checks in groups.items())


def _gathered(problems: pl.DataFrame, name: str) -> pl.DataFrame:
    """Each row's problems in one list; an unreadable record has that problem only."""
    every = pl.concat_list(pl.all()).list.drop_nulls()
    if UNREADABLE in problems.columns:
        every = (
            pl.when(pl.col(UNREADABLE).is_not_null())
            .then(pl.concat_list(UNREADABLE))
            .otherwise(every)
        )
    return problems.select(every.alias(name))


def _raw_values(names: list[str], unreadable: bool) -> pl.Expr:
    """The row's values as JSON text; none for a record the reader could not read (its
    line is not kept: employee ids in it could not be pseudonymised)."""
    values = pl.struct(names).struct.json_encode()
    if unreadable:
        values = pl.when(pl.col(READ_ERROR).is_null()).then(values)
    return values.alias("raw_values")
