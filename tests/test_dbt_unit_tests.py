"""dbt's unit tests (hand-computed fixtures for every metric formula) run here, not in the
pipeline: production runs build and test data, the suite tests the SQL."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e


def test_every_dbt_unit_test_passes(dbt_copy):
    dbt_copy.run("test", "--select", "test_type:unit")
    target = dbt_copy.project / "target"
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    outcome = {
        r["unique_id"].rsplit(".", 1)[-1]: r["status"]
        for r in results
        if r["unique_id"].startswith("unit_test.")  # not the on-run-start hook
    }
    assert len(outcome) == len(manifest["unit_tests"]) >= 9
    assert set(outcome.values()) == {"pass"}
    assert {
        "comment_themes_need_ten_commenters",
        "comment_keywords_match_word_starts_in_english_and_french",
        "opportunity_score_components_weights_and_coverage",
        "npv_roi_and_payback",
    } <= set(outcome)
