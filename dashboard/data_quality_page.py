"""The Data quality tab: what was checked before these figures were published.

Each table's latest Great Expectations validation (`quality.quality_results`, the state
the publish gate read) with its status; every expectation that failed or warned, with
what it observed; the rows the ingestion contracts held back, by source and reason
(`quality.quarantine_summary`); files not loaded, restatements and the landing sources.

Suite rows carry data-suite, expectation rows also data-expectation and data-column,
quarantine rows data-source and data-reason; their figures carry data-column and
data-value (see `dashboard/__init__.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboard import formatting as fmt
from dashboard.data import Row, Snapshot
from dashboard.markup import badge, column_value, esc, metric, section_header, table

PANEL_ID = "page-quality"
STAGES = {"raw": "as delivered", "marts": "published figures"}
OBSERVED_ITEMS = 8  # of a list an expectation observed (the columns of a table)
OBSERVED_CHARACTERS = 160


@dataclass(frozen=True)
class Suite:
    relation: str
    suite: str
    checks: int
    passed: int
    errors: int  # error-level expectations failing: these stop publishing
    warnings: int  # warn-level expectations failing: reported only
    rows_validated: int
    validated_at: datetime

    @property
    def status(self) -> str:
        return "failed" if self.errors else "warnings" if self.warnings else "passed"


def suites(results: list[Row]) -> list[Suite]:
    """One per table validated, from its expectations' rows."""
    by_relation: dict[str, list[Row]] = {}
    for row in results:
        by_relation.setdefault(row["relation"], []).append(row)
    return [
        Suite(
            relation=relation,
            suite=rows[0]["suite"],
            checks=len(rows),
            passed=sum(bool(r["success"]) for r in rows),
            errors=sum(not r["success"] and r["severity"] == "error" for r in rows),
            warnings=sum(not r["success"] and r["severity"] != "error" for r in rows),
            rows_validated=int(rows[0]["rows_validated"] or 0),
            validated_at=rows[0]["validated_at"],
        )
        for relation, rows in by_relation.items()
    ]


def render(snapshot: Snapshot) -> str:
    return (
        section_header(
            "Data quality",
            "What was checked before these figures were published. Every landing file is "
            "checked row by row as it loads: rows breaking the contracts are held back "
            "(quarantined) with their reason. Then a suite of expectations validates every "
            "table as delivered and every table of published figures: an error-level "
            "failure stops publishing, a warning is reported only.",
        )
        + _tiles(snapshot)
        + _suites_section(snapshot.quality_results)
        + _failures_section(snapshot.quality_results)
        + _quarantine_section(snapshot.quarantine)
        + _files_not_loaded(snapshot.file_loads)
        + _restatements(snapshot.restatements)
        + _sources(snapshot.source_coverage)
    )


def _tiles(snapshot: Snapshot) -> str:
    checked = suites(snapshot.quality_results)
    clean = sum(s.status == "passed" for s in checked)
    errors = sum(s.errors for s in checked)
    warnings = sum(s.warnings for s in checked)
    loads = snapshot.file_loads
    held_back = sum(int(f["rows_quarantined"] or 0) for f in loads)
    loaded = sum(f["status"] == "loaded" for f in loads)
    tiles = (
        (
            "Tables passing every check",
            metric("publish.suites_passed", clean, f"{clean:,}", "kpi-value")
            + f'<span class="sub">of {metric("publish.suites", len(checked), f"{len(checked):,}")}'
            " validated</span>",
        ),
        (
            "Expectations failing",
            metric("publish.expectations_failed", errors, f"{errors:,}", "kpi-value")
            + '<span class="sub">'
            + metric("publish.expectations_warned", warnings, f"{warnings:,}")
            + " warned (reported only)</span>",
        ),
        (
            "Rows held back at load",
            metric("publish.rows_quarantined", held_back, f"{held_back:,}", "kpi-value"),
        ),
        (
            "Files loaded",
            metric("publish.files_loaded", loaded, f"{loaded:,}", "kpi-value")
            + f'<span class="sub">of {len(loads):,} landing files</span>',
        ),
    )
    cards = "".join(
        f'<div class="kpi"><div class="kpi-label">{esc(label)}</div>{value}</div>'
        for label, value in tiles
    )
    return f'<div class="kpis">{cards}</div>'


def _suites_section(results: list[Row]) -> str:
    checked = suites(results)
    if not checked:
        return (
            "<h3>Expectation suites</h3>"
            '<p class="muted">This publish holds no validation results.</p>'
        )
    order = {"failed": 0, "warnings": 1, "passed": 2}
    checked.sort(key=lambda s: (order[s.status], s.relation))
    body = [
        [
            f'<span class="name">{esc(s.relation)}</span>'
            f'<span class="sub">suite {esc(s.suite)}</span>',
            esc(_stage(s.relation)),
            badge(s.status),
            column_value("passed", s.passed, f"{s.passed:,}")
            + " of "
            + column_value("checks", s.checks, f"{s.checks:,}"),
            column_value("rows_validated", s.rows_validated, f"{s.rows_validated:,}"),
            f'<span data-sort-value="{s.validated_at.isoformat()}">'
            f"{esc(fmt.timestamp(s.validated_at))}</span>",
        ]
        for s in checked
    ]
    headers = ("Table", "Stage", "Status", "Checks passed", "Rows validated", "Validated")
    return (
        "<h3>Expectation suites</h3>"
        '<p class="sub">The latest validation of each table, the one the publish gate read.</p>'
        + table(headers, body, "suites", [{"suite": s.relation} for s in checked])
    )


def _failures_section(results: list[Row]) -> str:
    failing = [r for r in results if not r["success"]]
    if not results:
        return ""
    if not failing:
        return '<h3>Failed and warned expectations</h3><p class="fine">Every expectation held.</p>'
    failing.sort(key=lambda r: (r["severity"] != "error", r["relation"], r["expectation_type"]))
    body = [
        [
            esc(r["relation"]),
            f'<span class="name">{esc(_expectation_name(r["expectation_type"]))}</span>'
            f'<span class="sub">{esc(r["expectation_type"])}</span>',
            esc(r["column_name"] or "the whole table"),
            badge("failed") if r["severity"] == "error" else badge("warning"),
            _observed(r),
        ]
        for r in failing
    ]
    data = [
        {
            "suite": r["relation"],
            "expectation": r["expectation_type"],
            "column": r["column_name"] or "",
        }
        for r in failing
    ]
    headers = ("Table", "Expectation", "Column", "Level", "Observed")
    return (
        "<h3>Failed and warned expectations</h3>"
        '<p class="sub">A failure stops publishing; a warning is reported only.</p>'
        + table(headers, body, "expectations", data)
    )


def _stage(relation: str) -> str:
    schema = relation.split(".", 1)[0]
    return STAGES.get(schema, schema)


def _expectation_name(expectation_type: str) -> str:
    """'expect_column_values_to_be_unique' -> 'Column values to be unique'."""
    return expectation_type.removeprefix("expect_").replace("_", " ").capitalize()


def _observed(row: Row) -> str:
    """The rows breaking a row-by-row check, else what an aggregate check saw."""
    count = row["unexpected_count"]
    if count:
        share = row["unexpected_percent"]
        percent = f" ({fmt.number(share, decimals=1)}%)" if share is not None else ""
        return column_value("unexpected_count", count, f"{count:,} unexpected rows") + esc(percent)
    raw = row["observed_value"]
    value = json.loads(raw) if raw else None
    if value is None:
        return '<span class="muted">no observed value</span>'
    text = _observed_text(value)
    shown = text if len(text) <= OBSERVED_CHARACTERS else text[: OBSERVED_CHARACTERS - 1] + "\u2026"
    return f'<span class="observed" title="{esc(text)}">{esc(shown)}</span>'


def _observed_text(value: Any) -> str:
    if isinstance(value, list):
        items = ", ".join(str(item) for item in value[:OBSERVED_ITEMS])
        more = len(value) - OBSERVED_ITEMS
        return items + (f" and {more} more" if more > 0 else "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value if isinstance(value, str) else json.dumps(value, default=str)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"


def _quarantine_section(quarantine: list[Row]) -> str:
    if not quarantine:
        return '<h3>Rows held back at load</h3><p class="fine">No row was held back.</p>'
    by_reason: dict[tuple[str, str], list[Row]] = {}
    for row in quarantine:
        by_reason.setdefault((row["source"], row["reason"]), []).append(row)
    counts = {
        key: (
            sum(int(r["rows_quarantined"] or 0) for r in rows),
            len({r["file_path"] for r in rows}),
        )
        for key, rows in by_reason.items()
    }
    order = sorted(counts, key=lambda key: (-counts[key][0], key))
    body = [
        [
            esc(source),
            esc(reason),
            column_value(
                "rows_quarantined", counts[source, reason][0], f"{counts[source, reason][0]:,}"
            ),
            column_value("files", counts[source, reason][1], f"{counts[source, reason][1]:,}"),
        ]
        for source, reason in order
    ]
    data = [{"source": source, "reason": reason} for source, reason in order]
    by_file = _rows_table(
        quarantine, ("source", "file_path", "column_name", "reason", "rows_quarantined")
    )
    return (
        "<h3>Rows held back at load</h3>"
        '<p class="sub">By source and reason; the reasons leave out values and row numbers, '
        "so alike problems count together.</p>"
        + table(("Source", "Reason", "Rows held back", "Files"), body, "quarantine", data)
        + f"<details><summary>By file and column</summary>{by_file}</details>"
    )


def _files_not_loaded(file_loads: list[Row]) -> str:
    problems = [f for f in file_loads if f["status"] != "loaded"]
    if not problems:
        return '<h3>Files not loaded</h3><p class="fine">Every landing file loaded.</p>'
    return "<h3>Files not loaded</h3>" + _rows_table(
        problems, ("source", "file_path", "status", "message")
    )


def _restatements(restatements: list[Row]) -> str:
    if not restatements:
        return '<h3>Restatements</h3><p class="fine">Nothing already reported was changed.</p>'
    return "<h3>Restatements</h3>" + _rows_table(
        restatements, ("source", "file_path", "kind", "period_month", "rows_restated", "detail")
    )


def _sources(coverage: list[Row]) -> str:
    if not coverage:
        return ""
    body = [
        [
            esc(row["source"]),
            "yes" if row["is_delivered"] else '<strong class="verdict bad">no</strong>',
            column_value("files_loaded", row["files_loaded"], f"{row['files_loaded']:,}"),
            column_value("rows_loaded", row["rows_loaded"], f"{row['rows_loaded']:,}"),
            esc(row["metrics_missing"] or ""),
        ]
        for row in coverage
    ]
    headers = ("Source", "Delivered", "Files loaded", "Rows loaded", "Metrics missing")
    return "<h3>Landing sources</h3>" + table(headers, body, "sources")


def _rows_table(rows: list[Row], columns: tuple[str, ...]) -> str:
    headers = [c.replace("_", " ").capitalize() for c in columns]
    cells = [[esc("" if row[c] is None else row[c]) for c in columns] for row in rows]
    return table(headers, cells)
