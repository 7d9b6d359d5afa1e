"""journal.reminders: when a morning reminder is due, in the person's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from journal.reminders import (
    EVERY_DAY,
    Due,
    backoff,
    days_mask,
    days_of,
    due_at,
    is_still_that_morning,
    next_due,
    night_label,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
EIGHT = dt.time(8, 0)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("tz", "after", "expected"),
    [
        # London goes forward on Sunday 29 March 2026: 08:00 BST is 07:00 UTC.
        (LONDON, utc(2026, 3, 28, 8, 0, 1), Due(dt.date(2026, 3, 28), utc(2026, 3, 29, 7))),
        (LONDON, utc(2026, 3, 27, 9), Due(dt.date(2026, 3, 27), utc(2026, 3, 28, 8))),
        # …and back on Sunday 25 October: 08:00 GMT is 08:00 UTC again.
        (LONDON, utc(2026, 10, 24, 7, 0, 1), Due(dt.date(2026, 10, 24), utc(2026, 10, 25, 8))),
        (LONDON, utc(2026, 10, 23, 9), Due(dt.date(2026, 10, 23), utc(2026, 10, 24, 7))),
        # New York goes forward on Sunday 8 March 2026 (EST -5 to EDT -4)…
        (NEW_YORK, utc(2026, 3, 7, 13, 0, 1), Due(dt.date(2026, 3, 7), utc(2026, 3, 8, 12))),
        # …and back on Sunday 1 November.
        (NEW_YORK, utc(2026, 10, 31, 12, 0, 1), Due(dt.date(2026, 10, 31), utc(2026, 11, 1, 13))),
    ],
)
def test_eight_oclock_stays_eight_oclock_across_the_clock_changes(tz, after, expected):
    assert next_due(after, EIGHT, EVERY_DAY, tz) == expected
    assert expected.at.astimezone(tz).time() == EIGHT


def test_a_time_skipped_as_the_clocks_go_forward_comes_an_hour_later():
    # 01:30 doesn't exist in London on 29 March 2026; it is sent at 02:30 BST.
    assert due_at(dt.date(2026, 3, 28), dt.time(1, 30), LONDON) == utc(2026, 3, 29, 1, 30)
    # Nor 02:30 in New York on 8 March: 03:30 EDT.
    assert due_at(dt.date(2026, 3, 7), dt.time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 30)


def test_a_time_that_happens_twice_as_the_clocks_go_back_is_sent_once():
    first = due_at(dt.date(2026, 10, 24), dt.time(1, 30), LONDON)
    assert first == utc(2026, 10, 25, 0, 30)  # the first 01:30, still BST
    # An hour later it is 01:30 again (GMT): the next reminder is Monday's, not this one.
    after = next_due(first, dt.time(1, 30), EVERY_DAY, LONDON)
    assert after == Due(dt.date(2026, 10, 25), utc(2026, 10, 26, 1, 30))


def test_it_waits_for_a_chosen_day():
    mondays = days_mask([0])
    # Monday 30 November 2026, 09:00 in London: today's has gone, so next Monday's.
    found = next_due(utc(2026, 11, 30, 9), EIGHT, mondays, LONDON)
    assert found == Due(dt.date(2026, 12, 6), utc(2026, 12, 7, 8))
    assert found.at.astimezone(LONDON).weekday() == 0


def test_it_sends_today_when_the_time_is_still_to_come():
    found = next_due(utc(2026, 11, 30, 7, 59), EIGHT, EVERY_DAY, LONDON)
    assert found == Due(dt.date(2026, 11, 29), utc(2026, 11, 30, 8))


def test_the_day_is_the_persons_own():
    # 23:30 UTC on Monday is already Tuesday 08:30 in Tokyo: Wednesday's reminder is next.
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    found = next_due(utc(2026, 11, 30, 23, 30), EIGHT, EVERY_DAY, tokyo)
    assert found == Due(dt.date(2026, 12, 1), utc(2026, 12, 1, 23))


def test_no_day_chosen_means_no_reminder():
    assert next_due(utc(2026, 11, 30), EIGHT, 0, LONDON) is None


def test_days_round_trip_through_the_mask():
    assert days_of(days_mask([0, 2, 6])) == [0, 2, 6]
    assert days_mask(range(7)) == EVERY_DAY


def test_a_reminder_is_for_its_own_morning_only():
    night = dt.date(2026, 11, 29)
    assert is_still_that_morning(night, utc(2026, 11, 30, 23, 59), LONDON)
    assert not is_still_that_morning(night, utc(2026, 12, 1, 0, 0), LONDON)
    # 23:30 UTC on the 30th is already 1 December in Tokyo.
    assert not is_still_that_morning(
        night, utc(2026, 11, 30, 23, 30), zoneinfo.ZoneInfo("Asia/Tokyo")
    )


def test_the_back_off_doubles_up_to_an_hour():
    minutes = [backoff(n) / dt.timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert backoff(10_000) == dt.timedelta(minutes=60)


def test_the_night_is_named_as_people_say_it():
    assert night_label(dt.date(2026, 12, 1)) == "Tuesday 1 December"
