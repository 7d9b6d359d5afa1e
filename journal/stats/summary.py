"""The clinician summary: the measures trials of nocturnal leg cramps report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from journal.stats.nights import (
    NightData,
    known_share,
    late_alcohol,
    late_caffeine,
    stretched,
)
from journal.stats.nights import (
    share as _share,
)


@dataclass(frozen=True)
class Tally:
    """``count`` of ``of`` (nights or episodes); ``unknown`` could not be judged at all."""

    count: int
    of: int
    unknown: int = 0

    @property
    def share(self) -> float | None:
        return _share(self.count, self.of)


@dataclass(frozen=True)
class Window:
    """Seven calendar nights of the diary, and the nights logged in them."""

    first: dt.date
    last: dt.date
    nights: int
    cramps: int

    @property
    def cramps_per_night(self) -> float | None:
        return _share(self.cramps, self.nights)


@dataclass(frozen=True)
class Summary:
    """The measures trials of nocturnal leg cramps report, over one period.

    Every rate is over logged nights only (a missing night is not a cramp-free one), and
    every measure keeps the count it rests on. Values are None when there is nothing to
    rest on, never 0 or NaN.
    """

    start: dt.date
    end: dt.date
    days: int  # nights in the period
    logged: int  # nights logged in it
    cramps: int  # episodes on the logged nights
    cramps_per_night: float | None
    cramps_per_week: float | None  # cramps / logged nights * 7
    cramp_free: Tally  # of logged nights
    cramp_nights: int  # nights with at least one cramp
    mean_severity: float | None  # over episodes, 0-10
    worst_severity: int | None
    median_duration: float | None  # minutes, over episodes with a duration
    timed_episodes: int  # episodes with a duration
    woken: Tally  # nights with at least one cramp that woke the person, of logged nights
    muscles: tuple[tuple[str, int], ...]  # (muscle, episodes), most first
    sides: tuple[tuple[str, int], ...]  # (side, episodes), most first
    located_episodes: int
    mean_sleep_quality: float | None  # 1-5
    sleep_rated: int  # nights with a sleep quality
    first_week: Window | None  # None unless the two weeks are separate
    last_week: Window | None
    stretched: Tally  # nights with >= STRETCH_MINUTES_THRESHOLD minutes, of logged nights
    stretch_minutes: float | None  # mean minutes on those nights
    late_caffeine: Tally  # of nights whose timing is known
    late_alcohol: Tally
    mean_water: float | None  # glasses per night that says how many
    water_known: int  # nights that say how many glasses
    electrolytes: Tally
    relaxation: Tally

    @property
    def logged_share(self) -> float | None:
        return _share(self.logged, self.days)


def _most_first(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0])))


def _median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _known_tally(judged: Iterable[bool | None]) -> Tally:
    judged = list(judged)
    known = [j for j in judged if j is not None]
    return Tally(sum(known), len(known), unknown=len(judged) - len(known))


def _week_of(nights: Sequence[NightData], date: dt.date, start: dt.date, end: dt.date) -> Window:
    """The Monday-to-Sunday week of ``date`` (the weeks of the reports' weekly table),
    within the period."""
    monday = date - dt.timedelta(days=date.weekday())
    first, last = max(monday, start), min(monday + dt.timedelta(days=6), end)
    inside = [n for n in nights if first <= n.date <= last]
    return Window(first, last, len(inside), sum(n.cramps for n in inside))


def summary_measures(
    nights: Sequence[NightData],
    durations: Sequence[float],
    locations: dict[tuple[str, str], int],
    start: dt.date,
    end: dt.date,
) -> Summary:
    """The clinician summary of the nights in [start, end].

    ``durations`` are the minutes of every episode in the period that has one, and
    ``locations`` the number of episodes per (muscle, side): the caller fetches both for
    the same period as ``nights`` (nights outside it are ignored here).

    The change compares the first and the last Monday-to-Sunday week with a logged night,
    the weeks of the weekly table; with every logged night in one week, there is none.
    """
    nights = sorted((n for n in nights if start <= n.date <= end), key=lambda n: n.date)
    logged = len(nights)
    cramps = sum(n.cramps for n in nights)
    worst = [n.worst_severity for n in nights if n.worst_severity is not None]
    rated = [n.sleep_quality for n in nights if n.sleep_quality is not None]
    stretch = [n.stretch_minutes for n in nights if stretched(n)]
    muscles: dict[str, int] = {}
    sides: dict[str, int] = {}
    for (muscle, side), count in locations.items():
        muscles[muscle] = muscles.get(muscle, 0) + count
        sides[side] = sides.get(side, 0) + count

    first_week = last_week = None
    if nights:
        first_week = _week_of(nights, nights[0].date, start, end)
        last_week = _week_of(nights, nights[-1].date, start, end)
        if first_week.first == last_week.first:
            first_week = last_week = None

    def tally(test: Callable[[NightData], bool]) -> Tally:
        return Tally(sum(bool(test(n)) for n in nights), logged)

    return Summary(
        start=start,
        end=end,
        days=(end - start).days + 1,
        logged=logged,
        cramps=cramps,
        cramps_per_night=_share(cramps, logged),
        cramps_per_week=_share(cramps * 7, logged),
        cramp_free=tally(lambda n: n.cramps == 0),
        cramp_nights=sum(n.cramps > 0 for n in nights),
        mean_severity=_share(sum(n.severity_sum for n in nights), cramps),
        worst_severity=max(worst, default=None),
        median_duration=_median(durations),
        timed_episodes=len(durations),
        woken=tally(lambda n: n.woke > 0),
        muscles=_most_first(muscles),
        sides=_most_first(sides),
        located_episodes=sum(locations.values()),
        mean_sleep_quality=_share(sum(rated), len(rated)),
        sleep_rated=len(rated),
        first_week=first_week,
        last_week=last_week,
        stretched=_known_tally(stretched(n) for n in nights),
        stretch_minutes=_share(sum(stretch), len(stretch)),
        late_caffeine=_known_tally(late_caffeine(n) for n in nights),
        late_alcohol=_known_tally(late_alcohol(n) for n in nights),
        mean_water=known_share(n.water_glasses for n in nights),
        water_known=sum(n.water_glasses is not None for n in nights),
        electrolytes=tally(lambda n: n.electrolytes),
        relaxation=_known_tally(n.relaxed for n in nights),
    )
