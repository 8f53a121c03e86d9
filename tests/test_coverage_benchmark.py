"""The coverage benchmark's machinery (benchmarks/coverage.py) on a handful of panels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attribution import estimate_effects
from benchmarks import coverage
from benchmarks.coverage import DESIGNS, TRUE_EFFECT, Design, Draw, simulate, summarize
from benchmarks.sections import COVERAGE_HEADING, read_section, write_section


def test_coverage_is_the_share_of_intervals_holding_the_truth() -> None:
    design = Design(treated=2, units=6, model="linear")  # true effect 0.30 points
    draws = [
        Draw(0.30, 0.20, 0.40, "randomization inference"),
        Draw(0.50, 0.45, 0.60, "randomization inference"),
        Draw(0.30, math.nan, math.nan, "randomization inference"),
        Draw(0.25, 0.10, 0.30, "randomization inference"),  # the truth on the bound
    ]
    summary = summarize(design, draws)

    assert (summary.panels, summary.intervals, summary.covered) == (4, 3, 2)
    assert summary.coverage == pytest.approx(2 / 3)
    assert summary.bias == pytest.approx((0.30 + 0.50 + 0.30 + 0.25) / 4 - 0.30)
    assert summary.median_width == pytest.approx(0.20)
    assert "| 2 of 6 units, 2 cohorts, linear | randomization inference | 3/4 | 96.7% | 66.7%" in (
        coverage.table([summary])
    )


def test_the_benchmark_counts_what_the_engine_reports() -> None:
    number = DESIGNS.index(Design(3, 6, "ppml"))
    (summary,) = coverage.run([number], panels=3, workers=1)

    truth = TRUE_EFFECT["ppml"]
    rows = [estimate_effects(simulate(DESIGNS[number], seed)).iloc[0] for seed in range(3)]
    covered = sum(r["did_ci_low_pct"] <= truth <= r["did_ci_high_pct"] for r in rows)
    assert (summary.panels, summary.intervals, summary.covered) == (3, 3, covered)
    assert summary.bias == pytest.approx(np.mean([r["did_effect_pct"] for r in rows]) - truth)
    assert summary.method == "randomization inference"


def test_simulated_panels_follow_their_design() -> None:
    design = Design(treated=3, units=12, model="linear")
    panel = simulate(design, seed=0)
    go_lives = panel.groupby("unit_id")["go_live_month"].first()

    assert len(go_lives) == 12 and go_lives.notna().sum() == 3
    assert go_lives.dropna().nunique() == 2  # two cohorts six months apart
    assert panel.groupby("unit_id").size().eq(coverage.MONTHS).all()
    assert simulate(design, seed=0).equals(panel)
    assert not simulate(design, seed=1).equals(panel)


def test_each_benchmark_rewrites_only_its_own_section(tmp_path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text(
        f"# Benchmarks\n\nscale table\n\n{COVERAGE_HEADING}\n\nold\n\n## Targets\n\nkept\n",
        encoding="utf-8",
    )
    write_section(path, COVERAGE_HEADING, f"{COVERAGE_HEADING}\n\nnew\n")

    assert path.read_text(encoding="utf-8") == (
        f"# Benchmarks\n\nscale table\n\n{COVERAGE_HEADING}\n\nnew\n\n## Targets\n\nkept\n"
    )
    assert read_section(path, COVERAGE_HEADING) == f"{COVERAGE_HEADING}\n\nnew\n"
    assert read_section(path, "## Absent") == ""


def test_an_interrupted_run_resumes_from_the_kept_summaries(tmp_path, monkeypatch) -> None:
    kept = tmp_path / "coverage.jsonl"
    number = DESIGNS.index(Design(2, 6, "linear"))
    (first,) = coverage.run([number], panels=2, workers=1, kept=kept)

    def no_more_panels(design: Design, seed: int) -> Draw:
        raise AssertionError("a kept design was simulated again")

    monkeypatch.setattr(coverage, "draw", no_more_panels)
    (again,) = coverage.run([number], panels=2, workers=1, kept=kept)
    assert again == first
    assert coverage.load_summaries(kept) == [first]
