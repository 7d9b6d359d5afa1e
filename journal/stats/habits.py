"""Which habits line up with fewer cramps, honestly across the whole table.

Each habit's row is a rate ratio from journal.stats.rates.ratio_over_time: nights with
the habit against nights without it from the same stretch of time, with a variance that
allows for good and bad spells. A person reads the whole table, though, and with eleven
rows some would look clear by chance alone, so a row says "fewer" or "more cramps" only
when it stays clear after Holm's adjustment across every row that has a p-value. The
95% interval shown is the row's own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import fisher_exact

from journal.stats import rates
from journal.stats.nights import (
    ALCOHOL_WINDOW_HOURS,
    ARTICLE_STRETCHES,
    CAFFEINE_WINDOW_HOURS,
    CONFIDENCE,
    FEWER,
    MIN_NIGHTS_PER_GROUP,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    STRETCH_MINUTES_THRESHOLD,
    WATER_GLASSES_THRESHOLD,
    NightData,
    late_alcohol,
    late_caffeine,
    stretched,
    well_hydrated,
)

# A row without a verdict "looks promising" when its estimate is at least this much in
# the helpful direction: worth testing with a planned experiment.
PROMISING_RATIO = 0.8


@dataclass(frozen=True)
class Habit:
    key: str
    label: str  # e.g. "Stretched at least 5 minutes"
    yes_label: str  # e.g. "stretched ≥ 5 min"
    no_label: str  # e.g. "less or none"
    # True / False, or None when the night can't be classified (timing unknown).
    classify: Callable[[NightData], bool | None]
    # Compared only among the nights this picks (the named stretches: stretching nights).
    within: Callable[[NightData], bool] | None = None
    # The experiment that tests it fairly (journal.stats.experiments.OPTIONS), and
    # whether that experiment does the habit (True) or avoids it (False).
    experiment: str | None = None
    experiment_does_it: bool = True


@dataclass(frozen=True)
class Group:
    nights: int
    cramps: int

    @property
    def rate(self) -> float | None:
        return self.cramps / self.nights if self.nights else None


@dataclass(frozen=True)
class Comparison:
    habit: Habit
    yes: Group
    no: Group
    left_out: int  # nights whose timing was unknown
    ratio: float | None  # cramps per night with the habit / without it, same time
    low: float | None  # the row's own 95% confidence interval of the ratio
    high: float | None
    p: float | None  # the row's own p-value
    p_adjusted: float | None  # Holm's, across the table
    verdict: str  # FEWER, MORE, NO_CLEAR_DIFFERENCE or NOT_ENOUGH
    tied_to_time: bool = False  # enough nights, but taken up or dropped only once

    @property
    def promising(self) -> bool:
        """No verdict, but the estimate points the helpful way by PROMISING_RATIO."""
        return self.verdict == NO_CLEAR_DIFFERENCE and self.worth_testing

    @property
    def worth_testing(self) -> bool:
        """Its experiment could show whether it helps: the estimate points the helpful way
        by PROMISING_RATIO, clear or not (a clear verdict is still only an association),
        or the habit was taken up once and only an experiment can tell."""
        if self.habit.experiment is None:
            return False
        if self.tied_to_time:
            return True  # only switching it on and off can tell
        if self.ratio is None:
            return False
        helpful = self.ratio if self.habit.experiment_does_it else 1 / self.ratio
        return helpful <= PROMISING_RATIO

    def as_plain(self) -> dict:
        """For the cache, which keeps plain data only: the habit by its key."""
        return {
            "habit": self.habit.key,
            "yes": (self.yes.nights, self.yes.cramps),
            "no": (self.no.nights, self.no.cramps),
            "left_out": self.left_out,
            "ratio": self.ratio,
            "low": self.low,
            "high": self.high,
            "p": self.p,
            "p_adjusted": self.p_adjusted,
            "verdict": self.verdict,
            "tied_to_time": self.tied_to_time,
        }

    @classmethod
    def from_plain(cls, plain: dict) -> Comparison:
        return cls(
            **plain
            | {"habit": habit(plain["habit"]), "yes": Group(*plain["yes"])}
            | {"no": Group(*plain["no"])}
        )


def _did(stretch: str) -> Callable[[NightData], bool]:
    return lambda night: stretch in night.stretches


HABITS: list[Habit] = [
    Habit(
        "stretch",
        f"Stretched at least {STRETCH_MINUTES_THRESHOLD} minutes",
        f"stretched ≥ {STRETCH_MINUTES_THRESHOLD} min",
        "less or none",
        stretched,
        experiment="stretch",
    ),
    *(
        # No experiment of its own: the planner tests stretching, not one stretch.
        Habit(key, label, "done", "not done", _did(key), within=stretched)
        for key, label in ARTICLE_STRETCHES.items()
    ),
    Habit(
        "late_caffeine",
        f"Caffeine within {CAFFEINE_WINDOW_HOURS} hours of bedtime",
        "late caffeine",
        "none late",
        late_caffeine,
        experiment="no_late_caffeine",
        experiment_does_it=False,
    ),
    Habit(
        "late_alcohol",
        f"Alcohol within {ALCOHOL_WINDOW_HOURS} hours of bedtime",
        "late alcohol",
        "none late",
        late_alcohol,
        experiment="no_late_alcohol",
        experiment_does_it=False,
    ),
    Habit(
        "water",
        f"At least {WATER_GLASSES_THRESHOLD} glasses of water",
        f"≥ {WATER_GLASSES_THRESHOLD} glasses",
        "fewer",
        well_hydrated,
        experiment="water",
    ),
    Habit(
        "electrolytes",
        "Electrolyte drink or supplement",
        "taken",
        "not taken",
        lambda night: night.electrolytes,
        experiment="electrolytes",
    ),
    Habit(
        "relaxation",
        "Relaxation before bed",
        "relaxed",
        "didn’t",
        lambda night: night.relaxed,
        experiment="relaxation",
    ),
]

_HABITS_BY_KEY = {h.key: h for h in HABITS}


def habit(key: str) -> Habit:
    """One of HABITS by its key."""
    return _HABITS_BY_KEY[key]


def _row(habit: Habit, nights: Sequence[NightData]) -> tuple[Comparison, bool]:
    """The habit's comparison before the table-wide adjustment, and whether it has a
    p-value to take part in it."""
    if habit.within is not None:
        nights = [n for n in nights if habit.within(n)]
    split: dict[bool | None, list[NightData]] = {True: [], False: [], None: []}
    for night in nights:
        split[habit.classify(night)].append(night)
    yes, no = split[True], split[False]
    enough = min(len(yes), len(no)) >= MIN_NIGHTS_PER_GROUP
    counted = sorted(yes + no, key=lambda n: n.date)
    exposed = [bool(habit.classify(n)) for n in counted]
    # A habit taken up (or dropped) once and kept since is a before and after, and the
    # time trend can take up any such change: there is nothing to compare it with.
    tied = enough and sum(a != b for a, b in itertools.pairwise(exposed)) <= 1
    fitted = None
    if enough and not tied:
        fitted = rates.ratio_over_time(
            [n.cramps for n in counted], exposed, [n.date.toordinal() for n in counted]
        )
    comparison = Comparison(
        habit=habit,
        yes=Group(len(yes), sum(n.cramps for n in yes)),
        no=Group(len(no), sum(n.cramps for n in no)),
        left_out=len(split[None]),
        ratio=fitted.ratio if fitted else None,
        low=fitted.low if fitted else None,
        high=fitted.high if fitted else None,
        p=fitted.p if fitted else None,
        p_adjusted=None,
        verdict=NO_CLEAR_DIFFERENCE if fitted else NOT_ENOUGH,
        tied_to_time=tied,
    )
    return comparison, fitted is not None


def compare_habits(nights: Iterable[NightData]) -> list[Comparison]:
    """For each habit, cramps per night on nights with it against nights without it.

    Nights the habit can't classify (timing unknown) are left out and counted. No ratio
    below MIN_NIGHTS_PER_GROUP nights on either side, nor when the habit can't be told
    apart from time. A verdict only when Holm's adjusted p-value is below 5%.
    """
    nights = list(nights)
    rows = [_row(h, nights) for h in HABITS]
    adjusted = iter(holm([c.p for c, has_p in rows if has_p]))
    comparisons = []
    for comparison, has_p in rows:
        if has_p:
            p_adjusted = float(next(adjusted))
            verdict = NO_CLEAR_DIFFERENCE
            if p_adjusted < 1 - CONFIDENCE:
                verdict = FEWER if comparison.ratio < 1 else MORE
            comparison = _replace(comparison, p_adjusted=p_adjusted, verdict=verdict)
        comparisons.append(comparison)
    return comparisons


def holm(p: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, valid however the rows depend on each other:
    the k-th smallest is multiplied by (m - k + 1), and each is at least the one before.

    statsmodels' multipletests(method="holm") gives the same (tests/test_stats.py holds
    them together) but runs a full gc.collect() on every call, some 60 ms in a web
    process, for four lines of arithmetic.
    """
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(np.asarray(p)[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted.tolist()


def _replace(comparison: Comparison, **changes: object) -> Comparison:
    return Comparison(**{**comparison.__dict__, **changes})


# ---- What else the table's reader should know ------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A clear steady change in cramps per night over the period."""

    per_four_weeks: float  # cramps per night four weeks on ÷ now (log-linear)
    low: float
    high: float

    @property
    def easing(self) -> bool:
        return self.per_four_weeks < 1


MIN_TREND_DAYS = 28
MIN_TREND_NIGHTS = 14


def cramp_trend(nights: Sequence[NightData]) -> Trend | None:
    """The steady change over the period when it is clear (its 95% interval excludes no
    change), else None. Needs four weeks and 14 logged nights."""
    if len(nights) < MIN_TREND_NIGHTS:
        return None
    days = [n.date.toordinal() for n in nights]
    if max(days) - min(days) + 1 < MIN_TREND_DAYS:
        return None
    fitted = rates.change_over_time([n.cramps for n in nights], days)
    if fitted is None or fitted.p >= 1 - CONFIDENCE:
        return None
    return Trend(fitted.ratio, fitted.low, fitted.high)


@dataclass(frozen=True)
class LoggingGaps:
    """Nights left unlogged more often after bad nights than after calmer ones."""

    after_bad: int  # bad nights followed by an unlogged night
    bad: int
    after_other: int
    other: int


MIN_GAPS_AFTER_BAD = 3


def logging_gaps(nights: Sequence[NightData], end: dt.date) -> LoggingGaps | None:
    """A warning when the night after a bad night goes unlogged clearly more often
    (Fisher's exact test, one-sided 5%) than after a calmer one, with at least
    MIN_GAPS_AFTER_BAD such gaps. A bad night has more cramps than the diary's median
    night, and at least one. Only nights whose next night is in the period count."""
    logged = {n.date for n in nights}
    counted = [n for n in nights if n.date < end]
    if not counted:
        return None
    typical = statistics.median(n.cramps for n in nights)
    tally = {True: [0, 0], False: [0, 0]}  # bad? -> [next night unlogged, nights]
    for night in counted:
        is_bad = night.cramps > typical and night.cramps > 0
        tally[is_bad][0] += night.date + dt.timedelta(days=1) not in logged
        tally[is_bad][1] += 1
    (after_bad, bad), (after_other, other) = tally[True], tally[False]
    if after_bad < MIN_GAPS_AFTER_BAD:
        return None
    table = [[after_bad, bad - after_bad], [after_other, other - after_other]]
    if fisher_exact(table, alternative="greater").pvalue >= 1 - CONFIDENCE:
        return None
    return LoggingGaps(after_bad, bad, after_other, other)
