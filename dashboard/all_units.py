"""Every unit of a family, covered by an initiative or not: the company's own measures
month by month, and each unit's latest 12 months, so the baseline is there before any
go-live."""

from __future__ import annotations

from dashboard import formatting as fmt
from dashboard import labels
from dashboard.charts import Series, line_chart
from dashboard.data import Row, Snapshot
from dashboard.markup import esc, figure, table, unit_value

MAX_CHARTS = 4
MAX_ROWS = 60  # per unit type; the rest is in overview.units and the metrics tables


def render(snapshot: Snapshot, family: str, trend_metrics: tuple[str, ...]) -> str:
    rows = [row for row in snapshot.unit_values if row["family"] == family]
    if not rows:
        return ""
    units = _units_per_type(rows)
    metrics = _ordered({row["metric_name"] for row in rows}, trend_metrics, snapshot)
    charted = [name for name in metrics if name in trend_metrics] or metrics
    charts = [_chart(snapshot, family, name, units) for name in charted[:MAX_CHARTS]]
    tables = [_unit_table(snapshot, unit_type, rows, metrics) for unit_type in units]
    described = ", ".join(fmt.plural_units(t, len(ids)) for t, ids in units.items())
    lead = (
        "With or without an initiative. Charts pool the units month by month (ratio of "
        "sums); tables give each unit's latest 12 months."
    )
    if family == "employee_satisfaction":
        lead += (
            " “Hidden”: every month rests on fewer than 5 people, or would reveal one that does."
        )
    return (
        f'<article class="block all-units"><h4>Every unit ({esc(described)})</h4>'
        f'<p class="sub">{esc(lead)}</p><div class="grid">{"".join(charts)}</div>'
        f"{''.join(tables)}</article>"
    )


def _units_per_type(rows: list[Row]) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for row in rows:
        ids = units.setdefault(row["unit_type"], [])
        if row["unit_id"] not in ids:
            ids.append(row["unit_id"])
    return units


def _ordered(names: set[str], first: tuple[str, ...], snapshot: Snapshot) -> list[str]:
    """The family's key metrics first, then the rest in catalogue order."""
    catalogue = list(snapshot.catalogue) or sorted(names)
    rest = [name for name in catalogue if name in names and name not in first]
    return [name for name in first if name in names] + rest + sorted(names - set(catalogue))


def _value_unit(snapshot: Snapshot, name: str) -> str:
    unit = (snapshot.catalogue.get(name) or {}).get("value_unit") or ""
    scale = snapshot.survey_scales.get(name)
    return unit.replace("survey scale", scale) if scale else unit


def _chart(snapshot: Snapshot, family: str, name: str, units: dict[str, list[str]]) -> str:
    """The metric pooled over its coarsest unit type (the one with fewest units: its
    cells are the largest, so the fewest are hidden)."""
    measured = [t for t in units if (family, name, t) in snapshot.all_units_monthly]
    title = labels.metric(name, snapshot.survey_scales.get(name))
    if not measured:
        return figure("", title)
    unit_type = min(measured, key=lambda t: len(units[t]))
    points = snapshot.all_units_monthly[(family, name, unit_type)]
    label = f"all {fmt.plural_units(unit_type, len(units[unit_type]))}"
    unit = _value_unit(snapshot, name)
    svg = line_chart(
        [Series(label, [(p.month, p.value) for p in points], "total")],
        title=f"{title}, monthly",
        value_format=lambda v: fmt.level(v, unit),
        go_live=None,
        hover_format=lambda v: fmt.level_with_unit(v, unit),
    )
    definition = (snapshot.catalogue.get(name) or {}).get("metric_definition") or ""
    return figure(svg, title, legend=[("total", label)], note=definition)


def _unit_table(snapshot: Snapshot, unit_type: str, rows: list[Row], metrics: list[str]) -> str:
    own = [row for row in rows if row["unit_type"] == unit_type]
    names = [name for name in metrics if any(row["metric_name"] == name for row in own)]
    by_unit: dict[str, dict[str, Row]] = {}
    for row in own:
        by_unit.setdefault(row["unit_id"], {})[row["metric_name"]] = row
    has_parent = any(row["parent_label"] for row in own)
    ordered = sorted(by_unit.items(), key=lambda item: (_parent(item[1]) or "", item[0]))
    body = [
        _unit_cells(snapshot, unit_type, unit_id, cells, names, has_parent)
        for unit_id, cells in ordered[:MAX_ROWS]
    ]
    headers = [fmt.plural_units(unit_type, 1).split(" ", 1)[1].capitalize()]
    headers += ["Part of"] if has_parent else []
    headers += [labels.metric(name, snapshot.survey_scales.get(name)) for name in names]
    more = len(ordered) - MAX_ROWS
    note = (
        f'<p class="sub">And {more} more: every unit is in overview.units and the metrics '
        "tables.</p>"
        if more > 0
        else ""
    )
    return table(headers, body, "units") + note


def _parent(cells: dict[str, Row]) -> str | None:
    return next(iter(cells.values()))["parent_label"]


def _unit_cells(
    snapshot: Snapshot,
    unit_type: str,
    unit_id: str,
    cells: dict[str, Row],
    names: list[str],
    has_parent: bool,
) -> list[str]:
    first = next(iter(cells.values()))
    label = first["unit_label"] or unit_id
    name = esc(label)
    if label != unit_id:
        name += f' <span class="sub-inline">({esc(unit_id)})</span>'
    values = []
    for metric_name in names:
        row = cells.get(metric_name)
        if row and row["is_hidden"]:
            values.append('<span class="hidden-cell">hidden</span>')
            continue
        value = row["value"] if row else None
        text = fmt.level(value, _value_unit(snapshot, metric_name))
        values.append(unit_value((unit_type, unit_id), metric_name, value, text))
    return [name, *([esc(_parent(cells) or "")] if has_parent else []), *values]
