"""The morning log: what someone half awake actually does with it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from journal.dates import last_night
from journal.models import CrampEpisode, Night
from tests.browser.conftest import PHONE
from tests.conftest import make_episode, make_night

MAX_TABS = 120


def _last_night(user: User) -> dt.date:
    return last_night(user.profile.tzinfo)


def test_an_invalid_severity_shows_an_error_by_the_field_and_saves_nothing(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.goto("/nights/new/")
    page.locator("#id_episodes-0-side").select_option("left")
    page.locator("#id_episodes-0-severity").fill("11")
    page.locator("#id_episodes-0-duration_minutes").fill("3")
    page.locator("#id_stretch_minutes").fill("12")
    page.locator("#id_stretch_hamstring").check()
    page.locator("#id_notes").fill("Woke at 3 with the left calf locked.")
    page.get_by_role("button", name="Save night").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet")
    severity = page.locator("#id_episodes-0-severity")
    expect(severity).to_be_visible()
    expect(severity).to_have_attribute("aria-invalid", "true")
    # The message is tied to the field, so it is read out with it and shown right under it.
    expect(severity).to_have_accessible_description(re.compile("between 0 and 10"))
    expect(page.locator("#div_id_episodes-0-severity .invalid-feedback")).to_be_visible()
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()

    # Nothing typed was lost.
    expect(severity).to_have_value("11")
    expect(page.locator("#id_episodes-0-side")).to_have_value("left")
    expect(page.locator("#id_episodes-0-duration_minutes")).to_have_value("3")
    expect(page.locator("#id_stretch_minutes")).to_have_value("12")
    expect(page.locator("#id_stretch_hamstring")).to_be_checked()
    expect(page.locator("#id_notes")).to_have_value("Woke at 3 with the left calf locked.")
    expect(page.locator("#id_date")).to_have_value(_last_night(user).isoformat())
    # Only the cramp that was typed comes back: no blank extra card to puzzle over.
    expect(page.locator("[data-episode]:visible")).to_have_count(1)

    # Fixing the one field is enough to save it all.
    severity.fill("10")
    page.get_by_role("button", name="Save night").click()
    expect(page).to_have_url(re.compile(r"/nights/$"))
    night = Night.objects.get(user=user)
    assert (night.stretch_minutes, night.stretch_hamstring) == (12, True)
    assert night.notes == "Woke at 3 with the left calf locked."
    episode = night.episodes.get()
    assert (episode.side, episode.severity, episode.duration_minutes) == ("left", 10, 3)


def test_no_cramps_saves_a_quiet_night_in_one_click_with_the_habits_carried_over(
    logged_in_page: Page, user: User
):
    night_of = _last_night(user)
    make_night(
        user,
        night_of - dt.timedelta(days=2),
        stretch_minutes=15,
        stretch_calf_wall=True,
        water_glasses=6,
        bedtime=dt.time(22, 30),
    )
    page = logged_in_page
    page.goto("/nights/new/")

    page.get_by_role("button", name="No cramps — save").click()  # the one click

    expect(page).to_have_url(re.compile(r"/nights/$"))
    night = Night.objects.get(user=user, date=night_of)
    assert night.is_cramp_free
    assert night.stretch_minutes == 15
    assert night.stretch_calf_wall
    assert night.water_glasses == 6
    assert night.bedtime == dt.time(22, 30)


def test_the_very_first_nights_one_press_save_records_no_counts_as_zero(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.goto("/nights/new/")
    expect(page.locator("#id_water_glasses")).to_have_value("")
    page.get_by_role("button", name="No cramps — save").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    night = Night.objects.get(user=user)
    assert (night.water_glasses, night.caffeine_drinks, night.stretch_minutes) == (None,) * 3
    assert (night.alcohol_drinks, night.relaxation_minutes) == (None, None)


def test_after_a_refused_save_on_a_phone_the_first_error_is_focused_above_the_save_bar(
    page: Page, user: User, live_server
):
    from tests.browser.conftest import log_in

    page.set_viewport_size(PHONE)
    log_in(page, user, live_server)
    page.goto("/nights/new/")
    page.locator("#id_episodes-0-side").select_option("left")
    page.locator("#id_episodes-0-severity").fill("11")
    page.get_by_role("button", name="Save night").click()

    severity = page.locator("#id_episodes-0-severity")
    expect(severity).to_be_focused()
    expect(severity).to_be_in_viewport()
    field = severity.bounding_box()
    bar = page.locator(".sticky-actions").bounding_box()
    assert field["y"] + field["height"] <= bar["y"], "not hidden under the sticky Save bar"


def _focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement?.matches(s) ?? false", selector)


def _tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus.

    Date and time inputs take several Tabs (one per part), so count presses, not fields.
    """
    for _ in range(MAX_TABS):
        if _focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector!r} in {MAX_TABS} presses")


def test_the_morning_log_can_be_filled_in_and_saved_with_the_keyboard_alone(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.goto("/nights/new/")
    keyboard = page.keyboard

    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    keyboard.press("Enter")
    _tab_to(page, "#id_date")  # the first field of the form, the date, is already right

    _tab_to(page, "#id_episodes-0-muscle")
    keyboard.type("Back")  # type-ahead picks "Back of thigh"
    keyboard.press("Tab")
    assert _focused(page, "#id_episodes-0-side")
    keyboard.type("Right")
    keyboard.press("Tab")
    assert _focused(page, "#id_episodes-0-severity")
    keyboard.type("6")
    keyboard.press("Tab")
    keyboard.type("2.5")
    keyboard.press("Tab")
    assert _focused(page, "#id_episodes-0-woke_me")
    keyboard.press("Space")

    # Back up one field to correct the minutes, as someone who mistyped would.
    keyboard.press("Shift+Tab")
    assert _focused(page, "#id_episodes-0-duration_minutes")
    keyboard.press("ControlOrMeta+a")
    keyboard.type("3")

    _tab_to(page, "#id_stretch_minutes")
    keyboard.press("ControlOrMeta+a")
    keyboard.type("8")
    keyboard.press("Tab")
    assert _focused(page, "#id_stretch_calf_wall")
    keyboard.press("Space")

    _tab_to(page, "button[name=save]")
    keyboard.press("Enter")

    # The skip link's #main rides along through the redirect, which is harmless.
    expect(page).to_have_url(re.compile(r"/nights/(#main)?$"))
    night = Night.objects.get(user=user, date=_last_night(user))
    assert (night.stretch_minutes, night.stretch_calf_wall) == (8, True)
    episode = night.episodes.get()
    assert (episode.muscle, episode.side, episode.severity) == ("hamstring", "right", 6)
    assert episode.duration_minutes == Decimal(3)
    assert episode.woke_me


class _Interactions:
    """Drives the page while counting what a person would do on a phone.

    Each tap is one interaction and typing a value is another; choosing from a list is
    two (open it, pick).
    """

    def __init__(self) -> None:
        self.count = 0

    def tap(self, target: Locator) -> None:
        target.click()
        self.count += 1

    def type_into(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.count += 2

    def choose(self, target: Locator, value: str) -> None:
        target.select_option(value)
        self.count += 2


def test_a_night_with_one_cramp_takes_at_most_eight_interactions(logged_in_page: Page, user: User):
    page = logged_in_page
    page.goto("/nights/new/")
    steps = _Interactions()

    steps.choose(page.locator("#id_episodes-0-side"), "left")  # 2
    steps.type_into(page.locator("#id_episodes-0-severity"), "5")  # 4
    steps.type_into(page.locator("#id_episodes-0-duration_minutes"), "1")  # 6
    steps.tap(page.get_by_role("button", name="Save night"))  # 7

    expect(page).to_have_url(re.compile(r"/nights/$"))
    assert steps.count == 7
    assert steps.count <= 8
    episode = Night.objects.get(user=user, date=_last_night(user)).episodes.get()
    assert (episode.side, episode.severity, episode.duration_minutes) == ("left", 5, 1)


# The share of the focused element hidden behind the sticky bar of Save buttons.
_HIDDEN_BY_BAR = """() => {
  const el = document.activeElement;
  const bar = document.querySelector(".sticky-actions");
  if (!el || !bar || bar.contains(el) || el === document.body) return 0;
  const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
  const overlap = Math.max(0, Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top));
  return r.height ? overlap / r.height : 0;
}"""


def test_the_sticky_save_bar_never_hides_the_field_that_has_focus_on_a_phone(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    # Measure where focus lands, not where a smooth scroll happens to be mid-way.
    page.emulate_media(reduced_motion="reduce")
    night = make_night(user, _last_night(user) - dt.timedelta(days=1))
    make_episode(night)
    hidden = []
    for path in ("/nights/new/", night.get_absolute_url()):
        page.goto(path)
        page.locator("#id_date").focus()
        for _ in range(MAX_TABS):
            if _focused(page, ".sticky-actions *"):
                break
            if page.evaluate(_HIDDEN_BY_BAR) >= 1:
                hidden.append(f"{path} {page.evaluate('document.activeElement.id')}")
            page.keyboard.press("Tab")
        else:
            raise AssertionError(f"Tab never reached the Save bar on {path}")
    assert not hidden, f"focused but hidden behind the Save bar: {hidden}"
