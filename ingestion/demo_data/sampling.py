"""Reproducible random streams and the few distributions every generator needs.

Aggregates that carry an injected effect (a unit's month of defects, reworked tasks,
orders, ...) are not left to row-by-row binomial or Poisson draws: the generators decide
the cell's total from its expected value times `cell_noise`, then spread it over rows
drawn at random (stratified allocation). Rows still look like real data; cells follow
their expectation closely enough for the recovery tests to check effects within 10%.
"""

import zlib

import numpy as np

# Standard deviation of the multiplicative noise on an effect-carrying unit-month aggregate.
CELL_NOISE = 0.01


def source_rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator that depends only on the seed and the keys.

    Keying each source and month separately means changing one table's code never shifts
    the random numbers of another.
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


def cell_noise(rng: np.random.Generator, size: int, sigma: float = CELL_NOISE) -> np.ndarray:
    """Multiplicative noise 1 + ε, ε ~ N(0, sigma), one per cell."""
    return 1.0 + rng.normal(0.0, sigma, size)


class CarriedRounding:
    """Whole counts from expected counts, each unit carrying its rounding error forward.

    A cell expecting 3.4 reworked tasks gets 3 or 4; rounding each month on its own adds
    ±0.5 of noise per cell, a lot at small scales. Carrying the remainder into the unit's
    next month keeps its counts over any run of months within one of their expectation.
    The carries start at random, so no month is systematically rounded one way.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._carry: dict[str, np.ndarray] = {}

    def __call__(self, key: str, expected: np.ndarray, cap: np.ndarray | None = None) -> np.ndarray:
        """Counts for one month of the units in `expected`, at most `cap` each."""
        expected = np.asarray(expected, dtype=np.float64)
        if key not in self._carry:
            self._carry[key] = self._rng.uniform(-0.5, 0.5, expected.shape)
        wanted = expected + self._carry[key]
        counts = np.maximum(np.floor(wanted + 0.5), 0)
        if cap is not None:
            counts = np.minimum(counts, cap)
        # Bounded, so a unit whose cap bites does not pile up a debt.
        self._carry[key] = np.clip(wanted - counts, -0.5, 0.5)
        return counts.astype(np.int64)


def choose_in_groups(
    rng: np.random.Generator,
    group: np.ndarray,
    counts: np.ndarray,
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Mask choosing `counts[g]` rows at random among the eligible rows of each group g.

    `group` holds small non-negative integers (< 16384); counts above a group's eligible
    rows are capped at them.
    """
    shuffled = rng.permutation(group.size)
    # Stable sort of small integers is a radix sort: groups in random order inside,
    # eligible rows first.
    key = 2 * group[shuffled].astype(np.int16)
    if eligible is not None:
        key += ~eligible[shuffled]
    order = shuffled[np.argsort(key, kind="stable")]
    sizes = np.bincount(group, minlength=counts.size)
    ranked = group[order]
    rank = np.arange(group.size) - (np.cumsum(sizes) - sizes)[ranked]
    chosen = np.empty(group.size, dtype=bool)
    chosen[order] = rank < counts[ranked]
    return chosen if eligible is None else chosen & eligible


def group_mean(values: np.ndarray, group: np.ndarray, groups: int, mask: np.ndarray) -> np.ndarray:
    """Mean of `values[mask]` per group (NaN for a group without rows)."""
    totals = np.bincount(group[mask], weights=values[mask], minlength=groups)
    sizes = np.bincount(group[mask], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return totals / sizes


def rescale_to_mean(
    values: np.ndarray, group: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """`values` multiplied per group so that the mean of `values[mask]` in group g is
    `target[g]`: the rows keep their drawn shape, the cell its expected mean."""
    mask = np.ones(values.size, dtype=bool) if mask is None else mask
    means = group_mean(values, group, target.size, mask)
    factor = np.where(means > 0, target / np.where(means > 0, means, 1.0), 1.0)
    return values * factor[group]


def largest_remainder(total: int, probs: np.ndarray) -> np.ndarray:
    """Counts summing to `total` closest to total * probs (Hamilton's method)."""
    expected = total * np.asarray(probs, dtype=np.float64)
    counts = np.floor(expected).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(counts - expected, kind="stable")[:short]] += 1
    return counts
