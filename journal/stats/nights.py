"""A logged night as plain data, the thresholds that classify it, and the verdicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# ---- Thresholds (shown on the reports page; change them here only) --------------------
STRETCH_MINUTES_THRESHOLD = 5  # "stretched" means at least this many minutes
CAFFEINE_WINDOW_HOURS = 6  # caffeine this close to bedtime counts as "late"
ALCOHOL_WINDOW_HOURS = 3  # alcohol this close to bedtime counts as "late"
WATER_GLASSES_THRESHOLD = 6  # "well hydrated" means at least this many glasses
MIN_NIGHTS_PER_GROUP = 7  # fewer nights than this on either side: no conclusion
CONFIDENCE = 0.95

# Verdicts.
FEWER = "fewer cramps"
MORE = "more cramps"
NO_CLEAR_DIFFERENCE = "no clear difference"
NOT_ENOUGH = "not enough nights yet"

# The article's five stretches (labels as in journal.models.STRETCHES, which imports
# this module, so it can't be imported here).
ARTICLE_STRETCHES = {
    "stretch_calf_wall": "Calf stretch against a wall",
    "stretch_calf_towel": "Towel calf stretch",
    "stretch_hamstring": "Hamstring stretch",
    "stretch_quadriceps": "Quadriceps stretch",
    "stretch_hip_flexor": "Hip flexor stretch",
}


@dataclass(frozen=True)
class NightData:
    """One logged night, reduced to what the statistics need."""

    date: dt.date
    cramps: int = 0
    severity_sum: int = 0  # sum of the night's episode severities
    severity_sq_sum: int = 0  # sum of their squares (for a variance)
    worst_severity: int | None = None
    longest_minutes: float | None = None  # longest episode, if any duration was given
    woke: int = 0  # episodes that woke the person
    bedtime: dt.time | None = None
    # None: left blank, so not known (never counted as zero).
    stretch_minutes: int | None = 0
    stretches: frozenset[str] = frozenset()  # model field names, e.g. "stretch_calf_wall"
    caffeine_drinks: int | None = 0
    last_caffeine_at: dt.time | None = None
    alcohol_drinks: float | None = 0.0
    last_alcohol_at: dt.time | None = None
    water_glasses: int | None = 0
    electrolytes: bool = False
    relaxed: bool | None = False  # see relaxed()
    sleep_quality: int | None = None
    experiment_done: bool | None = None  # a running experiment's own yes/no question


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def known_share(values: Iterable[float | bool | None]) -> float | None:
    """The mean of the values that are known: of yes/no values, the share that are yes."""
    known = [v for v in values if v is not None]
    return share(sum(known), len(known))


# ---- When drinks came ------------------------------------------------------------------

_NOON = 12 * 60  # a bedtime before this is after midnight
_SMALL_HOURS_END = 6 * 60


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def minutes_before_bed(at: dt.time, bedtime: dt.time) -> int:
    """How long before bedtime ``at`` was, in minutes; negative once in bed.

    A night is dated by its evening. With a bedtime before midnight, every time is of
    that day: a 05:30 coffee on waking is long before a 22:00 bedtime, and 23:30 after
    it. A bedtime before noon is after midnight (00:30, or 06:30 after a night shift):
    a time up to it is in that night, and so is one after it but before 06:00 (a 01:00
    nightcap after a 00:30 bedtime); any other time is of the evening's own day, before
    it (20:00, or a 07:00 coffee that morning before a 05:30 bedtime).
    """
    bed, drink = _minutes(bedtime), _minutes(at)
    if bed >= _NOON or drink <= bed or drink < _SMALL_HOURS_END:
        return bed - drink
    return bed + 24 * 60 - drink


def is_late(
    drinks: float | None, last_at: dt.time | None, bedtime: dt.time | None, hours: int
) -> bool | None:
    """Whether the last drink came within ``hours`` of bedtime; None if that is unknown.

    No drinks at all is known to be "not late" whatever the bedtime; drinks left blank are
    not known at all. A drink logged after bedtime (a nightcap after getting into bed)
    counts as late too.
    """
    if drinks is None:
        return None
    if not drinks:
        return False
    if last_at is None or bedtime is None:
        return None
    return minutes_before_bed(last_at, bedtime) < hours * 60


def late_caffeine(night: NightData) -> bool | None:
    return is_late(
        night.caffeine_drinks, night.last_caffeine_at, night.bedtime, CAFFEINE_WINDOW_HOURS
    )


def late_alcohol(night: NightData) -> bool | None:
    return is_late(night.alcohol_drinks, night.last_alcohol_at, night.bedtime, ALCOHOL_WINDOW_HOURS)


def stretched(night: NightData) -> bool | None:
    if night.stretch_minutes is None:
        return None
    return night.stretch_minutes >= STRETCH_MINUTES_THRESHOLD


def well_hydrated(night: NightData) -> bool | None:
    if night.water_glasses is None:
        return None
    return night.water_glasses >= WATER_GLASSES_THRESHOLD


def relaxed(minutes: int | None, ticked: bool) -> bool | None:
    """A relaxation ticked, or minutes of it: yes; neither ticked nor minutes given: unknown."""
    if ticked or minutes:
        return True
    return None if minutes is None else False
