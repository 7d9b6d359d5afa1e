"""An .ics file with the morning reminder as a repeating event: a reminder on the phone's
own calendar, which needs no mail server. No HTTP here."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar

from journal import reminders as schedule

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How many years of daylight-saving changes the file spells out for its time zone.
_YEARS_OF_RULES = 10


def reminder_calendar(
    *,
    uid: str,
    at: dt.time,
    days: int,
    tz: zoneinfo.ZoneInfo,
    log_url: str,
    now: dt.datetime,
) -> bytes:
    """A calendar with one event at `at` on the chosen mornings, in the person's zone
    (a TZID and its VTIMEZONE, so it stays at 08:00 across the clock changes), with an
    alarm at the event's start and the morning log's address."""
    first = schedule.next_due(now, at, days or schedule.EVERY_DAY, tz)
    assert first is not None  # some day is always chosen
    start = first.at.astimezone(tz)

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("summary", "Log last night in Nightleg")
    event.add("description", f"How was last night? Log it here: {log_url}")
    event.add("url", log_url)
    event.add("dtstart", start)
    event.add("duration", dt.timedelta(minutes=5))
    event.add("rrule", {"freq": "weekly", "byday": [_BYDAY[d] for d in schedule.days_of(days)]})
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot in the day

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Log last night in Nightleg")
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Nightleg//Morning reminder//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=start.date(), last_date=start.date().replace(year=start.year + _YEARS_OF_RULES)
    )
    return calendar.to_ical()
