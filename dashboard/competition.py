"""Competitive pressure on the Where next page: how many peers use AI in each process's
business function and which competitors moved on it, with the publications and links
the figures come from; or, with no benchmark delivered, a note that the component is
left out of the score rather than counted as zero."""

from __future__ import annotations

from dashboard import formatting as fmt
from dashboard.data import Row
from dashboard.markup import column_value, esc

MISSING_NOTE = (
    "<strong>Competitive pressure is not scored:</strong> no peer-adoption benchmark and no "
    "competitor moves were delivered (landing folder <code>benchmarks/</code>). The score "
    "rests on the other components; the missing one is left out, not counted as zero."
)


def is_scored(rows: list[Row]) -> bool:
    """Whether any benchmark was delivered: the component is then scored on every row."""
    return any(row.get("competitive_pressure_score") is not None for row in rows)


def words(row: Row) -> str:
    """The figures behind a process's competitive pressure, in a phrase."""
    said = [_peer_words(row), _move_words(row)]
    return "; ".join(part for part in said if part)


def _peer_words(row: Row) -> str:
    share = row.get("peer_adoption_share")
    if share is None:
        delivered = row.get("peer_adoption_score") is not None
        return "no peer figure fits its function" if delivered else ""
    function = row.get("business_function") or row["process_name"]
    source = esc(row.get("peer_source") or "source not given")
    year = column_value("peer_adoption_year", row.get("peer_adoption_year"), _year(row))
    return (
        f"{column_value('peer_adoption_share', share, fmt.percent(share, signed=False))} of "
        f"{esc(row.get('peer_group') or 'companies')} use AI in {esc(function)} — {source}, "
        f"{year} (matched on {esc(row.get('peer_match_level') or 'function')})"
    )


def _year(row: Row) -> str:
    year = row.get("peer_adoption_year")
    return fmt.NOT_AVAILABLE if year is None else str(year)


def _move_words(row: Row) -> str:
    moves = row.get("competitor_moves")
    if moves is None:
        return ""
    count = column_value("competitor_moves", moves, str(moves))
    if moves == 0:
        return "no competitor move recorded on it"
    listed = esc(row.get("competitor_move_list"))
    return f"{count} competitor move{'s' if moves > 1 else ''} ({listed})"


def _cited(text: str, url: str | None) -> str:
    """A source and its address as text: the page links to nothing outside itself (it is
    read offline and must not load or point anywhere on its own)."""
    if not url:
        return esc(text)
    return f'{esc(text)} (<span class="source-url">{esc(url)}</span>)'


def section(rows: list[Row], moves: list[Row]) -> str:
    """The component's sources, or the note that it is missing."""
    if not is_scored(rows):
        return f'<p class="notice" data-component-missing="competitive_pressure">{MISSING_NOTE}</p>'
    return (
        "<h3>Competitive pressure: where the figures come from</h3>"
        f'<ul class="benchmark-sources">{_peer_sources(rows)}</ul>'
        + (_moves_list(moves) if moves else "<p class='sub'>No competitor moves delivered.</p>")
    )


def _peer_sources(rows: list[Row]) -> str:
    sources = sorted(
        {
            (row["peer_source"], row.get("peer_source_url") or "", row.get("peer_adoption_year"))
            for row in rows
            if row.get("peer_source")
        },
        key=lambda source: (source[0], source[2] or 0),
    )
    if not sources:
        return "<li>No peer-adoption figure fits the company's processes.</li>"
    return "".join(
        f"<li>{_cited(title, url)}, {esc(year if year is not None else fmt.NOT_AVAILABLE)}</li>"
        for title, url, year in sources
    )


def _moves_list(moves: list[Row]) -> str:
    items = "".join(
        f"<li><strong>{esc(move['competitor'])}</strong>: {esc(move['use_case'])} "
        f"({esc(move.get('process_name') or move['business_function'])}, "
        f"{esc(move['move_date'])}, confidence {esc(move['confidence'])}, "
        f"{_cited('source', move.get('source_url'))})</li>"
        for move in moves
    )
    return f'<h4>Competitor moves</h4><ul class="competitor-moves">{items}</ul>'
