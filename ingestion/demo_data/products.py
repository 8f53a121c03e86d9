"""Product and service launches (`products/launches.csv`) with their time to market.

Launches by the teams using the ideation assistant (from their go-live on) reach the
market 30% sooner. Durations are drawn lognormal per launch, then each team-month's are
scaled so that their median is the expected median with small noise (see sampling.py):
with four launches a month, the median of the draws alone would move a cell by ±15%.
"""

from pathlib import Path

import numpy as np
import polars as pl

from .company import RND_TEAMS
from .effects import initiative
from .sampling import cell_noise, source_rng
from .timeline import draw_days, duration_factor, months, to_dates
from .writers import sequence_id, tally, write_csv

LAUNCHES_PER_TEAM_MONTH = 4
TIME_TO_MARKET_SIGMA = 0.35
AI_ENABLED_SHARE = 0.3
ADJECTIVES = (
    "Smart", "Compact", "Rugged", "Wireless", "Modular", "Precision", "Edge", "Connected",
    "Low-power", "Industrial", "Adaptive", "Secure",
)  # fmt: skip
NOUNS = (
    "Sensor", "Controller", "Gateway", "Power Module", "Drive", "Display Unit", "Relay Board",
    "Service Plan", "Monitoring Service", "Analytics Add-on", "Charger", "Inverter",
)  # fmt: skip


def build_launches(seed: int) -> pl.DataFrame:
    rng = source_rng(seed, "products")
    median_days = rng.uniform(150, 230, len(RND_TEAMS))
    ideation = initiative("product-ideation")
    go_lives = ideation.go_lives(RND_TEAMS)
    multiplier = ideation.effect("time_to_market_median").multiplier
    parts = []
    for month in months():
        counts = rng.poisson(LAUNCHES_PER_TEAM_MONTH, len(RND_TEAMS))
        team = np.repeat(np.arange(len(RND_TEAMS)), counts)
        launch = to_dates(draw_days(rng, month, team.size, weekend=0.05))
        assisted = launch >= go_lives[team]
        median = median_days[team] * duration_factor(month) * np.where(assisted, multiplier, 1.0)
        drawn = median * rng.lognormal(0.0, TIME_TO_MARKET_SIGMA, team.size)
        target = median * cell_noise(rng, len(RND_TEAMS))[team]
        days = np.rint(_rescale_to_median(drawn, team, target))
        parts.append(
            pl.DataFrame(
                {
                    "product_name": pl.Series(rng.choice(ADJECTIVES, team.size))
                    + " "
                    + pl.Series(rng.choice(NOUNS, team.size))
                    + " "
                    + pl.Series(rng.integers(100, 1000, team.size)).cast(pl.String),
                    "rnd_team": np.array(RND_TEAMS)[team],
                    "idea_date": launch - days.astype("timedelta64[D]"),
                    "launch_date": launch,
                    "ai_assisted": assisted,
                    "ai_enabled": rng.random(team.size) < AI_ENABLED_SHARE,
                },
                schema_overrides={"rnd_team": pl.String},
            )
        )
    launches = pl.concat(parts).sort("launch_date", "rnd_team", maintain_order=True)
    return launches.select(sequence_id("PN-", 5).alias("product_id"), pl.all())


def _rescale_to_median(values: np.ndarray, team: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`values` scaled per team so that each team's median is its (common) `target`."""
    factor = np.ones(values.size)
    for code in np.unique(team):
        at = team == code
        factor[at] = target[at][0] / np.median(values[at])
    return values * factor


def write_launches(landing: Path, launches: pl.DataFrame) -> dict[str, int]:
    folder = landing / "products"
    folder.mkdir(parents=True, exist_ok=True)
    return tally([write_csv(launches, folder / "launches.csv")])
