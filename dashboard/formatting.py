"""Numbers as a manager reads them: $12.3M, $46,277, +20%, -35%, 4 months, 3 of 4 objectives
met.

Negative numbers get a true minus sign (U+2212), not a hyphen.

Every function takes the raw value (None when the serving file has none) and returns
plain text; escaping is the HTML layer's job.
"""

from __future__ import annotations

from datetime import date, datetime

CURRENCY = "$"
MINUS = "\u2212"  # a true minus sign: a hyphen is easy to miss in a column of numbers
NOT_AVAILABLE = "n/a"
_SCALES = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


def _sign(rounded: float, signed: bool) -> str:
    if rounded < 0:
        return MINUS
    return "+" if signed and rounded > 0 else ""


def _decimals(magnitude: float, *, whole_from: float) -> int:
    """One decimal for small numbers ($46.3M, 4.2%), none for large ones ($460M, 35%)."""
    return 0 if magnitude >= whole_from else 1


def _trim(text: str) -> str:
    """12.0 -> 12, 0.80 -> 0.8: trailing zeros add digits without adding information."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float | None, *, signed: bool = False) -> str:
    """$12.3M, $850K, -$1.2M, $480."""
    if value is None:
        return NOT_AVAILABLE
    magnitude = abs(value)
    scaled, suffix = magnitude, ""
    for threshold, letter in _SCALES:
        if round(magnitude / threshold, 1) >= 1:
            scaled, suffix = magnitude / threshold, letter
            break
    decimals = _decimals(scaled, whole_from=99.95) if suffix else 0
    text = _trim(f"{scaled:,.{decimals}f}")
    rounded = float(text.replace(",", "")) * (1 if value >= 0 else -1)
    return f"{_sign(rounded, signed)}{CURRENCY}{text}{suffix}"


def amount(value: float | None) -> str:
    """Money in full, where the exact figure matters more than its size: $46,277, and
    cents only below a hundred ($55.50)."""
    if value is None:
        return NOT_AVAILABLE
    decimals = 0 if abs(value) >= 99.995 or float(value).is_integer() else 2
    text = f"{abs(value):,.{decimals}f}"
    rounded = float(text.replace(",", "")) * (1 if value >= 0 else -1)
    return f"{_sign(rounded, False)}{CURRENCY}{text}"


def percent(value: float | None, *, signed: bool = True, decimals: int | None = None) -> str:
    """A share or relative change: +20%, -35%, 4.2%, +1,168%."""
    if value is None:
        return NOT_AVAILABLE
    hundred = value * 100
    places = _decimals(abs(hundred), whole_from=9.95) if decimals is None else decimals
    text = _trim(f"{abs(hundred):,.{places}f}")
    rounded = float(text.replace(",", "")) * (1 if hundred >= 0 else -1)
    return f"{_sign(rounded, signed)}{text}%"


def number(value: float | None, *, decimals: int = 1, signed: bool = False) -> str:
    if value is None:
        return NOT_AVAILABLE
    text = f"{abs(value):,.{decimals}f}"
    rounded = float(text.replace(",", "")) * (1 if value >= 0 else -1)
    return f"{_sign(rounded, signed)}{text}"


def months(value: int | float | None) -> str:
    if value is None:
        return NOT_AVAILABLE
    count = round(value)
    return f"{count} month" if count == 1 else f"{count} months"


def objectives_met(met: int, total: int) -> str:
    return f"{met} of {total} objective met" if total == 1 else f"{met} of {total} objectives met"


def month_name(value: date | None) -> str:
    return value.strftime("%B %Y") if value else NOT_AVAILABLE


def short_month(value: date) -> str:
    return value.strftime("%b %Y")


def timestamp(value: datetime) -> str:
    return f"{value.day} {value:%B %Y, %H:%M}"


def level(value: float | None, value_unit: str) -> str:
    """A metric's level in its own unit (value_unit from the metric catalogue)."""
    if value is None:
        return NOT_AVAILABLE
    if value_unit.startswith("share"):
        return percent(value, signed=False, decimals=1 if abs(value) >= 0.01 else 2)
    if value_unit == "currency":
        return money(value)
    if value_unit.startswith("points ("):  # a Likert mean such as 3.41, on its survey's scale
        return number(value, decimals=2)
    suffix = {"minutes": " min", "days": " days"}.get(value_unit, "")
    decimals = 0 if abs(value) >= 99.95 else 1 if abs(value) >= 1 else 2
    return f"{number(value, decimals=decimals)}{suffix}"


def level_with_unit(value: float | None, value_unit: str) -> str:
    """A level with its unit in words where `level` shows no sign of it: 41.2 tasks per
    month, 3.41 points (1-5); $1.2M, 18.3 min and 4.2% as `level` has them."""
    text = level(value, value_unit)
    signed = value_unit.startswith("share") or value_unit in ("currency", "minutes", "days")
    return text if value is None or signed or not value_unit else f"{text} {value_unit}"


def change(value: float | None, *, in_points: bool) -> str:
    """An effect or a change: relative (+20%) or, for scores, in points (+0.34 pts)."""
    if value is None:
        return NOT_AVAILABLE
    if in_points:
        decimals = 2 if abs(value) < 10 else 1
        return f"{number(value, decimals=decimals, signed=True)} pts"
    return percent(value)


def absolute_change(value: float | None) -> str:
    """An effect in the metric's own unit, signed: +3.69, -21.2, +1,250."""
    if value is None:
        return NOT_AVAILABLE
    magnitude = abs(value)
    return number(value, decimals=2 if magnitude < 10 else 1 if magnitude < 100 else 0, signed=True)


_UNIT_NAMES = {
    "production_line": ("line", "lines"),
    "support_team": ("team", "teams"),
    "region": ("region", "regions"),
    "department": ("department", "departments"),
    "team": ("team", "teams"),
    "rnd_team": ("R&D team", "R&D teams"),
}


def unit_name(unit_type: str) -> str:
    """'line', 'R&D team': one unit of the roll-out as people call it."""
    return _UNIT_NAMES.get(unit_type, ("unit", "units"))[0]


def plural_units(unit_type: str, count: int) -> str:
    """'4 lines', '1 region': the roll-out's units as people call them."""
    singular, plural = _UNIT_NAMES.get(unit_type, ("unit", "units"))
    return f"{count} {singular if count == 1 else plural}"
