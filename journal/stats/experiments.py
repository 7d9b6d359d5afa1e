"""Planned self-experiments: which nights test a habit, what they showed, how long to run.

A design is a run of pairs of blocks of nights. In each pair one block is a "test"
block (do the thing) and the other a "usual" one, and which comes first is drawn at
random, with the draw's seed kept so anyone can re-derive the schedule from it.

Because the order within each pair is the only thing left to chance, the analysis is a
randomisation test over the orders that could have been drawn: if the habit made no
difference on any night, each of them was as likely as the one drawn, and the p-value
is the share that show a difference at least as large. That holds whatever the trend
in cramps and however alike neighbouring nights are. The 95% interval is every rate
ratio that test would not reject, assuming the habit multiplies the cramps of each
night by the same factor. Nights are compared by plan (intention to treat); a second,
per-protocol view counts only the nights that followed it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from journal.stats import rates
from journal.stats.nights import (
    ALCOHOL_WINDOW_HOURS,
    CAFFEINE_WINDOW_HOURS,
    CONFIDENCE,
    FEWER,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    STRETCH_MINUTES_THRESHOLD,
    WATER_GLASSES_THRESHOLD,
)
from journal.stats.rates import Estimate

MIN_PAIRS = 6  # with fewer, even the clearest result can't reach p < 0.05 (2 / 2⁵ > 0.05)
MAX_NIGHTS = 26 * 7  # half a year
BLOCK_NIGHTS = range(1, 8)
MAX_WASH_IN = 2
# What a plan is sized for: a 40% reduction, with 80% power.
PLANNED_RATIO = 0.6
PLANNED_POWER = 0.8
# Without enough recent nights of one's own to go on.
DEFAULT_RATE = 1.0
DEFAULT_DISPERSION = 1.5
MAX_DISPERSION = 4.0
EXACT_UP_TO_PAIRS = 14  # 16,384 orders; beyond, a fixed random sample of them
SAMPLED_ORDERS = 20_000

_ALPHA = 1 - CONFIDENCE


@dataclass(frozen=True)
class Option:
    """Something a person can test, in the words the pages and the night log use."""

    label: str  # "Stretching before bed"
    test: str  # tonight's instruction on a test night
    usual: str  # ... and on a usual night
    test_short: str  # "stretch"
    usual_short: str  # "no stretching"
    question: str  # asked in the morning: did you do it last night?
    block_nights: int  # a sensible default
    about: str = ""

    def worded(self, own_label: str) -> Option:
        """This option with a person's own label filled in (for OWN)."""
        fill = {"label": own_label, "Label": own_label[:1].upper() + own_label[1:]}
        return Option(
            **{k: v.format(**fill) if isinstance(v, str) else v for k, v in self.__dict__.items()}
        )


OWN = "own"
OPTIONS: dict[str, Option] = {
    "stretch": Option(
        "Stretching before bed",
        f"Stretch for {STRETCH_MINUTES_THRESHOLD}–10 minutes before bed, any of the stretch "
        "guide’s stretches",
        "No stretching before bed",
        "stretch",
        "no stretching",
        f"Did you stretch for at least {STRETCH_MINUTES_THRESHOLD} minutes before bed?",
        2,
        "Stretching is thought to work the same night, so short blocks suit it.",
    ),
    "no_late_caffeine": Option(
        f"No caffeine within {CAFFEINE_WINDOW_HOURS} hours of bed",
        f"No coffee, tea, cola or energy drinks in the {CAFFEINE_WINDOW_HOURS} hours before bed",
        "Caffeine as you usually have it",
        "no late caffeine",
        "caffeine as usual",
        f"Did you keep caffeine out of the {CAFFEINE_WINDOW_HOURS} hours before bed?",
        2,
        "Only worth testing if you usually have caffeine in the afternoon or evening.",
    ),
    "no_late_alcohol": Option(
        f"No alcohol within {ALCOHOL_WINDOW_HOURS} hours of bed",
        f"No alcohol in the {ALCOHOL_WINDOW_HOURS} hours before bed",
        "Alcohol as you usually have it",
        "no late alcohol",
        "alcohol as usual",
        f"Did you keep alcohol out of the {ALCOHOL_WINDOW_HOURS} hours before bed?",
        2,
        "Only worth testing if you usually drink in the evening.",
    ),
    "electrolytes": Option(
        "An electrolyte drink",
        "Have an electrolyte drink or supplement in the evening",
        "No electrolyte drink or supplement",
        "electrolyte drink",
        "no electrolyte drink",
        "Did you have an electrolyte drink or supplement?",
        3,
    ),
    "relaxation": Option(
        "Relaxation before bed",
        "Ten minutes of slow breathing or meditation before bed",
        "No relaxation exercise",
        "relax",
        "no relaxation exercise",
        "Did you do a relaxation exercise before bed?",
        2,
    ),
    "water": Option(
        f"{WATER_GLASSES_THRESHOLD} or more glasses of water",
        f"Drink at least {WATER_GLASSES_THRESHOLD} glasses of water through the day",
        "Water as usual",
        f"{WATER_GLASSES_THRESHOLD}+ glasses of water",
        "water as usual",
        f"Did you drink at least {WATER_GLASSES_THRESHOLD} glasses of water?",
        2,
    ),
    OWN: Option(
        "{Label}",
        "{Label}",
        "No {label}",
        "{label}",
        "no {label}",
        "{Label} last night?",
        7,
        "Supplements can take days to work or wear off: longer blocks with a wash-in suit them.",
    ),
}


CHOICES = [(key, "Something of your own" if key == OWN else o.label) for key, o in OPTIONS.items()]


def option(key: str, own_label: str = "") -> Option:
    chosen = OPTIONS[key]
    return chosen.worded(own_label) if key == OWN else chosen


# ---- The schedule ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedNight:
    date: dt.date
    number: int  # 1 for the first night
    pair: int  # 0 for the first pair
    test: bool  # a test night, else a usual one
    wash_in: bool  # one of the first nights of its block, left out of the analysis


@dataclass(frozen=True)
class Design:
    start: dt.date  # the first night
    block_nights: int
    pairs: int
    wash_in: int  # nights at the start of each block left out of the analysis
    seed: int

    @property
    def nights(self) -> int:
        return self.pairs * 2 * self.block_nights

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.nights - 1)

    def test_first(self) -> list[bool]:
        """For each pair, whether its test block comes first: the random draw.

        Python's random.Random gives the same random() sequence for the same integer
        seed in every version (a documented guarantee), so the schedule can be audited.
        """
        draw = random.Random(self.seed)
        return [draw.random() < 0.5 for _ in range(self.pairs)]

    def schedule(self) -> list[PlannedNight]:
        nights = []
        for pair, first in enumerate(self.test_first()):
            for half in (0, 1):
                for i in range(self.block_nights):
                    number = (2 * pair + half) * self.block_nights + i
                    nights.append(
                        PlannedNight(
                            date=self.start + dt.timedelta(days=number),
                            number=number + 1,
                            pair=pair,
                            test=first == (half == 0),
                            wash_in=i < self.wash_in,
                        )
                    )
        return nights

    def night(self, date: dt.date) -> PlannedNight | None:
        if not self.start <= date <= self.end:
            return None
        return self.schedule()[(date - self.start).days]


# ---- The analysis --------------------------------------------------------------------------


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
    low: float | None
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


def _interval(test: np.ndarray, usual: np.ndarray, orders: np.ndarray) -> tuple[float, float]:
    """The rate ratios ρ not rejected at 5%: under "test nights have ρ times the cramps",
    test rates ÷ ρ are what the usual plan would have given, so ρ is rejected when
    those differ from the usual rates. The bounds are found by bisection on log ρ.

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

    def bound(direction: int) -> float:
        inside, outside = centre, centre + direction * 10
        if accepted(outside):
            return math.exp(outside)
        for _ in range(50):
            middle = (inside + outside) / 2
            if accepted(middle):
                inside = middle
            else:
                outside = middle
        return math.exp(inside)

    return bound(-1), bound(+1)


def _compare(blocks: list[tuple[list[LoggedNight], list[LoggedNight]]], seed: int) -> Comparison:
    """The randomisation analysis of (test nights, usual nights) per pair."""
    used = [(t, u) for t, u in blocks if t and u]
    if len(used) < MIN_PAIRS:
        return Comparison(len(used), None, None, None, None, NOT_ENOUGH)
    test = np.array([sum(n.cramps for n in t) / len(t) for t, _ in used])
    usual = np.array([sum(n.cramps for n in u) / len(u) for _, u in used])
    orders = _orders(len(used), seed)
    p = randomisation_p(test - usual, orders)
    if test.sum() == 0 and usual.sum() == 0:
        return Comparison(len(used), None, None, None, p, NO_CLEAR_DIFFERENCE)
    # With no cramps at all in one arm, half a cramp is spread over each arm's blocks
    # (as rate_ratio's Haldane correction does), so the interval stays finite.
    if test.sum() == 0 or usual.sum() == 0:
        test, usual = test + 0.5 / len(used), usual + 0.5 / len(used)
    ratio = float(test.sum() / usual.sum())
    low, high = _interval(test, usual, orders)
    verdict = NO_CLEAR_DIFFERENCE
    if p < _ALPHA:
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


# ---- How long to run one -------------------------------------------------------------------


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
