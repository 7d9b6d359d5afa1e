"""What an experiment showed: a randomisation test over the orders that could have
been drawn, by plan and per protocol."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM

from journal.stats import rates
from journal.stats.experiments.schedule import MIN_PAIRS, Design
from journal.stats.nights import CONFIDENCE, FEWER, MORE, NO_CLEAR_DIFFERENCE, NOT_ENOUGH
from journal.stats.rates import Estimate

EXACT_UP_TO_PAIRS = 14  # 16,384 orders; beyond, a fixed random sample of them
SAMPLED_ORDERS = 20_000

_ALPHA = 1 - CONFIDENCE


@dataclass(frozen=True)
class LoggedNight:
    """What the diary holds for a night of the experiment."""

    date: dt.date
    cramps: int
    severity_sum: int = 0
    severity_sq_sum: int = 0
    done: bool | None = None  # the answer to the experiment's question


@dataclass(frozen=True)
class Arm:
    """The test or the usual nights that count (logged, past, not wash-in)."""

    nights: int
    cramps: int
    cramps_per_night: float | None
    cramp_free: Estimate
    mean_severity: Estimate


@dataclass(frozen=True)
class Comparison:
    pairs: int  # pairs with a counted night in both blocks
    ratio: float | None  # test ÷ usual cramps per night, pairs weighted alike
    low: float | None  # its 95% interval; with a ratio, None means no limit that way yet
    high: float | None
    p: float | None
    verdict: str

    @property
    def clear(self) -> bool:
        return self.verdict in (FEWER, MORE)


@dataclass(frozen=True)
class Result:
    through: dt.date  # the last night counted
    planned_so_far: int  # the schedule's nights up to then
    logged: int  # of those, the ones logged
    test: Arm
    usual: Arm
    by_plan: Comparison  # intention to treat: every counted night, by its plan
    per_protocol: Comparison  # only nights whose answer matched the plan
    followed: int  # nights whose answer matched the plan
    answered: int  # nights with an answer
    complete: bool  # every night of the schedule is in the past

    @property
    def unanswered(self) -> int:
        return self.test.nights + self.usual.nights - self.answered


def _orders(pairs: int, seed: int) -> np.ndarray:
    """Every order the pairs could have been drawn in, as ±1 per pair (or, beyond
    EXACT_UP_TO_PAIRS, a fixed random sample of them)."""
    if pairs <= EXACT_UP_TO_PAIRS:
        return _every_order(pairs)
    draw = np.random.default_rng(seed)
    return np.where(draw.random((SAMPLED_ORDERS, pairs)) < 0.5, 1.0, -1.0)


@functools.cache
def _every_order(pairs: int) -> np.ndarray:
    orders = np.array(list(itertools.product((1.0, -1.0), repeat=pairs)))
    orders.flags.writeable = False  # shared by every analysis
    return orders


def _share_as_extreme(null: np.ndarray, observed: float, exact: bool) -> float:
    """The p-value: the share of the orders whose |Σ ±d| is at least the observed one.
    A sample of orders counts the drawn order too, so it is never below 1/(samples + 1)."""
    extreme = int((null >= observed - 1e-9 * (1 + observed)).sum())
    return extreme / len(null) if exact else (extreme + 1) / (len(null) + 1)


def randomisation_p(differences: np.ndarray, orders: np.ndarray) -> float:
    """Two-sided p of the sum of the pairs' test - usual differences.

    Drawing the other order of a pair swaps its blocks, which turns its difference into
    minus itself: the null distribution is that of Σ ±d over the possible orders.
    """
    exact = len(orders) == 2 ** len(differences)
    return _share_as_extreme(np.abs(orders @ differences), abs(differences.sum()), exact)


_SEARCH = 10.0  # bounds are looked for up to e^10 times the estimate either way


def _randomisation_interval(
    test: np.ndarray, usual: np.ndarray, orders: np.ndarray
) -> tuple[float | None, float | None]:
    """The rate ratios ρ the randomisation test does not reject at 5%: under "test
    nights have ρ times the cramps", test rates ÷ ρ are what the usual plan would have
    given, so ρ is rejected when those differ from the usual rates. The bounds are found
    by bisection on log ρ; None where even e^±10 times the estimate is not rejected,
    which with few pairs is common: the test then puts no limit on that side.

    Σ ±(t/ρ - u) = (Σ ±t)/ρ - Σ ±u, so each order's two sums are worked out once.
    """
    exact = len(orders) == 2 ** len(test)
    by_order_test, by_order_usual = orders @ test, orders @ usual

    def accepted(log_ratio: float) -> bool:
        scale = math.exp(-log_ratio)
        null = np.abs(by_order_test * scale - by_order_usual)
        observed = abs(test.sum() * scale - usual.sum())
        return _share_as_extreme(null, observed, exact) > _ALPHA

    centre = math.log(test.sum() / usual.sum())

    def bound(direction: int) -> float | None:
        inside, outside = centre, centre + direction * _SEARCH
        if accepted(outside):
            return None
        for _ in range(50):
            middle = (inside + outside) / 2
            if accepted(middle):
                inside = middle
            else:
                outside = middle
        return math.exp(inside)

    return bound(-1), bound(+1)


def _poisson_interval(
    test: np.ndarray, usual: np.ndarray, test_nights: np.ndarray, usual_nights: np.ndarray
) -> tuple[float, float]:
    """The 95% interval of a common rate ratio if each night's cramps were Poisson around
    its pair's own rate: within a pair, the test block's share of the pair's cramps is
    binomial, with odds ρ × (its nights ÷ the usual block's). A conditional Poisson
    regression (statsmodels' binomial GLM with that offset) fits ρ. A pair without a
    cramp says nothing about the split and is left out."""
    some = test + usual > 0
    counts = np.column_stack([test[some], usual[some]])
    offset = np.log(test_nights[some] / usual_nights[some])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-integer counts after the half-cramp correction
        fit = GLM(counts, np.ones((len(counts), 1)), family=Binomial(), offset=offset).fit()
    coefficient, se = float(fit.params[0]), float(fit.bse[0])
    z = norm.ppf(1 - _ALPHA / 2)
    return math.exp(coefficient - z * se), math.exp(coefficient + z * se)


def _compare(blocks: list[tuple[list[LoggedNight], list[LoggedNight]]], seed: int) -> Comparison:
    """The randomisation analysis of (test nights, usual nights) per pair.

    The verdict and p-value are the randomisation test's. The interval is every ratio it
    does not reject, widened where needed to at least the Poisson model's interval: the
    test takes each night's cramps as given, so when every pair differs alike (or not at
    all) it would rule out every ratio but one, as if chance had no part in the counts.
    A verdict needs the interval to leave out "no difference" too.
    """
    used = [(t, u) for t, u in blocks if t and u]
    if len(used) < MIN_PAIRS:
        return Comparison(len(used), None, None, None, None, NOT_ENOUGH)
    totals = np.array([[sum(n.cramps for n in t), sum(n.cramps for n in u)] for t, u in used])
    nights = np.array([[len(t), len(u)] for t, u in used], float)
    test, usual = totals[:, 0] / nights[:, 0], totals[:, 1] / nights[:, 1]
    orders = _orders(len(used), seed)
    p = randomisation_p(test - usual, orders)
    if totals.sum() == 0:
        return Comparison(len(used), None, None, None, p, NO_CLEAR_DIFFERENCE)
    # With no cramps at all in one arm, half a cramp is added to each arm, spread over
    # its blocks (as the habit table's Haldane correction does), so the ratio is finite.
    if 0 in totals.sum(axis=0):
        totals = totals + 0.5 / len(used)
        test, usual = totals[:, 0] / nights[:, 0], totals[:, 1] / nights[:, 1]
    ratio = float(test.sum() / usual.sum())
    low, high = _randomisation_interval(test, usual, orders)
    poisson_low, poisson_high = _poisson_interval(totals[:, 0], totals[:, 1], *nights.T)
    low = None if low is None else min(low, poisson_low)
    high = None if high is None else max(high, poisson_high)
    verdict = NO_CLEAR_DIFFERENCE
    if p < _ALPHA and ((high is not None and high < 1) or (low is not None and low > 1)):
        verdict = FEWER if ratio < 1 else MORE
    return Comparison(len(used), ratio, low, high, p, verdict)


def _arm(nights: Sequence[LoggedNight]) -> Arm:
    cramps = sum(n.cramps for n in nights)
    return Arm(
        nights=len(nights),
        cramps=cramps,
        cramps_per_night=cramps / len(nights) if nights else None,
        cramp_free=rates.wilson(sum(n.cramps == 0 for n in nights), len(nights)),
        mean_severity=rates.mean_severity(
            cramps, sum(n.severity_sum for n in nights), sum(n.severity_sq_sum for n in nights)
        ),
    )


def analyse(design: Design, logged: Sequence[LoggedNight], through: dt.date) -> Result:
    """The experiment's result from the nights up to ``through`` (last night, or the
    night it was stopped after): an interim one until the schedule is complete."""
    by_date = {n.date: n for n in logged}
    schedule = [p for p in design.schedule() if p.date <= through]
    counted = [(p, by_date[p.date]) for p in schedule if not p.wash_in and p.date in by_date]

    def pairs(keep) -> list[tuple[list[LoggedNight], list[LoggedNight]]]:
        blocks: list[tuple[list[LoggedNight], list[LoggedNight]]] = [
            ([], []) for _ in range(design.pairs)
        ]
        for planned, night in counted:
            if keep(planned, night):
                blocks[planned.pair][0 if planned.test else 1].append(night)
        return blocks

    answered = [(p, n) for p, n in counted if n.done is not None]
    return Result(
        through=through,
        planned_so_far=len(schedule),
        logged=sum(p.date in by_date for p in schedule),
        test=_arm([n for p, n in counted if p.test]),
        usual=_arm([n for p, n in counted if not p.test]),
        by_plan=_compare(pairs(lambda p, n: True), design.seed),
        per_protocol=_compare(pairs(lambda p, n: n.done == p.test), design.seed),
        followed=sum(n.done == p.test for p, n in answered),
        answered=len(answered),
        complete=through >= design.end,
    )
