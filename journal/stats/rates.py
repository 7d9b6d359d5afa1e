"""Cramps per night, and how one kind of night compares with another over time.

The comparisons are a Poisson regression (statsmodels) of each night's cramps on the
habit and on a time trend that may bend every four weeks, so that nights are compared
with nights from the same stretch of time: cramps that ease by themselves over weeks do
not make whatever habit was taken up meanwhile look helpful.

Its variance is cluster-robust over runs of up to a week of calendar days, because
cramps come in bad and good spells and habits persist from night to night: a run of
alike nights is less evidence than as many independent ones. A diary holds only a
handful of such runs, and the plain sandwich variance is then too small, so it gets
the bias-reduced "CR2" correction and the Bell-McCaffrey degrees of freedom for its t
quantile (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), the small-sample method
that R's clubSandwich uses. No Python library offers it; the formulas are in _cr2.
tests/test_stats_simulations.py checks the coverage of the result on diaries with a
planted truth.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as distributions
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from journal.stats.nights import CONFIDENCE

KNOT_DAYS = 28  # the time trend may change direction every four weeks...
MAX_BENDS = 12  # ...or less often in a long diary, so that years of nights stay quick
RUN_DAYS = 7  # nights within the same week may be alike (the variance allows it)
MIN_RUNS = 6  # shorter diaries get shorter runs, so there are at least this many
# Below this share of its variation left once time is accounted for, a habit is too
# tied to the calendar (say, taken up on one day and kept since) to be told apart.
MIN_VARIATION_APART_FROM_TIME = 0.02
# A fitted ratio beyond a thousand times either way comes from nights of one kind that
# all fell in a stretch with no cramps (the fit runs off towards 0 or infinity), not
# from a real effect: no ratio is given then.
MAX_RATIO = 1000.0

_ALPHA = 1 - CONFIDENCE
_LOG_LIMIT = 20.0  # an interval beyond e^±20 (some 5e8 times) is only "very unsure"


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Fitted:
    """A coefficient on the log scale as a ratio: exp(b), its 95% interval, its p-value."""

    ratio: float
    low: float
    high: float
    p: float


def time_basis(days: np.ndarray) -> np.ndarray:
    """Columns for an intercept, a straight line in time and a bend every KNOT_DAYS.

    A piecewise-linear trend: continuous, so it can't absorb a sudden change such as a
    habit starting, but free to follow a slow easing or worsening. No bend closer than
    two weeks to the last night, where it would rest on too few nights; beyond about a
    year, the bends spread out so there are at most MAX_BENDS.
    """
    span = float(days.max() - days.min())
    spacing = max(KNOT_DAYS, span / (MAX_BENDS + 1))
    t = (days - days.min()) / KNOT_DAYS
    columns = [np.ones_like(t), t]
    knot = spacing
    while knot <= span - KNOT_DAYS / 2:
        columns.append(np.maximum(t - knot / KNOT_DAYS, 0.0))
        knot += spacing
    return np.column_stack(columns)


def runs_of_days(days: np.ndarray) -> np.ndarray:
    """Each night's run: consecutive calendar days, RUN_DAYS long or shorter when the
    diary is short, so there are at least MIN_RUNS of them.

    Shorter runs would give the variance more to go on, but cramps that come in spells
    and habits kept for days make neighbouring runs alike too: in simulated diaries with
    such spells, three- and four-day runs made one diary in ten show a verdict with no
    effect at all, and whole weeks kept it to the planned one in twenty.
    """
    span = int(days.max() - days.min()) + 1
    length = max(1, min(RUN_DAYS, span // MIN_RUNS))
    return (days - days.min()) // length


def _poisson_fit(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The fitted means of a Poisson regression, or None if it does not converge."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # statsmodels says "perfect prediction" whenever the fit is exact, such as
        # every night without the habit having the same cramps: the estimate is fine.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            result = GLM(y, X, family=Poisson()).fit()
        except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return None
    if not np.all(np.isfinite(result.params)):
        return None
    return result.params, result.mu


def _cr2(
    X: np.ndarray, y: np.ndarray, mu: np.ndarray, clusters: np.ndarray, j: int
) -> tuple[float, float, float]:
    """The CR2 variance of coefficient j and its Bell-McCaffrey degrees of freedom.

    On the fit's working scale (X̃ = √μ·X, Pearson residuals e = (y - μ)/√μ, bread
    M = (X̃'X̃)⁻¹), each cluster's residuals are scaled by A_g = (I - H_gg)^-½ before
    the sandwich is formed: var = Σ_g (v_g·e_g)², v_g = A_g X̃_g M c, c picking
    coefficient j. The degrees of freedom are (tr B)² / tr(B²) with
    B = diag(|v_g|²) - SᵀMS and S's columns s_g = X̃_gᵀ v_g, which is Bell and
    McCaffrey's Gᵀ G without forming the n × n hat matrix. Also returns the Poisson
    model's own variance of the coefficient, M's (j, j).
    """
    root = np.sqrt(mu)
    Xt = X * root[:, None]
    e = (y - mu) / root
    bread = np.linalg.pinv(Xt.T @ Xt)
    picked = bread[:, j]
    variance = 0.0
    lengths, columns = [], []
    # Clusters of the same size (most runs are whole weeks) are done together.
    order = np.argsort(clusters, kind="stable")
    _, starts, sizes = np.unique(clusters[order], return_index=True, return_counts=True)
    for size in np.unique(sizes):
        rows = order[starts[sizes == size, None] + np.arange(size)]  # (clusters, size)
        Xg = Xt[rows]  # (clusters, size, p)
        values, vectors = np.linalg.eigh(np.eye(size) - Xg @ bread @ Xg.transpose(0, 2, 1))
        # A direction with no room left (leverage 1) has no residual either.
        scale = np.where(values > 1e-10, 1 / np.sqrt(np.maximum(values, 1e-10)), 0.0)
        projected = np.einsum("gji,gj->gi", vectors, Xg @ picked)
        v = np.einsum("gij,gj->gi", vectors, scale * projected)  # A_g X̃_g M c
        variance += float(np.sum(np.einsum("gi,gi->g", v, e[rows]) ** 2))
        lengths.extend(np.einsum("gi,gi->g", v, v))
        columns.append(np.einsum("gip,gi->gp", Xg, v))
    S = np.concatenate(columns).T
    B = np.diag(lengths) - S.T @ bread @ S
    df = float(np.trace(B) ** 2 / np.sum(B * B))
    return variance, df, float(bread[j, j])


def _fitted(coefficient: float, variance: float, df: float, poisson: float) -> Fitted:
    """The coefficient as a ratio with its interval and p-value.

    A variance from a handful of runs can come out far too small by chance, or nil when
    nights repeat exactly (a cramp on every night without the habit, none with it), which
    would give an interval of no width. So it is never let below a quarter of the Poisson
    model's own: the interval is at least half as wide as a Poisson count's. A higher
    floor, on top of the few degrees of freedom, would make the table too cautious to
    see real effects.
    """
    variance = max(variance, poisson / 4)
    se = math.sqrt(variance)
    # Degenerate designs can give less than one degree of freedom; t(1) is wide enough.
    q = distributions.t.ppf(1 - _ALPHA / 2, max(df, 1.0))
    p = 2 * distributions.t.sf(abs(coefficient) / se, max(df, 1.0)) if se > 0 else 0.0
    return Fitted(
        math.exp(coefficient),
        math.exp(max(coefficient - q * se, -_LOG_LIMIT)),
        math.exp(min(coefficient + q * se, _LOG_LIMIT)),
        float(p),
    )


def ratio_over_time(
    counts: Sequence[float], exposed: Sequence[bool], days: Sequence[int], bends: bool = True
) -> Fitted | None:
    """Cramps per night on exposed nights ÷ on the others, from the same stretch of time.

    ``days`` numbers the nights in calendar days (date.toordinal()). Without ``bends``
    the trend is a straight line: for a single change (before and after a date), which a
    trend free to bend could mimic with a steep stretch around it. If either group has
    no cramps at all, half a cramp is added to each group's total (as in the Haldane
    correction for odds ratios) so that the ratio and its interval stay finite; the
    ratio is then pulled a little towards 1 and the interval is wide, which is honest.

    None when the exposure can't be told apart from time (too tied to the calendar, or
    its nights all in a cramp-free stretch of it), or the fit fails.
    """
    y = np.asarray(counts, float)
    x = np.asarray(exposed, bool)
    d = np.asarray(days, int)
    if y[x].sum() == 0 or y[~x].sum() == 0:
        y = y + np.where(x, 0.5 / x.sum(), 0.5 / (~x).sum())
    time = time_basis(d) if bends else time_basis(d)[:, :2]
    # The share of the habit's variation that time alone does not explain.
    xf = x.astype(float)
    left = xf - time @ np.linalg.lstsq(time, xf, rcond=None)[0]
    if left @ left < MIN_VARIATION_APART_FROM_TIME * ((xf - xf.mean()) @ (xf - xf.mean())):
        return None
    X = np.column_stack([xf, time])
    fit = _poisson_fit(y, X)
    if fit is None:
        return None
    params, mu = fit
    if abs(params[0]) > math.log(MAX_RATIO):
        return None
    return _fitted(params[0], *_cr2(X, y, mu, runs_of_days(d), 0))


def change_over_time(counts: Sequence[int], days: Sequence[int]) -> Fitted | None:
    """The steady change in cramps per night over four weeks: a log-linear trend
    through the weekly totals (per logged night), with a quasi-Poisson variance from how
    much the weeks scatter around it (never below Poisson's), Student's t on weeks - 2
    degrees of freedom. Weeks, not nights, so that alike neighbouring nights count as
    one week's worth of evidence. None with fewer than four weeks or no cramps."""
    y = np.asarray(counts, float)
    d = np.asarray(days, int)
    week = (d - d.min()) // 7
    weeks = np.unique(week)
    if len(weeks) < 4 or y.sum() == 0:
        return None
    totals = np.array([y[week == w].sum() for w in weeks])
    nights = np.array([(week == w).sum() for w in weeks], float)
    X = np.column_stack([np.ones(len(weeks)), weeks * 7 / KNOT_DAYS])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = GLM(totals, X, family=Poisson(), exposure=nights).fit()
    if not result.converged:
        return None
    df = len(weeks) - 2
    scale = max(1.0, float(result.pearson_chi2) / df)
    variance = float(result.bse[1]) ** 2 * scale
    return _fitted(float(result.params[1]), variance, df, poisson=0.0)


# ---- One group ---------------------------------------------------------------------------

# Exact Poisson upper 95% limit for a total of zero events: -ln(0.025) events.
_ZERO_EVENTS_UPPER = -math.log(_ALPHA / 2)


def rate_estimate(counts: Sequence[int]) -> Estimate:
    """Cramps per night with a 95% interval: exp(log m ± q·√(v / (n m²))).

    v is the nights' sample variance, but never less than the mean (the Poisson
    variance): a short, calm-looking run of nights must not make us surer than a Poisson
    count would. q is Student's t quantile with n - 1 degrees of freedom when v came
    from the sample, else the normal one. With no cramps at all the rate is 0 and the
    interval runs from 0 to the exact Poisson upper limit, -ln(0.025) ≈ 3.69 cramps
    over the n nights.
    """
    n = len(counts)
    if n == 0:
        return Estimate(None, None, None)
    total = sum(counts)
    if total == 0:
        return Estimate(0.0, 0.0, _ZERO_EVENTS_UPPER / n)
    mean = total / n
    sample = float(np.var(counts, ddof=1)) if n > 1 else 0.0
    if sample > mean:
        variance, q = sample / (n * mean**2), distributions.t.ppf(1 - _ALPHA / 2, n - 1)
    else:
        variance, q = 1 / (n * mean), distributions.norm.ppf(1 - _ALPHA / 2)
    half = q * math.sqrt(variance)
    return Estimate(mean, mean * math.exp(-half), mean * math.exp(half))


def wilson(successes: int, trials: int) -> Estimate:
    """A share with its Wilson score interval, which stays inside [0, 1] and behaves at 0
    and 1 where the usual p ± 1.96·√(p(1-p)/n) does not (Newcombe 1998)."""
    if trials == 0:
        return Estimate(None, None, None)
    low, high = proportion_confint(successes, trials, alpha=_ALPHA, method="wilson")
    return Estimate(successes / trials, float(low), float(high))


def mean_severity(episodes: int, total: float, squares: float) -> Estimate:
    """Mean severity over episodes with a normal-approximation interval from the
    episode-level variance, kept within the 0-10 scale; no interval below 2 episodes."""
    if episodes == 0:
        return Estimate(None, None, None)
    mean = total / episodes
    if episodes < 2:
        return Estimate(mean, None, None)
    variance = max(0.0, (squares - total**2 / episodes) / (episodes - 1))
    half = distributions.norm.ppf(1 - _ALPHA / 2) * math.sqrt(variance / episodes)
    return Estimate(mean, max(0.0, mean - half), min(10.0, mean + half))
