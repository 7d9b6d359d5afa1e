"""Week-by-week trends: each Monday-to-Sunday week's cramps and habits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from journal.stats.nights import (
    NightData,
    known_share,
    late_alcohol,
    late_caffeine,
    share,
    stretched,
)


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday week of the period. Values are None when nothing was logged."""

    start: dt.date  # the Monday
    days_in_period: int  # 7, except possibly the first and last week of a period
    logged: int  # nights logged in this week (within the period)
    cramps: int
    cramps_per_night: float | None
    cramp_free_share: float | None
    cramp_nights: int  # nights with at least one cramp
    mean_severity: float | None  # mean over the week's episodes
    worst_severity: int | None
    stretch_share: float | None  # share of logged nights with >= 5 minutes of stretching
    late_caffeine_share: float | None  # of nights whose caffeine timing is known
    late_alcohol_share: float | None  # of nights whose alcohol timing is known
    mean_water: float | None
    electrolytes_share: float | None
    relaxation_share: float | None

    def as_plain(self) -> dict:
        """For the cache, which keeps plain data only."""
        return dataclasses.asdict(self)


def _week(monday: dt.date, days_in_period: int, nights: Sequence[NightData]) -> Week:
    logged = len(nights)
    cramps = sum(n.cramps for n in nights)
    severities = [n.worst_severity for n in nights if n.worst_severity is not None]
    return Week(
        start=monday,
        days_in_period=days_in_period,
        logged=logged,
        cramps=cramps,
        cramps_per_night=share(cramps, logged),
        cramp_free_share=share(sum(n.cramps == 0 for n in nights), logged),
        cramp_nights=sum(n.cramps > 0 for n in nights),
        mean_severity=share(sum(n.severity_sum for n in nights), cramps),
        worst_severity=max(severities, default=None),
        stretch_share=known_share(stretched(n) for n in nights),
        late_caffeine_share=known_share(late_caffeine(n) for n in nights),
        late_alcohol_share=known_share(late_alcohol(n) for n in nights),
        mean_water=known_share(n.water_glasses for n in nights),
        electrolytes_share=share(sum(n.electrolytes for n in nights), logged),
        relaxation_share=known_share(n.relaxed for n in nights),
    )


def weekly(nights: Sequence[NightData], start: dt.date, end: dt.date) -> list[Week]:
    """One Week per Monday-to-Sunday week overlapping [start, end], oldest first.

    Only nights inside the period count. A week with no logged night is a gap: its rates
    and shares are None, so a chart leaves a hole rather than drawing a good week.
    """
    by_monday: dict[dt.date, list[NightData]] = {}
    for night in nights:
        if start <= night.date <= end:
            monday = night.date - dt.timedelta(days=night.date.weekday())
            by_monday.setdefault(monday, []).append(night)

    weeks = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        days = (min(sunday, end) - max(monday, start)).days + 1
        weeks.append(_week(monday, days, by_monday.get(monday, [])))
        monday += dt.timedelta(days=7)
    return weeks
