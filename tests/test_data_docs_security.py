"""Values found in data show as text in the GX Data Docs, never as markup: a key such as
`<script>…</script>` in a raw table must not run in the browser of whoever opens the
quality report (expectations/data_docs.py)."""

from __future__ import annotations

import html
import json
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pytest

from expectations.checkpoint import add_checkpoint, build_docs, open_context, run_checkpoint
from expectations.outcome import SAMPLE_SIZE
from tests.helpers import CHROMIUM_ARGS

PAYLOADS = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "\"><svg onload=document.title='pwned'>",
)
MARKER = "pwned"  # in every payload: a page element or script holding it was injected
TITLE = "Data documentation compiled by Great Expectations"
RUN_ID = "payload-run"
EXPECTATIONS = [
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "order_id"}},
    {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "region", "value_set": ["NORTH"]},
    },
    # The value set comes from the data too (like the suites' unknown customer ids).
    {
        "type": "expect_column_values_to_not_be_in_set",
        "kwargs": {"column": "customer_id", "value_set": list(PAYLOADS)},
    },
    # Observed value: the most common order ids, all three tied.
    {
        "type": "expect_column_most_common_value_to_be_in_set",
        "kwargs": {"column": "order_id", "value_set": ["NORTH"]},
    },
    # Raises, quoting the first value in its message and traceback.
    {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "amount", "min_value": 0}},
]


class Validation(NamedTuple):
    docs: Path
    results: list[dict[str, Any]]


@pytest.fixture(scope="module")
def validation(tmp_path_factory: pytest.TempPathFactory) -> Validation:
    """One validation of a frame holding the payloads, and its Data Docs site."""
    docs = tmp_path_factory.mktemp("docs")
    frame = pd.DataFrame(
        {
            "order_id": PAYLOADS * 2,
            "region": PAYLOADS + ("NORTH",) * 3,
            "customer_id": PAYLOADS * 2,
            "amount": pd.Series(PAYLOADS * 2, dtype=object),  # object: pandas quotes it
        }
    )
    context = open_context(docs)
    checkpoint = add_checkpoint(context, "payloads", EXPECTATIONS, {})
    results = run_checkpoint(checkpoint, frame, {}, RUN_ID)
    build_docs(docs)
    return Validation(docs, results)


def validation_pages(docs: Path) -> list[Path]:
    return sorted(docs.glob("validations/**/*.html"))


def test_results_keep_the_values_as_found(validation: Validation) -> None:
    """Escaping is for the pages only: the outcome, audit.quality_results and the stored
    results see what the data holds, and every check still fails."""
    assert [r["success"] for r in validation.results] == [False] * len(EXPECTATIONS)
    unique, in_set, not_in_set, most_common, mean = (r["result"] for r in validation.results)
    sampled = list(PAYLOADS * 2)[:SAMPLE_SIZE]
    assert unique["partial_unexpected_list"] == sampled
    assert in_set["partial_unexpected_list"] == list(PAYLOADS)
    assert not_in_set["partial_unexpected_list"] == sampled
    assert sorted(most_common["observed_value"]) == sorted(PAYLOADS)
    assert validation.results[4]["exception"] == f"Could not convert {PAYLOADS[0]!r} to numeric"
    assert mean == {}
    (stored,) = (validation.docs / ".gx_stores" / "validations").glob("**/*.json")
    stored_results = json.loads(stored.read_text(encoding="utf-8"))["results"]
    assert {r["expectation_config"]["type"]: r["result"] for r in stored_results} == {
        e["type"]: r["result"] for e, r in zip(EXPECTATIONS, validation.results, strict=True)
    }


def test_no_page_holds_a_payload_as_markup(validation: Validation) -> None:
    pages = sorted(validation.docs.glob("**/*.html"))
    assert len(pages) == 3  # index, the suite, the validation
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        assert [p for p in PAYLOADS if p in markup] == [], page
    (page,) = validation_pages(validation.docs)
    markup = page.read_text(encoding="utf-8")
    # Escaped here: three sampled-values tables, the observed value and the traceback
    # (which quotes the first payload twice). Escaped by GX, keeping quotes: the value set
    # and the exception message.
    assert [markup.count(html.escape(p)) for p in PAYLOADS] == [6, 4, 4]
    assert [markup.count(html.escape(p, quote=False)) for p in PAYLOADS] == [2, 1, 1]


def test_no_payload_runs_in_chromium(validation: Validation, chromium: Path) -> None:
    pages = validation_pages(validation.docs)
    assert len(pages) == 1
    for page in pages:
        dom = Dom(dump_dom(chromium, page))
        assert dom.title == TITLE
        assert dom.injected == []
        # Every escaped occurrence above reads as the payload itself.
        assert [dom.text.count(p) for p in PAYLOADS] == [8, 5, 5]


def dump_dom(executable: Path, page: Path) -> str:
    """The page's DOM once loaded, scripts run: GX's, and the libraries the site keeps in
    its own folder (bootstrap-table redraws the results tables). Lookups of anything else
    fail at once, online or not."""
    with tempfile.TemporaryDirectory() as profile:
        browser = subprocess.run(
            [
                str(executable),
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    return browser.stdout


class Dom(HTMLParser):
    """A dumped DOM: its title, the elements holding the marker (injected by a payload)
    and its text outside scripts."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.title: str | None = None
        self.injected: list[str] = []
        self.text = ""
        self._tag: str | None = None  # the element whose text comes next, if just opened
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(MARKER in (value or "") for _, value in attrs):
            self.injected.append(tag)
        self._tag = tag

    def handle_endtag(self, tag: str) -> None:
        self._tag = None

    def handle_data(self, data: str) -> None:
        if self._tag == "title" and self.title is None:
            self.title = data
        elif self._tag == "script":
            self.injected += ["script"] if MARKER in data else []
        else:
            self.text += data
