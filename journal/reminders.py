"""When a person's morning reminder is due, and which night it asks about. No HTTP here.

A reminder belongs to a local date (the morning it is sent) and asks about the night that
began the evening before, as journal.dates.last_night() does for the morning log. Times are
wall-clock times in the person's own zone, so 08:00 stays 08:00 across daylight-saving
changes: the UTC instant moves instead.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import NamedTuple

DEFAULT_TIME = dt.time(8, 0)
# Monday first, as Python's date.weekday() counts; a set of days is a 7-bit mask.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVERY_DAY = 0b111_1111
# A mail server that is down is retried after 1, 2, 4 … minutes, never more than an hour.
MAX_BACKOFF = dt.timedelta(minutes=60)


class Due(NamedTuple):
    night: dt.date  # the evening the night to log began
    at: dt.datetime  # when to send, in UTC


def days_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def days_of(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


def due_at(night: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """When the reminder for this night is sent: the next morning at `at`, local time.

    A time that doesn't exist that morning (01:30 as the clocks go forward) is read with
    the offset before the change, so it falls an hour later on the wall clock rather than
    being skipped; a time that happens twice (as they go back) is the first of the two.
    """
    local = dt.datetime.combine(night + dt.timedelta(days=1), at, tzinfo=tz)  # fold=0
    return local.astimezone(dt.UTC)


def next_due(after: dt.datetime, at: dt.time, days: int, tz: zoneinfo.ZoneInfo) -> Due | None:
    """The first reminder strictly after `after` on one of the chosen days (None if none)."""
    if not days & EVERY_DAY:
        return None
    today = after.astimezone(tz).date()
    # Eight days: today's time may have passed, and then the same weekday next week.
    for offset in range(8):
        morning = today + dt.timedelta(days=offset)
        if not days & (1 << morning.weekday()):
            continue
        night = morning - dt.timedelta(days=1)
        when = due_at(night, at, tz)
        if when > after:
            return Due(night, when)
    return None


def is_still_that_morning(night: dt.date, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """Whether `night` is still "last night" for the person at `now`.

    Once their local date has moved on, the mail would ask about the wrong night; a
    reminder held up that long (the sender stopped, the mail server down all day) is
    dropped rather than sent late.
    """
    return now.astimezone(tz).date() == night + dt.timedelta(days=1)


def backoff(failures: int) -> dt.timedelta:
    """How long to wait after the n-th failure in a row: 1, 2, 4 … 60 minutes."""
    doublings = min(max(failures, 1) - 1, 6)  # 2**6 minutes is past the cap already
    return min(dt.timedelta(minutes=2**doublings), MAX_BACKOFF)


def night_label(night: dt.date) -> str:
    """ "Tuesday 1 December", the way the app names a night."""
    return f"{DAY_NAMES[night.weekday()]} {night.day} {night:%B}"
