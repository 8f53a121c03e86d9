"""HTML building blocks. Every text that comes from data goes through `esc`; functions
taking `cells` or `body` expect markup that is already escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def metric(key: str, value: float | None, text: str, css: str = "num") -> str:
    """A number tied to the serving file: data-metric names where it comes from
    ("<initiative_id>.<column>", or "<initiative_id>.<metric_name>.<column>" for an
    effect) and data-value carries the raw value, so a test can compare the two."""
    raw = "null" if value is None else repr(float(value))
    return (
        f'<span class="{esc(css)}" data-metric="{esc(key)}" data-value="{raw}">{esc(text)}</span>'
    )


def unit_value(unit: tuple[str, str], metric_name: str, value: float | None, text: str) -> str:
    """A unit's figure in the every-unit tables: data-unit-type, data-unit-id and
    data-unit-metric name the cells of the metrics tables it pools (unit ids are free
    text, so they get attributes of their own), data-value the raw value."""
    raw = "null" if value is None else repr(float(value))
    unit_type, unit_id = unit
    return (
        f'<span class="num" data-unit-type="{esc(unit_type)}" data-unit-id="{esc(unit_id)}" '
        f'data-unit-metric="{esc(metric_name)}" data-value="{raw}">{esc(text)}</span>'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<div class="table-wrap"><table class="{esc(css)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def figure(
    svg: str,
    caption: str,
    legend: Sequence[tuple[str, str]] = (),
    note: str = "",
    wide: bool = False,
) -> str:
    """A chart with its caption and legend (role class, label); says so when empty.
    A wide figure spans both columns of its grid."""
    css = "figure wide" if wide else "figure"
    if not svg:
        return (
            f'<figure class="{css}"><figcaption>{esc(caption)}</figcaption>'
            f'<p class="muted">No data to draw yet.</p></figure>'
        )
    keys = "".join(f'<span class="key {esc(role)}">{esc(label)}</span>' for role, label in legend)
    legend_html = f'<div class="legend">{keys}</div>' if keys else ""
    note_html = f'<p class="fig-note">{esc(note)}</p>' if note else ""
    return (
        f'<figure class="{css}"><figcaption>{esc(caption)}</figcaption>{legend_html}'
        f"{svg}{note_html}</figure>"
    )


def badge(status: str) -> str:
    return f'<span class="badge {esc(status.replace(" ", "-"))}">{esc(status)}</span>'


def section_header(title: str, lead: str) -> str:
    return (
        f'<header class="page-head"><h2>{esc(title)}</h2><p class="lead">{esc(lead)}</p></header>'
    )
