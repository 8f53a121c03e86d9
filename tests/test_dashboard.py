"""The managers' dashboard, opened in a real headless Chromium: it renders offline without
errors, every chart draws, and every headline number is the serving file's."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import duckdb
import numpy as np
import pytest

from dashboard import build_dashboard
from ingestion.settings import PROJECT_ROOT
from tests.helpers import TEST_KEY, feedback_csv, write_text

pytestmark = pytest.mark.e2e

MINUS = "\u2212"
# A formatted number as the page shows it: $1.2M, +20%, 3.41, 18.3 min, 4 months (a
# negative one starts with U+2212, the minus sign).
NUMBER = re.compile(
    r"^(?P<sign>[+\u2212])?(?P<currency>\$)?(?P<digits>\d[\d,]*(?:\.(?P<decimals>\d+))?)"
    r"(?P<scale>[KMB])?(?P<percent>%)?"
)
SCALES = {None: 1.0, "K": 1e3, "M": 1e6, "B": 1e9}
IDENTIFIER = re.compile(r"^[a-z0-9_]+$")


# --- browser ---------------------------------------------------------------------------


class PageLog:
    """Everything a page did that a user would not see: console errors, failed or
    external requests."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def assert_clean(self) -> None:
        assert self.errors == []
        external = [u for u in self.requests if not u.startswith(("file://", "data:"))]
        assert external == [], "the page must work offline"


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(page)
    page.goto(path.as_uri())
    return page, log


# --- screenshots ---------------------------------------------------------------------


def decode_png(data: bytes) -> np.ndarray:
    """8-bit RGB(A) PNG to pixels: zlib and the five row filters (no imaging library)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, compressed, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        header = body if kind == b"IHDR" else header
        compressed += [body] if kind == b"IDAT" else []
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    rows = np.frombuffer(zlib.decompress(b"".join(compressed)), np.uint8)
    rows = rows.reshape(height, width * channels + 1)
    image = np.zeros((height, width * channels), np.uint8)
    prior = np.zeros(width * channels, np.uint8)
    for y in range(height):
        image[y] = prior = _unfilter(rows[y, 0], rows[y, 1:], prior, channels)
    return image.reshape(height, width, channels)


def _unfilter(kind: int, line: np.ndarray, prior: np.ndarray, channels: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 1:  # Sub: a running sum per channel
        summed = np.cumsum(line.reshape(-1, channels), axis=0, dtype=np.uint64) % 256
        return summed.astype(np.uint8).reshape(-1)
    if kind == 2:  # Up
        return line + prior
    out, above = bytearray(line.tobytes()), prior.tobytes()
    for i in range(len(out)):  # Average and Paeth depend on the pixel just decoded
        left = out[i - channels] if i >= channels else 0
        up = above[i]
        if kind == 3:
            out[i] = (out[i] + ((left + up) >> 1)) & 255
            continue
        corner = above[i - channels] if i >= channels else 0
        guess = left + up - corner
        distances = (abs(guess - left), abs(guess - up), abs(guess - corner))
        best = (left, up, corner)[distances.index(min(distances))]
        out[i] = (out[i] + best) & 255
    return np.frombuffer(bytes(out), np.uint8)


def assert_not_blank(png: bytes) -> None:
    pixels = decode_png(png)[..., :3].astype(np.uint32)
    assert pixels.std() > 5, "the screenshot is (nearly) one colour"
    colours = pixels[..., 0] << 16 | pixels[..., 1] << 8 | pixels[..., 2]
    assert np.unique(colours).size > 50, "text and charts bring many shades"


# --- serving file ----------------------------------------------------------------------


def serving_value(con: duckdb.DuckDBPyConnection, key: str) -> float | None:
    """The value a data-metric key names (see the dashboard package docstring)."""
    owner, *rest = key.split(".")
    if rest[1:2] == ["event_study"]:
        return _event_study_value(con, owner, *rest)
    assert all(IDENTIFIER.match(name) for name in rest), key  # they become SQL identifiers
    if owner == "publish":
        return _publish_value(con, rest[0])
    where, params = ("true", []) if owner == "portfolio" else ("initiative_id = ?", [owner])
    if rest == ["objectives", "met"]:
        sql = f"select count(*) from overview.initiative_objectives where {where} and "
        return _one(con, sql + "objective_status = 'met'", params)
    if rest[0] == "benefit":
        column = {"annual": "benefit", "annual_low": "benefit_low", "annual_high": "benefit_high"}
        return _one(
            con,
            f"select 12 * sum({column[rest[2]]}) / count(distinct month_start) "
            f"from metrics.cost_savings where {where} and benefit_stream = ?",
            [*params, rest[1]],
        )
    if len(rest) == 2:
        return _one(
            con,
            f"select {rest[1]} from overview.initiative_effects where {where} and metric_name = ?",
            [*params, rest[0]],
        )
    aggregate = f"sum({rest[0]})" if owner == "portfolio" else rest[0]
    return _one(con, f"select {aggregate} from overview.initiative_roi where {where}", params)


def _event_study_value(
    con: duckdb.DuckDBPyConnection, initiative_id: str, metric: str, _: str, month: str, column: str
) -> float | None:
    assert IDENTIFIER.match(column), column  # it becomes an SQL identifier
    return _one(
        con,
        f"select {column} from overview.initiative_event_study "
        "where initiative_id = ? and metric_name = ? and event_time = ?",
        [initiative_id, metric, int(month)],
    )


def _publish_value(con: duckdb.DuckDBPyConnection, name: str) -> float | None:
    failing = "select count(*) from quality.quality_results where not success and severity "
    sql = {
        "files_loaded": "select count(*) from quality.file_loads where status = 'loaded'",
        "rows_quarantined": "select coalesce(sum(rows_quarantined), 0) from quality.file_loads",
        "restatements": "select count(*) from quality.restatements",
        "suites": "select count(distinct relation) from quality.quality_results",
        "suites_passed": "select count(*) from (select relation from quality.quality_results "
        "group by relation having bool_and(success))",
        "expectations_failed": failing + "= 'error'",
        "expectations_warned": failing + "<> 'error'",
    }[name]
    return _one(con, sql, [])


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> float | None:
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, sql
    return None if rows[0][0] is None else float(rows[0][0])


def assert_text_shows(text: str, value: float, key: str) -> None:
    """The formatted text says the same number, to the precision it shows."""
    text = text.strip()
    counted = re.match(r"^(\d+) of (\d+)", text)
    if counted:
        assert float(counted[1]) == value, key
        return
    assert not text.startswith("-"), f"{key}: a minus sign, not a hyphen: {text!r}"
    match = NUMBER.match(text)
    assert match, f"{key}: {text!r} is not a number"
    scale = SCALES[match["scale"]] * (0.01 if match["percent"] else 1.0)
    shown = float(match["digits"].replace(",", "")) * scale
    shown *= -1 if match["sign"] == MINUS else 1
    step = 10.0 ** -len(match["decimals"] or "") * scale
    assert abs(shown - value) <= step / 2 * (1 + 1e-9) + 1e-12, f"{key}: {text!r} vs {value}"


# --- tests ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard(pipeline, tmp_path_factory) -> Path:
    """The first publish's dashboard: later tests add files and publish again."""
    serving = pipeline.first_serving
    return build_dashboard(serving, tmp_path_factory.mktemp("dashboard"))


def test_one_file_per_publish_and_an_index(pipeline, dashboard, tmp_path):
    assert dashboard.name == f"roi-dashboard-{pipeline.result.run_id}.html"
    assert (dashboard.parent / "index.html").read_bytes() == dashboard.read_bytes()
    html = dashboard.read_text()
    assert "<script src" not in html and '<link rel="stylesheet"' not in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "nothing may load from outside"
    assert "Where next" in html, "the opportunity ranking is served"

    serving = pipeline.first_serving
    before = hashlib.sha256(serving.read_bytes()).hexdigest()
    cli = subprocess.run(
        [sys.executable, "-m", "dashboard", str(serving), str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(cli.stdout.strip()) == tmp_path / dashboard.name
    assert hashlib.sha256(serving.read_bytes()).hexdigest() == before, "opened read-only"


def test_renders_offline_without_errors_and_every_chart_draws(browser, dashboard):
    page, log = open_page(browser, dashboard)
    total = page.locator("svg.chart").count()
    assert total >= 10
    drawn: set[int] = set()
    for tab in page.locator(".tabs [role=tab]").all():
        tab.click()
        assert_not_blank(page.screenshot(full_page=True))
        drawn |= visible_charts_drawn(page)
        for subtab in page.locator("[role=tabpanel]:not([hidden]) .subtabs [role=tab]").all():
            subtab.click()
            drawn |= visible_charts_drawn(page)
    assert drawn == set(range(total)), "some charts were never shown"
    log.assert_clean()
    page.close()


def visible_charts_drawn(page) -> set[int]:
    """Indexes of the charts on screen, each checked to have drawn marks."""
    charts = page.evaluate(
        """() => [...document.querySelectorAll("svg.chart")].map((svg, index) => {
            const marks = [...svg.querySelectorAll("path.mark")];
            return {
                index,
                title: svg.querySelector("title").textContent,
                visible: svg.getBoundingClientRect().width > 0,
                paths: [...svg.querySelectorAll("path")].map((p) => p.getAttribute("d") || ""),
                drawn: marks.filter((m) => {
                    const box = m.getBBox();
                    return box.width > 0 || box.height > 0;
                }).length,
            };
        })"""
    )
    visible = [c for c in charts if c["visible"]]
    for chart in visible:
        assert chart["drawn"] > 0, f"{chart['title']} drew nothing"
        assert all(p and not re.search(r"NaN|Infinity", p) for p in chart["paths"]), chart
    return {c["index"] for c in visible}


# Each valued initiative's headline figures on the glance page: measured and projected
# apart, each range the simulation's 5th to 95th percentile.
HEADLINE_ROI = (
    "roi",
    "roi_p5",
    "roi_p95",
    "probability_npv_positive",
    "roi_to_date",
    "npv",
    "npv_p5",
    "npv_p95",
    "npv_to_date",
    "npv_projected",
    "months_measured",
    "months_projected",
)


def assert_every_tied_number_is_served(page, serving: Path) -> set[str]:
    """Every data-metric on the page holds, and shows, the value the serving file has for
    its key; returns the keys."""
    shown = page.evaluate(
        """() => [...document.querySelectorAll("[data-metric]")].map((e) =>
            [e.dataset.metric, e.dataset.value, e.textContent])"""
    )
    with duckdb.connect(str(serving), read_only=True) as con:
        for key, raw, text in shown:
            expected = serving_value(con, key)
            if raw == "null":
                assert expected is None, key
                continue
            assert expected is not None, key
            assert abs(float(raw) - expected) <= 1e-9 * max(1.0, abs(expected)), key
            assert_text_shows(text, float(raw), key)
    return {key for key, _, _ in shown}


def test_every_headline_number_is_the_serving_files(browser, dashboard, pipeline):
    page, log = open_page(browser, dashboard)
    keys = assert_every_tied_number_is_served(page, pipeline.first_serving)
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        initiatives = con.execute(
            "select initiative_id, has_monetised_benefits, roi_note from overview.initiative_roi"
        ).fetchall()
    body = page.inner_text("#page-glance")
    for initiative_id, valued, note in initiatives:
        headline = {f"{initiative_id}.{c}" for c in HEADLINE_ROI}
        assert headline <= keys if valued else (note in body and not headline & keys)
        if valued:
            assert "to date, measured" in body and "rest of horizon, projected" in body
        headline = {f"{initiative_id}.first_year_roi", f"{initiative_id}.payback_months_simple"}
        assert headline <= keys if valued else not headline & keys
    log.assert_clean()
    page.close()


def test_every_event_study_is_drawn_with_the_serving_files_numbers(browser, dashboard, pipeline):
    """Each effect's event-study chart draws every month of the served event study: its
    coefficient and interval (checked against the serving file with every other
    data-metric above), relative for ppml metrics and in points for scores."""
    page, log = open_page(browser, dashboard)
    drawn = set(
        page.evaluate(
            """() => [...document.querySelectorAll("svg.chart [data-metric*='.event_study.']")]
                .map((e) => e.dataset.metric)"""
        )
    )
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        served = con.execute(
            "select initiative_id, metric_name, event_time, effect_model, ci_low is not null "
            "from overview.initiative_event_study"
        ).fetchall()
        effects = con.execute(
            "select count(*) from overview.initiative_effects where did_effect_abs is not null"
        ).fetchone()[0]
    assert len({(i, m) for i, m, *_ in served}) == effects, "every DiD effect has its event study"
    expected = set()
    for initiative_id, metric, month, model, has_interval in served:
        columns = ["coefficient", "ci_low", "ci_high"]
        if model == "ppml":
            columns = ["effect_pct", "ci_low_pct", "ci_high_pct"]
        key = f"{initiative_id}.{metric}.event_study.{month}"
        expected |= {f"{key}.{column}" for column in columns[: 3 if has_interval else 1]}
    assert drawn == expected
    log.assert_clean()
    page.close()


UNIT_VALUE = """
    with panel as (select * from {table} where metric_name = ? and unit_type = ?),
    cutoff as (select max(month_start) - interval 12 month as after from {table})
    select sum(numerator) / nullif(sum(denominator), 0)
    from (
        select distinct unit_type, unit_id, month_start, metric_name, numerator, denominator
        from panel, cutoff
        where unit_id = ? and month_start > cutoff.after and numerator is not null
            and not {hidden}
    )
"""


def test_every_unit_figure_is_its_cells_of_the_last_12_months(browser, dashboard, pipeline):
    """The every-unit tables: each figure is the ratio of sums of the unit's cells shown
    in its family table over that table's latest 12 months."""
    page, log = open_page(browser, dashboard)
    shown = page.evaluate(
        """() => [...document.querySelectorAll("[data-unit-metric]")].map((e) => [
            e.closest("section.family").id, e.dataset.unitType, e.dataset.unitId,
            e.dataset.unitMetric, e.dataset.value, e.textContent])"""
    )
    families = {"efficiency", "quality", "revenue", "innovation", "employee_satisfaction"}
    assert {section.removeprefix("family-") for section, *_ in shown} == families
    tables = {"revenue": "revenue_impact"}
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        for section, unit_type, unit_id, metric_name, raw, text in shown:
            family = section.removeprefix("family-")
            table = f"metrics.{tables.get(family, family)}"
            hidden = "is_suppressed" if family == "employee_satisfaction" else "false"
            sql = UNIT_VALUE.format(table=table, hidden=hidden)
            [(expected,)] = con.execute(sql, [metric_name, unit_type, unit_id]).fetchall()
            key = f"{unit_type}.{unit_id}.{metric_name}"
            if raw == "null":
                assert expected is None, key
                continue
            assert abs(float(raw) - expected) <= 1e-9 * max(1.0, abs(expected)), key
            assert_text_shows(text, float(raw), key)
    log.assert_clean()
    page.close()


def test_case_study_tells_the_vision_inspection_story(browser, dashboard, pipeline):
    page, log = open_page(browser, dashboard)
    page.get_by_role("tab", name="Case study").click()
    case = page.locator("#page-case")
    assert case.is_visible()
    claims = case.locator('[data-metric="vision-qc.benefit.claims_cost_avoided.annual"]')
    assert claims.first.is_visible()
    saving = claims.first.inner_text()
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        expected = serving_value(con, "vision-qc.benefit.claims_cost_avoided.annual")
    assert expected and expected > 0
    assert_text_shows(saving, expected, "claims saved per year")
    story = case.locator(".story").inner_text()
    assert f"about {saving} a year avoided" in story
    assert "defective units fell by" in story and "first year returned" in story
    for metric in ("defective_rate.did_effect_pct", "production_speed.did_effect_pct"):
        assert case.locator(f'[data-metric="vision-qc.{metric}"]').first.is_visible()
    assert case.locator('[data-metric="vision-qc.first_year_roi"]').is_visible()
    log.assert_clean()
    page.close()


def test_text_from_the_data_is_escaped_and_opportunities_get_a_page(browser, pipeline, tmp_path):
    """Names come from registry files and operational systems: markup in them must show
    as text, on every page, the "Where next" page of the served ranking included."""
    serving = tmp_path / "serving.duckdb"
    shutil.copy(pipeline.first_serving, serving)
    name = '<img src="probe.png" onerror="console.error(1)"> Vision & <b>QC</b>'
    process = '<img src="probe.png" onerror="console.error(2)"> invoice_processing'
    with duckdb.connect(str(serving)) as con:
        con.execute(
            "update overview.initiatives set initiative_name = ? where initiative_id = 'vision-qc'",
            [name],
        )
        con.execute(
            "update overview.opportunities set process_name = ? where opportunity_rank = 1",
            [process],
        )
    page, log = open_page(browser, build_dashboard(serving, tmp_path / "out"))
    page.get_by_role("tab", name="Case study").click()
    assert name in page.locator("#page-case h2").inner_text()
    page.get_by_role("tab", name="Where next").click()
    first = page.locator("#page-where-next .opportunity-card").first
    assert first.locator("h3").inner_text() == process.replace("_", " ").capitalize()
    assert first.get_attribute("data-process") == process
    log.assert_clean()
    page.close()


@pytest.mark.parametrize("value", [0.0, 1e-9, 0.26, 5.0, 1_000_000.0])
def test_a_constant_series_draws_with_distinct_axis_labels(value):
    from datetime import date

    from dashboard.charts import Series, line_chart

    points = [(date(2026, month, 1), value) for month in range(1, 7)]
    svg = line_chart(
        [Series("treated", points, "treated")],
        title="constant",
        value_format=lambda v: f"{v:.0%}",
        go_live=None,
    )
    labels = re.findall(r'class="tick">([^<]*)</text>', svg)
    axis = labels[: len(labels) - 6]  # the six month labels come after the axis ticks
    assert len(axis) >= 3 and len(set(axis)) == len(axis)


def test_a_share_shows_points_beside_percent_and_a_pre_trend_is_named():
    from dashboard.families import effects_table

    effect = {
        "initiative_id": "vision-qc",
        "metric_name": "defective_rate",
        "value_unit": "share",
        "effect_model": "ppml",
        "baseline_mean": 0.26,
        "post_mean": 0.3465,
        "naive_change_pct": 0.33,
        "did_effect_pct": -0.061,
        "did_ci_low_pct": -0.09,
        "did_ci_high_pct": -0.03,
        "did_effect_pp": -2.25,
        "did_ci_low_pp": -3.4,
        "did_ci_high_pp": -1.1,
        "did_effect_per_month": None,
        "yoy_change_pct": 0.2,
        "verdict": "improved",
        "evidence": "pre_trend",
        "pre_trend_p_value": 0.012,
    }
    html = effects_table([effect], "production_line")

    def shown(column: str) -> str:
        match = re.search(rf'data-metric="vision-qc\.defective_rate\.{column}"[^>]*>([^<]*)<', html)
        assert match, column
        return match[1]

    assert (shown("did_effect_pct"), shown("did_effect_pp")) == (f"{MINUS}6.1%", f"{MINUS}2.25")
    assert f"{MINUS}2.25</span> pp" in html
    assert (shown("did_ci_low_pp"), shown("did_ci_high_pp")) == (f"{MINUS}3.40", f"{MINUS}1.10")
    assert shown("pre_trend_p_value") == "0.012" and "pre-trend" in html

    counts = {**effect, "metric_name": "orders", "value_unit": "orders per month"}
    counts |= {"did_effect_pp": None, "did_effect_per_month": 3.69}
    counts |= {"did_ci_low_per_month": 3.39, "did_ci_high_per_month": 3.98, "evidence": "ok"}
    html = effects_table([counts], "region")
    assert "+3.69</span> orders per region a month" in html
    assert "pre-trend" not in html


def test_an_event_study_chart_ties_every_mark_to_its_number():
    from dashboard.charts import EventCoefficient, Tied, event_study_chart

    def tied(value: float, column: str, month: int) -> Tied:
        return Tied(value, f"x.m.event_study.{month}.{column}")

    coefficients = [
        EventCoefficient(m, tied(v, "effect_pct", m), tied(v - 0.1, "ci_low_pct", m), None)
        if m == 3
        else EventCoefficient(m, tied(v, "effect_pct", m), tied(v - 0.1, "ci_low_pct", m),
                              tied(v + 0.1, "ci_high_pct", m))
        for m, v in ((-3, 0.02), (-2, -0.01), (0, -0.3), (3, -0.35))
    ]  # fmt: skip
    svg = event_study_chart(
        coefficients,
        title="Defective rate",
        value_format=lambda v: f"{v:+.0%}",
        month_format=lambda m: f"{m:+d}",
    )

    marks = re.findall(r'data-metric="([^"]+)" data-value="([^"]+)"><title>([^<]+)</title>', svg)
    assert len(marks) == 4 + 3 * 2, "a dot each; both whisker ends where the interval is known"
    for key, raw, tooltip in marks:
        assert tooltip.startswith(f"{float(raw):+.0%}"), (key, tooltip)
    assert 'class="zero"' in svg and 'class="go-live"' in svg
    assert tooltip_of(svg, "x.m.event_study.-3.effect_pct") == "+2%, month -3"


def tooltip_of(svg: str, key: str) -> str:
    match = re.search(rf'data-metric="{re.escape(key)}"[^>]*><title>([^<]+)</title>', svg)
    assert match, key
    return match[1]


# --- Where next -----------------------------------------------------------------------


def served_opportunities(serving: Path) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(serving), read_only=True) as con:
        cursor = con.execute("select * from overview.opportunities")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["process_name"], row["department"]): row for row in rows}


def test_where_next_shows_the_top_candidates_as_cards_with_the_serving_files_figures(
    browser, dashboard, pipeline
):
    """The five best-ranked processes as cards, in rank order, each saying which
    components put it there; every figure on the page (cards, ranking, details) is its
    row's value in the serving file, money in full with thousands separators."""
    served = served_opportunities(pipeline.first_serving)
    page, log = open_page(browser, dashboard)
    page.get_by_role("tab", name="Where next").click()
    where_next = page.locator("#page-where-next")

    ranked = sorted(
        (r for r in served.values() if r["opportunity_rank"]), key=lambda r: r["opportunity_rank"]
    )
    cards = where_next.locator(".opportunity-card")
    assert cards.count() == min(5, len(ranked)) == 5
    for card, row in zip(cards.all(), ranked, strict=False):
        assert card.get_attribute("data-process") == row["process_name"]
        assert card.locator(".rank").inner_text() == f"#{row['opportunity_rank']}"
        reasons = card.locator(".reasons").first.inner_text()
        components = {
            "hours_at_stake_score": "Time-consuming",
            "repetitiveness_score": "Repetitive",
            "error_proneness_score": "Error-prone",
            "pain_score": "Pain reported",
            "strategic_alignment_score": "Strategic fit",
            "competitive_pressure_score": "Peers and competitors ahead",
        }
        strongest = max(components, key=lambda column: row[column])
        assert reasons.startswith(f"{components[strongest]} ({row[strongest]:.2f})"), reasons
        money = card.locator('[data-column="annual_value_at_stake"]').inner_text()
        assert re.fullmatch(r"\$\d{1,3}(,\d{3})+", money), money

    figures = page.evaluate(
        """() => [...document.querySelectorAll("[data-process] [data-column]")].map((e) => {
            const row = e.closest("[data-process]");
            return [row.dataset.process, row.dataset.department, e.dataset.column,
                    e.dataset.value, e.textContent];
        })"""
    )
    assert len({(p, d) for p, d, *_ in figures}) == len(served), "every process is shown"
    for process, department, column, raw, text in figures:
        expected = served[(process, department)][column]
        key = f"{process}.{column}"
        if raw == "null":
            assert expected is None, key
            continue
        assert abs(float(raw) - expected) <= 1e-9 * max(1.0, abs(expected)), key
        assert_text_shows(text, float(raw), key)

    ranking = where_next.locator("table.ranking")
    headers = ranking.locator("thead th").all_inner_texts()
    assert len(headers) <= 8 and not any("_" in header for header in headers)
    width = ranking.evaluate("t => [t.scrollWidth, t.closest('.table-wrap').clientWidth]")
    assert width[0] <= width[1], "the ranking fits its box"
    assert where_next.locator("details.opportunity-details").count() == 1
    log.assert_clean()
    page.close()


# --- tables, charts, print ------------------------------------------------------------


def column_sort_values(table, column: int) -> list[str]:
    return table.evaluate(
        "(t, c) => [...t.tBodies[0].rows].map((r) => r.cells[c].dataset.sortValue)", column
    )


def test_tables_sort_numerically_on_a_header_click_and_filter_on_words(
    browser, dashboard, pipeline
):
    page, log = open_page(browser, dashboard)
    page.get_by_role("tab", name="Data quality").click()
    suites = page.locator("#page-quality table.suites")
    column = suites.locator("thead th").all_text_contents().index("Rows validated")
    before = [float(v) for v in column_sort_values(suites, column)]
    as_text = sorted(f"{v:,.0f}" for v in before)
    assert as_text != [f"{v:,.0f}" for v in sorted(before)], "text order would differ"

    header = suites.get_by_role("button", name="Rows validated")
    header.click()
    ascending = [float(v) for v in column_sort_values(suites, column)]
    assert ascending == sorted(before)
    assert suites.locator("thead th").nth(column).get_attribute("aria-sort") == "ascending"
    header.click()
    assert [float(v) for v in column_sort_values(suites, column)] == sorted(before, reverse=True)
    shown = suites.locator("tbody tr").first.get_attribute("data-suite")
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        [(largest,)] = con.execute(
            "select relation from quality.quality_results "
            "order by rows_validated desc, relation limit 1"
        ).fetchall()
        [(finance,)] = con.execute(
            "select count(*) from overview.opportunities where department = 'Finance'"
        ).fetchall()
    assert shown == largest

    page.get_by_role("tab", name="Where next").click()
    box = page.locator("#page-where-next .table-filter")
    rows = page.locator("#page-where-next table.ranking tbody tr")
    total = rows.count()
    box.fill("finance")
    visible = [row for row in rows.all() if row.is_visible()]
    assert len(visible) == finance >= 2
    assert all(row.get_attribute("data-department") == "Finance" for row in visible)
    assert (
        page.locator("#page-where-next .filter-count").inner_text() == f"{finance} of {total} rows"
    )
    box.fill("")
    assert sum(row.is_visible() for row in rows.all()) == total
    log.assert_clean()
    page.close()


def test_chart_marks_tell_their_value_on_hover(browser, dashboard, pipeline):
    """Every mark holds a title (the browser's tooltip); an NPV bar's says the initiative,
    its NPV and 90% range as the serving file has them, and is what the pointer finds."""
    from dashboard import formatting as fmt

    page, log = open_page(browser, dashboard)
    untitled = page.evaluate(
        """() => [...document.querySelectorAll("svg.chart path.mark")]
            .filter((m) => !(m.querySelector(":scope > title")?.textContent.trim())).length"""
    )
    assert untitled == 0
    with duckdb.connect(str(pipeline.first_serving), read_only=True) as con:
        valued = con.execute(
            "select names.initiative_name, npv, npv_p5, npv_p95 from overview.initiative_roi "
            "join overview.initiatives as names using (initiative_id) where npv is not null "
            "order by npv desc"
        ).fetchall()
    bars = page.locator('#page-glance svg.chart:has(title:text-is("Net present value by '
                        'initiative, measured and projected")) path.mark.bar')  # fmt: skip
    assert bars.count() == len(valued)
    for bar, (name, npv, low, high) in zip(bars.all(), valued, strict=True):
        expected = f"{name}: {fmt.money(npv)} (90% range {fmt.money(low)} to {fmt.money(high)})"
        assert bar.locator("title").text_content() == expected
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        found = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).querySelector(':scope > title')"
            "?.textContent",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert found == expected

    page.get_by_role("tab", name="Per family").click()
    throughput = '#family-efficiency svg.chart:has(title:text-is("Throughput, monthly"))'
    point = page.locator(f"{throughput} path.mark.point.on-hover").first
    tooltip = point.locator("title").text_content()
    pattern = r"with(?:out)? AI \(\d+ teams?\), [A-Z][a-z]{2} \d{4}: [\d,.]+ tasks per worked hour"
    assert re.fullmatch(pattern, tooltip), "series, month, value and unit"
    assert point.evaluate("p => getComputedStyle(p).fillOpacity") == "0"
    point.hover(force=True)
    assert point.evaluate("p => getComputedStyle(p).fillOpacity") == "1"
    log.assert_clean()
    page.close()


LONG_NAME = (
    "Vision inspection of printed circuit board assemblies on every production line of the plant"
)


def test_a_long_initiative_name_is_shown_in_full(browser, pipeline, tmp_path):
    serving = tmp_path / "serving.duckdb"
    shutil.copy(pipeline.first_serving, serving)
    with duckdb.connect(str(serving)) as con:
        con.execute(
            "update overview.initiatives set initiative_name = ? where initiative_id = 'vision-qc'",
            [LONG_NAME],
        )
    page, log = open_page(browser, build_dashboard(serving, tmp_path / "out"))
    labels = page.evaluate(
        """() => [...document.querySelectorAll("#page-glance svg.chart text.row-label")]
            .map((t) => {
                const svg = t.ownerSVGElement.viewBox.baseVal, box = t.getBBox();
                return {
                    lines: [...t.querySelectorAll("tspan")].map((s) => s.textContent),
                    title: t.querySelector("title")?.textContent ?? null,
                    inside: box.x >= 0 && box.x + box.width <= svg.width + 0.5,
                };
            })"""
    )
    long = [label for label in labels if label["lines"][0].startswith("Vision inspection")]
    assert len(long) == 2, "the NPV and ROI charts"
    for label in long:
        assert " ".join(label["lines"]) == LONG_NAME and label["title"] is None
        assert len(label["lines"]) > 1 and label["inside"]
    assert all(label["inside"] for label in labels)
    assert LONG_NAME in page.locator("#page-glance table.glance").inner_text()
    log.assert_clean()
    page.close()


def test_a_name_too_long_to_wrap_keeps_its_full_text_as_a_tooltip():
    from dashboard.charts import Bar, bar_chart

    name = " ".join([LONG_NAME] * 2)
    svg = bar_chart([Bar(name, 1.0), Bar("Short", 2.0)], title="t", value_format=str)
    label = re.search(r'<text text-anchor="end" class="row-label">(.*?)</text>', svg)[1]
    assert re.match(r"<title>([^<]*)</title>", label)[1] == name
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)
    assert len(lines) == 4 and lines[-1].endswith("\u2026")
    assert name.startswith(" ".join(lines)[:-1])


def test_print_shows_every_page_without_tabs_and_breaks_between_them(browser, dashboard):
    page, log = open_page(browser, dashboard)
    page.emulate_media(media="print")
    assert not page.locator("nav .tabs").is_visible()
    assert not page.locator(".subtabs").first.is_visible()
    assert not page.locator(".table-filter").first.is_visible()
    panels = page.locator("[role=tabpanel]")
    assert panels.count() >= 11
    assert all(panel.is_visible() for panel in panels.all()), "every page and family prints"
    assert page.locator(".opportunity-figures").first.is_visible(), "details unfold"
    breaks = page.evaluate(
        """() => [...document.querySelectorAll("section.page")]
            .map((s) => getComputedStyle(s).breakBefore)"""
    )
    assert breaks[0] != "page" and set(breaks[1:]) == {"page"}
    cut = page.evaluate(
        """() => [...document.querySelectorAll("table")]
            .filter((t) => t.scrollWidth > t.parentElement.clientWidth + 1).length"""
    )
    assert cut == 0, "no table is wider than the page"
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(
        b"/Type /Page/"
    ) >= len(breaks)
    log.assert_clean()
    page.close()


# --- Data quality ----------------------------------------------------------------------


def feedback_file(name: str, good: int, too_high: int, repeated: int) -> tuple[str, str]:
    """A late feedback delivery with scores above the NPS maximum and repeated rows."""
    rows = [(f"dq-{name}-{n}", "2026-09-03", "NORTH", "direct", "nps", n % 11) for n in range(good)]
    rows += [
        (f"dq-{name}-x{n}", "2026-09-03", "NORTH", "direct", "nps", 11) for n in range(too_high)
    ]
    rows += rows[:repeated]
    return f"feedback/feedback_late-{name}.csv", feedback_csv(rows)


@pytest.fixture(scope="module")
def troubled_publish(pipeline, tmp_path_factory) -> Path:
    """The demo warehouse after two feedback files with bad rows were loaded by the real
    loader, and a later validation of marts.units failing an error-level check, published
    by the real publish step (which serves quality.quality_results)."""
    from dagster_project.dbt_project import dbt_project
    from ingestion.contracts import FEEDBACK
    from ingestion.loader import load_source
    from serving.contract import served_relations
    from serving.publish import publish

    folder = tmp_path_factory.mktemp("troubled")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(pipeline.settings.warehouse_path, warehouse)
    for name, good, too_high, repeated in (("a", 100, 3, 0), ("b", 100, 2, 1)):
        path, text = feedback_file(name, good, too_high, repeated)
        write_text(folder / "landing" / path, text)
    with duckdb.connect(str(warehouse)) as con:
        load_source(con, FEEDBACK, folder / "landing", TEST_KEY)
        con.execute(
            """
            insert into audit.quality_results
            select run_id, relation, suite, expectation_type, column_name, severity,
                success and not (expectation_type = 'expect_column_values_to_not_be_null'
                    and column_name = 'unit_label'),
                case when expectation_type = 'expect_column_values_to_not_be_null'
                    and column_name = 'unit_label' then 7 else unexpected_count end,
                case when expectation_type = 'expect_column_values_to_not_be_null'
                    and column_name = 'unit_label' then 700 / rows_validated
                    else unexpected_percent end,
                sample_values, rows_validated,
                validated_at + interval 1 minute, where_clause, observed_value
            from audit.quality_results
            where relation = 'marts.units' and validated_at = (
                select max(validated_at) from audit.quality_results
                where relation = 'marts.units')
            """
        )
        publish(con, folder / "serving" / "ai_roi.duckdb", "troubled", served_relations(
            dbt_project.manifest_path))  # fmt: skip
    return folder / "serving" / "ai_roi.duckdb"


def test_data_quality_tab_shows_every_suite_failure_and_quarantined_reason(
    browser, troubled_publish, tmp_path
):
    page, log = open_page(browser, build_dashboard(troubled_publish, tmp_path))
    page.get_by_role("tab", name="Data quality").click()
    tab = page.locator("#page-quality")
    with duckdb.connect(str(troubled_publish), read_only=True) as con:
        suites = con.execute(
            "select relation, count(*), count(*) filter (where success), "
            "bool_or(not success and severity = 'error'), bool_or(not success) "
            "from quality.quality_results group by relation"
        ).fetchall()
        failing = con.execute(
            "select relation, expectation_type, coalesce(column_name, ''), severity, "
            "unexpected_count, observed_value from quality.quality_results where not success"
        ).fetchall()
        quarantined = con.execute(
            "select source, reason, sum(rows_quarantined), count(distinct file_path) "
            "from quality.quarantine_summary group by all"
        ).fetchall()
    assert len(suites) >= 30 and len(quarantined) == 2, quarantined

    shown = {
        row.get_attribute("data-suite"): row
        for row in tab.locator("table.suites tbody tr[data-suite]").all()
    }
    assert set(shown) == {relation for relation, *_ in suites}
    for relation, checks, passed, failed, warned in suites:
        status = "failed" if failed else "warnings" if warned else "passed"
        row = shown[relation]
        assert row.locator(".badge").inner_text() == status, relation
        figures = row.locator("[data-column]").evaluate_all(
            "es => Object.fromEntries(es.map((e) => [e.dataset.column, Number(e.dataset.value)]))"
        )
        assert (figures["passed"], figures["checks"]) == (passed, checks), relation
    assert shown["marts.units"].locator(".badge").inner_text() == "failed"

    rows = tab.locator("table.expectations tbody tr").all()
    listed = {
        (r.get_attribute("data-suite"), r.get_attribute("data-expectation"),
         r.get_attribute("data-column")): r
        for r in rows
    }  # fmt: skip
    assert set(listed) == {(relation, kind, column) for relation, kind, column, *_ in failing}
    for relation, kind, column, severity, unexpected, observed in failing:
        text = listed[relation, kind, column].inner_text()
        assert ("failed" if severity == "error" else "warning") in text
        if unexpected:
            assert f"{unexpected:,} unexpected rows" in text
        else:
            assert json.loads(observed) in text
    assert rows[0].get_attribute("data-suite") == "marts.units", "failures come first"

    counted = {
        (r.get_attribute("data-source"), r.get_attribute("data-reason")): r.locator(
            "[data-column]"
        ).evaluate_all("es => es.map((e) => Number(e.dataset.value))")
        for r in tab.locator("table.quarantine tbody tr").all()
    }
    assert counted == {(s, reason): [rows, files] for s, reason, rows, files in quarantined}
    assert counted[("feedback_responses", "score: above the maximum")] == [5, 2]

    assert_every_tied_number_is_served(page, troubled_publish)
    log.assert_clean()
    page.close()
