"""HTML building blocks. Every text that comes from data goes through `esc`; functions
taking `cells` or `body` expect markup that is already escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from itertools import zip_longest

_SORT_VALUE = re.compile(r'data-sort-value="([^"]*)"')
_TIED_VALUE = re.compile(r'data-value="([^"]*)"')


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


def column_value(column: str, value: float | None, text: str, css: str = "num") -> str:
    """A figure of a row of a served table whose container names the row: data-column
    names the column, data-value carries the raw value."""
    raw = "null" if value is None else repr(float(value))
    return (
        f'<span class="{esc(css)}" data-column="{esc(column)}" data-value="{raw}">'
        f"{esc(text)}</span>"
    )


def sort_attribute(cell: str) -> str:
    """What a cell sorts by when its table is sorted (the page's script): its first
    explicit data-sort-value, else the first raw value tied to the serving file in it,
    so $1.2M sorts above $850K. Without either the script reads the cell's text; an
    empty value ("null") sorts last."""
    match = _SORT_VALUE.search(cell) or _TIED_VALUE.search(cell)
    if match is None:
        return ""
    value = "" if match[1] == "null" else match[1]
    return f' data-sort-value="{value}"'


def data_attributes(data: Mapping[str, str]) -> str:
    return "".join(f' data-{esc(name)}="{esc(value)}"' for name, value in data.items())


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    css: str = "",
    row_data: Sequence[Mapping[str, str]] = (),
) -> str:
    """A table whose cells carry what they sort by; `row_data` gives each row data-*
    attributes (name -> value) naming its row of the serving file."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        f"<tr{data_attributes(data)}>"
        + "".join(f"<td{sort_attribute(cell)}>{cell}</td>" for cell in row)
        + "</tr>"
        for row, data in zip_longest(rows, row_data, fillvalue={})
    )
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
