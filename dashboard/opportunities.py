"""Where next: the processes where AI would pay most, from `overview.opportunities`.

The best-ranked candidates first, each as a card saying in words which components put it
there, with their figures; then every process in a sortable table of a few columns, and
every figure behind each score in an expandable list. Every figure carries data-column
and data-value inside an element with data-process and data-department (its row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard import competition
from dashboard import formatting as fmt
from dashboard.data import Row
from dashboard.markup import badge, column_value, data_attributes, esc, section_header, table

PANEL_ID = "page-where-next"
TOP = 5  # candidates shown as cards
STRONG = 0.6  # a component scoring this much (of the strongest process's 1) drives a rank
WEAK = 0.4  # below this a component holds a process back
Words = Callable[[Row], str]  # a component's figures in a phrase
Shown = Callable[[float], str]  # a figure as text


def process_name(row: Row) -> str:
    """'invoice_processing' -> 'Invoice processing'."""
    return str(row["process_name"]).replace("_", " ").capitalize()


def _value(row: Row, column: str, text: Shown) -> str:
    """A figure of the row, tied to its column (n/a when there is none)."""
    raw = row.get(column)
    return column_value(column, raw, fmt.NOT_AVAILABLE if raw is None else text(raw))


def _score(value: float) -> str:
    return fmt.number(value, decimals=2)


def _share(value: float) -> str:
    return fmt.percent(value, signed=False)


def _whole(value: float) -> str:
    return fmt.number(value, decimals=0)


def _hours_words(row: Row) -> str:
    return (
        f"{_value(row, 'annual_hours', _whole)} hours of task time a year: "
        f"{_value(row, 'completed_tasks_per_month', _whole)} tasks a month at "
        f"{_value(row, 'mean_duration_minutes', _whole)} minutes each"
    )


def _repetition_words(row: Row) -> str:
    if row.get("top_two_type_share") is None:
        return "no task types recorded"
    types = (
        f"{_value(row, 'top_two_type_share', _share)} of tasks are of its two most common "
        f"types ({_value(row, 'task_types', _whole)} in all)"
    )
    cv = row.get("duration_cv")
    if cv is None:
        return types
    steadiness = "steady" if cv < 0.3 else "fairly steady" if cv < 0.6 else "uneven"
    return f"{types}; durations {steadiness} (variation {_value(row, 'duration_cv', _score)})"


def _error_words(row: Row) -> str:
    return (
        f"errors in {_value(row, 'error_rate', _share)} and rework in "
        f"{_value(row, 'rework_rate', _share)} of completed tasks"
    )


def _pain_words(row: Row) -> str:
    said = []
    if row.get("comment_mention_share") is not None:
        themes = f" ({esc(row['comment_themes'])})" if row.get("comment_themes") else ""
        said.append(
            f"{_value(row, 'comment_mention_share', _share)} of the department's "
            f"{_value(row, 'comment_group_size', _whole)} commenters name it{themes}"
        )
    if row.get("dissatisfied_share") is not None:
        low = row.get("low_productivity_share")
        productivity = (
            f", {_value(row, 'low_productivity_share', _share)} rate their productivity low"
            if low is not None
            else ""
        )
        said.append(
            f"{_value(row, 'dissatisfied_share', _share)} of its "
            f"{_value(row, 'survey_respondents', _whole)} survey respondents are "
            f"dissatisfied{productivity}"
        )
    return "; ".join(said) or "no pain evidence published (groups too small to show)"


def _alignment_words(row: Row) -> str:
    rationale = row.get("alignment_rationale")
    why = f" ({esc(rationale)})" if rationale else ""
    return f"alignment {_value(row, 'strategic_alignment_score', _score)} for the department{why}"


def _data_words(row: Row) -> str:
    if (row.get("data_availability") or 0) >= 1:
        return (
            f"{_value(row, 'completeness', _share)} of its rows are complete and "
            f"{_value(row, 'validity', _share)} valid"
        )
    findings = f" ({esc(row['data_quality_findings'])})" if row.get("data_quality_findings") else ""
    return (
        f"only {_value(row, 'data_availability', _share)} of its rows are usable"
        f"{findings}, and the score is marked down by as much"
    )


@dataclass(frozen=True)
class Component:
    column: str
    name: str  # as a manager says it
    words: Words  # the figures behind it, in a phrase
    relative: bool  # scored against the strongest process (1 = the most of any)
    optional: bool = False  # left out, not shown as n/a, when its source was not delivered


COMPONENTS = (
    Component("hours_at_stake_score", "Time-consuming", _hours_words, True),
    Component("repetitiveness_score", "Repetitive", _repetition_words, False),
    Component("error_proneness_score", "Error-prone", _error_words, True),
    Component("pain_score", "Pain reported", _pain_words, True),
    Component("strategic_alignment_score", "Strategic fit", _alignment_words, False),
    Component(
        "competitive_pressure_score", "Peers and competitors ahead", competition.words, False, True
    ),
)
DATA = Component("data_availability", "Data available", _data_words, False)


def render(rows: list[Row], competitor_moves: list[Row] = ()) -> str:
    if not rows:
        return section_header("Where next", "No process is ranked yet.")
    ranked = [row for row in rows if row.get("opportunity_rank") is not None]
    cards = "".join(_card(row) for row in ranked[:TOP])
    ranking_note = (
        "Click a header to sort. Processes an initiative already covers are not ranked: "
        "the list reads “next”, not “again”."
    )
    return (
        section_header("Where next", _lead(rows))
        + f'<div class="opportunity-cards">{cards}</div>'
        + competition.section(rows, list(competitor_moves))
        + f'<h3>Every process, ranked</h3><p class="sub">{ranking_note}</p>'
        + _ranking(rows)
        + _details(rows)
    )


def _lead(rows: list[Row]) -> str:
    first = rows[0]
    window = ""
    if first.get("window_start") and first.get("window_end"):
        window = (
            f" Over the twelve months {fmt.short_month(first['window_start'])} to "
            f"{fmt.short_month(first['window_end'])}."
        )
    return (
        "The processes where AI would pay most: those that take much time, are repetitive, "
        "error-prone and painful for the people doing them, fit the strategy and where "
        "peers and competitors already use AI, discounted by how much of their data is "
        "usable. Each component is scored from 0 to 1 against the strongest process. Value "
        "at stake is what a process's task time costs a year: the most AI could save "
        f"there, not a saving.{window}"
    )


def _scored(row: Row) -> list[Component]:
    """The components of the row's score: an optional one whose source was not delivered
    is left out."""
    return [c for c in COMPONENTS if not (c.optional and row.get(c.column) is None)]


def _ordered(row: Row) -> list[Component]:
    """The components by their score, strongest first."""
    return sorted(_scored(row), key=lambda c: -(row.get(c.column) or 0.0))


def _reason(row: Row, component: Component) -> str:
    score = row.get(component.column)
    most = " — the most of any process" if component.relative and score == 1 else ""
    return (
        f"<li><strong>{esc(component.name)}</strong> "
        f"({_value(row, component.column, _score)}): {component.words(row)}{most}</li>"
    )


def _card(row: Row) -> str:
    components = _ordered(row)
    drivers = [c for c in components if (row.get(c.column) or 0) >= STRONG][:3] or components[:2]
    weak = [c for c in components if c not in drivers and (row.get(c.column) or 0) < WEAK]
    held_back = weak + ([DATA] if (row.get("data_availability") or 0) < 1 else [])
    data_note = "" if DATA in held_back else f"<li>{esc(DATA.name)}: {DATA.words(row)}</li>"
    holding = (
        '<h4>Holding it back</h4><ul class="reasons">'
        + "".join(_reason(row, c) for c in held_back)
        + "</ul>"
        if held_back
        else ""
    )
    return (
        f'<article class="opportunity-card"{_row_data(row)}><header>'
        f'<span class="rank">#{_value(row, "opportunity_rank", _whole)}</span>'
        f'<div class="title"><h3>{esc(process_name(row))}</h3>'
        f'<span class="sub">{esc(row["department"])}</span></div>{badge(row["status"])}</header>'
        f"{_headline(row)}"
        f'<h4>Why it ranks here</h4><ul class="reasons">'
        f"{''.join(_reason(row, c) for c in drivers)}{data_note}</ul>{holding}"
        f"{_component_bars(row)}</article>"
    )


def _row_key(row: Row) -> dict[str, str]:
    """The data-* attributes naming the row of overview.opportunities a figure is from."""
    return {"process": row["process_name"], "department": row["department"]}


def _row_data(row: Row) -> str:
    return data_attributes(_row_key(row))


def _headline(row: Row) -> str:
    cost = row.get("loaded_hourly_cost")
    rate = (
        f" at {_value(row, 'loaded_hourly_cost', fmt.amount)} an hour"
        f" ({esc(row.get('loaded_hourly_cost_source') or 'source not given')})"
        if cost is not None
        else ""
    )
    figures = (
        ("At stake a year", _value(row, "annual_value_at_stake", fmt.amount)),
        ("Score, of 1", _value(row, "opportunity_score", _score)),
        ("Hours a year", _value(row, "annual_hours", _whole)),
    )
    tiles = "".join(
        f'<div><span class="kpi-label">{esc(label)}</span><span class="big">{value}</span></div>'
        for label, value in figures
    )
    return (
        f'<div class="card-figures">{tiles}</div>'
        f'<p class="sub">What its task time costs a year{rate}: the most AI could save.</p>'
    )


def _component_bars(row: Row) -> str:
    """Every component and the data factor as a bar of 0 to 1, the score on hover too."""
    items = []
    for component in (*_scored(row), DATA):
        score = row.get(component.column)
        width = 0.0 if score is None else max(0.0, min(1.0, score)) * 100
        shown = fmt.NOT_AVAILABLE if score is None else _score(score)
        items.append(
            f'<li title="{esc(f"{component.name}: {shown} of 1")}">'
            f'<span class="bar-label">{esc(component.name)}</span>'
            f'<span class="bar-track"><span class="bar-fill" style="width:{width:.0f}%">'
            f'</span></span><span class="bar-value">{esc(shown)}</span></li>'
        )
    return f'<ul class="component-bars" aria-label="Component scores">{"".join(items)}</ul>'


RANKING_HEADERS = (
    "Rank",
    "Process",
    "Status",
    "Score",
    "At stake a year",
    "Hours a year",
    "Usable data",
    "Strongest components",
)


def _ranking(rows: list[Row]) -> str:
    body = [
        [
            _rank(row),
            f'<span class="name">{esc(process_name(row))}</span>'
            f'<span class="sub">{esc(row["department"])}</span>',
            badge(row["status"]) + _coverage_note(row),
            _value(row, "opportunity_score", _score),
            _value(row, "annual_value_at_stake", fmt.amount),
            _value(row, "annual_hours", _whole),
            _value(row, "data_availability", _share),
            esc(", ".join(c.name.lower() for c in _ordered(row)[:2])),
        ]
        for row in rows
    ]
    return table(RANKING_HEADERS, body, "ranking", [_row_key(row) for row in rows])


def _rank(row: Row) -> str:
    """The rank; a dash for a covered process, which sorts last."""
    if row.get("opportunity_rank") is None:
        return column_value("opportunity_rank", None, "\u2013")
    return _value(row, "opportunity_rank", _whole)


def _coverage_note(row: Row) -> str:
    if not row.get("is_covered"):
        return ""
    share = _value(row, "covered_task_share", _share)
    effect = ""
    if row.get("covering_duration_effect_pct") is not None:
        effect = (
            "; task duration "
            + _value(row, "covering_duration_effect_pct", fmt.percent)
            + " measured"
        )
    return (
        f'<span class="sub">by {esc(row.get("covering_initiative_id") or "an initiative")}, '
        f"{share} of tasks{effect}</span>"
    )


# Every figure of the mart, grouped as a manager would look for them.
FIGURES: tuple[tuple[str, tuple[tuple[str, str, Shown | None], ...]], ...] = (
    (
        "Score",
        (
            ("opportunity_score", "Score", _score),
            ("value_score", "Score before the data factor", _score),
            ("data_availability", "Usable data (the data factor)", _share),
        ),
    ),
    (
        "Time and money",
        (
            ("annual_value_at_stake", "At stake a year", fmt.amount),
            ("annual_hours", "Hours a year", _whole),
            ("completed_tasks_per_month", "Completed tasks a month", _whole),
            ("mean_duration_minutes", "Mean duration, minutes", lambda v: fmt.number(v)),
            ("loaded_hourly_cost", "Loaded cost an hour", fmt.amount),
            ("loaded_hourly_cost_source", "Hourly cost from", None),
            ("hours_at_stake_score", "Time score", _score),
        ),
    ),
    (
        "Repetitiveness",
        (
            ("repetitiveness_score", "Repetitiveness score", _score),
            ("top_two_type_share", "Tasks of the two most common types", _share),
            ("task_types", "Task types", _whole),
            ("duration_cv", "Variation of durations", _score),
        ),
    ),
    (
        "Errors",
        (
            ("error_proneness_score", "Error-proneness score", _score),
            ("error_rate", "Tasks with an error", _share),
            ("rework_rate", "Tasks reworked", _share),
        ),
    ),
    (
        "Pain",
        (
            ("pain_score", "Pain score", _score),
            ("survey_pain_score", "Survey pain score", _score),
            ("dissatisfied_share", "Dissatisfied respondents", _share),
            ("low_productivity_share", "Rating their productivity low", _share),
            ("survey_respondents", "Survey respondents", _whole),
            ("comment_pain_score", "Comment pain score", _score),
            ("comment_mention_share", "Commenters naming it", _share),
            ("comment_themes", "What the comments say", None),
            ("comment_group_size", "Commenters in the department", _whole),
        ),
    ),
    (
        "Strategy",
        (
            ("strategic_alignment_score", "Strategic alignment", _score),
            ("alignment_rationale", "Why", None),
        ),
    ),
    (
        "Peers and competitors",
        (
            ("competitive_pressure_score", "Competitive pressure score", _score),
            ("business_function", "Business function", None),
            ("peer_adoption_score", "Peer adoption score", _score),
            ("peer_adoption_share", "Peers using AI in the function", _share),
            ("peer_group", "Peers", None),
            ("peer_match_level", "Matched on", None),
            ("peer_source", "Peer figure from", None),
            ("peer_adoption_year", "Year of the figure", lambda v: str(v)),
            ("competitor_move_score", "Competitor move score", _score),
            ("competitor_moves", "Competitor moves", _whole),
            ("competitor_move_list", "The moves", None),
        ),
    ),
    (
        "Data",
        (
            ("completeness", "Complete rows", _share),
            ("validity", "Valid rows", _share),
            ("data_quality_findings", "What is missing", None),
            ("task_count", "Task rows", _whole),
            ("completed_tasks", "Completed tasks", _whole),
            ("incomplete_rows", "Incomplete rows", _whole),
            ("quarantined_rows", "Rows held back at load", _whole),
            ("teams", "Teams", _whole),
            ("months_observed", "Months observed", _whole),
        ),
    ),
)
COVERAGE: tuple[tuple[str, str, Shown | None], ...] = (
    ("covering_initiative_id", "Covered by", None),
    ("covered_task_share", "Share of its tasks covered", _share),
    ("covering_duration_effect_pct", "Effect on task duration", fmt.percent),
    ("covering_duration_effect_ci_low_pct", "95% interval, low", fmt.percent),
    ("covering_duration_effect_ci_high_pct", "95% interval, high", fmt.percent),
    ("covering_effects", "Clear effects measured", None),
)


def _details(rows: list[Row]) -> str:
    sections = "".join(_figures(row) for row in rows)
    return (
        '<details class="opportunity-details"><summary>Every figure behind each score'
        f"</summary>{sections}</details>"
    )


def _figures(row: Row) -> str:
    groups = [*FIGURES, ("Coverage", COVERAGE)] if row.get("is_covered") else list(FIGURES)
    lists = "".join(
        f'<dl><dt class="group">{esc(title)}</dt>'
        + "".join(_entry(row, *item) for item in items)
        + "</dl>"
        for title, items in groups
    )
    rank = row.get("opportunity_rank")
    heading = f"#{rank} " if rank is not None else ""
    first_live = row.get("covering_go_live_date")
    live = f" (live since {fmt.short_month(first_live)})" if first_live else ""
    notes = row.get("score_notes")
    return (
        f'<section class="opportunity-figures"{_row_data(row)}>'
        f"<h4>{esc(heading + process_name(row))}, {esc(row['department'])}{esc(live)}</h4>"
        + (f'<p class="sub">{esc(notes)}</p>' if notes else "")
        + f'<div class="figure-groups">{lists}</div></section>'
    )


def _entry(row: Row, column: str, label: str, shown: Shown | None) -> str:
    value = row.get(column)
    if shown is not None:
        text = _value(row, column, shown)
    elif value is None:
        text = f'<span class="muted">{fmt.NOT_AVAILABLE}</span>'
    else:
        text = esc(value)
    return f"<dt>{esc(label)}</dt><dd>{text}</dd>"
