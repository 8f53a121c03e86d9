"""Per family: baseline against post for treated and control units, and the effect
attributed to the AI with its 95% interval, beside the naive before/after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard import all_units, labels
from dashboard import formatting as fmt
from dashboard.charts import (
    WIDTH,
    Bar,
    EventCoefficient,
    GoLive,
    Interval,
    Series,
    Tied,
    bar_chart,
    event_study_chart,
    forest_plot,
    line_chart,
)
from dashboard.data import Row, Snapshot
from dashboard.markup import esc, figure, metric, section_header, table


@dataclass(frozen=True)
class Family:
    key: str  # the family name in initiative_effects
    title: str
    lead: str
    trend_metrics: tuple[str, ...]  # the family's key metrics, drawn month by month


FAMILIES = (
    Family(
        "efficiency",
        "Efficiency",
        "How fast and how well work gets done, per support team.",
        ("task_duration_mean", "throughput", "rework_rate", "error_rate"),
    ),
    Family(
        "quality",
        "Quality",
        "Defects, speed and claims per production line; customer satisfaction per region.",
        ("defective_rate", "production_speed", "claims_cost", "first_pass_yield", "csat", "nps"),
    ),
    Family(
        "revenue",
        "Revenue",
        "Sales, margin and customer retention per region.",
        ("revenue", "gross_margin", "customer_retention", "average_order_value"),
    ),
    Family(
        "innovation",
        "Innovation",
        "Launches and time to market per R&D team, by launch month.",
        ("time_to_market_median", "launches", "ai_assisted_launch_share"),
    ),
    Family(
        "employee_satisfaction",
        "Employee satisfaction",
        "Survey answers and turnover per department. Any figure resting on fewer than 5 "
        "people is hidden, and so is any figure that would let one be worked out.",
        ("job_satisfaction_mean", "enps", "turnover_rate", "ai_adoption"),
    ),
)
COST_SAVINGS = "cost_savings"
TONES = {"improved": "good", "worsened": "bad"}
WIDE = 2 * WIDTH + 40  # a chart across both grid columns, at the same text size
TONE_WORDS = (("good", "improved"), ("bad", "worsened"), ("neutral", "no clear effect"))
# Why HR cells are missing from a chart. Teams add up to their department, so a team is
# also hidden when it would reveal a smaller one by subtraction.
HIDDEN_CELLS = {
    "department": "department-months hidden (fewer than 5 people).",
    "team": "team-months hidden (fewer than 5 people, or would reveal such a team).",
}


def tabs() -> list[tuple[str, str]]:
    """(panel id, title) of every family panel, in order."""
    return [(f"family-{f.key}", f.title) for f in FAMILIES] + [
        (f"family-{COST_SAVINGS}", "Cost savings")
    ]


def render(snapshot: Snapshot) -> str:
    header = section_header(
        "Per family",
        "For each family of measures: the monthly trend of units with the AI against "
        "comparable units without it, and how much of the change is the AI's. "
        "“Naive” is a plain before/after, which also counts trends and seasons; "
        "“attributed” is the difference-in-differences against the control units.",
    )
    buttons = "".join(
        f'<button type="button" role="tab" aria-controls="{panel}">{esc(title)}</button>'
        for panel, title in tabs()
    )
    panels = [_family(snapshot, family) for family in FAMILIES] + [_cost_savings(snapshot)]
    return header + f'<div class="subtabs" role="tablist">{buttons}</div>' + "".join(panels)


def _panel(key: str, title: str, lead: str, body: str) -> str:
    return (
        f'<section id="family-{esc(key)}" class="family" role="tabpanel">'
        f'<h3>{esc(title)}</h3><p class="lead">{esc(lead)}</p>{body}</section>'
    )


def _family(snapshot: Snapshot, family: Family) -> str:
    blocks = [
        _initiative_block(snapshot, initiative, family)
        for initiative in snapshot.initiatives
        if snapshot.effects_of(initiative["initiative_id"], family.key)
    ]
    body = "".join(blocks) or '<p class="muted">No initiative measures this family yet.</p>'
    if family.key == "employee_satisfaction":
        body += _adoption_breakdown(snapshot)
    body += all_units.render(snapshot, family.key, family.trend_metrics)
    return _panel(family.key, family.title, family.lead, body)


def _initiative_block(snapshot: Snapshot, initiative: Row, family: Family) -> str:
    effects = snapshot.effects_of(initiative["initiative_id"], family.key)
    trends = [
        metric_trend(snapshot, initiative, effect)
        for name in family.trend_metrics
        for effect in effects
        if effect["metric_name"] == name
    ]
    return (
        f'<article class="block"><h4>{esc(initiative["initiative_name"])}</h4>'
        f'<p class="sub">{esc(rollout_sentence(initiative))}</p>'
        f'<div class="grid">{effect_forests(effects)}</div>'
        f"{effects_table(effects, initiative['unit_type'])}"
        f"{event_studies(snapshot, effects)}"
        f'<div class="grid">{"".join(trends)}</div></article>'
    )


def rollout_sentence(initiative: Row) -> str:
    unit_type = initiative["unit_type"]
    treated = fmt.plural_units(unit_type, int(initiative["treated_units"] or 0))
    control = fmt.plural_units(unit_type, int(initiative["control_units"] or 0))
    first, last = initiative["first_go_live_date"], initiative["last_go_live_date"]
    if first is None:
        return f"Not live yet; {control} for comparison."
    when = fmt.short_month(first)
    if last and (last.year, last.month) != (first.year, first.month):
        when = f"{when} to {fmt.short_month(last)}"
    sentence = f"Live on {treated} ({when}); {control} without it for comparison."
    unmeasured = int(initiative.get("treated_units_without_baseline") or 0)
    if unmeasured:
        sentence += (
            f" {fmt.plural_units(unit_type, unmeasured)} went live before the data starts: "
            "no baseline, so not in the effects."
        )
    return sentence


def _month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def go_live(initiative: Row) -> GoLive | None:
    first = _month(initiative["first_go_live_date"])
    return GoLive(first, _month(initiative["last_go_live_date"])) if first else None


def in_points(effect: Row) -> bool:
    """Scores (Likert means, NPS) are estimated and shown in points, not percent."""
    return effect["effect_model"] == "linear"


def metric_trend(snapshot: Snapshot, initiative: Row, effect: Row) -> str:
    """Monthly mean of the treated units against the control units, go-live marked."""
    initiative_id, name = initiative["initiative_id"], effect["metric_name"]
    unit_type = initiative["unit_type"]
    series = [
        Series(
            f"{label} ({fmt.plural_units(unit_type, int(initiative[count] or 0))})",
            [(p.month, p.value) for p in snapshot.monthly.get((initiative_id, name, treated), [])],
            role,
        )
        for treated, role, label, count in (
            (False, "control", "without AI", "control_units"),
            (True, "treated", "with AI", "treated_units"),
        )
    ]
    unit = effect["value_unit"]
    title = labels.metric(name, effect.get("scale"))
    svg = line_chart(
        series,
        title=f"{title}, monthly",
        value_format=lambda v: fmt.level(v, unit),
        go_live=go_live(initiative),
        hover_format=lambda v: fmt.level_with_unit(v, unit),
    )
    hidden = snapshot.suppressed_cells.get((initiative_id, name), 0)
    note = effect["metric_definition"] or ""
    if hidden:
        note += f" {hidden} {HIDDEN_CELLS.get(unit_type, HIDDEN_CELLS['department'])}"
    return figure(
        svg,
        title,
        legend=[(s.role, s.label) for s in series if s.points] + [("go-live", "go-live")],
        note=note,
    )


def effect_forests(effects: list[Row]) -> str:
    """Attributed effects with their 95% intervals: relative ones in one plot, score
    changes (in points) in another, as the two scales cannot share an axis. A lone plot
    is drawn wide, across both columns."""
    groups = [
        (points, caption, [_interval(e, points) for e in effects if in_points(e) == points])
        for points, caption in (
            (False, "Attributed effect, relative to what would have happened without the AI"),
            (True, "Attributed effect on scores, in points"),
        )
    ]
    groups = [group for group in groups if group[2]]
    wide = len(groups) == 1
    figures = []
    for points, caption, rows in groups:
        svg = forest_plot(
            rows,
            title=caption,
            value_format=lambda v, p=points: fmt.change(v, in_points=p),
            width=WIDE if wide else WIDTH,
        )
        tones = {row.tone for row in rows}
        legend = [(tone, word) for tone, word in TONE_WORDS if tone in tones]
        figures.append(figure(svg, caption, [*legend, ("ci", "95% interval")], wide=wide))
    return "".join(figures)


def _interval(effect: Row, points: bool) -> Interval:
    suffix = "abs" if points else "pct"
    return Interval(
        labels.metric(effect["metric_name"], effect.get("scale")),
        effect[f"did_effect_{suffix}"],
        effect[f"did_ci_low_{suffix}"],
        effect[f"did_ci_high_{suffix}"],
        TONES.get(effect["verdict"], "neutral"),
    )


def effects_table(effects: list[Row], unit_type: str) -> str:
    headers = (
        "Measure",
        "Baseline",
        "After go-live",
        "Naive change",
        "Attributed to AI",
        "95% interval",
        "Year over year",
        "Verdict",
    )
    return table(headers, [_effect_cells(e, unit_type) for e in effects], "effects")


def _effect_cells(effect: Row, unit_type: str) -> list[str]:
    key = f"{effect['initiative_id']}.{effect['metric_name']}"
    name = labels.metric(effect["metric_name"], effect.get("scale"))
    unit = effect["value_unit"]
    points = in_points(effect)
    suffix = "abs" if points else "pct"

    def value(column: str, text: str) -> str:
        return metric(f"{key}.{column}", effect[column], text)

    def change(column: str) -> str:
        return value(column, fmt.change(effect[column], in_points=points))

    low, high = f"did_ci_low_{suffix}", f"did_ci_high_{suffix}"
    interval = (
        f"{change(low)} to {change(high)}"
        if effect[low] is not None or effect[high] is not None
        else f'<span class="muted">{fmt.NOT_AVAILABLE}</span>'
    )
    absolute, absolute_interval = _absolute_effect(effect, unit_type)
    verdict = esc(effect["verdict"] or "") + _evidence_note(effect)
    return [
        f'<span class="name">{esc(name)}</span><span class="sub">{esc(unit)}</span>',
        value("baseline_mean", fmt.level(effect["baseline_mean"], unit)),
        value("post_mean", fmt.level(effect["post_mean"], unit)),
        change(f"naive_change_{suffix}"),
        f"<strong>{change(f'did_effect_{suffix}')}</strong>{absolute}",
        interval + absolute_interval,
        value("yoy_change_pct", fmt.change(effect["yoy_change_pct"], in_points=False)),
        f'<span class="verdict {TONES.get(effect["verdict"], "neutral")}">{verdict}</span>',
    ]


def _absolute_effect(effect: Row, unit_type: str) -> tuple[str, str]:
    """Beside the relative effect, the same in the metric's own unit, as sub-lines of the
    effect and interval cells: a share's in percentage points (-2.25 pp beside -6.1%), a
    count's per unit and month. Empty for other metrics."""
    if effect["did_effect_pp"] is not None:
        suffix, words, interval_words = "pp", " pp", " pp"
    elif effect["did_effect_per_month"] is not None:
        things = effect["value_unit"].removesuffix(" per month")
        suffix = "per_month"
        words = f" {things} per {fmt.unit_name(unit_type)} a month"
        interval_words = f" {things}"
    else:
        return "", ""
    key = f"{effect['initiative_id']}.{effect['metric_name']}"

    def value(column: str) -> str:
        return metric(f"{key}.{column}", effect[column], fmt.absolute_change(effect[column]))

    low, high = f"did_ci_low_{suffix}", f"did_ci_high_{suffix}"
    interval = ""
    if effect[low] is not None and effect[high] is not None:
        interval = f'<span class="sub">{value(low)} to {value(high)}{esc(interval_words)}</span>'
    return f'<span class="sub">{value(f"did_effect_{suffix}")}{esc(words)}</span>', interval


def _evidence_note(effect: Row) -> str:
    """Why the estimate is missing or in doubt, under its verdict; nothing when sound."""
    evidence = effect["evidence"]
    if evidence == "ok":
        return ""
    if evidence == "pre_trend":
        p_value = effect["pre_trend_p_value"]
        key = f"{effect['initiative_id']}.{effect['metric_name']}.pre_trend_p_value"
        shown = metric(key, p_value, fmt.number(p_value, decimals=3))
        return f'<span class="sub">pre-trend: drifting before go-live (p = {shown})</span>'
    return f'<span class="sub">{esc(evidence)}</span>'


def event_studies(snapshot: Snapshot, effects: list[Row]) -> str:
    """A small event-study chart per effect: did it start at go-live, and not before?"""
    figures = [
        _event_study_figure(effect, rows)
        for effect in effects
        if (rows := snapshot.event_studies.get((effect["initiative_id"], effect["metric_name"])))
    ]
    if not figures:
        return ""
    return (
        '<p class="sub">Month by month around go-live, against the month before it. Before '
        "go-live the dots should sit on zero: otherwise the units with the AI were already "
        "drifting away from the others, and the attributed effect is in doubt. After it, "
        "they show how the effect built up.</p>"
        f'<div class="grid small">{"".join(figures)}</div>'
    )


def _event_study_figure(effect: Row, rows: list[Row]) -> str:
    """Scores in points (the coefficients), other metrics relative (exp(coefficient) - 1)."""
    points = in_points(effect)
    suffix = "" if points else "_pct"
    key = f"{effect['initiative_id']}.{effect['metric_name']}.event_study"

    def tied(row: Row, column: str) -> Tied:
        return Tied(row[column], f"{key}.{row['event_time']}.{column}")

    estimate = "coefficient" if points else "effect_pct"
    low, high = f"ci_low{suffix}", f"ci_high{suffix}"
    coefficients = [
        EventCoefficient(
            row["event_time"],
            tied(row, estimate),
            tied(row, low) if row[low] is not None else None,
            tied(row, high) if row[high] is not None else None,
        )
        for row in rows
    ]
    name = labels.metric(effect["metric_name"], effect.get("scale"))
    svg = event_study_chart(
        coefficients,
        title=f"{name}: effect by month since go-live",
        value_format=lambda v: fmt.change(v, in_points=points),
        month_format=lambda m: fmt.number(m, decimals=0, signed=True),
    )
    legend = (("pre", "before go-live"), ("post", "after"), ("ci", "95% interval"))
    return figure(svg, name, legend)


def _adoption_breakdown(snapshot: Snapshot) -> str:
    """Job satisfaction by AI-adoption cohort in the latest survey; hidden cells stay so."""
    rows = snapshot.adoption_breakdown
    if not rows:
        return ""
    cohorts = ("none", "light", "heavy")
    by_department: dict[str, dict[str, Row]] = {}
    for row in rows:
        by_department.setdefault(row["department"], {})[row["cell"]] = row
    body = [
        [esc(department)] + [_cohort_cell(cells.get(cohort)) for cohort in cohorts]
        for department, cells in by_department.items()
    ]
    month = fmt.month_name(rows[0]["month_start"])
    scale = rows[0]["job_satisfaction_scale"]
    return (
        f'<article class="block"><h4>Job satisfaction by AI use, {esc(month)} survey</h4>'
        f'<p class="sub">Mean answer ({esc(scale)}) and respondents. “Hidden” cells rest on '
        "fewer than 5 people, or would reveal one that does.</p>"
        + table(("Department", "No AI use", "Light use", "Heavy use"), body, "breakdown")
        + "</article>"
    )


def _cohort_cell(row: Row | None) -> str:
    if row is None:
        return '<span class="muted">no answers</span>'
    if row["is_suppressed"]:
        return '<span class="hidden-cell">hidden</span>'
    return (
        f"{esc(fmt.number(row['job_satisfaction_mean'], decimals=2))} "
        f'<span class="sub-inline">({esc(row["respondents"])})</span>'
    )


def _cost_savings(snapshot: Snapshot) -> str:
    blocks = []
    for initiative in snapshot.initiatives:
        streams = [
            s for s in snapshot.benefit_streams if s["initiative_id"] == initiative["initiative_id"]
        ]
        if streams:
            blocks.append(_savings_block(snapshot, initiative, streams))
    body = "".join(blocks) or '<p class="muted">No benefit is monetised yet.</p>'
    return _panel(
        COST_SAVINGS,
        "Cost savings",
        "What the attributed effects are worth per year, by benefit stream: the average "
        "measured month times twelve. Ranges use the ends of the effects' 95% intervals.",
        body,
    )


def _savings_block(snapshot: Snapshot, initiative: Row, streams: list[Row]) -> str:
    initiative_id = initiative["initiative_id"]
    bars = [
        Bar(labels.stream(s["benefit_stream"]), s["annual"], s["annual_low"], s["annual_high"])
        for s in streams
    ]
    charts = [
        figure(
            bar_chart(bars, title="Benefit per year by stream", value_format=fmt.money),
            "Benefit per year, by stream",
            legend=(("total", "per year"), ("whisker", "range")),
        ),
        figure(
            line_chart(
                [
                    Series(
                        "measured benefit",
                        [
                            (p.month, p.value)
                            for p in snapshot.monthly_benefits.get(initiative_id, [])
                        ],
                        "total",
                    )
                ],
                title="Measured benefit per month",
                value_format=fmt.money,
                go_live=go_live(initiative),
            ),
            "Measured benefit per month",
            legend=(("total", "all streams"), ("go-live", "go-live")),
        ),
    ]
    charts.append(poor_quality_chart(snapshot, initiative))
    return (
        f'<article class="block"><h4>{esc(initiative["initiative_name"])}</h4>'
        f"{benefit_table(streams)}"
        f'<div class="grid">{"".join(charts)}</div></article>'
    )


def benefit_table(streams: list[Row]) -> str:
    rows = []
    for s in streams:
        key = f"{s['initiative_id']}.benefit.{s['benefit_stream']}"
        rows.append(
            [
                esc(labels.stream(s["benefit_stream"])),
                esc(labels.metric(s["source_metric"])),
                f"<strong>{metric(f'{key}.annual', s['annual'], fmt.money(s['annual']))}</strong>",
                metric(f"{key}.annual_low", s["annual_low"], fmt.money(s["annual_low"]))
                + " to "
                + metric(f"{key}.annual_high", s["annual_high"], fmt.money(s["annual_high"])),
                esc(fmt.months(s["months"])),
            ]
        )
    return table(
        ("Benefit stream", "From the effect on", "Per year", "Range", "Measured over"), rows
    )


def poor_quality_chart(snapshot: Snapshot, initiative: Row) -> str:
    initiative_id = initiative["initiative_id"]
    series = [
        Series(
            label,
            [(p.month, p.value) for p in snapshot.poor_quality.get((initiative_id, treated), [])],
            role,
        )
        for treated, role, label in (
            (False, "control", "lines without AI"),
            (True, "treated", "lines with AI"),
        )
    ]
    if not any(s.points for s in series):
        return ""
    return figure(
        line_chart(
            series,
            title="Cost of poor quality per line",
            value_format=fmt.money,
            go_live=go_live(initiative),
        ),
        "Cost of poor quality per line and month",
        legend=[(s.role, s.label) for s in series] + [("go-live", "go-live")],
        note="Defects and rework inside the plant plus recalls and warranty claims outside it.",
    )
