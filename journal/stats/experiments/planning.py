"""How long an experiment needs to be: its power, by simulating the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from journal.stats.experiments.analysis import _orders
from journal.stats.experiments.schedule import MAX_NIGHTS, MIN_PAIRS
from journal.stats.nights import CONFIDENCE

# What a plan is sized for: a 40% reduction, with 80% power.
PLANNED_RATIO = 0.6
PLANNED_POWER = 0.8
# Without enough recent nights of one's own to go on.
DEFAULT_RATE = 1.0
DEFAULT_DISPERSION = 1.5
MAX_DISPERSION = 4.0

_ALPHA = 1 - CONFIDENCE


@dataclass(frozen=True)
class Rate:
    """Cramps per night to plan with, and how spread out the nights are."""

    per_night: float
    dispersion: float  # variance ÷ mean of a night's cramps (1: Poisson)
    nights: int  # the recent nights it comes from; 0 for the default

    @classmethod
    def from_counts(cls, counts: Sequence[int]) -> Rate:
        """From a person's recent nights (at least 7), else the default."""
        if len(counts) < 7:
            return cls(DEFAULT_RATE, DEFAULT_DISPERSION, 0)
        mean = sum(counts) / len(counts)
        spread = float(np.var(counts, ddof=1)) / mean if mean else 1.0
        return cls(mean, min(max(spread, 1.0), MAX_DISPERSION), len(counts))


def power(
    rate: Rate,
    block_nights: int,
    pairs: int,
    wash_in: int = 0,
    ratio: float = PLANNED_RATIO,
    diaries: int = 400,
    seed: int = 2012,
) -> float:
    """The chance that the analysis says "fewer cramps" when test nights truly have
    ``ratio`` times the usual cramps, by simulating ``diaries`` experiments.

    Each night's cramps are negative binomial with the rate's mean and dispersion
    (Poisson at dispersion 1), every night logged. With no trend, a pair's difference
    has the same distribution whichever block came first, so the order needn't be
    drawn. tests/test_stats_simulations.py checks this against the whole analysis.
    """
    if rate.per_night <= 0 or pairs < MIN_PAIRS:
        return 0.0
    draw = np.random.default_rng(seed)
    counted = block_nights - wash_in

    def block_means(mean: float) -> np.ndarray:
        shape = (diaries, pairs, counted)
        if rate.dispersion <= 1:
            nights = draw.poisson(mean, shape)
        else:
            size = mean / (rate.dispersion - 1)
            nights = draw.negative_binomial(size, 1 / rate.dispersion, shape)
        return nights.mean(axis=2)

    differences = block_means(rate.per_night * ratio) - block_means(rate.per_night)
    # Every order up to 12 pairs, else a sample: a plan needs no more precision.
    if pairs <= 12:
        orders = _orders(pairs, seed)
    else:
        orders = np.where(draw.random((2000, pairs)) < 0.5, 1.0, -1.0)
    observed = np.abs(differences.sum(axis=1))
    extreme = (np.abs(differences @ orders.T) >= observed[:, None] - 1e-9).sum(axis=1)
    exact = len(orders) == 2**pairs
    p = extreme / len(orders) if exact else (extreme + 1) / (len(orders) + 1)
    return float(np.mean((p < _ALPHA) & (differences.sum(axis=1) < 0)))


def suggested_pairs(rate: Rate, block_nights: int, wash_in: int = 0) -> int | None:
    """The fewest pairs that reach PLANNED_POWER, or None if even MAX_NIGHTS don't."""
    most = MAX_NIGHTS // (2 * block_nights)
    if most < MIN_PAIRS or power(rate, block_nights, most, wash_in) < PLANNED_POWER:
        return None
    low, high = MIN_PAIRS, most  # power(high) reaches it; find the first that does
    while low < high:
        middle = (low + high) // 2
        if power(rate, block_nights, middle, wash_in) >= PLANNED_POWER:
            high = middle
        else:
            low = middle + 1
    return low
