"""The benchmark's targets table: each target met or missed, a miss with the profile line
of the run behind it and what would close it."""

from __future__ import annotations

from benchmarks.run import CLOSING, OWNED_HEADINGS, Measure, targets
from benchmarks.sections import sections_except

STEPS = (("dbt_models", 30.0), ("raw__operations_tasks_great_expectations", 12.0))


def results(rerun: Measure, daily_seconds: float) -> list[dict[str, object]]:
    return [
        {
            "scale": 100.0,
            "volumes": {"operations_tasks": 10_000_000},
            "pipeline": Measure(100.0, 1500.0, STEPS),
            "daily": Measure(daily_seconds, 800.0, STEPS),
            "gate": Measure(15.0, 900.0),
            "reference": Measure(30.0, 400.0),
            "rerun": rerun,
        }
    ]


def test_met_targets_are_marked_met_with_their_figures():
    table = targets(results(Measure(0.4, 90.0, printed="Nothing new since run r1"), 8.0))
    assert "MISSED" not in table
    assert "- met: daily run at most 10% of the full build (8 s vs 100 s: 8%)" in table
    full = "- met: full build at most 4x the hand-written reference (100 s vs 30.0 s: 3.3x)"
    assert full in table


def test_a_missed_target_prints_its_profile_line_and_what_would_close_it():
    table = targets(results(Measure(40.0, 900.0, printed="loaded 3 files"), 50.0)).splitlines()
    daily = table.index("- MISSED: daily run at most 10% of the full build (50 s vs 100 s: 50%)")
    assert table[daily + 1].startswith("  - profile: 50 s: dbt_models 30.0 s, ")
    assert table[daily + 2] == f"  - what would close it: {CLOSING['daily']}"
    rerun = next(i for i, line in enumerate(table) if "rerun with nothing new" in line)
    assert "MISSED" in table[rerun] and 'does NOT say "nothing new"' in table[rerun]
    assert table[rerun + 1] == f"  - what would close it: {CLOSING['rerun']}"


def test_the_run_keeps_every_section_it_does_not_write(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(
        "# Benchmarks\n\n## Targets\n\nold\n\n## What the profile found\n\nby hand\n\n"
        "## Coverage of the 95% intervals\n\ntable\n\n## Coverage: the misses examined\n\nnotes\n"
    )
    assert sections_except(path, OWNED_HEADINGS) == [
        "## What the profile found\n\nby hand\n",
        "## Coverage of the 95% intervals\n\ntable\n",
        "## Coverage: the misses examined\n\nnotes\n",
    ]
