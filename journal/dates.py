"""Which night is "last night" for a person, in their own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone


def local_today(tz: zoneinfo.ZoneInfo) -> dt.date:
    return timezone.now().astimezone(tz).date()


# A night can be logged from this hour of its own evening (say, after an early cramp).
EVENING_STARTS = dt.time(18)


def latest_loggable_night(tz: zoneinfo.ZoneInfo) -> dt.date:
    """Tonight once the evening has begun, else last night: later nights haven't happened."""
    now = timezone.now().astimezone(tz)
    return now.date() if now.time() >= EVENING_STARTS else now.date() - dt.timedelta(days=1)


def last_night(tz: zoneinfo.ZoneInfo) -> dt.date:
    """The evening that began the night a person is logging this morning.

    A night is dated by its evening, so it is always yesterday's date: at 07:00 on the
    25th and at 02:00 on the 25th (woken by a cramp) alike, the night began on the 24th.
    """
    return local_today(tz) - dt.timedelta(days=1)


# Until this hour, someone still up is in the night that began yesterday evening.
NIGHT_ENDS = dt.time(6)


def this_evening(tz: zoneinfo.ZoneInfo) -> dt.date:
    """The night under way or about to begin, as "tonight" in an experiment's plan:
    today's, but before 06:00 still yesterday's, for someone not yet in bed at 00:30."""
    return evening_of(timezone.now(), tz)


def evening_of(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    """this_evening, as it was at ``moment``: for something done then and sent later."""
    local = moment.astimezone(tz)
    return local.date() - dt.timedelta(days=1) if local.time() < NIGHT_ENDS else local.date()
