"""Customer CSAT and NPS answers (`feedback/feedback_<YYYY-MM>.csv`); no injected effect."""

from pathlib import Path

import numpy as np
import polars as pl

from .company import REGIONS
from .sales import CHANNEL_PROBS, CHANNELS
from .sampling import categorical, source_rng
from .timeline import Month, draw_days, monthly_base, months, to_dates, volume_factor
from .writers import sequence_id, tally, write_csv

ANSWERS_AT_SCALE_1 = 12_000
CSAT_PROBS = np.array([0.04, 0.07, 0.16, 0.40, 0.33])  # scores 1..5
NPS_PROBS = np.array([0.02, 0.01, 0.02, 0.03, 0.04, 0.06, 0.07, 0.15, 0.20, 0.22, 0.18])  # 0..10


def _tilted(probs: np.ndarray, tilt: np.ndarray) -> np.ndarray:
    """One distribution per region, leaning up (tilt > 0) or down: the unit fixed effect."""
    scores = np.arange(probs.size) / (probs.size - 1)
    weights = probs * np.exp(np.outer(tilt, scores))
    return weights / weights.sum(axis=1, keepdims=True)


def _month_feedback(
    rng: np.random.Generator, month: Month, expected: float, tilt: np.ndarray
) -> pl.DataFrame:
    size = rng.poisson(expected)
    region = rng.integers(0, len(REGIONS), size)
    nps = rng.random(size) < 0.5
    nps_score = categorical(rng, _tilted(NPS_PROBS, tilt), region)
    csat_score = 1 + categorical(rng, _tilted(CSAT_PROBS, tilt), region)
    score = np.where(nps, nps_score, csat_score)
    day = np.sort(draw_days(rng, month, size, weekend=0.5))
    frame = pl.DataFrame(
        {
            "response_date": to_dates(day),
            "region": np.array(REGIONS)[region],
            "channel": rng.choice(np.array(CHANNELS), size=size, p=CHANNEL_PROBS),
            "survey": np.where(nps, "nps", "csat"),
            "score": score,
        }
    )
    return frame.select(sequence_id(f"FB{month.compact}-", 6).alias("response_id"), pl.all())


def write_feedback(landing: Path, seed: int, scale: float) -> dict[str, int]:
    folder = landing / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    tilt = source_rng(seed, "feedback", "levels").uniform(-0.4, 0.4, len(REGIONS))
    base = monthly_base(ANSWERS_AT_SCALE_1 * scale, volume_factor)
    rows = []
    for month in months():
        rng = source_rng(seed, "feedback", month.label)
        answers = _month_feedback(rng, month, base * volume_factor(month), tilt)
        rows.append(write_csv(answers, folder / f"feedback_{month.label}.csv"))
    return tally(rows)
