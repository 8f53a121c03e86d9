"""The GX Data Docs work offline (expectations/offline_docs.py): opened in headless Chromium
with every http(s) request aborted, the index lists every validation, every page is styled
by Bootstrap, icons and charts draw, and nothing is fetched from outside the site."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import expect

from expectations import build_docs, validate_relation
from expectations.checkpoint import STORES_FOLDER, add_checkpoint, open_context, run_checkpoint
from expectations.offline_docs import offline_markup
from tests.test_expectations import FEEDBACK, add_feedback

RUN_IDS = ["day-1", "day-2", "chart-run"]
CHART_SUITE = "region_mix"
# Draws a bar chart of the expected and of the observed distribution (Vega-Lite).
CHART_EXPECTATION = {
    "type": "expect_column_kl_divergence_to_be_less_than",
    "kwargs": {
        "column": "region",
        "partition_object": {"values": ["NORTH", "SOUTH"], "weights": [0.5, 0.5]},
        "threshold": 0.01,
    },
}
# Files every page loads: the libraries, GX's favicon and its logo.
LIBRARIES = {
    "jquery.min.js",
    "bootstrap.min.css",
    "bootstrap.bundle.min.js",
    "bootstrap-table.min.js",
    "bootstrap-table-filter-control.min.js",
    "bootstrap-datepicker.js",
    "all.min.css",
    "vega5.js",
    "vega-lite5.js",
    "vega-embed6.js",
    "favicon.ico",
    "logo-long.png",
}
BOOTSTRAP_FONTS = "-apple-system"  # first of the system fonts Bootstrap 4's body uses
ICON_FONT = "Font Awesome 6 Free"


@dataclass
class Site:
    folder: Path
    results: int  # validation results stored for the site

    @property
    def index(self) -> Path:
        return self.folder / "index.html"

    def pages(self, section: str) -> list[Path]:
        return sorted((self.folder / section).glob("**/*.html"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Three validations: the feedback suite passing, then failing on an out-of-range
    score, and a suite whose pages draw charts."""
    folder = tmp_path_factory.mktemp("offline") / "docs"
    with duckdb.connect() as con:
        con.execute("create schema raw")
        add_feedback(con, 60)
        assert validate_relation(con, FEEDBACK, run_id=RUN_IDS[0], docs_dir=folder).passed
        con.execute(f"update {FEEDBACK} set score = 42 where response_id = 'R000010'")
        assert not validate_relation(con, FEEDBACK, run_id=RUN_IDS[1], docs_dir=folder).passed
    checkpoint = add_checkpoint(open_context(folder), CHART_SUITE, [CHART_EXPECTATION], {})
    regions = pd.DataFrame({"region": ["NORTH", "NORTH", "SOUTH"]})
    (chart,) = run_checkpoint(checkpoint, regions, {}, RUN_IDS[2])
    assert chart["result"]["observed_value"] == pytest.approx(0.0566, abs=1e-4)
    build_docs(folder)
    stored = list((folder / STORES_FOLDER / "validations").glob("**/*.json"))
    assert sorted(json.loads(p.read_text())["meta"]["run_id"]["run_name"] for p in stored) == (
        sorted(RUN_IDS)
    )
    return Site(folder, len(stored))


# --- the files -----------------------------------------------------------------------


class Loads(HTMLParser):
    """What a page loads (scripts, style sheets, images) and the links it holds."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.styles = ""
        self._in_style = False
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in {"script", "img"} and "src" in values:
            self.loaded.append(values["src"])
        elif tag == "link" and "href" in values:
            self.loaded.append(values["href"])
        elif tag == "a" and "href" in values:
            self.links.append(values["href"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        self.styles += data if self._in_style else ""


def test_every_file_a_page_loads_is_in_the_site(site: Site) -> None:
    pages = [site.index, *site.pages("expectations"), *site.pages("validations")]
    assert len(pages) == 1 + 2 + site.results
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        loads = Loads(markup)
        assert {Path(path).name for path in loads.loaded} >= LIBRARIES, page
        missing = [path for path in loads.loaded if not (page.parent / path).is_file()]
        assert missing == [], page
        assert not re.search(r"url\(\s*['\"]?https?:", loads.styles), page
        assert "prefers-color-scheme" not in loads.styles, page
        assert "ge-walkthrough-modal" not in markup, page  # GX's onboarding, switched off
        # Links a reader may follow: GX's site and newsletter, loaded by no one.
        links = [urlsplit(link) for link in loads.links]
        external = {link.hostname for link in links if link.scheme in {"http", "https"}}
        assert external <= {"greatexpectations.io"}, page


def test_rewriting_a_page_again_changes_nothing(site: Site) -> None:
    for page in [site.index, *site.pages("validations")]:
        markup = page.read_text(encoding="utf-8")
        assert offline_markup(markup, os.path.relpath(site.folder, page.parent)) == markup


# --- in Chromium, offline ------------------------------------------------------------


@dataclass
class Traffic:
    """Every request a page made and what went wrong."""

    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_offline(self) -> None:
        assert self.aborted == [] and self.failed == [] and self.errors == []
        outside = [url for url in self.requests if not url.startswith(("file://", "data:"))]
        assert outside == []
        assert len(self.requests) >= 10  # the page and its libraries, from the site


@contextmanager
def offline_page(browser, path: Path, color_scheme: str = "light") -> Iterator[tuple]:
    """`path` opened with every http(s) request aborted (and recorded)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=color_scheme
    )
    traffic = Traffic()

    def abort(route) -> None:
        traffic.aborted.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^https?://"), abort)
    page = context.new_page()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on("requestfailed", lambda request: traffic.failed.append(request.url))
    page.on("console", lambda m: m.type == "error" and traffic.errors.append(m.text))
    page.on("pageerror", lambda error: traffic.errors.append(str(error)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        yield page, traffic
    finally:
        context.close()


def column(page, table_header: str, heading: str) -> list[str]:
    """The texts of the `heading` column of the table whose header holds `table_header`."""
    return page.evaluate(
        """([tableHeader, heading]) => {
            const table = [...document.querySelectorAll('table')]
                .find(t => t.tHead && t.tHead.innerText.includes(tableHeader));
            if (!table) return null;
            const headings = [...table.tHead.querySelectorAll('.th-inner')]
                .map(c => c.innerText.trim());
            const index = headings.indexOf(heading);
            return [...table.tBodies[0].rows].map(r => r.cells[index].innerText.trim());
        }""",
        [table_header, heading],
    )


def test_the_index_lists_every_validation_offline(browser, site: Site) -> None:
    with offline_page(browser, site.index) as (page, traffic):
        runs = column(page, "Run Name", "Run Name")
        assert len(runs) == site.results == len(RUN_IDS)
        assert sorted(runs) == sorted(RUN_IDS)
        suites = column(page, "Run Name", "Expectation Suite")
        assert sorted(suites) == sorted(["raw__feedback_responses"] * 2 + [CHART_SUITE])
        # The filters work: by run name, and the run time's date picker opens.
        page.fill(".bootstrap-table-filter-control-run_name", RUN_IDS[1])
        validations = page.locator("table:has(.th-inner:text-is('Run Name')) > tbody > tr")
        expect(validations).to_have_count(1)  # once the filter has run
        assert column(page, "Run Name", "Run Name") == [RUN_IDS[1]]
        page.click(".date-filter-control")
        assert page.locator(".datepicker-dropdown").is_visible()
        traffic.assert_offline()


def test_every_page_is_styled_offline(browser, site: Site) -> None:
    pages = [site.index, *site.pages("expectations"), *site.pages("validations")]
    for path in pages:
        with offline_page(browser, path) as (page, traffic):
            # A Bootstrap grid row and body font; GX's own styles set neither.
            assert page.evaluate("getComputedStyle(document.querySelector('.row')).display") == (
                "flex"
            )
            body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert body_font.startswith(BOOTSTRAP_FONTS), path
            traffic.assert_offline()


def test_status_icons_draw_offline(browser, site: Site) -> None:
    for path in [site.index, *site.pages("validations")]:
        with offline_page(browser, path) as (page, traffic):
            assert page.locator(".fa-check-circle, .fa-times").count() >= 1
            fonts = page.evaluate(
                "document.fonts.ready.then(() => [...document.fonts]"
                ".filter(f => f.status === 'loaded').map(f => f.family))"
            )
            assert ICON_FONT in fonts, path
            traffic.assert_offline()


def test_charts_draw_offline(browser, site: Site) -> None:
    (path,) = site.pages(f"validations/{CHART_SUITE}")
    with offline_page(browser, path) as (page, traffic):
        graphs = page.locator("[id*='-graph']")
        assert graphs.count() == 2  # the expected and the observed distribution
        page.wait_for_function(
            "[...document.querySelectorAll(\"[id*='-graph']\")]"
            ".every(g => g.querySelector('canvas.marks') && g.querySelector('canvas').width > 0)"
        )
        traffic.assert_offline()


def test_a_dark_colour_scheme_shows_the_light_pages(browser, site: Site) -> None:
    (path, *_) = site.pages(f"validations/{FEEDBACK.replace('.', '__')}")
    colours = "['body', 'table', 'footer'].map(s => getComputedStyle(document.querySelector(s)))"
    colours += ".map(c => [c.color, c.backgroundColor])"
    shown = {}
    for scheme in ("light", "dark"):
        with offline_page(browser, path, color_scheme=scheme) as (page, traffic):
            shown[scheme] = page.evaluate(colours)
            traffic.assert_offline()
    assert shown["dark"] == shown["light"]
    assert shown["light"][0] == ["rgb(33, 37, 41)", "rgb(255, 255, 255)"]  # Bootstrap's body
