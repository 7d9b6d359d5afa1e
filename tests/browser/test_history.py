"""History on a phone, in a real browser: the month calendar and the nights' cards."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from journal.dates import last_night
from tests.browser.conftest import PHONE, assert_nothing_scrolls_sideways, log_in
from tests.conftest import make_episode, make_night


def _last_month(user: User) -> dt.date:
    """The first day of the month before last night's: every day of it can be logged."""
    return (last_night(user.profile.tzinfo).replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _open_last_month(page: Page, user: User, live_server) -> dt.date:
    """Every night of last month logged except the 5th, with a cramp on the 2nd."""
    first = _last_month(user)
    day = first
    while day.month == first.month:
        if day.day != 5:
            night = make_night(user, day, stretch_minutes=day.day % 11, caffeine_drinks=2)
            if day.day == 2:
                make_episode(night, severity=8)
                make_episode(night, severity=3)
        day += dt.timedelta(days=1)
    page.set_viewport_size(PHONE)
    log_in(page, user, live_server)
    page.goto(f"/nights/?month={first:%Y-%m}")
    expect(page.get_by_role("heading", name=f"{first:%B %Y}")).to_be_visible()
    return first


def test_history_fits_a_phone_and_is_accessible(page: Page, user: User, live_server):
    _open_last_month(page, user, live_server)
    assert_nothing_scrolls_sideways(page)
    for cell in page.locator("table.month-calendar .cal-day").all():
        box = cell.bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 44, box
    expect(page.locator("#history-table tbody tr").first).to_be_visible()
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_a_logged_day_opens_that_night(page: Page, user: User, live_server):
    first = _open_last_month(page, user, live_server)
    page.get_by_role("link", name=f"2 {first:%b}: 2 cramps, worst 8", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/nights/{first:%Y-%m}-02/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"2 {first:%B %Y}")


def test_a_missing_day_opens_the_log_for_that_night(page: Page, user: User, live_server):
    first = _open_last_month(page, user, live_server)
    page.get_by_role("link", name=f"5 {first:%b}: not logged, log it", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/nights/new/\?date={first:%Y-%m}-05$"))
    expect(page.locator("#id_date")).to_have_value(f"{first:%Y-%m}-05")


def test_the_calendar_works_from_the_keyboard(page: Page, user: User, live_server):
    first = _open_last_month(page, user, live_server)
    page.get_by_role("link", name="Previous month").focus()
    page.keyboard.press("Enter")
    before = (first - dt.timedelta(days=1)).replace(day=1)
    expect(page.get_by_role("heading", name=f"{before:%B %Y}")).to_be_visible()
    page.get_by_role("link", name="Next month").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"{first:%B %Y}")).to_be_visible()
    page.get_by_role("link", name=f"3 {first:%b}: no cramps", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/nights/{first:%Y-%m}-03/$"))
