"""Case study: the vision inspection initiative, told with its own numbers."""

from __future__ import annotations

from dashboard import formatting as fmt
from dashboard import labels
from dashboard.charts import Bar, bar_chart
from dashboard.data import Row, Snapshot
from dashboard.families import (
    benefit_table,
    metric_trend,
    poor_quality_chart,
    rollout_sentence,
)
from dashboard.glance import simulated_range
from dashboard.markup import badge, esc, figure, metric, section_header

INITIATIVE_ID = "vision-qc"
CLAIMS_STREAM = "claims_cost_avoided"


def render(snapshot: Snapshot) -> str:
    initiative = snapshot.initiative(INITIATIVE_ID)
    if initiative is None:
        return section_header(
            "Case study", "The vision inspection initiative is not in this publish."
        )
    roi = snapshot.roi.get(INITIATIVE_ID, {})
    streams = [s for s in snapshot.benefit_streams if s["initiative_id"] == INITIATIVE_ID]
    claims = next((s for s in streams if s["benefit_stream"] == CLAIMS_STREAM), None)
    defects = snapshot.effect(INITIATIVE_ID, "defective_rate")
    speed = snapshot.effect(INITIATIVE_ID, "production_speed")
    return (
        section_header(
            f"Case study: {initiative['initiative_name']}",
            f"{initiative['initiative_description'] or ''} {rollout_sentence(initiative)}",
        )
        + _kpis(defects, speed, claims, roi)
        + f'<div class="story">{_narrative(initiative, defects, speed, claims, roi, streams)}</div>'
        + _charts(snapshot, initiative, defects, speed, streams)
        + (benefit_table(streams) if streams else "")
        + _objectives(snapshot)
    )


def _effect_kpi(effect: Row | None, label: str) -> tuple[str, str]:
    if effect is None or effect["did_effect_pct"] is None:
        return label, '<span class="kpi-value muted">no estimate</span>'
    key = f"{INITIATIVE_ID}.{effect['metric_name']}"
    value = metric(
        f"{key}.did_effect_pct",
        effect["did_effect_pct"],
        fmt.percent(effect["did_effect_pct"]),
        "kpi-value",
    )
    interval = (
        '<span class="sub">95% interval '
        + metric(
            f"{key}.did_ci_low_pct", effect["did_ci_low_pct"], fmt.percent(effect["did_ci_low_pct"])
        )
        + " to "
        + metric(
            f"{key}.did_ci_high_pct",
            effect["did_ci_high_pct"],
            fmt.percent(effect["did_ci_high_pct"]),
        )
        + "</span>"
    )
    return label, value + interval


def _kpis(defects: Row | None, speed: Row | None, claims: Row | None, roi: Row) -> str:
    tiles = [
        _effect_kpi(defects, "Defective rate"),
        _effect_kpi(speed, "Production speed"),
    ]
    if claims:
        key = f"{INITIATIVE_ID}.benefit.{CLAIMS_STREAM}.annual"
        tiles.append(
            (
                "Recall and warranty claims saved per year",
                metric(key, claims["annual"], fmt.money(claims["annual"]), "kpi-value claims"),
            )
        )
    if roi.get("first_year_roi") is not None:
        tiles.append(
            (
                "First-year ROI, " + labels.first_year_basis(roi["months_measured"]),
                metric(
                    f"{INITIATIVE_ID}.first_year_roi",
                    roi["first_year_roi"],
                    fmt.percent(roi["first_year_roi"]),
                    "kpi-value",
                )
                + simulated_range(INITIATIVE_ID, roi, "first_year_roi", fmt.percent),
            )
        )
    cards = "".join(
        f'<div class="kpi"><div class="kpi-label">{esc(label)}</div>{value}</div>'
        for label, value in tiles
    )
    return f'<div class="kpis" id="case-kpis">{cards}</div>'


def _effect_sentence(effect: Row | None, subject: str, *, first: bool) -> str:
    """What happened to one measure, in words. The first sentence also says what it is
    compared with, and what a plain before/after would have claimed."""
    if effect is None or effect["did_effect_pct"] is None:
        return f"There is not yet enough data to say what happened to {subject}."
    interval = (
        f"95% interval {fmt.percent(effect['did_ci_low_pct'])} "
        f"to {fmt.percent(effect['did_ci_high_pct'])}"
    )
    if effect["verdict"] == "no clear effect":
        return f"{subject.capitalize()} shows no clear change due to the AI ({interval})."
    moved = "fell" if effect["did_effect_pct"] < 0 else "rose"
    size = fmt.percent(abs(effect["did_effect_pct"]), signed=False)
    if not first:
        return f"{subject.capitalize()} {moved} by {size} ({interval})."
    naive = effect["naive_change_pct"]
    contrast = (
        f" A plain before/after comparison would say {fmt.percent(naive)}, crediting the AI "
        "with changes the other lines saw too."
        if naive is not None
        else ""
    )
    return (
        "Compared with what the lines without the AI suggest would have happened anyway, "
        f"{subject} {moved} by {size} ({interval}).{contrast}"
    )


def _narrative(
    initiative: Row,
    defects: Row | None,
    speed: Row | None,
    claims: Row | None,
    roi: Row,
    streams: list[Row],
) -> str:
    paragraphs = [
        _effect_sentence(defects, "the share of defective units", first=True)
        + " "
        + _effect_sentence(speed, "production speed", first=False),
    ]
    if claims:
        others = [s for s in streams if s["benefit_stream"] != CLAIMS_STREAM]
        extra = " and ".join(
            f"{fmt.money(s['annual'])} from {labels.stream(s['benefit_stream']).lower()}"
            for s in others
        )
        paragraphs.append(
            "Fewer defective units reaching customers means fewer recalls and warranty "
            f"claims: about {fmt.money(claims['annual'])} a year avoided"
            + (f", on top of {extra}." if extra else ".")
        )
    if roi.get("first_year_roi") is not None:
        upfront = (initiative["development_cost"] or 0) + (initiative["implementation_cost"] or 0)
        returned = "returned" if roi["months_measured"] >= 12 else "is projected to return"
        paragraphs.append(
            f"Against {fmt.money(upfront)} to build and roll out and "
            f"{fmt.money(initiative['running_cost_monthly'])} a month to run, the first year "
            f"{returned} {fmt.percent(roi['first_year_roi'])} on its cost.{_paid_back(roi)}"
        )
    return "".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def _paid_back(roi: Row) -> str:
    """When the investment was repaid, or is projected to be, in a sentence."""
    payback = roi.get("payback_months_simple")
    if payback is None:
        return ""
    if payback <= roi["months_measured"]:
        return f" It paid for itself in {fmt.months(payback)}."
    return f" On projection, it pays for itself in {fmt.months(payback)}."


def _charts(
    snapshot: Snapshot,
    initiative: Row,
    defects: Row | None,
    speed: Row | None,
    streams: list[Row],
) -> str:
    figures = [metric_trend(snapshot, initiative, e) for e in (defects, speed) if e is not None]
    figures.append(poor_quality_chart(snapshot, initiative))
    if streams:
        bars = [
            Bar(labels.stream(s["benefit_stream"]), s["annual"], s["annual_low"], s["annual_high"])
            for s in streams
        ]
        figures.append(
            figure(
                bar_chart(bars, title="Benefit per year by stream", value_format=fmt.money),
                "Benefit per year, by stream",
                legend=(("total", "per year"), ("whisker", "range")),
            )
        )
    return f'<div class="grid">{"".join(figures)}</div>'


def _objectives(snapshot: Snapshot) -> str:
    items = "".join(
        f"<li>{badge(o['objective_status'])} {esc(labels.metric(o['metric_name']))}: "
        f"{esc(_target_and_measure(snapshot, o))}</li>"
        for o in snapshot.objectives_of(INITIATIVE_ID)
    )
    return f'<h3>Objectives</h3><ul class="objectives">{items}</ul>' if items else ""


def _target_and_measure(snapshot: Snapshot, objective: Row) -> str:
    """A change objective against its attributed effect; a level one against its level."""
    if objective["objective_kind"] == "level":
        unit = snapshot.catalogue.get(objective["metric_name"], {}).get("value_unit", "")
        return (
            f"target {fmt.level(objective['target_level'], unit)} by month "
            f"{objective['by_month_after_go_live']} after go-live, "
            f"measured {fmt.level(objective['achieved_level'], unit)}"
        )
    return (
        f"target {fmt.percent(objective['target_effect_pct'])} by "
        f"{fmt.month_name(objective['deadline_date'])}, "
        f"measured {fmt.percent(objective['attributed_effect_pct'])}"
    )
