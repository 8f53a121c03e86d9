"""Adoption: each AI tool's seats and use per initiative (`metrics.adoption`), the seats
nobody uses and what they cost, and how outcomes differ by intensity of use
(`metrics.adoption_dose_response`) beside the initiative's unit-level effect.

Totals over an initiative's units add up the units shown: a hidden unit (fewer than 5
licensed people, or its complement) is left out and counted in a note. Each initiative's
block carries data-initiative and data-month (the latest month shown); its totals carry
data-adoption (the column they add up or divide) and their raw data-value, the unit
table's rows data-unit and their cells data-column and data-value; the yearly saving from
idle seats is the ROI's own figure (data-metric).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dashboard import formatting as fmt
from dashboard import labels
from dashboard.charts import Bar, GoLive, Interval, Series, bar_chart, forest_plot, line_chart
from dashboard.data import Row, Snapshot
from dashboard.markup import column_value, esc, figure, metric, section_header, table

PANEL_ID = "page-adoption"
LEAD = (
    "Paid seats of each initiative's AI tool and who uses them, month by month: utilisation "
    "(active users ÷ seats, monthly and weekly), the seats idle in the month and their cost, "
    "and how light and heavy users' own outcomes differ from idle seat holders' in the same "
    "team and month. That last comparison is associational: the roll-out assigns the seats, "
    "people choose how much to use them; the initiative's difference-in-differences, shown "
    "beside it, is the identified effect."
)


def render(snapshot: Snapshot) -> str:
    initiatives = sorted({row["initiative_id"] for row in snapshot.adoption})
    if not initiatives:
        return section_header(
            "Adoption", "No AI-tool seat or usage exports were delivered for this publish."
        )
    return section_header("Adoption", LEAD) + "".join(
        _initiative(snapshot, initiative_id) for initiative_id in initiatives
    )


def _initiative(snapshot: Snapshot, initiative_id: str) -> str:
    rows = [r for r in snapshot.adoption if r["initiative_id"] == initiative_id]
    shown = [r for r in rows if not r["is_suppressed"]]
    info = snapshot.initiative(initiative_id) or {}
    name = info.get("initiative_name") or initiative_id
    latest = max((r["month_start"] for r in shown), default=None)
    current = [r for r in shown if r["month_start"] == latest]
    roi = snapshot.roi.get(initiative_id, {})
    month = latest.isoformat() if latest else ""
    return (
        f'<div class="block adoption" data-initiative="{esc(initiative_id)}" '
        f'data-month="{month}">'
        f"<h3>{esc(name)}</h3>"
        f'<p class="fine">Tool: {esc(rows[0]["tool"])}. {_hidden_note(rows)}</p>'
        + _kpis(initiative_id, current, latest, roi)
        + '<div class="grid">'
        + _utilisation_figure(shown)
        + _idle_figure(current, latest)
        + _dose_figure(snapshot, initiative_id)
        + "</div>"
        + _unit_table(current)
        + "</div>"
    )


def _total(rows: Sequence[Row], column: str) -> float:
    return float(sum(r[column] or 0 for r in rows))


def _ratio(rows: Sequence[Row], column: str) -> float | None:
    seats = _total(rows, "licensed_seats")
    return _total(rows, column) / seats if seats else None


def _kpis(initiative_id: str, current: list[Row], latest: date | None, roi: Row) -> str:
    if latest is None:
        return '<p class="muted">Every unit is hidden: fewer than 5 licensed people.</p>'
    month = fmt.month_name(latest)
    active = _total(current, "active_users")
    per_user = _total(current, "licence_cost") / active if active else None
    tiles = [
        (f"Utilisation, {month}", "utilisation", _ratio(current, "active_users"), fmt.percent),
        (
            f"Weekly active, {month}",
            "weekly_utilisation",
            _ratio(current, "weekly_active_users"),
            fmt.percent,
        ),
        (f"Idle seats, {month}", "idle_seats", _total(current, "idle_seats"), _count),
        (f"Idle seats' cost, {month}", "idle_seat_cost", _total(current, "idle_seat_cost"), _money),
        (f"Cost per active user, {month}", "cost_per_active_user", per_user, _money),
    ]
    cards = [
        (label, _total_value(column, value, shown(value))) for label, column, value, shown in tiles
    ]
    saving = roi.get("idle_seat_saving_annual")
    if saving is not None:
        key = f"{initiative_id}.idle_seat_saving_annual"
        cards.append(
            (
                "Saving from reclaiming idle seats, a year",
                metric(key, saving, fmt.money(saving), "kpi-value"),
            )
        )
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi"><div class="kpi-label">{esc(label)}</div>{value}</div>'
            for label, value in cards
        )
        + "</div>"
    )


def _total_value(column: str, value: float | None, text: str) -> str:
    raw = "null" if value is None else repr(float(value))
    return (
        f'<span class="kpi-value" data-adoption="{esc(column)}" data-value="{raw}">'
        f"{esc(text)}</span>"
    )


def _count(value: float | None) -> str:
    return fmt.NOT_AVAILABLE if value is None else f"{value:,.0f}"


def _money(value: float | None) -> str:
    return fmt.money(value)


def _share(value: float) -> str:
    return fmt.percent(value, signed=False, decimals=0)


def _utilisation_figure(shown: list[Row]) -> str:
    months = sorted({r["month_start"] for r in shown})
    by_month = {m: [r for r in shown if r["month_start"] == m] for m in months}
    series = [
        Series(label, _points(by_month, column), role)
        for label, column, role in (
            ("Monthly active ÷ seats", "active_users", "treated"),
            ("Weekly active ÷ seats", "weekly_active_users", "control"),
        )
    ]
    go_lives = sorted({r["go_live_date"] for r in shown if r["go_live_date"] is not None})
    go_live = GoLive(go_lives[0], go_lives[-1] if len(go_lives) > 1 else None) if go_lives else None
    svg = line_chart(series, title="Utilisation", value_format=_share, go_live=go_live)
    legend = [("", "Monthly active users ÷ seats"), ("control", "Weekly active users ÷ seats")]
    return figure(svg, "Utilisation over time", legend, "Units shown only; go-live marked.")


def _points(by_month: dict[date, list[Row]], column: str) -> list[tuple[date, float]]:
    points = ((m, _ratio(rows, column)) for m, rows in by_month.items())
    return [(m, value) for m, value in points if value is not None]


def _idle_figure(current: list[Row], latest: date | None) -> str:
    bars = [Bar(str(r["unit_id"]), float(r["idle_seat_cost"] or 0)) for r in current]
    month = fmt.month_name(latest) if latest else ""
    svg = bar_chart(bars, title="Idle seats' cost by unit", value_format=_money)
    return figure(svg, f"Idle seats' cost by unit, {month}", note="Their price for the month.")


def _dose_figure(snapshot: Snapshot, initiative_id: str) -> str:
    rows = [r for r in snapshot.dose_response if r["initiative_id"] == initiative_id]
    intervals = []
    for metric_name in sorted({r["metric_name"] for r in rows}):
        name = labels.metric(metric_name)
        for r in (r for r in rows if r["metric_name"] == metric_name):
            label = f"{name}: {r['intensity']} vs idle users"
            intervals.append(
                Interval(label, r["effect_pct"], r["ci_low_pct"], r["ci_high_pct"], "neutral")
            )
        unit = next(r for r in rows if r["metric_name"] == metric_name)
        intervals.append(
            Interval(
                f"{name}: whole units (difference-in-differences)",
                unit["unit_did_effect_pct"],
                unit["unit_did_ci_low_pct"],
                unit["unit_did_ci_high_pct"],
                "good",
            )
        )
    svg = forest_plot(intervals, title="Outcome by intensity of use", value_format=fmt.percent)
    return figure(
        svg,
        "Dose-response: outcome by intensity of use (associational)",
        [("neutral", "Light or heavy users against idle seat holders, same unit and month"),
         ("good", "Whole treated units against controls (identified)")],
        "Associational: people choose how much to use the tool. Relative differences with "
        "95% intervals clustered by person; no estimate where a group has fewer than 5 people.",
        wide=True,
    )  # fmt: skip


def _unit_table(current: list[Row]) -> str:
    columns = (
        ("Seats", "licensed_seats", _count),
        ("Active", "active_users", _count),
        ("Utilisation", "utilisation", fmt.percent),
        ("Weekly active", "weekly_utilisation", fmt.percent),
        ("Idle seats", "idle_seats", _count),
        ("Idle cost", "idle_seat_cost", _money),
        ("Light users", "light_users", _count),
        ("Heavy users", "heavy_users", _count),
    )
    body = [
        [esc(r["unit_id"])]
        + [column_value(column, r[column], shown(r[column])) for _, column, shown in columns]
        for r in current
    ]
    units = [{"unit": str(r["unit_id"])} for r in current]
    return table(["Unit", *(header for header, _, _ in columns)], body, row_data=units)


def _hidden_note(rows: list[Row]) -> str:
    hidden = sum(1 for r in rows if r["is_suppressed"])
    if not hidden:
        return "Every unit-month is shown."
    return (
        f"{hidden} unit-month{'s' if hidden != 1 else ''} hidden (fewer than 5 licensed people, "
        "or the unit that would give one away); totals add up the units shown."
    )
