"""Where next: the opportunity ranking, once the pipeline serves `overview.opportunities`.

Its columns are not fixed yet, so it is shown as it comes: one table, values formatted
by their type only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard import formatting as fmt
from dashboard.markup import esc, section_header, table

PANEL_ID = "page-where-next"


def render(opportunities: tuple[str, list[str], list[tuple[Any, ...]]]) -> str:
    description, columns, rows = opportunities
    headers = [c.replace("_", " ").capitalize() for c in columns]
    body = [[esc(_cell(value)) for value in row] for row in rows]
    return section_header("Where next", description or "Where AI would pay most.") + (
        table(headers, body) if rows else '<p class="muted">No opportunities ranked yet.</p>'
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return fmt.number(value, decimals=2)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
