"""The stacked DiD refitted under many go-live assignments (or unit subsets) at once.

Randomization inference and the cluster jackknife need the effect of one metric panel
re-estimated hundreds of times. Each cohort's stack has its own fixed effects and its own
treatment dummy, so the stacked regression is one small two-way fixed-effects regression
per cohort; here those run for every variant together on a dense unit x month grid,
the unit or the month effects (whichever are more) eliminated in closed form, so a batch
costs a few small matrix solves.
On the variant that reproduces the panel as it is, the result equals `did.fit_did`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attribution.did import MAX_LOG_EFFECT
from attribution.panel import MetricPanel

# Unit-months fitted at once, in all variants together: bounds memory on large panels.
CELLS_PER_BATCH = 2_000_000
# A Poisson fit stops once no effect moves by more than _POISSON_TOLERANCE in a step
# (large counts leave round-off of about 1e-9 in the normal equations), and counts as
# failed if one still moved by more than _POISSON_UNCONVERGED after the last step.
_POISSON_TOLERANCE = 1e-8
_POISSON_UNCONVERGED = 1e-6
# The dummy's variance left after the fixed effects, as a share of its own, below which it
# counts as a combination of them.
_IDENTIFIED = 1e-9
# Linear predictors beyond ±100 are diverging fits; capping them keeps the arithmetic finite.
_MAX_LINEAR_PREDICTOR = 100.0
_POISSON_MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Grid:
    """A metric panel as unit x month arrays; `present` marks the cells that have a row."""

    numerator: np.ndarray
    denominator: np.ndarray  # 1 where absent, so ratios stay finite
    present: np.ndarray
    first_month: int

    @classmethod
    def of(cls, p: MetricPanel) -> Grid:
        first = int(p.month.min())
        shape = (len(p.unit_ids), int(p.month.max()) - first + 1)
        cell = (p.unit, p.month - first)
        numerator, denominator = np.zeros(shape), np.ones(shape)
        present = np.zeros(shape, dtype=bool)
        numerator[cell], denominator[cell], present[cell] = p.numerator, p.denominator, True
        return cls(numerator, denominator, present, first)

    def months(self) -> np.ndarray:
        return self.first_month + np.arange(self.present.shape[1])


@dataclass(frozen=True)
class _Stack:
    """One cohort's sample in every variant: cells from its first window month on."""

    start: int  # first grid column of the window
    rows: np.ndarray  # (variants, units, months) cells in the regression
    treated: np.ndarray  # cohort units' rows (baseline or post)
    treated_post: np.ndarray  # the treatment dummy


@dataclass(frozen=True)
class Refits:
    """One metric panel's stacked DiD in many variants at once (`Refits.of`)."""

    grid: Grid
    stacks: tuple[_Stack, ...]

    @classmethod
    def of(cls, p: MetricPanel, grid: Grid, go_live: np.ndarray, include: np.ndarray) -> Refits:
        """Variants with the go-live months `go_live` (variants x units, `panel.NEVER` for
        never treated), each using only its `include`d units.

        Cohorts and their clean controls are chosen per variant exactly as
        `panel.build_stacks` chooses them for the panel itself.
        """
        present = grid.present[None] & include[:, :, None]
        month = grid.months()[None, None, :]
        go = go_live[:, :, None]
        baseline = present & (month >= go - p.baseline_months) & (month < go)
        post = present & (month >= go + p.ramp_up_months)
        measured = baseline.any(axis=2) & post.any(axis=2)
        stacks = []
        for g in np.unique(go_live[measured]):
            start = max(int(g) - p.baseline_months - grid.first_month, 0)
            window = np.s_[:, :, start:]
            treated = measured[:, :, None] & (go == g) & (baseline | post)
            control = present & (month >= g - p.baseline_months) & (go > g) & (month < go)
            has_controls = (control & (month >= g + p.ramp_up_months)).any(axis=(1, 2))
            treated &= has_controls[:, None, None]
            control &= has_controls[:, None, None]
            stacks.append(
                _Stack(
                    start=start,
                    rows=(treated | control)[window],
                    treated=treated[window],
                    treated_post=(treated & post)[window],
                )
            )
        return cls(grid, tuple(stacks))

    def subset(self, variants: np.ndarray) -> Refits:
        stacks = (
            _Stack(s.start, s.rows[variants], s.treated[variants], s.treated_post[variants])
            for s in self.stacks
        )
        return Refits(self.grid, tuple(stacks))

    def linear(self, responses: np.ndarray) -> np.ndarray:
        """Effects (responses x variants) of WLS weighted by the denominator.

        `responses` (responses x units x months) are values on the metric's own scale.
        """
        parts = [self.subset(batch)._linear(responses) for batch in self._batches()]
        return np.concatenate(parts, axis=-1)

    def poisson(
        self, numerator: np.ndarray, start: list[np.ndarray] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Effects (variants) of PPML with log(denominator) as offset, and the fitted state
        (pass it as `start` to refit a nearby numerator in few iterations).

        A variant whose fit has no finite effect (separation) gets +inf.
        """
        effects, _, states = self._poisson_batches(numerator, start, studentized=False)
        return effects, states

    def poisson_t(
        self, numerator: np.ndarray, start: list[np.ndarray] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """As `poisson`, but each variant's effect divided by its cluster-robust standard
        error by unit (the sandwich without small-sample factors, which are alike in every
        variant). A variant without a finite effect gets +inf."""
        effects, errors, states = self._poisson_batches(numerator, start, studentized=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = effects / errors
        return np.where(np.isfinite(effects) & (errors > 0), t, np.inf), states

    def _poisson_batches(
        self, numerator: np.ndarray, start: list[np.ndarray] | None, studentized: bool
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        effects, errors, states = [], [], []
        for batch in self._batches():
            batch_start = [state[batch] for state in start] if start else None
            fit = self.subset(batch)._poisson(numerator, batch_start, studentized)
            effects.append(fit[0])
            errors.append(fit[1])
            states.append(fit[2])
        by_stack = zip(*states, strict=True)
        return (
            np.concatenate(effects),
            np.concatenate(errors),
            [np.concatenate(parts) for parts in by_stack],
        )

    def _batches(self) -> list[slice]:
        """Variants in batches of at most CELLS_PER_BATCH unit-months."""
        variants = len(self.stacks[0].rows)
        size = max(1, CELLS_PER_BATCH // sum(stack.rows[0].size for stack in self.stacks))
        return [slice(first, first + size) for first in range(0, variants, size)]

    def _linear(self, responses: np.ndarray) -> np.ndarray:
        effects, weights = [], []
        for stack in self.stacks:
            w = np.where(stack.rows, self.grid.denominator[None, :, stack.start :], 0.0)
            beta, _ = _wls(w, stack.treated_post, responses[:, None, :, stack.start :])
            effects.append(beta)
            weights.append(stack.treated_post.sum(axis=(1, 2)))
        return _aggregate(np.stack(effects, axis=-1), np.stack(weights, axis=-1))

    def _poisson(
        self, numerator: np.ndarray, start: list[np.ndarray] | None, studentized: bool
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Aggregated effects, their standard errors (nan unless `studentized`) and the
        fitted states, per variant."""
        effects, weights, scores, states = [], [], [], []
        for k, stack in enumerate(self.stacks):
            y = numerator[None, :, stack.start :]
            den = self.grid.denominator[None, :, stack.start :]
            rows = _drop_zero_groups(stack.rows, y)
            beta, state = _ppml(rows, stack.treated_post, y, den, start[k] if start else None)
            beta[_separated(stack, y)] = np.inf
            effects.append(beta)
            weights.append((stack.treated_post & rows).sum(axis=(1, 2)))
            states.append(state)
            if studentized:
                mu = den * np.exp(state)
                scores.append(_poisson_unit_scores(rows, stack.treated_post, y, mu))
        effects, weights = np.stack(effects, axis=-1), np.stack(weights, axis=-1)
        errors = np.full(len(effects), np.nan)
        if studentized:
            errors = _cluster_standard_errors(np.stack(scores, axis=-1), weights)
        return _aggregate(effects, weights), errors, states


def _aggregate(effects: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cohort effects averaged by treated post unit-months, as in `did.fit_did`."""
    weights = weights.astype(float)
    total = weights.sum(axis=-1)
    used = weights > 0
    combined = np.where(used, effects, 0.0) * weights
    with np.errstate(invalid="ignore", divide="ignore"):
        result = combined.sum(axis=-1) / total
    # A variant with no estimable cohort, or a diverging one, has no effect at all.
    diverged = (used & ~np.isfinite(effects)).any(axis=-1)
    return np.where((total > 0) & ~diverged, result, np.inf)


def _poisson_unit_scores(
    rows: np.ndarray, dummy: np.ndarray, y: np.ndarray, mu: np.ndarray
) -> np.ndarray:
    """Each unit's influence on a cohort's ppml effect (variants x units): the sum over
    its rows of the dummy net of the fixed effects (weighted by the fitted means) times
    the residual, over the dummy's information (Frisch-Waugh-Lovell)."""
    w = np.where(rows, mu, 0.0)
    _, projection = _wls(w, np.zeros_like(dummy), dummy[None].astype(float))
    partialled = np.where(rows, dummy - projection[0], 0.0)
    information = (w * partialled**2).sum(axis=(1, 2))
    scores = (partialled * np.where(rows, y - mu, 0.0)).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return scores / information[:, None]


def _cluster_standard_errors(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cluster-robust standard errors of the aggregated effect from each unit's influence
    on each cohort's (variants x units x cohorts): a unit counts once across cohorts."""
    shares = weights / np.maximum(weights.sum(axis=-1, keepdims=True), 1)
    influence = (np.nan_to_num(scores) * shares[:, None, :]).sum(axis=-1)
    return np.sqrt((influence**2).sum(axis=-1))


def _wls(w: np.ndarray, dummy: np.ndarray, responses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dummy coefficients (responses x variants) of weighted two-way fixed-effects
    regressions, and their fitted values; w, dummy: variants x units x months.

    The two sets of effects play symmetric roles, so the longer one is eliminated in
    closed form (its block of the normal equations is diagonal) and a system of the
    shorter one's size + 1 is solved per variant.
    """
    if w.shape[1] >= w.shape[2]:
        return _wls_eliminating_rows(w, dummy, responses)
    beta, fitted = _wls_eliminating_rows(
        w.swapaxes(1, 2), dummy.swapaxes(1, 2), responses.swapaxes(2, 3)
    )
    return beta, fitted.swapaxes(2, 3)


def _wls_eliminating_rows(
    w: np.ndarray, dummy: np.ndarray, responses: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n_variants, _, n_columns = w.shape
    wd = w * dummy
    row_total = _last_axis_sums(w)
    inverse_total = np.divide(1.0, row_total, out=np.zeros_like(row_total), where=row_total > 0)
    # Per row: its weights by column, then its weight on the dummy.
    row_weights = np.concatenate([w, _last_axis_sums(wd)[..., None]], axis=2)
    column_total = w.sum(axis=1)
    normal = np.zeros((n_variants, n_columns + 1, n_columns + 1))
    diagonal = np.arange(n_columns)
    normal[:, diagonal, diagonal] = column_total
    normal[:, :n_columns, n_columns] = normal[:, n_columns, :n_columns] = wd.sum(axis=1)
    normal[:, n_columns, n_columns] = row_weights[:, :, n_columns].sum(axis=1)
    scaled = row_weights * inverse_total[:, :, None]
    normal -= np.matmul(scaled.transpose(0, 2, 1), row_weights)
    # Row and column effects are identified only up to a shared constant: pin the column
    # effects' sum (no dummy coefficient changes). Empty columns get 0.
    in_use = np.concatenate([column_total > 0, np.zeros((n_variants, 1), dtype=bool)], axis=1)
    normal += in_use[:, :, None] * in_use[:, None, :]
    normal[:, diagonal, diagonal] += column_total == 0
    # A variant without this cohort: its dummy is all zero; give it a coefficient of 0.
    normal[:, n_columns, n_columns] += normal[:, n_columns, n_columns] == 0

    weighted = w * responses  # responses x variants x rows x columns
    row_sums = _last_axis_sums(weighted)
    rhs = np.concatenate(
        [weighted.sum(axis=2), _last_axis_sums(weighted * dummy).sum(axis=2)[..., None]], axis=2
    )
    rhs -= np.matmul((row_sums * inverse_total)[:, :, None, :], row_weights)[:, :, 0, :]
    beta, column_effects = _dummy_first(normal, rhs)
    row_effects = row_sums - _last_axis_sums(w * column_effects[:, :, None, :])
    row_effects -= row_weights[:, :, n_columns] * beta[..., None]
    row_effects *= inverse_total
    fitted = row_effects[..., None] + column_effects[:, :, None, :] + beta[..., None, None] * dummy
    return beta, fitted


def _dummy_first(normal: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve the normal equations [column effects, dummy] for the dummy's coefficient
    first: nan where the dummy is a combination of the fixed effects (not identified).

    The fixed effects alone may be rank deficient (units and months that never meet, once
    all-zero groups are dropped); a pseudo-inverse serves them, as in `did.fit_did`.
    """
    n = normal.shape[1] - 1
    fixed, cross, own = normal[:, :n, :n], normal[:, :n, n], normal[:, n, n]
    try:
        inverse = np.linalg.inv(fixed)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(fixed, hermitian=True)
    through_fixed = np.matmul(inverse, cross[..., None])[..., 0]
    residual = own - (cross * through_fixed).sum(axis=-1)
    identified = residual > _IDENTIFIED * own
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (rhs[..., n] - (rhs[..., :n] * through_fixed).sum(axis=-1)) / residual
    beta = np.where(identified, beta, np.nan)
    effects = np.matmul(inverse, (rhs[..., :n] - beta[..., None] * cross)[..., None])[..., 0]
    return beta, np.where(identified[..., None], effects, 0.0)


def _last_axis_sums(values: np.ndarray) -> np.ndarray:
    # A product with ones: many times faster than .sum(axis=-1) over short rows.
    return values @ np.ones(values.shape[-1])


def _ppml(
    rows: np.ndarray, dummy: np.ndarray, y: np.ndarray, den: np.ndarray, start: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson pseudo-ML by iteratively reweighted least squares, for every variant."""
    if start is None:
        mean = (y * rows).sum(axis=(1, 2), keepdims=True) / np.maximum(
            rows.sum(axis=(1, 2), keepdims=True), 1
        )
        eta = np.where(rows, np.log(np.maximum(y + mean, 1e-300) / 2 / den), 0.0)
    else:
        eta = start
    beta = np.zeros(len(rows))
    change = np.full(len(rows), np.inf)
    for _ in range(_POISSON_MAX_ITERATIONS):
        eta = np.clip(eta, -_MAX_LINEAR_PREDICTOR, _MAX_LINEAR_PREDICTOR)
        mu = den * np.exp(eta)
        w = np.where(rows, mu, 0.0)
        working = eta + np.divide(y - mu, mu, out=np.zeros_like(mu), where=rows)
        new_beta, fitted = _wls(w, dummy, working[None])
        eta = np.nan_to_num(fitted[0])
        change = np.abs(new_beta[0] - beta)
        beta = new_beta[0]
        if not (change >= _POISSON_TOLERANCE).any():  # nan (not identified) counts as done
            break
    # Like did.fit_did: unconverged, unidentified or runaway effects are no estimate.
    failed = ~np.isfinite(beta) | (change > _POISSON_UNCONVERGED) | (np.abs(beta) > MAX_LOG_EFFECT)
    return np.where(failed, np.inf, beta), eta


def _drop_zero_groups(rows: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows without units or months whose numerators are all zero (`did._ppml_usable_rows`)."""
    positive = y > 0
    while True:
        unit_zero = ~(rows & positive).any(axis=2, keepdims=True)
        month_zero = ~(rows & positive).any(axis=1, keepdims=True)
        kept = rows & ~unit_zero & ~month_zero
        if (kept == rows).all():
            return kept
        rows = kept


def _separated(stack: _Stack, y: np.ndarray) -> np.ndarray:
    """Variants where the cohort's treated rows are all zero before or after go-live."""
    positive = y > 0
    before = (stack.treated & ~stack.treated_post & positive).any(axis=(1, 2))
    after = (stack.treated_post & positive).any(axis=(1, 2))
    in_use = stack.treated.any(axis=(1, 2))
    return in_use & ~(before & after)
