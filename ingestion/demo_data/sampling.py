"""Reproducible random streams and the few distributions every generator needs."""

import zlib

import numpy as np


def source_rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator that depends only on the seed and the keys.

    Keying each source and month separately means changing one table's code never shifts
    the random numbers of another, and a month can be generated without the months before.
    """
    words = [seed, *(zlib.crc32(key.encode()) for key in keys)]
    return np.random.default_rng(np.random.SeedSequence(words))


def lognormal(
    rng: np.random.Generator, mean: np.ndarray | float, sigma: float, size: int
) -> np.ndarray:
    """Lognormal draws parameterised by their mean, so multiplying the mean scales them."""
    return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, size)


def cv_sigma(cv: float) -> float:
    """Log-scale sigma of a lognormal with coefficient of variation `cv`."""
    return float(np.sqrt(np.log1p(cv**2)))


def categorical(rng: np.random.Generator, probs: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Category index (0-based) per draw, from the distribution in `probs[row]`."""
    cumulative = probs.cumsum(axis=1)[row]
    cumulative[:, -1] = 1.0
    return (rng.random((row.size, 1)) > cumulative).sum(axis=1)
