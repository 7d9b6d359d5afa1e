"""When to suggest seeing a clinician: frequent, severe or long cramps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from journal.stats.nights import NightData
from journal.stats.weekly import Week

FREQUENT_CRAMP_NIGHTS_PER_WEEK = 3  # cramps on at least this many nights of a week...
FREQUENT_CONSECUTIVE_WEEKS = 2  # ...in this many consecutive weeks
SEVERE_EPISODE = 8  # any episode rated this or worse
LONG_EPISODE_MINUTES = 10  # any episode lasting this long or longer


@dataclass(frozen=True)
class Flag:
    key: str  # "frequent", "severe" or "long"
    message: str
    dates: tuple[dt.date, ...] = field(default=())


_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _frequent_weeks(weeks: Sequence[Week]) -> list[dt.date]:
    """Mondays of every run of FREQUENT_CONSECUTIVE_WEEKS or more back-to-back busy weeks."""
    mondays: list[dt.date] = []
    run: list[dt.date] = []
    for week in sorted(weeks, key=lambda w: w.start):
        if week.cramp_nights < FREQUENT_CRAMP_NIGHTS_PER_WEEK:
            run = []
            continue
        if run and week.start - run[-1] != dt.timedelta(days=7):
            run = []
        run.append(week.start)
        if len(run) == FREQUENT_CONSECUTIVE_WEEKS:
            mondays.extend(run)
        elif len(run) > FREQUENT_CONSECUTIVE_WEEKS:
            mondays.append(week.start)
    return mondays


def clinician_flags(nights: Sequence[NightData], weeks: Sequence[Week]) -> list[Flag]:
    """Patterns worth showing a clinician: frequent, severe or long cramps."""
    flags = []
    if mondays := _frequent_weeks(weeks):
        running = _WORDS.get(FREQUENT_CONSECUTIVE_WEEKS, str(FREQUENT_CONSECUTIVE_WEEKS))
        flags.append(
            Flag(
                "frequent",
                f"Cramps on {FREQUENT_CRAMP_NIGHTS_PER_WEEK} or more nights a week, "
                f"{running} weeks running.",
                tuple(mondays),
            )
        )
    ordered = sorted(nights, key=lambda n: n.date)
    if severe := [n.date for n in ordered if (n.worst_severity or 0) >= SEVERE_EPISODE]:
        flags.append(
            Flag(
                "severe",
                f"A cramp rated {SEVERE_EPISODE} out of 10 or worse, on {_nights(len(severe))}.",
                tuple(severe),
            )
        )
    if long := [n.date for n in ordered if (n.longest_minutes or 0) >= LONG_EPISODE_MINUTES]:
        flags.append(
            Flag(
                "long",
                f"A cramp lasting {LONG_EPISODE_MINUTES} minutes or longer, on "
                f"{_nights(len(long))}.",
                tuple(long),
            )
        )
    return flags


def _nights(count: int) -> str:
    return "1 night" if count == 1 else f"{count} nights"
