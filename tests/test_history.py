"""History: /nights/."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.views.nights import NIGHTS_PER_PAGE
from tests.conftest import make_episode, make_night

URL = "/nights/"
pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_an_empty_history_says_what_to_do(alice_client):
    html = alice_client.get(URL).content.decode()
    assert "No nights yet" in html
    assert 'href="/nights/new/"' in html


def test_it_lists_own_nights_newest_first_with_their_summary(alice, bob, alice_client):
    old = make_night(alice, "2026-11-01", stretch_minutes=7, caffeine_drinks=2)
    make_episode(old, severity=3)
    make_episode(old, severity=8)
    make_night(alice, "2026-11-05")
    make_night(bob, "2026-11-03")
    response = alice_client.get(URL)
    rows = list(response.context["page"])
    assert [n.date for n in rows] == [dt.date(2026, 11, 5), dt.date(2026, 11, 1)]
    assert (rows[1].n_cramps, rows[1].worst_cramp) == (2, 8)
    html = response.content.decode()
    assert "8/10" in html
    assert 'href="/nights/2026-11-01/"' in html
    assert 'href="/nights/2026-11-03/"' not in html, "bob's night is not alice's"
    assert 'href="/nights/new/?date=2026-11-03">log it</a>' in html, "for alice, not logged"


# A cell's value, after the label a phone shows in its place of the header row.
_CELL = r'<td class="text-end"><span class="cell-label">[^<]+ </span>(.*?)</td>'


def test_each_row_shows_the_nights_numbers_as_they_were_logged(alice, alice_client):
    quiet = {"stretch_minutes": 12, "caffeine_drinks": 2, "last_caffeine_at": dt.time(9, 5)}
    make_night(alice, "2026-11-01", **quiet, alcohol_drinks=Decimal("1.5"))
    crampy = make_night(
        alice, "2026-11-02", alcohol_drinks=Decimal("2"), last_alcohol_at=dt.time(21)
    )
    make_episode(crampy, severity=6)
    html = alice_client.get(URL).content.decode()
    assert (
        '<th scope="row" class="text-nowrap"><a href="/nights/2026-11-01/" '
        'aria-label="Sunday 1 November 2026, open to edit">Sun 1 Nov 26</a></th>'
    ) in html
    cells = re.findall(_CELL, html)
    assert cells == [
        "1",
        "6/10",
        "0",
        "0",
        '2 <span class="text-body-secondary small">last 21:00</span>',
        '<span class="text-success">none</span>',
        "–",
        "12",
        '2 <span class="text-body-secondary small">last 09:05</span>',
        "1.5",
    ]


def test_a_count_left_blank_shows_as_a_dash_not_a_zero(alice, alice_client):
    make_night(alice, "2026-11-01", stretch_minutes=None, caffeine_drinks=None, alcohol_drinks=None)
    cells = re.findall(_CELL, alice_client.get(URL).text)
    assert cells[2:] == ["–", "–", "–"]


def test_it_paginates(alice, alice_client):
    start = dt.date(2026, 1, 1)
    for i in range(35):
        make_night(alice, start + dt.timedelta(days=i))
    first = alice_client.get(URL)
    assert len(first.context["page"]) == 30
    second = alice_client.get(URL + "?page=2")
    assert len(second.context["page"]) == 5
    assert second.context["page"][0].date == start + dt.timedelta(days=4)
    # A page past the end shows the last page rather than an error.
    assert alice_client.get(URL + "?page=99").context["page"].number == 2


def test_each_cell_has_its_own_label_for_a_phone_where_the_header_row_is_hidden(
    alice, alice_client
):
    make_night(alice, "2026-11-01")
    html = alice_client.get(URL).text
    labels = re.findall(r'<span class="cell-label">([^<]+) </span>', html)
    assert labels == ["Cramps", "Worst", "Stretch (min)", "Caffeine", "Alcohol"]
    assert '<table class="table table-sm align-middle table-reflow" id="history-table">' in html


def test_queries_do_not_grow_with_nights(alice, alice_client, django_assert_max_num_queries):
    start = dt.date(2026, 1, 1)
    for i in range(30):
        make_episode(make_night(alice, start + dt.timedelta(days=i)))
    with django_assert_max_num_queries(8):
        alice_client.get(URL)


def test_journal_pages_are_never_cached(alice, alice_client):
    make_night(alice, "2026-11-01")
    for url in (URL, "/nights/new/", "/nights/2026-11-01/", "/settings/"):
        assert "no-store" in alice_client.get(url)["Cache-Control"], url


def _missing_rows(html: str) -> list[str]:
    rows = re.findall(r'<tr class="missing-night">(.*?)</tr>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_nights_not_logged_are_rows_with_a_way_to_log_them(alice, alice_client):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        make_night(alice, "2026-11-21")  # last night is the 23rd: the 22nd and 23rd missing
        make_night(alice, "2026-11-19")  # the 20th missing
        make_night(alice, "2026-11-01")  # 17 nights missing: one row
        html = alice_client.get(URL).text
    assert _missing_rows(html) == [
        "Mon 23 Nov 26 not logged — log it",
        "Sun 22 Nov 26 not logged — log it",
        "Fri 20 Nov 26 not logged — log it",
        "Mon 2 Nov 26 – Wed 18 Nov 26 17 nights not logged — log the latest",
    ]
    assert 'href="/nights/new/?date=2026-11-18">log the latest</a>' in html


def test_a_gap_across_two_pages_shows_at_the_top_of_the_older_one(alice, alice_client):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        newest = dt.date(2026, 11, 23)
        for n in range(NIGHTS_PER_PAGE):
            make_night(alice, newest - dt.timedelta(days=n))
        make_night(alice, newest - dt.timedelta(days=NIGHTS_PER_PAGE + 1))  # one night missing
        first, second = alice_client.get(URL).text, alice_client.get(URL + "?page=2").text
    assert _missing_rows(first) == []
    assert _missing_rows(second) == ["Sat 24 Oct 26 not logged — log it"]


# ---- The month calendar -----------------------------------------------------------------

NOV_24 = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)  # last night: Monday 23 November


def _cells(html: str) -> dict[str, str]:
    """Each calendar cell with a link: its words for a screen reader -> where it goes."""
    found = re.findall(r'<a class="cal-day cal-\w+" href="([^"]+)" aria-label="([^"]+)"', html)
    return {label: href for href, label in found}


def _inert_days(html: str) -> list[str]:
    return re.findall(r'<span class="cal-day cal-inert">(\d+)</span>', html)


def test_the_calendar_shows_this_month_each_night_opening_its_page(alice, alice_client):
    with time_machine.travel(NOV_24, tick=False):
        crampy = make_night(alice, "2026-11-02")
        make_episode(crampy, severity=3)
        make_episode(crampy, severity=7)
        make_night(alice, "2026-11-03")
        html = alice_client.get(URL).text
    assert '<h2 class="h5 mb-0" id="calendar-heading">November 2026</h2>' in html
    cells = _cells(html)
    assert cells["2 Nov: 2 cramps, worst 7"] == "/nights/2026-11-02/"
    assert cells["3 Nov: no cramps"] == "/nights/2026-11-03/"
    assert cells["4 Nov: not logged, log it"] == "/nights/new/?date=2026-11-04"
    assert cells["1 Nov: not logged, log it"] == "/nights/new/?date=2026-11-01"
    assert len(cells) == 23, "1 to 23 November, up to last night"
    assert _inert_days(html) == [str(day) for day in range(24, 31)], "nights to come"
    assert 'aria-label="23 Nov: not logged, log it" aria-current="date"' in html
    assert "cramps (the number), the worst rated 0 to 3" in html, "the key"


def test_tonight_can_be_logged_from_the_calendar_once_the_evening_has_begun(alice, alice_client):
    make_night(alice, "2026-11-20")
    with time_machine.travel(dt.datetime(2026, 11, 24, 19, tzinfo=dt.UTC), tick=False):
        cells = _cells(alice_client.get(URL).text)
    assert cells["24 Nov: not logged, log it"] == "/nights/new/?date=2026-11-24"


def test_another_month_is_asked_for_in_the_query_string(alice, alice_client):
    make_episode(make_night(alice, "2026-09-30"), severity=9)
    with time_machine.travel(NOV_24, tick=False):
        html = alice_client.get(URL + "?month=2026-09").text
    assert 'id="calendar-heading">September 2026</h2>' in html
    assert _cells(html)["30 Sep: 1 cramp, worst 9"] == "/nights/2026-09-30/"
    assert 'href="?month=2026-08#calendar"' in html
    assert 'href="?month=2026-10#calendar"' in html


def test_there_is_no_next_month_after_the_latest_nights(alice, alice_client):
    make_night(alice, "2026-11-20")
    with time_machine.travel(NOV_24, tick=False):
        html = alice_client.get(URL).text
    assert 'href="?month=2026-10#calendar"' in html
    assert "Next month" not in html


@pytest.mark.parametrize("month", ["garbage", "2026-13", "2026-1-1", "2027-01", "1989-12", ""])
def test_a_month_that_cannot_be_shown_shows_the_latest_one(alice, alice_client, month):
    make_night(alice, "2026-11-20")
    with time_machine.travel(NOV_24, tick=False):
        response = alice_client.get(URL, {"month": month})
    assert response.status_code == 200
    assert 'id="calendar-heading">November 2026</h2>' in response.text


def test_the_calendar_shows_only_the_signed_in_persons_nights(alice, bob, alice_client):
    make_night(alice, "2026-11-20")
    make_episode(make_night(bob, "2026-11-05"), severity=9)
    with time_machine.travel(NOV_24, tick=False):
        cells = _cells(alice_client.get(URL).text)
    assert cells["5 Nov: not logged, log it"] == "/nights/new/?date=2026-11-05"
    assert "/nights/2026-11-05/" not in cells.values()


def test_a_change_to_a_night_shows_in_the_calendar_at_once(alice, alice_client):
    night = make_night(alice, "2026-11-20")
    with time_machine.travel(NOV_24, tick=False):
        assert "20 Nov: no cramps" in _cells(alice_client.get(URL).text)
        make_episode(night, severity=8)
        assert "20 Nov: 1 cramp, worst 8" in _cells(alice_client.get(URL).text)


def test_the_calendar_from_the_page_and_from_the_database_agree(alice, alice_client):
    """November is on the first page (its nights are used) but not on the second (the
    database counts them): the same calendar either way, and one query more."""
    for n in range(35):  # 20 October to 23 November
        night = make_night(alice, dt.date(2026, 11, 23) - dt.timedelta(days=n))
        for _ in range(n % 3):
            make_episode(night, severity=2 + n % 9)
    make_night(alice, "2026-09-01")  # an older page, so that page 1 doesn't hold them all
    with time_machine.travel(NOV_24, tick=False), CaptureQueriesContext(connection) as on_page:
        first = alice_client.get(URL + "?month=2026-11")
    cache.clear()
    with time_machine.travel(NOV_24, tick=False), CaptureQueriesContext(connection) as asked:
        second = alice_client.get(URL + "?month=2026-11&page=2")
    assert first.context["calendar"] == second.context["calendar"]
    assert len(_cells(first.context["calendar"])) == 23
    with time_machine.travel(NOV_24, tick=False), CaptureQueriesContext(connection) as october:
        alice_client.get(URL + "?month=2026-10")
    assert len(october) == len(on_page) + 1, "a month off the page: one query"
    assert len(asked) == len(on_page) + 2, "the night above the page, and the month"


def test_paging_keeps_the_month_asked_for(alice, alice_client):
    for n in range(35):
        make_night(alice, dt.date(2026, 11, 23) - dt.timedelta(days=n))
    with time_machine.travel(NOV_24, tick=False):
        html = alice_client.get(URL + "?month=2026-10&page=2").text
    assert 'href="?page=1&amp;month=2026-10">Newer</a>' in html
    assert 'href="?month=2026-09&amp;page=2#calendar"' in html


def test_the_calendar_comes_with_the_first_night(alice, alice_client):
    assert 'id="calendar"' not in alice_client.get(URL).text, "nothing to show yet"
    make_night(alice, "2026-11-20")
    assert 'id="calendar"' in alice_client.get(URL).text
