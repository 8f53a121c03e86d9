"""Draws from the effects' sampling distributions, which the ROI simulation values."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from attribution.draws import DRAWS, draw_effects


def effects(*rows: tuple[str, str, float | None, float | None, float | None]) -> pl.DataFrame:
    """(effect_model, metric_name, effect, ci_low, ci_high) rows of one initiative."""
    return pl.DataFrame(
        [
            {
                "initiative_id": "i",
                "metric_name": metric,
                "effect_model": model,
                "did_effect_pct": effect,
                "did_ci_low_pct": low,
                "did_ci_high_pct": high,
            }
            for model, metric, effect, low, high in rows
        ],
        schema_overrides={c: pl.Float64 for c in ("did_ci_low_pct", "did_ci_high_pct")},
    )


def drawn(frame: pl.DataFrame, metric: str) -> np.ndarray:
    return frame.filter(pl.col("metric_name") == metric)["effect_pct"].to_numpy()


def test_each_effect_is_drawn_within_its_own_95_percent_interval() -> None:
    # ppml: symmetric on the log scale, so asymmetric as a relative effect; linear: an
    # asymmetric interval (as a bootstrap gives) keeps its shape.
    ppml = (math.expm1(0.2), math.expm1(0.1), math.expm1(0.3))
    frame = draw_effects(effects(("ppml", "speed", *ppml), ("linear", "score", 0.1, 0.0, 0.4)))
    for metric, (point, low, high) in {"speed": ppml, "score": (0.1, 0.0, 0.4)}.items():
        values = drawn(frame, metric)
        assert len(values) == DRAWS
        width = high - low
        assert np.quantile(values, 0.5) == pytest.approx(point, abs=0.03 * width)
        assert np.quantile(values, 0.025) == pytest.approx(low, abs=0.05 * width)
        assert np.quantile(values, 0.975) == pytest.approx(high, abs=0.05 * width)
    assert frame["draw_number"].to_list() == [*range(1, DRAWS + 1)] * 2


def test_a_placebo_is_drawn_on_both_sides_of_zero() -> None:
    frame = draw_effects(effects(("ppml", "revenue", 0.0, -0.5, 1.0)))
    values = drawn(frame, "revenue")
    assert np.mean(values < 0) == pytest.approx(0.5, abs=0.03)
    assert values.min() < -0.4 and values.max() > 0.8
    assert values.min() > -1, "a relative effect cannot take away more than everything"


def test_draws_are_reproducible_and_each_effects_own() -> None:
    alone = draw_effects(effects(("ppml", "revenue", 0.1, 0.0, 0.2)))
    assert alone.equals(draw_effects(effects(("ppml", "revenue", 0.1, 0.0, 0.2))))
    crowded = draw_effects(
        effects(("ppml", "orders", 0.3, 0.1, 0.5), ("ppml", "revenue", 0.1, 0.0, 0.2))
    )
    assert np.array_equal(drawn(crowded, "revenue"), drawn(alone, "revenue"))
    assert not np.array_equal(drawn(crowded, "orders"), drawn(alone, "revenue"))


def test_an_effect_without_an_interval_gets_no_draws() -> None:
    frame = draw_effects(
        effects(
            ("ppml", "no_interval", 0.1, None, None),
            ("ppml", "not_a_number", 0.1, float("nan"), float("nan")),
            ("ppml", "no_estimate", None, None, None),
        )
    )
    assert frame.is_empty()
    assert frame.columns == ["initiative_id", "metric_name", "draw_number", "effect_pct"]
