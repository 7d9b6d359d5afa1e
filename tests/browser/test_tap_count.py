"""What a night costs on a phone, counted: every tap and key press the test makes.

The budget (issue 13): a night with one cramp, its time, side, muscle, severity, minutes
and "woke me" in at most 6 taps and 4 key presses, with nothing to scroll to; a usual
night without cramps in 1 tap.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from journal.dates import last_night
from journal.models import Night
from tests.browser.conftest import PHONE, log_in
from tests.conftest import make_episode, make_night

MIN_TARGET = 44  # CSS px, each way: WCAG 2.5.5's target size

# Where an element is, against the screen and the sticky Save bar.
_PLACE = """el => {
  const r = el.getBoundingClientRect();
  const bar = document.querySelector(".sticky-actions").getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, width: r.width, height: r.height, barTop: bar.top,
          inBar: el.closest(".sticky-actions") !== null, screen: innerHeight};
}"""


class Hands:
    """A person on a phone, half awake: taps only what is on the screen as it is, never
    scrolling (the browser may, to show a field that takes focus) and never under the
    Save bar, each target at least 44 px square; every tap and key press is counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.keys = 0

    def tap(self, target: Locator) -> None:
        place = target.evaluate(_PLACE)
        name = target.evaluate("el => el.outerHTML.slice(0, 80)")
        bottom = place["screen"] if place["inBar"] else place["barTop"]
        assert place["top"] >= 0, f"above the screen: {name}"
        assert place["bottom"] <= bottom, f"below the screen or under the Save bar: {name}"
        assert min(place["width"], place["height"]) >= MIN_TARGET, f"too small to tap: {name}"
        target.tap()
        self.taps += 1

    def press(self, keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.keys += 1


@pytest.fixture
def phone(new_context, user: User, live_server) -> Page:
    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    log_in(page, user, live_server)
    return page


def _last_night(user: User) -> dt.date:
    return last_night(user.profile.tzinfo)


def test_a_night_with_one_cramp_takes_six_taps_and_one_key_on_one_screen(phone: Page, user: User):
    # The night before last: a cramp in the left calf. Cramps come back where they were.
    before = make_night(user, _last_night(user) - dt.timedelta(days=1), stretch_minutes=10)
    make_episode(before, at=dt.time(4, 30), muscle="calf", side="left", severity=4)
    phone.goto("/nights/new/")
    hands = Hands(phone)
    card = phone.locator("[data-episode]").first

    hands.tap(card.get_by_role("button", name="3 AM"))  # about when
    hands.tap(card.locator("label", has_text="Right"))  # side; the muscle is already Calf
    hands.tap(card.get_by_role("group", name="Severity").locator("label", has_text="7"))
    hands.tap(card.get_by_label("Minutes"))
    hands.press("2")
    hands.tap(card.get_by_text("Woke me up"))
    hands.tap(phone.get_by_role("button", name="Save night"))

    expect(phone).to_have_url(re.compile(r"/nights/$"))
    assert (hands.taps, hands.keys) == (6, 1)
    assert hands.taps <= 6
    assert hands.keys <= 4
    night = Night.objects.get(user=user, date=_last_night(user))
    episode = night.episodes.get()
    assert (episode.at, episode.muscle, episode.side) == (dt.time(3, 0), "calf", "right")
    assert (episode.severity, episode.duration_minutes, episode.woke_me) == (7, Decimal(2), True)
    assert night.stretch_minutes == 10  # the evening carried over, untouched


def test_a_usual_night_without_cramps_takes_one_tap(phone: Page, user: User):
    make_night(user, _last_night(user) - dt.timedelta(days=1), stretch_minutes=15, water_glasses=6)
    phone.goto("/nights/new/")
    hands = Hands(phone)

    hands.tap(phone.get_by_role("button", name="No cramps — save"))

    expect(phone).to_have_url(re.compile(r"/nights/$"))
    assert (hands.taps, hands.keys) == (1, 0)
    night = Night.objects.get(user=user, date=_last_night(user))
    assert night.is_cramp_free
    assert (night.stretch_minutes, night.water_glasses) == (15, 6)
