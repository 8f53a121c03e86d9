"""Small inline-SVG charts drawn in Python: the page needs no script, library or network.

Colours come from CSS classes in the page's stylesheet, so the single accent colour and
the print styles reach the charts too. Every data mark is a `<path class="mark ...">`:
a chart with no such path drew nothing. Every mark holds a `<title>`, the browser's
tooltip on hover: what it is, its value and unit. Row labels (initiative names) wrap
onto a few lines rather than being cut; one still too long ends in an ellipsis and holds
its full text in a `<title>`. Charts with nothing to draw return "" and the caller says
so in words instead of showing an empty frame.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

Formatter = Callable[[float], str]

# About the width a chart gets in a two-column grid, so text shows near its CSS size.
WIDTH = 520
FONT_WIDTH = 6.0  # average glyph width at 11px, to keep labels inside their column
LINE_HEIGHT = 13.0  # of a wrapped row label, at 11px
LABEL_LINES = 4  # a row label wraps onto at most this many lines
SPARSE = 16  # series with fewer points (quarterly surveys) show a dot on each point


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]
    role: str  # CSS class: "treated", "control" or "total"


@dataclass(frozen=True)
class GoLive:
    """First go-live, and the last one when the roll-out was staggered."""

    first: date
    last: date | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float | None
    low: float | None
    high: float | None
    tone: str  # CSS class: "good", "bad" or "neutral"


@dataclass(frozen=True)
class Tied:
    """A number a chart draws, with the data-metric key that ties it to the serving file
    (see the dashboard package docstring)."""

    value: float
    key: str


@dataclass(frozen=True)
class EventCoefficient:
    """The effect in one month relative to go-live, with its 95% interval where known."""

    months: int  # since go-live: -1 is the month before, 0 the go-live month
    estimate: Tied
    low: Tied | None
    high: Tied | None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 x 10^k apart) covering [low, high]."""
    if not high > low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    return [start + i * step for i in range(round((stop - start) / step) + 1)]


def _f(value: float) -> str:
    return f"{value:.1f}"


def _svg(height: float, title: str, body: list[str], width: float = WIDTH) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" class="{css}">{escape(text)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<path class="{css}" d="M{_f(x1)},{_f(y1)}H{_f(x2)}V{_f(y2)}"/>'


def _wrap(label: str, width: float) -> list[str]:
    """The label in lines of at most `width`, broken between words (a word longer than a
    line is broken inside); past LABEL_LINES lines the last one ends in an ellipsis."""
    limit = max(4, int(width / FONT_WIDTH))
    lines: list[str] = []
    for word in label.split():
        for chunk in (word[i : i + limit] for i in range(0, len(word), limit)):
            if lines and len(lines[-1]) + 1 + len(chunk) <= limit:
                lines[-1] += f" {chunk}"
            else:
                lines.append(chunk)
    if len(lines) <= LABEL_LINES:
        return lines or [""]
    rest = " ".join(lines[LABEL_LINES - 1 :])
    return [*lines[: LABEL_LINES - 1], rest[: limit - 1].rstrip() + "\u2026"]


def _row_label(x: float, middle: float, label: str, width: float) -> str:
    """A row's label right-aligned at `x`, its lines centred on `middle`; a shortened
    label keeps its full text as a tooltip."""
    lines = _wrap(label, width)
    first = middle + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = "".join(
        f'<tspan x="{_f(x)}" y="{_f(first + number * LINE_HEIGHT)}">{escape(line)}</tspan>'
        for number, line in enumerate(lines)
    )
    shortened = " ".join(lines) != " ".join(label.split())
    tooltip = f"<title>{escape(label)}</title>" if shortened else ""
    return f'<text text-anchor="end" class="row-label">{tooltip}{spans}</text>'


_TRAILING_ZEROS = re.compile(r"(\d)\.(\d*?)0+(?=\D*$)")


def _tick_labels(ticks: list[float], value_format: Formatter) -> list[str]:
    """Tick labels in the chart's own format, without trailing zeros (10.0 -> 10). Where
    that format is too coarse for the step ($2.5K five times), plain numbers instead."""
    labels = [_TRAILING_ZEROS.sub(_drop_zeros, value_format(tick)) for tick in ticks]
    if len(set(labels)) == len(labels):
        return labels
    decimals = _decimals(ticks[1] - ticks[0])
    return [f"{tick:,.{decimals}f}".replace("-", "\u2212") for tick in ticks]


def _decimals(step: float) -> int:
    """Decimals that show a tick step exactly: 0.25 needs 2, 2e-9 needs 9, 25 needs 0."""
    exponent = math.floor(math.log10(step))
    mantissa = round(step / 10**exponent, 6)  # 1, 2, 2.5 or 5: nice_ticks' steps
    return max(0, -exponent + (0 if mantissa.is_integer() else 1))


def _drop_zeros(match: re.Match[str]) -> str:
    return match[1] + (f".{match[2]}" if match[2] else "")


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _month_label(month: date, span: int) -> str | None:
    """Quarter starts on long charts (Jan with its year), every month on short ones."""
    if span > 8 and month.month not in (1, 4, 7, 10):
        return None
    return month.strftime("%b %Y") if month.month == 1 or span <= 8 else month.strftime("%b")


def _polyline(points: list[tuple[float, float]]) -> str:
    """Consecutive points joined, also across months without data (quarterly surveys,
    months without launches): the gap is a missing reading, not a zero."""
    return "".join(
        f"{'L' if number else 'M'}{_f(x)},{_f(y)}" for number, (x, y) in enumerate(points)
    )


def _circle(x: float, y: float, radius: float) -> str:
    """Path data of a circle (every data mark is a path)."""
    return (
        f"M{_f(x - radius)},{_f(y)}a{radius:g},{radius:g} 0 1,0 {2 * radius:g},0"
        f"a{radius:g},{radius:g} 0 1,0 {-2 * radius:g},0Z"
    )


def _mark(d: str, css: str, tooltip: str) -> str:
    """A data mark whose tooltip (its title) says what it is, with value and unit."""
    return f'<path class="{css}" d="{d}"><title>{escape(tooltip)}</title></path>'


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    value_format: Formatter,
    go_live: GoLive | None,
    hover_format: Formatter | None = None,
) -> str:
    """Monthly series on one axis, with the go-live marked (and the roll-out shaded).
    Each month is a point whose tooltip gives series, month and value (`hover_format`,
    which may name the unit the axis leaves out; `value_format` by default); a point
    shows on hover, or always on a sparse series."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return ""
    height, left, right, top, bottom = 220.0, 58.0, 12.0, 18.0, 28.0
    months = sorted({_month_index(m) for s in drawn for m, _ in s.points})
    first, last = months[0], max(months[-1], months[0] + 1)
    values = [v for s in drawn for _, v in s.points]
    ticks = nice_ticks(min(values), max(values))

    def x(index: int) -> float:
        return left + (index - first) / (last - first) * (WIDTH - left - right)

    def y(value: float) -> float:
        share = (value - ticks[0]) / (ticks[-1] - ticks[0])
        return top + (1 - share) * (height - top - bottom)

    body = [_go_live_marks(go_live, x, first, last, top, height - bottom)]
    for tick, label in zip(ticks, _tick_labels(ticks, value_format), strict=True):
        body.append(_line(left, y(tick), WIDTH - right, y(tick), "gridline"))
        body.append(_text(left - 6, y(tick) + 4, label, "tick", "end"))
    span = last - first
    for index in range(first, last + 1):
        month = date(index // 12, index % 12 + 1, 1)
        label = _month_label(month, span)
        if label:
            body.append(_text(x(index), height - 8, label, "tick", "middle"))
    hover = hover_format or value_format
    for s in drawn:
        ordered = sorted(s.points)
        points = [(x(_month_index(m)), y(v)) for m, v in ordered]
        body.append(_mark(_polyline(points), f"mark line {s.role}", f"{s.label}, {title}"))
        css = f"mark point {s.role}" + ("" if len(points) < SPARSE else " on-hover")
        body.extend(
            _mark(_circle(px, py, 2.5), css, f"{s.label}, {month:%b %Y}: {hover(value)}")
            for (px, py), (month, value) in zip(points, ordered, strict=True)
        )
    return _svg(height, title, body)


def _go_live_marks(
    go_live: GoLive | None,
    x: Callable[[int], float],
    first: int,
    last: int,
    top: float,
    bottom: float,
) -> str:
    if go_live is None or not first <= _month_index(go_live.first) <= last:
        return ""
    start = x(_month_index(go_live.first))
    marks = []
    if go_live.last and go_live.last > go_live.first:
        end = x(min(_month_index(go_live.last), last))
        marks.append(
            f'<path class="rollout" d="M{_f(start)},{_f(top)}H{_f(end)}V{_f(bottom)}'
            f'H{_f(start)}Z"/>'
        )
    marks.append(f'<path class="go-live" d="M{_f(start)},{_f(top)}V{_f(bottom)}"/>')
    marks.append(_text(start + 4, top - 6, "Go-live", "go-live-label"))
    return "".join(marks)


def _label_width(labels: Sequence[str], width: float) -> float:
    """Room for row labels: 170 (240 on a wide chart), more where a label would not fit
    on LABEL_LINES lines, up to 45% of the chart."""
    base = 240.0 if width > WIDTH else 170.0
    for candidate in (base, base + 60, 0.45 * width):
        if all(not _wrap(label, candidate - 14)[-1].endswith("\u2026") for label in labels):
            return candidate
    return candidate


def _row_layout(labels: Sequence[str], label_width: float) -> tuple[float, float]:
    """Height of a row-per-item chart and of each row: taller rows where a label wraps."""
    lines = max(len(_wrap(label, label_width - 14)) for label in labels)
    row = max(30.0, lines * LINE_HEIGHT + 10)
    return 16.0 + len(labels) * row + 26.0, row


def _range_words(
    range_name: str, low: float | None, high: float | None, value_format: Formatter
) -> str:
    if low is None or high is None:
        return ""
    return f" ({range_name} {value_format(low)} to {value_format(high)})"


def bar_chart(
    bars: Sequence[Bar], *, title: str, value_format: Formatter, range_name: str = "range"
) -> str:
    """Horizontal bars from zero, with the low-high range as a whisker where known; a
    bar's tooltip gives its label, value and range (named `range_name`)."""
    if not bars:
        return ""
    label_width, value_width = _label_width([bar.label for bar in bars], WIDTH), 64.0
    height, row = _row_layout([bar.label for bar in bars], label_width)
    ends = [0.0] + [v for b in bars for v in (b.value, b.low, b.high) if v is not None]
    ticks = nice_ticks(min(ends), max(ends))

    def x(value: float) -> float:
        share = (value - ticks[0]) / (ticks[-1] - ticks[0])
        return label_width + share * (WIDTH - label_width - value_width)

    body = [_axis(ticks, x, 16.0, height - 26.0, value_format)]
    for number, bar in enumerate(bars):
        middle = 16.0 + (number + 0.5) * row
        left, right = sorted((x(0.0), x(bar.value)))
        shape = (
            f"M{_f(left)},{_f(middle - 8)}H{_f(max(right, left + 1))}V{_f(middle + 8)}H{_f(left)}Z"
        )
        words = _range_words(range_name, bar.low, bar.high, value_format)
        body.append(_mark(shape, "mark bar", f"{bar.label}: {value_format(bar.value)}{words}"))
        if bar.low is not None and bar.high is not None:
            body.append(_whisker(x(bar.low), x(bar.high), middle))
        body.append(_row_label(label_width - 10, middle, bar.label, label_width - 14))
        body.append(_text(WIDTH - 4, middle + 4, value_format(bar.value), "value", "end"))
    return _svg(height, title, body)


def _whisker(start: float, end: float, middle: float) -> str:
    return (
        f'<path class="whisker" d="M{_f(start)},{_f(middle)}H{_f(end)}'
        f"M{_f(start)},{_f(middle - 5)}V{_f(middle + 5)}"
        f'M{_f(end)},{_f(middle - 5)}V{_f(middle + 5)}"/>'
    )


def _axis(
    ticks: list[float], x: Callable[[float], float], top: float, bottom: float, fmt: Formatter
) -> str:
    """Vertical grid lines with their labels below, and the zero line drawn stronger."""
    parts = []
    for tick, label in zip(ticks, _tick_labels(ticks, fmt), strict=True):
        css = "zero" if abs(tick) < 1e-12 else "gridline"
        parts.append(f'<path class="{css}" d="M{_f(x(tick))},{_f(top)}V{_f(bottom)}"/>')
        parts.append(_text(x(tick), bottom + 16, label, "tick", "middle"))
    return "".join(parts)


def forest_plot(
    rows: Sequence[Interval],
    *,
    title: str,
    value_format: Formatter,
    width: float = WIDTH,
    range_name: str = "95% interval",
) -> str:
    """One row per estimate: its interval (named `range_name`) as a line, the estimate
    as a dot, zero as the reference. Rows without an estimate are named, not drawn."""
    if not any(r.estimate is not None for r in rows):
        return ""
    label_width, value_width = _label_width([r.label for r in rows], width), 64.0
    height, row = _row_layout([r.label for r in rows], label_width)
    ends = [0.0] + [v for r in rows for v in (r.estimate, r.low, r.high) if v is not None]
    ticks = nice_ticks(min(ends), max(ends))

    def x(value: float) -> float:
        share = (value - ticks[0]) / (ticks[-1] - ticks[0])
        return label_width + share * (width - label_width - value_width)

    body = [_axis(ticks, x, 16.0, height - 26.0, value_format)]
    for number, interval in enumerate(rows):
        middle = 16.0 + (number + 0.5) * row
        body.append(_row_label(label_width - 10, middle, interval.label, label_width - 14))
        if interval.estimate is None:
            body.append(_text(x(0.0) + 6, middle + 4, "no estimate", "muted"))
            continue
        text = value_format(interval.estimate)
        words = _range_words(range_name, interval.low, interval.high, value_format)
        tooltip = f"{interval.label}: {text}{words}"
        if interval.low is not None and interval.high is not None:
            line = f"M{_f(x(interval.low))},{_f(middle)}H{_f(x(interval.high))}"
            body.append(_mark(line, f"mark ci {interval.tone}", tooltip))
        dot = _circle(x(interval.estimate), middle, 5)
        body.append(_mark(dot, f"mark dot {interval.tone}", tooltip))
        body.append(_text(width - 4, middle + 4, text, f"value {interval.tone}", "end"))
    return _svg(height, title, body, width)


# Small multiples: three to a row of the page.
EVENT_WIDTH = 320.0


def event_study_chart(
    coefficients: Sequence[EventCoefficient],
    *,
    title: str,
    value_format: Formatter,
    month_format: Formatter,
) -> str:
    """The effect month by month around go-live: a dot per month with its 95% interval as
    a whisker, zero as the reference line, go-live marked between months -1 and 0.
    `month_format` labels a month relative to go-live ("-3", "+6").

    Every dot and whisker end carries data-metric and data-value, and a tooltip that
    starts with the number it draws. Intervals can reach far beyond the estimates (a
    relative effect on a few events a month): the axis stops one estimate-span beyond
    them, and a longer whisker ends in an arrow at its edge."""
    if not coefficients:
        return ""
    height, left, right, top, bottom = 170.0, 46.0, 10.0, 18.0, 26.0
    months = [c.months for c in coefficients]
    first, last = min(*months, -1), max(*months, 0)
    estimates = [0.0] + [c.estimate.value for c in coefficients]
    span = (max(estimates) - min(estimates)) or 1.0
    floor, ceiling = min(estimates) - span, max(estimates) + span
    ends = [t.value for c in coefficients for t in (c.low, c.high) if t]
    ticks = nice_ticks(
        max(min(estimates + ends), floor), min(max(estimates + ends), ceiling), count=4
    )

    def x(month: float) -> float:
        return left + (month - first + 0.5) / (last - first + 1) * (EVENT_WIDTH - left - right)

    def y(value: float) -> float:
        share = (value - ticks[0]) / (ticks[-1] - ticks[0])
        return top + (1 - min(max(share, 0.0), 1.0)) * (height - top - bottom)

    body = []
    for tick, label in zip(ticks, _tick_labels(ticks, value_format), strict=True):
        css = "zero" if abs(tick) < 1e-12 else "gridline"
        body.append(_line(left, y(tick), EVENT_WIDTH - right, y(tick), css))
        body.append(_text(left - 6, y(tick) + 4, label, "tick", "end"))
    for month in range(first, last + 1):
        if month % 3 == 0:
            body.append(_text(x(month), height - 8, month_format(month), "tick", "middle"))
    go_live = x(-0.5)
    body.append(f'<path class="go-live" d="M{_f(go_live)},{_f(top)}V{_f(height - bottom)}"/>')
    body.append(_text(go_live + 4, top - 6, "Go-live", "go-live-label"))
    limits = (ticks[0], ticks[-1])
    for c in coefficients:
        body.extend(_event_marks(c, x(c.months), y, limits, value_format, month_format))
    return _svg(height, title, body, EVENT_WIDTH)


def _event_marks(
    c: EventCoefficient,
    x: float,
    y: Callable[[float], float],
    limits: tuple[float, float],
    value_format: Formatter,
    month_format: Formatter,
) -> list[str]:
    """A month's whisker, its two ends (an arrow where cut at the axis) and its dot."""
    period = "pre" if c.months < 0 else "post"
    month = f"month {month_format(c.months)}"
    marks = []
    if c.low and c.high:
        interval = f"95% interval {value_format(c.low.value)} to {value_format(c.high.value)}"
        line = f"M{_f(x)},{_f(y(c.low.value))}V{_f(y(c.high.value))}"
        marks.append(_mark(line, f"mark ci {period}", f"{interval}, {month}"))
        for end, words, outward in ((c.low, "lower", 1), (c.high, "upper", -1)):
            at = y(end.value)
            cap = f"M{_f(x - 3)},{_f(at)}H{_f(x + 3)}"
            if not limits[0] <= end.value <= limits[1]:
                back = at - 4 * outward
                cap = f"M{_f(x - 3)},{_f(back)}L{_f(x)},{_f(at)}L{_f(x + 3)},{_f(back)}"
            tooltip = f"{value_format(end.value)}: {words} end of the 95% interval, {month}"
            marks.append(_tied(cap, f"whisker {period}", end, tooltip))
    dot = _circle(x, y(c.estimate.value), 3.0)
    tooltip = f"{value_format(c.estimate.value)}, {month}"
    marks.append(_tied(dot, f"mark dot {period}", c.estimate, tooltip))
    return marks


def _tied(d: str, css: str, tied: Tied, tooltip: str) -> str:
    """A mark tied to the serving file; its tooltip (its text content) shows the number."""
    return (
        f'<path class="{css}" d="{d}" data-metric="{escape(tied.key)}" '
        f'data-value="{float(tied.value)!r}"><title>{escape(tooltip)}</title></path>'
    )
