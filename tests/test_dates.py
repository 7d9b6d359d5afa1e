from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from journal.dates import last_night, local_today

UTC = dt.UTC
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")  # UTC+11 in November
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")  # UTC-8 in November
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("utc_now", "tz", "expected"),
    [
        # A morning in London: the night began yesterday evening.
        ("2026-11-24 07:30", LONDON, "2026-11-23"),
        # Woken by a cramp at 02:00 local: still the night that began yesterday.
        ("2026-11-24 02:00", LONDON, "2026-11-23"),
        # A minute either side of local midnight.
        ("2026-11-23 23:59", LONDON, "2026-11-22"),
        ("2026-11-24 00:01", LONDON, "2026-11-23"),
        # 20:00 UTC on the 23rd is already 07:00 on the 24th in Sydney...
        ("2026-11-23 20:00", SYDNEY, "2026-11-23"),
        # ...and 12:59 UTC on the 24th is 23:59 there, the evening of the 24th.
        ("2026-11-24 12:59", SYDNEY, "2026-11-23"),
        ("2026-11-24 13:01", SYDNEY, "2026-11-24"),
        # 06:00 UTC on the 24th is still 22:00 on the 23rd in Los Angeles.
        ("2026-11-24 06:00", LOS_ANGELES, "2026-11-22"),
        ("2026-11-24 08:01", LOS_ANGELES, "2026-11-23"),
    ],
)
def test_last_night_is_yesterday_in_the_persons_own_zone(utc_now, tz, expected):
    with time_machine.travel(dt.datetime.fromisoformat(utc_now).replace(tzinfo=UTC), tick=False):
        assert last_night(tz) == dt.date.fromisoformat(expected)


def test_the_clock_change_does_not_skip_a_night():
    # Europe/London leaves summer time at 01:00 UTC on 2026-10-25.
    with time_machine.travel(dt.datetime(2026, 10, 25, 6, 0, tzinfo=UTC), tick=False):
        assert last_night(LONDON) == dt.date(2026, 10, 24)
        assert local_today(LONDON) == dt.date(2026, 10, 25)
