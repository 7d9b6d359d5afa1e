"""The month calendar's grid (journal/months.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from journal import months

LINKS = {"edit_link": "/nights/{date}/", "log_link": "/nights/new/?date={date}"}
NOV = dt.date(2026, 11, 1)  # a Sunday
EVER = (dt.date(1990, 1, 1), dt.date(2026, 11, 23))


def _grid(nights, shown=EVER, latest=dt.date(2026, 11, 23), first=NOV) -> months.Month:
    return months.month_grid(first, nights, shown=shown, latest=latest, **LINKS)


def _day(month: months.Month, day: int) -> months.Day:
    (found,) = [d for week in month.weeks for d in week if d and d["day"] == day]
    return found


def test_weeks_start_on_monday_with_the_days_of_other_months_left_blank():
    month = _grid({})
    assert month.title == "November 2026"
    assert len(month.weeks) == 6  # 1 Nov is a Sunday, 30 Nov a Monday
    assert month.weeks[0][:6] == [None] * 6
    assert month.weeks[0][6]["date"] == NOV
    assert [d["day"] for d in month.weeks[1]] == [2, 3, 4, 5, 6, 7, 8]
    assert month.weeks[5][1:] == [None] * 6


@pytest.mark.parametrize(
    ("cramps", "worst", "kind", "mark", "label"),
    [
        (0, None, "free", "✓", "12 Nov: no cramps"),
        (1, 0, "mild", "1", "12 Nov: 1 cramp, worst 0"),
        (2, 3, "mild", "2", "12 Nov: 2 cramps, worst 3"),
        (1, 4, "moderate", "1", "12 Nov: 1 cramp, worst 4"),
        (4, 7, "moderate", "4", "12 Nov: 4 cramps, worst 7"),
        (3, 8, "severe", "3!", "12 Nov: 3 cramps, worst 8"),
        (1, 10, "severe", "1!", "12 Nov: 1 cramp, worst 10"),
    ],
)
def test_a_logged_night_shows_its_cramps_and_is_coloured_by_the_worst(
    cramps, worst, kind, mark, label
):
    day = _day(_grid({dt.date(2026, 11, 12): (cramps, worst)}), 12)
    assert (day["kind"], day["mark"], day["label"]) == (kind, mark, label)
    assert day["href"] == "/nights/2026-11-12/"


def test_a_night_not_logged_is_missing_and_a_way_to_log_it():
    day = _day(_grid({}), 12)
    assert (day["kind"], day["mark"]) == ("missing", "–")
    assert day["label"] == "12 Nov: not logged, log it"
    assert day["href"] == "/nights/new/?date=2026-11-12"


def test_nights_after_the_latest_are_inert_and_the_latest_is_current():
    month = _grid({}, latest=dt.date(2026, 11, 23))
    assert _day(month, 23)["current"]
    assert _day(month, 23)["href"]
    assert not _day(month, 22)["current"]
    for day in (24, 30):
        assert (_day(month, day)["kind"], _day(month, day)["href"]) == ("inert", "")


def test_days_outside_the_period_shown_are_inert():
    month = _grid({dt.date(2026, 11, 3): (1, 5)}, shown=(dt.date(2026, 11, 5), EVER[1]))
    assert (_day(month, 3)["kind"], _day(month, 3)["href"]) == ("inert", "")
    assert _day(month, 5)["kind"] == "missing"


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-10", dt.date(2026, 10, 1)),
        ("1990-01", dt.date(1990, 1, 1)),
        ("2026-11", NOV),
        (None, NOV),
        ("", NOV),
        ("november", NOV),
        ("2026-13", NOV),
        ("2026-00", NOV),
        ("2026-10-05", NOV),
        ("-2026-10", NOV),
        ("99999-01", NOV),
        ("1989-12", NOV),  # before any diary
        ("2026-12", NOV),  # not begun yet
    ],
)
def test_a_month_asked_for_that_cannot_be_shown_is_the_latest_nights(text, month):
    latest = dt.date(2026, 11, 23)
    assert months.parse_month(text, earliest=dt.date(1990, 1, 1), latest=latest) == month


def test_the_months_of_a_period_are_its_last_few_oldest_first():
    assert months.last_months(dt.date(2026, 9, 1), dt.date(2026, 11, 23), 4) == [
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        NOV,
    ]
    assert months.last_months(dt.date(2020, 5, 6), dt.date(2026, 2, 3), 4) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert months.month_count(dt.date(2020, 5, 6), dt.date(2026, 2, 3)) == 70


def test_months_are_counted_across_years():
    assert months.add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert months.add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert months.last_of(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
