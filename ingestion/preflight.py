"""Preflight: what a landing folder would give the warehouse, found without loading it.

A company bringing its own exports learns, before its first load, which sources it
delivered, how its headers map onto the contracts, which units its files name, which
metrics the delivery allows (and why not the others), and every file and row the loader
would refuse. Files are read and checked by the loader's own code, one at a time and
whole; no DuckDB file is opened or created.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from ingestion import landing
from ingestion.contracts import CONTRACTS, SourceContract
from ingestion.errors import IngestionError
from ingestion.file_checks import REJECTED_KIND, conform_text, is_rejected, rejection
from ingestion.load_job import LoadJob
from ingestion.loader import landing_files
from ingestion.readers import read_as_text
from ingestion.registry import FOLDER as REGISTRY_FOLDER
from ingestion.registry import SOURCE as REGISTRY_SOURCE
from ingestion.registry import parse_initiative, registry_files
from ingestion.settings import DEFAULT_HISTORY_START, PROJECT_ROOT, Streaming
from ingestion.validation import Conformed, DateBounds, contract_names, normalise_header

METRIC_CATALOGUE = PROJECT_ROOT / "dbt" / "seeds" / "metric_definitions.csv"
REGISTRY_PATTERNS = ("*.yaml", "*.yml")  # as `registry_files` matches them
SHOWN_UNITS = 5
WIDTH = 100


@dataclass(frozen=True)
class ColumnCoverage:
    """A contract column across the files of its source whose header could be read."""

    name: str
    required: bool
    files_with: int  # files whose header holds it, under its name or an alias
    aliases: tuple[str, ...]  # the header names (normalised) read as it, other than its own
    filled: bool  # some file holds a value in it


@dataclass(frozen=True)
class UnitValues:
    column: str
    unit_type: str
    values: tuple[str, ...]  # sorted, of the rows that would load


@dataclass(frozen=True)
class SourceReport:
    source: str
    expected: tuple[str, ...]  # the file patterns, under the landing folder
    files: int
    files_read: int  # files whose header could be read
    rows_read: int
    rows_loaded: int
    columns: tuple[ColumnCoverage, ...]  # none for the registry, which has no columns
    units: tuple[UnitValues, ...]
    rejected_files: tuple[str, ...]  # each the loader's message, paths relative to landing
    quarantined: tuple[tuple[str, int], ...]  # (reason kind, rows), most rows first

    @property
    def delivered(self) -> bool:
        return self.files > 0

    def column(self, name: str) -> ColumnCoverage | None:
        return next((column for column in self.columns if column.name == name), None)


@dataclass(frozen=True)
class MetricNeeds:
    """A row of the metric catalogue: the sources and fields a metric is computed from.

    Each entry of `sources` is needed; an entry may name alternatives, either of which
    will do (`qc_inspections/qc_inspection_counts`: the same data as rows or as counts).
    """

    name: str
    sources: tuple[tuple[str, ...], ...]
    fields: tuple[str, ...]

    @property
    def every_source(self) -> tuple[str, ...]:
        return tuple(source for alternatives in self.sources for source in alternatives)


@dataclass(frozen=True)
class MetricAvailability:
    name: str
    reasons: tuple[str, ...]  # why it is not available; none when it is

    @property
    def available(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class PreflightReport:
    landing_dir: Path
    sources: tuple[SourceReport, ...]
    metrics: tuple[MetricAvailability, ...]

    @property
    def refused(self) -> bool:
        """Whether the loader would reject a file or quarantine a row."""
        return any(source.rejected_files or source.quarantined for source in self.sources)

    def source(self, name: str) -> SourceReport:
        return next(source for source in self.sources if source.source == name)


def preflight(
    landing_dir: Path,
    history_start: dt.date = DEFAULT_HISTORY_START,
    catalogue: Path = METRIC_CATALOGUE,
) -> PreflightReport:
    """Every source of `landing_dir` read and checked as the loader would, and the metrics
    of `catalogue` the delivery allows; `history_start` bounds event dates as it does."""
    if not landing_dir.is_dir():
        raise IngestionError(
            landing_dir,
            "no such folder",
            fix="pass the landing folder's path, or set AIROI_LANDING_DIR",
        )
    # Pseudonyms are neither kept nor shown: any key checks the rows as the real one would.
    key = secrets.token_bytes(32)
    bounds = DateBounds.until_now(history_start)
    sources = [
        _source_report(LoadJob(contract, key, bounds, Streaming(), "preflight"), landing_dir)
        for contract in CONTRACTS.values()
    ]
    sources.append(_registry_report(landing_dir))
    by_name = {source.source: source for source in sources}
    metrics = tuple(
        MetricAvailability(metric.name, _unavailability(metric, by_name))
        for metric in metric_catalogue(catalogue)
    )
    return PreflightReport(landing_dir, tuple(sources), metrics)


@dataclass(frozen=True)
class _FileCheck:
    header: dict[str, str] | None = None  # file column → contract name; None: not read
    filled: frozenset[str] = frozenset()  # contract columns holding some value
    rows_read: int = 0
    rows_loaded: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)  # reason kind → rows
    units: dict[str, frozenset[str]] = field(default_factory=dict)  # column → values
    refusal: str | None = None


def _source_report(job: LoadJob, landing_dir: Path) -> SourceReport:
    contract = job.contract
    checks = [_check_file(job, path, landing_dir) for path in landing_files(contract, landing_dir)]
    headers = [check.header for check in checks if check.header is not None]
    quarantined = sum((check.quarantined for check in checks), Counter())
    return SourceReport(
        source=contract.table,
        expected=tuple(f"{contract.folder}/{pattern}" for pattern in contract.patterns),
        files=len(checks),
        files_read=len(headers),
        rows_read=sum(check.rows_read for check in checks),
        rows_loaded=sum(check.rows_loaded for check in checks),
        columns=_coverage(contract, headers, checks),
        units=_units(contract, checks),
        rejected_files=tuple(check.refusal for check in checks if check.refusal),
        quarantined=tuple(sorted(quarantined.items(), key=lambda item: (-item[1], item[0]))),
    )


def _check_file(job: LoadJob, path: Path, landing_dir: Path) -> _FileCheck:
    relative = path.relative_to(landing_dir).as_posix()
    try:
        landing.check_readable(path, landing_dir)
        text = read_as_text(path)
    except IngestionError as error:
        return _FileCheck(refusal=_message(error, relative))
    header = contract_names(text.columns, job.contract)
    read = _FileCheck(header, _filled(text, header), text.height)
    try:
        _, conformed = conform_text(text, job, path)
    except IngestionError as error:
        return replace(read, refusal=_message(error, relative))
    return _outcome(read, conformed, job, path, relative)


def _filled(text: pl.DataFrame, header: dict[str, str]) -> frozenset[str]:
    """The contract columns holding a value other than blanks in some row."""
    return frozenset(
        name
        for original, name in header.items()
        if text.get_column(original).str.strip_chars().str.len_chars().gt(0).any()
    )


def _outcome(
    read: _FileCheck, conformed: Conformed, job: LoadJob, path: Path, relative: str
) -> _FileCheck:
    """What the loader would do with the file's rows: load the valid ones, or reject it."""
    invalid = conformed.quarantine
    kinds = Counter(invalid.get_column("reason_kind").to_list())
    if not is_rejected(job.contract, read.rows_read, invalid.height):
        units = _unit_values(conformed.rows, job.contract)
        return replace(read, rows_loaded=conformed.rows.height, quarantined=kinds, units=units)
    # Reasons quote the values at fault; their kinds do not, and are what is shown.
    first = invalid.row(0, named=True) | {"reason": invalid.item(0, "reason_kind")}
    error = rejection(path, job.contract, read.rows_read, invalid.height, first)
    if read.rows_read > invalid.height:  # the valid rows are quarantined with the file
        kinds[REJECTED_KIND] += read.rows_read - invalid.height
    return replace(read, quarantined=kinds, refusal=_message(error, relative))


def _message(error: IngestionError, relative: str) -> str:
    """The loader's message, naming the file by its path in the landing folder."""
    return str(
        IngestionError(relative, error.problem, row=error.row, column=error.column, fix=error.fix)
    )


def _unit_values(rows: pl.DataFrame, contract: SourceContract) -> dict[str, frozenset[str]]:
    return {
        column.name: frozenset(rows.get_column(column.name).drop_nulls().unique().to_list())
        for column in contract.columns
        if column.unit_type is not None
    }


def _coverage(
    contract: SourceContract, headers: list[dict[str, str]], checks: list[_FileCheck]
) -> tuple[ColumnCoverage, ...]:
    return tuple(
        ColumnCoverage(
            name=column.name,
            required=column.required,
            files_with=sum(column.name in header.values() for header in headers),
            aliases=_aliases(column.name, headers),
            filled=any(column.name in check.filled for check in checks),
        )
        for column in contract.columns
    )


def _aliases(name: str, headers: list[dict[str, str]]) -> tuple[str, ...]:
    """The header names, other than `name` itself, that files use for column `name`."""
    used = {
        normalise_header(original)
        for header in headers
        for original, renamed in header.items()
        if renamed == name
    }
    return tuple(sorted(used - {name}))


def _units(contract: SourceContract, checks: list[_FileCheck]) -> tuple[UnitValues, ...]:
    return tuple(
        UnitValues(
            column.name,
            column.unit_type,
            tuple(sorted(set().union(*(check.units.get(column.name, ()) for check in checks)))),
        )
        for column in contract.columns
        if column.unit_type is not None
    )


def _registry_report(landing_dir: Path) -> SourceReport:
    """The registry as its loader counts it: a file is one row, loaded or rejected whole."""
    paths = registry_files(landing_dir)
    refusals = tuple(
        refusal for path in paths if (refusal := _registry_refusal(path, landing_dir)) is not None
    )
    return SourceReport(
        source=REGISTRY_SOURCE,
        expected=tuple(f"{REGISTRY_FOLDER}/{pattern}" for pattern in REGISTRY_PATTERNS),
        files=len(paths),
        files_read=0,  # registry files have no header
        rows_read=len(paths),
        rows_loaded=len(paths) - len(refusals),
        columns=(),
        units=(),
        rejected_files=refusals,
        quarantined=(),
    )


def _registry_refusal(path: Path, landing_dir: Path) -> str | None:
    relative = path.relative_to(landing_dir).as_posix()
    try:
        landing.check_readable(path, landing_dir)
        parse_initiative(path)
    except IngestionError as error:
        return _message(error, relative)
    except Exception as error:
        # As the registry loader: only the type is named, the text may quote the file.
        return _message(
            IngestionError(
                path,
                f"could not be read ({type(error).__name__})",
                fix="compare the file with docs/initiative-registry.md",
            ),
            relative,
        )
    return None


def metric_catalogue(path: Path = METRIC_CATALOGUE) -> tuple[MetricNeeds, ...]:
    """The metrics of the dbt seed, with the sources and fields each is computed from."""
    with path.open(newline="", encoding="utf-8") as handle:
        metrics = tuple(
            MetricNeeds(
                row["metric_name"],
                tuple(tuple(entry.split("/")) for entry in _split(row["sources"])),
                _split(row["fields"]),
            )
            for row in csv.DictReader(handle)
        )
    for metric in metrics:
        _check_needs(metric, path)
    return metrics


def _check_needs(metric: MetricNeeds, path: Path) -> None:
    """A catalogue naming a source or field no contract has would report it missing from
    every delivery: it is a mistake in the catalogue, said so."""
    for source in metric.every_source:
        if source not in CONTRACTS and source != REGISTRY_SOURCE:
            raise ValueError(f"{path}: metric {metric.name} needs unknown source {source}")
    for needed in metric.fields:
        if not any(_has_field(source, needed) for source in metric.every_source):
            raise ValueError(
                f"{path}: metric {metric.name} needs field {needed}, "
                f"which none of its sources ({', '.join(metric.every_source)}) has"
            )


def _split(listed: str) -> tuple[str, ...]:
    return tuple(name for name in listed.split("|") if name)


def _has_field(source: str, needed: str) -> bool:
    return source in CONTRACTS and needed in CONTRACTS[source].column_names


def _unavailability(metric: MetricNeeds, sources: dict[str, SourceReport]) -> tuple[str, ...]:
    """Why the metric is not available: for each needed source that no alternative of it
    can stand in for, why each alternative falls short."""
    reasons: list[str] = []
    for alternatives in metric.sources:
        shortfalls = [_shortfall(metric, sources[name]) for name in alternatives]
        if all(shortfalls):
            reasons += [reason for shortfall in shortfalls for reason in shortfall]
    return tuple(reasons)


def _shortfall(metric: MetricNeeds, source: SourceReport) -> list[str]:
    if not source.delivered:
        return [f"source {source.source} not delivered"]
    if source.rows_loaded == 0:
        return [f"no row of {source.source} would load"]
    problems = (_field_problem(source, needed) for needed in metric.fields)
    return [problem for problem in problems if problem]


def _field_problem(source: SourceReport, needed: str) -> str | None:
    column = source.column(needed)
    if column is None:  # a field of the metric's other source
        return None
    if column.files_with == 0:
        return f"field {needed} missing from every file of {source.source}"
    if not column.filled:
        return f"field {needed} empty in every file of {source.source}"
    return None


def render(report: PreflightReport) -> str:
    delivered = [source for source in report.sources if source.delivered]
    sections = [
        f"Preflight of {report.landing_dir} (read only: nothing is loaded, no warehouse "
        f"file is opened)",
        f"Delivered: {len(delivered)} of {len(report.sources)} sources",
        *(_render_source(source) for source in delivered),
        _render_not_delivered(report),
        _render_metrics(report),
        _render_refusals(report),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _render_source(source: SourceReport) -> str:
    rejected = f" ({len(source.rejected_files)} rejected)" if source.rejected_files else ""
    lines = [
        f"{source.source}: {_count(source.files, 'file')}{rejected}, "
        f"{_count(source.rows_read, 'row')} read, {source.rows_loaded:,} would load"
    ]
    if source.columns and source.files_read:
        lines += _render_columns(source)
    elif source.columns:
        lines.append("  no file could be read")
    return "\n".join(lines)


def _render_columns(source: SourceReport) -> list[str]:
    mapped = [
        " / ".join(column.aliases) + " → " + column.name if column.aliases else column.name
        for column in source.columns
        if column.files_with
    ]
    missing = [
        f"{column.name} ({'required' if column.required else 'optional'}) from "
        + _which_files(column.files_with, source.files_read)
        for column in source.columns
        if column.files_with < source.files_read
    ]
    return [
        _listed("columns:", mapped or ["none"], ","),
        _listed("missing:", missing or ["none"], ";"),
        *(_render_units(units) for units in source.units),
    ]


def _which_files(files_with: int, files_read: int) -> str:
    if files_with == 0:
        return "every file"
    return f"{files_read - files_with} of {files_read} files"


def _render_units(units: UnitValues) -> str:
    name = units.unit_type
    if units.column != units.unit_type:
        name += f" (column {units.column})"
    line = f"  {name} units: {len(units.values):,}"
    if not units.values:
        return line
    more = ", …" if len(units.values) > SHOWN_UNITS else ""
    return f"{line} ({', '.join(units.values[:SHOWN_UNITS])}{more})"


def _render_not_delivered(report: PreflightReport) -> str:
    missing = [source for source in report.sources if not source.delivered]
    if not missing:
        return ""
    lines = ["Not delivered:"] + [
        f"  {source.source}: no file matching {' or '.join(source.expected)}" for source in missing
    ]
    return "\n".join(lines)


def _render_metrics(report: PreflightReport) -> str:
    available = [metric.name for metric in report.metrics if metric.available]
    unavailable = [metric for metric in report.metrics if not metric.available]
    lines = [
        f"Metrics: {len(available)} of {len(report.metrics)} available",
        _listed("available:", available or ["none"], ","),
    ]
    if unavailable:
        lines.append("  unavailable:")
        lines += [f"    {metric.name}: {'; '.join(metric.reasons)}" for metric in unavailable]
    return "\n".join(lines)


def _render_refusals(report: PreflightReport) -> str:
    rejected = [message for source in report.sources for message in source.rejected_files]
    quarantined = [source for source in report.sources if source.quarantined]
    rows = sum(count for source in quarantined for _, count in source.quarantined)
    if not rejected and not rows:
        return "Refusals: none (every file and row would load)"
    lines = [
        f"Refusals: {_count(len(rejected), 'file')} rejected, {_count(rows, 'row')} quarantined"
    ]
    lines += [f"  {message}" for message in rejected]
    for source in quarantined:
        lines.append(f"  {source.source}, rows quarantined by reason:")
        lines += [f"    {count:>6,}  {kind}" for kind, count in source.quarantined]
    return "\n".join(lines)


def _listed(label: str, items: list[str], separator: str) -> str:
    """`label` then `items`, wrapped at WIDTH between items, never inside one."""
    indent = " " * (3 + len(label))
    lines, line = [], "  " + label
    for number, item in enumerate(items):
        piece = item + (separator if number < len(items) - 1 else "")
        if number and len(line) + 1 + len(piece) > WIDTH:
            lines.append(line)
            line = indent + piece
        else:
            line += " " + piece
    return "\n".join([*lines, line])


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
