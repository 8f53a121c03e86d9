"""At a glance: every initiative's ROI and NPV - measured to date apart from projected, with
the range of the simulation over the effects' uncertainty - payback and objectives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from dashboard import formatting as fmt
from dashboard import labels
from dashboard.charts import Bar, Interval, bar_chart, forest_plot
from dashboard.data import Row, Snapshot
from dashboard.labels import STATUS_ORDER
from dashboard.markup import badge, esc, figure, metric, section_header, sort_attribute

Show = Callable[[float | None], str]
HEADERS = (
    "Initiative",
    "ROI over the horizon",
    "Risk-adjusted ROI",
    "NPV over the horizon",
    "First-year ROI",
    "Payback",
    "Objectives",
)


def render(snapshot: Snapshot) -> str:
    ordered = sorted(snapshot.initiatives, key=lambda i: _sort_key(snapshot.roi, i))
    rows = "".join(_row(snapshot, initiative) for initiative in ordered)
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in HEADERS)
    return (
        section_header(
            "At a glance",
            "What each AI initiative is worth, measured against control groups rather than "
            "a plain before/after. Figures over the horizon add a projection to the months "
            "measured so far; both parts are shown apart. Ranges hold 90% of simulations "
            "that redraw every effect within its uncertainty.",
        )
        + _portfolio(snapshot)
        + f'<div class="table-wrap"><table class="glance"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>" + _assumptions(snapshot) + _charts(snapshot, ordered)
    )


def _sort_key(roi: dict[str, Row], initiative: Row) -> tuple[bool, float]:
    """Valued initiatives first, largest NPV first; the rest after them."""
    npv = roi.get(initiative["initiative_id"], {}).get("npv")
    return (npv is None, -(npv or 0.0))


def _portfolio(snapshot: Snapshot) -> str:
    valued = [r for r in snapshot.roi.values() if r.get("npv") is not None]
    npv = sum(r["npv"] for r in valued)
    to_date = sum(r["npv_to_date"] for r in valued)
    benefit = sum(r["annual_benefit_measured"] for r in valued)
    met = sum(o["objective_status"] == "met" for o in snapshot.objectives)
    total = len(snapshot.objectives)
    tiles = (
        (
            "Combined NPV, measured and projected",
            metric("portfolio.npv", npv, fmt.money(npv), "kpi-value"),
        ),
        (
            "Combined NPV to date, measured",
            metric("portfolio.npv_to_date", to_date, fmt.money(to_date), "kpi-value"),
        ),
        (
            "Measured benefit per year",
            metric("portfolio.annual_benefit_measured", benefit, fmt.money(benefit), "kpi-value"),
        ),
        (
            "Objectives met",
            metric("portfolio.objectives.met", met, f"{met} of {total}", "kpi-value"),
        ),
        (
            "Initiatives valued",
            f'<span class="kpi-value">{len(valued)} of {len(snapshot.initiatives)}</span>',
        ),
    )
    cards = "".join(
        f'<div class="kpi"><div class="kpi-label">{esc(label)}</div>{value}</div>'
        for label, value in tiles
    )
    return f'<div class="kpis">{cards}</div>'


def _row(snapshot: Snapshot, initiative: Row) -> str:
    initiative_id = initiative["initiative_id"]
    roi = snapshot.roi.get(initiative_id, {})
    name = (
        f'<th scope="row"><span class="name">{esc(initiative["initiative_name"])}</span>'
        f'<span class="sub">{esc(_rollout(initiative))}</span></th>'
    )
    summary = _objectives(snapshot, initiative_id)
    objectives = f"<td{sort_attribute(summary)}>{summary}</td>"
    if roi.get("roi") is None:
        note = roi.get("roi_note") or "No ROI computed for this initiative."
        return f'<tr>{name}<td colspan="5" class="note">{esc(note)}</td>{objectives}</tr>'
    cells = (
        _roi(initiative_id, roi),
        _single(initiative_id, roi, "roi_risk_adjusted", fmt.percent),
        _npv(initiative_id, roi),
        _first_year_roi(initiative_id, roi),
        _payback(initiative_id, roi),
    )
    tds = "".join(f"<td{sort_attribute(cell)}>{cell}</td>" for cell in cells)
    return f"<tr>{name}{tds}{objectives}</tr>"


def _rollout(initiative: Row) -> str:
    live = fmt.plural_units(initiative["unit_type"], int(initiative["treated_units"] or 0))
    since = initiative["first_go_live_date"]
    when = f" since {fmt.short_month(since)}" if since else ""
    return f"{live} of {initiative['population_units']} live{when}"


def _single(initiative_id: str, roi: Row, column: str, show: Show) -> str:
    return metric(f"{initiative_id}.{column}", roi[column], show(roi[column]), "big")


def _sub(initiative_id: str, roi: Row, label: str, column: str, show: Show) -> str:
    value = metric(f"{initiative_id}.{column}", roi[column], show(roi[column]))
    return f'<span class="sub">{esc(label)} {value}</span>'


def simulated_range(initiative_id: str, roi: Row, column: str, show: Show) -> str:
    """The 5th to 95th percentile of the simulated draws, or that there is none."""
    low, high = f"{column}_p5", f"{column}_p95"
    if roi[low] is None:
        return '<span class="sub">no range: an effect has no interval</span>'
    return (
        '<span class="sub">90% range '
        + metric(f"{initiative_id}.{low}", roi[low], show(roi[low]))
        + " to "
        + metric(f"{initiative_id}.{high}", roi[high], show(roi[high]))
        + "</span>"
    )


def _horizon(initiative_id: str, roi: Row) -> str:
    """How much of the horizon is measured and how much projected."""
    measured, projected = "months_measured", "months_projected"
    return (
        '<span class="sub">'
        + metric(f"{initiative_id}.{measured}", roi[measured], f"{roi[measured]:.0f}")
        + " months measured + "
        + metric(f"{initiative_id}.{projected}", roi[projected], f"{roi[projected]:.0f}")
        + " projected</span>"
    )


def _roi(initiative_id: str, roi: Row) -> str:
    chance = roi["probability_npv_positive"]
    positive = metric(
        f"{initiative_id}.probability_npv_positive", chance, fmt.percent(chance, signed=False)
    )
    return (
        _single(initiative_id, roi, "roi", fmt.percent)
        + _horizon(initiative_id, roi)
        + simulated_range(initiative_id, roi, "roi", fmt.percent)
        + (f'<span class="sub">chance NPV &gt; 0: {positive}</span>' if chance is not None else "")
        + _sub(initiative_id, roi, "to date, measured:", "roi_to_date", fmt.percent)
    )


def _npv(initiative_id: str, roi: Row) -> str:
    return (
        _single(initiative_id, roi, "npv", fmt.money)
        + simulated_range(initiative_id, roi, "npv", fmt.money)
        + _sub(initiative_id, roi, "to date, measured:", "npv_to_date", fmt.money)
        + _sub(initiative_id, roi, "rest of horizon, projected:", "npv_projected", fmt.money)
    )


def _first_year_roi(initiative_id: str, roi: Row) -> str:
    return (
        _single(initiative_id, roi, "first_year_roi", fmt.percent)
        + f'<span class="sub">{labels.first_year_basis(roi["months_measured"])}</span>'
        + simulated_range(initiative_id, roi, "first_year_roi", fmt.percent)
    )


def _payback(initiative_id: str, roi: Row) -> str:
    """Simple and discounted payback; one phrase for both when neither is reached."""
    horizon = roi.get("horizon_years")
    never = f"not within {horizon:g} years" if horizon else "not reached"
    simple, discounted = "payback_months_simple", "payback_months_discounted"
    if roi[simple] is None and roi[discounted] is None:
        return (
            metric(f"{initiative_id}.{simple}", None, never)
            + '<span class="sub">simple and '
            + metric(f"{initiative_id}.{discounted}", None, "discounted")
            + "</span>"
        )
    return "".join(
        f'<span class="pair">{metric(f"{initiative_id}.{column}", roi[column], text)}'
        f'<span class="sub-inline">{label}</span></span>'
        for column, label in ((simple, "simple"), (discounted, "discounted"))
        for text in [fmt.months(roi[column]) if roi[column] is not None else never]
    )


def _objectives(snapshot: Snapshot, initiative_id: str) -> str:
    objectives = snapshot.objectives_of(initiative_id)
    if not objectives:
        return '<span class="muted">No objectives set</span>'
    counts = Counter(o["objective_status"] for o in objectives)
    met = counts["met"]
    summary = metric(
        f"{initiative_id}.objectives.met", met, fmt.objectives_met(met, len(objectives))
    )
    others = "".join(
        f"{badge(status)} " if counts[status] == 1 else f"{badge(status)}\u00d7{counts[status]} "
        for status in STATUS_ORDER
        if status != "met" and counts[status]
    )
    return summary + (f'<span class="sub">{others}</span>' if others else "")


def _assumptions(snapshot: Snapshot) -> str:
    """One line on how the money figures are computed, from the registry's assumptions."""
    valued = [r for r in snapshot.roi.values() if r.get("roi") is not None]
    if not valued:
        return ""
    horizons = sorted({r["horizon_years"] for r in valued})
    rates = sorted({r["discount_rate"] for r in valued})
    haircuts = sorted({r["benefit_risk_haircut"] for r in valued})
    return (
        '<p class="fine">ROI and NPV over '
        f"{esc(' or '.join(f'{h:g}' for h in horizons))} years from the first go-live, "
        f"discounted at {esc(' or '.join(fmt.percent(r, signed=False) for r in rates))} a year; "
        "build and roll-out costs count up front. Risk-adjusted ROI cuts benefits by "
        f"{esc(' or '.join(fmt.percent(h, signed=False) for h in haircuts))}. Payback counts "
        "months from the first go-live until benefits have repaid the investment. Months "
        "after the latest complete month are projected at the run rate of the months when "
        "every unit was live. Each 90% range runs from the 5th to the 95th percentile of "
        "simulations that draw every effect from its sampling distribution (its 95% "
        "interval), independently and with a fixed seed; costs are taken as declared.</p>"
    )


def _charts(snapshot: Snapshot, ordered: list[Row]) -> str:
    """NPV and ROI side by side, each with its simulated 90% range."""
    valued = [
        (i["initiative_name"], roi)
        for i in ordered
        if (roi := snapshot.roi.get(i["initiative_id"], {})).get("roi") is not None
    ]
    if not valued:
        return ""
    npv = bar_chart(
        [Bar(name, r["npv"], r["npv_p5"], r["npv_p95"]) for name, r in valued],
        title="Net present value by initiative, measured and projected",
        value_format=fmt.money,
        range_name="90% range",
    )
    roi = forest_plot(
        [
            Interval(name, r["roi"], r["roi_p5"], r["roi_p95"], "good" if r["roi"] > 0 else "bad")
            for name, r in valued
        ],
        title="ROI by initiative, measured and projected",
        value_format=fmt.percent,
        range_name="90% range",
    )
    return (
        '<div class="grid">'
        + figure(
            npv,
            "Net present value over the horizon",
            legend=(("total", "NPV"), ("whisker", "90% range")),
        )
        + figure(
            roi,
            "Return on investment over the horizon",
            legend=(("good", "positive"), ("bad", "negative"), ("ci", "90% range")),
        )
        + "</div>"
    )
