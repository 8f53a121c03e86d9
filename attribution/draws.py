"""Draws from each effect's sampling distribution, for simulations of what it is worth.

Each effect is drawn on its model's scale - log(1 + effect) for ppml, the relative effect
itself for linear models (the points over a fixed counterfactual) - from a two-piece
normal centred on the estimate whose 2.5th and 97.5th percentiles are the ends of the
effect's 95% interval. A symmetric interval gives a plain normal; an asymmetric one (a
bootstrap's) keeps its shape. Effects are drawn independently of one another.

Reproducible bit for bit: each effect's generator is seeded from a fixed number and the
effect's own (initiative_id, metric_name), so adding or removing effects, or reordering
rows, changes no other effect's draws.
"""

from __future__ import annotations

import zlib

import numpy as np
import polars as pl

DRAWS = 4000
# Any fixed number: changing it moves every simulated percentile a little.
SEED = 14
Z_975 = 1.959963984540054

ESTIMATE = ["did_effect_pct", "did_ci_low_pct", "did_ci_high_pct"]
INPUT_COLUMNS = ["initiative_id", "metric_name", "effect_model", *ESTIMATE]
OUTPUT_SCHEMA = {
    "initiative_id": pl.String,
    "metric_name": pl.String,
    "draw_number": pl.Int64,
    "effect_pct": pl.Float64,
}


def draw_effects(effects: pl.DataFrame, draws: int = DRAWS) -> pl.DataFrame:
    """`draws` draws (draw_number 1..draws) of every effect with a 95% interval.

    `effects` has the columns in `INPUT_COLUMNS` (as int_attribution__effects); effects
    without an estimate or without an interval get no draws, so a simulation over them
    cannot pretend to know their uncertainty.
    """
    estimated = pl.all_horizontal(pl.col(c).is_not_nan() for c in ESTIMATE)
    usable = effects.select(INPUT_COLUMNS).drop_nulls().filter(estimated)
    frames = [_draw(row, draws) for row in usable.iter_rows(named=True)]
    return pl.concat(frames) if frames else pl.DataFrame(schema=OUTPUT_SCHEMA)


def _draw(effect: dict, draws: int) -> pl.DataFrame:
    to_model, from_model = _scale(effect["effect_model"])
    point, low, high = (to_model(effect[c]) for c in ESTIMATE)
    z = _generator(effect["initiative_id"], effect["metric_name"]).standard_normal(draws)
    spread = np.where(z < 0, point - low, high - point) / Z_975
    return pl.DataFrame(
        {
            "initiative_id": effect["initiative_id"],
            "metric_name": effect["metric_name"],
            "draw_number": np.arange(1, draws + 1),
            "effect_pct": from_model(point + z * spread),
        },
        schema=OUTPUT_SCHEMA,
    )


def _scale(effect_model: str) -> tuple[np.ufunc, np.ufunc]:
    """To and from the scale on which the effect was estimated (and is near normal)."""
    if effect_model == "ppml":
        return np.log1p, np.expm1
    return np.positive, np.positive


def _generator(initiative_id: str, metric_name: str) -> np.random.Generator:
    key = zlib.crc32(f"{initiative_id}\x00{metric_name}".encode())
    return np.random.default_rng([SEED, key])
