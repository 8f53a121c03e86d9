"""Data quality footer, banner and notice: when the numbers were published, what went into
them, and what stopped or is missing. The Data quality tab (data_quality_page.py) has
every check, quarantined row and restatement."""

from __future__ import annotations

from dashboard import data_quality_page
from dashboard import formatting as fmt
from dashboard.data import Snapshot
from dashboard.markup import esc, metric


def render(snapshot: Snapshot) -> str:
    loads = snapshot.file_loads
    loaded = sum(f["status"] == "loaded" for f in loads)
    quarantined = sum(int(f["rows_quarantined"] or 0) for f in loads)
    restated = len(snapshot.restatements)
    facts = (
        ("Published", esc(fmt.timestamp(snapshot.published_at))),
        ("Report month", esc(fmt.month_name(snapshot.report_month))),
        (
            "Files loaded",
            metric("publish.files_loaded", loaded, f"{loaded:,}") + f" of {len(loads):,}",
        ),
        ("Rows quarantined", metric("publish.rows_quarantined", quarantined, f"{quarantined:,}")),
        ("Restatements", metric("publish.restatements", restated, f"{restated:,}")),
    )
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    return (
        '<footer class="data-quality" id="data-quality"><h2>Data quality</h2>'
        f'<dl class="facts">{items}</dl>'
        '<p class="fine">Every check, held-back row and restatement: the '
        f'<a href="#{data_quality_page.PANEL_ID}">Data quality</a> tab.</p>'
        f'<p class="fine">Publish {esc(snapshot.run_id)}. Built from the serving file only; '
        "this page works offline.</p></footer>"
    )


def blocked_banner(snapshot: Snapshot) -> str:
    """Runs between the previous publish and this one that the quality gate stopped, and
    the expectations that failed: the page says so, so nobody mistakes a gap for calm."""
    blocked = snapshot.blocked_publishes
    if not blocked:
        return ""
    latest = max(blocked, key=lambda row: row["blocked_at"])
    failures = "".join(f"<li>{esc(line)}</li>" for line in latest["failures"].splitlines())
    runs = "run was" if len(blocked) == 1 else f"{len(blocked)} runs were"
    return (
        '<aside class="blocked" role="alert"><strong>Publishing was stopped:</strong> '
        f"since the previous publish, {runs} stopped by the quality gate before publishing "
        f"(latest {esc(fmt.timestamp(latest['blocked_at']))}), with these expectations "
        f"failing:<ul>{failures}</ul>The figures on this page passed every check.</aside>"
    )


def missing_sources_notice(snapshot: Snapshot) -> str:
    """Sources not delivered, and the metrics that leaves out: absent, not zero."""
    missing = [row for row in snapshot.source_coverage if not row["is_delivered"]]
    if not missing:
        return ""
    items = "".join(
        f"<li><strong>{esc(row['source'])}</strong>: {_what_is_missing(row)}</li>"
        for row in missing
    )
    return (
        '<aside class="missing-sources"><strong>Not delivered:</strong> '
        f"{len(missing)} of {len(snapshot.source_coverage)} sources have no files, so "
        f"their metrics are not shown (absent, not zero):<ul>{items}</ul></aside>"
    )


def _what_is_missing(row: dict) -> str:
    if row["metrics_missing"]:
        return f"no {esc(row['metrics_missing'])}"
    if row["metrics_from_source"]:
        return "its metrics come from another source of the same data, which was delivered"
    return "no metric depends on it alone"
