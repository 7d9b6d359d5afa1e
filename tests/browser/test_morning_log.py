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


def _card(page: Page, n: int = 0) -> Locator:
    return page.locator("[data-episode]").nth(n)


def _pick(card: Locator, group: str, choice: str) -> None:
    """Tap one button of a radio group: its label, since the radio itself is hidden."""
    card.get_by_role("group", name=re.compile(f"^{group}")).get_by_text(choice, exact=True).click()


def test_a_missing_side_shows_an_error_by_its_buttons_and_saves_nothing(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.goto("/nights/new/")
    card = _card(page)
    _pick(card, "Severity", "6")
    _pick(card, "Muscle", "Shin")
    page.locator("#id_episodes-0-duration_minutes").fill("3")
    page.locator("#id_stretch_minutes").fill("12")
    page.locator("#id_stretch_hamstring").check()
    page.locator("#id_notes").fill("Woke at 3 with the left calf locked.")
    page.get_by_role("button", name="Save night").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet")
    side = page.get_by_role("group", name=re.compile("^Side"))
    expect(side).to_be_visible()
    # The message is tied to the group, so it is read out with it and shown right under it.
    expect(side).to_have_accessible_description("Choose which side.")
    expect(side.locator(".invalid-feedback")).to_be_visible()
    for radio in side.get_by_role("radio").all():
        expect(radio).to_have_attribute("aria-invalid", "true")
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()

    # Nothing typed or tapped was lost.
    expect(card.get_by_role("radio", name="6", exact=True)).to_be_checked()
    expect(card.get_by_role("radio", name="Shin")).to_be_checked()
    expect(page.locator("#id_episodes-0-duration_minutes")).to_have_value("3")
    expect(page.locator("#id_stretch_minutes")).to_have_value("12")
    expect(page.locator("#id_stretch_hamstring")).to_be_checked()
    expect(page.locator("#id_notes")).to_have_value("Woke at 3 with the left calf locked.")
    expect(page.locator("#id_date")).to_have_value(_last_night(user).isoformat())
    # Only the cramp that was typed comes back: no blank extra card to puzzle over.
    expect(page.locator("[data-episode]:visible")).to_have_count(1)

    # Choosing the side is enough to save it all.
    _pick(card, "Side", "Left")
    page.get_by_role("button", name="Save night").click()
    expect(page).to_have_url(re.compile(r"/nights/$"))
    night = Night.objects.get(user=user)
    assert (night.stretch_minutes, night.stretch_hamstring) == (12, True)
    assert night.notes == "Woke at 3 with the left calf locked."
    episode = night.episodes.get()
    assert (episode.muscle, episode.side, episode.severity) == ("shin", "left", 6)
    assert episode.duration_minutes == 3


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
    _pick(_card(page), "Severity", "9")  # and no side
    page.get_by_role("button", name="Save night").click()

    side = page.locator("#id_episodes-0-side")
    # The radios hide under their buttons: the group's first has the focus, the group shows.
    expect(page.locator("#id_episodes-0-side_0")).to_be_focused()
    expect(side).to_be_in_viewport()
    group = side.bounding_box()
    bar = page.locator(".sticky-actions").bounding_box()
    assert group["y"] + group["height"] <= bar["y"], "not hidden under the sticky Save bar"


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

    # Arrow keys move through a radio group and choose as they go, as in any browser.
    _tab_to(page, "#id_episodes-0-side_0")  # nothing chosen yet: the first, Left
    keyboard.press("ArrowRight")
    assert _focused(page, "#id_episodes-0-side_1:checked")
    # The button shows where the focus is: the radio itself is hidden under it.
    expect(page.locator("label[for=id_episodes-0-side_1]")).not_to_have_css("box-shadow", "none")
    _tab_to(page, "#id_episodes-0-muscle_0")  # Calf, chosen: where Tab enters the group
    for _ in range(3):
        keyboard.press("ArrowRight")  # Foot, Shin, Back of thigh
    keyboard.press("Tab")
    assert _focused(page, "#id_episodes-0-severity_0")
    for _ in range(6):
        keyboard.press("ArrowRight")
    keyboard.press("Tab")
    assert _focused(page, "#id_episodes-0-duration_minutes")
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


# The share of the focused element hidden behind the sticky bar of Save buttons.
_HIDDEN_BY_BAR = """() => {
  const focused = document.activeElement;
  // A radio of a button group is hidden under its button: the button is what shows.
  const el = focused?.matches(".btn-check") ? focused.labels[0] : focused;
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


def test_a_new_card_starts_where_the_last_cramp_was_and_is_still_left_empty(
    logged_in_page: Page, user: User
):
    make_episode(
        make_night(user, _last_night(user) - dt.timedelta(days=1)), muscle="foot", side="right"
    )
    page = logged_in_page
    page.goto("/nights/new/")
    expect(page.locator("[data-episode]:visible")).to_have_count(1)  # the others tucked away
    card = _card(page)
    expect(card.get_by_role("radio", name="Foot")).to_be_checked()
    expect(card.get_by_role("radio", name="Right")).to_be_checked()
    expect(card.locator("input[name$=-severity]:checked")).to_have_count(0)  # never guessed
    # A card added and then removed again is as empty as one never touched.
    page.get_by_role("button", name="+ Add a cramp").click()
    second = _card(page, 1)
    _pick(second, "Side", "Left")
    second.get_by_role("button", name="Remove this cramp").click()
    expect(second).to_be_hidden()
    expect(page.locator("#id_episodes-1-side_1")).to_be_checked()  # Right, as it started

    page.get_by_role("button", name="No cramps — save").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    assert Night.objects.get(user=user, date=_last_night(user)).is_cramp_free


def test_same_as_last_fills_the_open_card_like_the_last_cramp_logged_all_but_its_time(
    logged_in_page: Page, user: User
):
    before = make_night(user, _last_night(user) - dt.timedelta(days=1))
    make_episode(
        before,
        at=dt.time(4, 10),
        muscle="foot",
        side="right",
        severity=4,
        duration_minutes=Decimal("1.5"),
        woke_me=True,
    )
    page = logged_in_page
    page.goto("/nights/new/")
    card = _card(page)
    # A new card starts in the same place as the last cramp; how bad is never guessed.
    expect(card.get_by_role("radio", name="Foot")).to_be_checked()
    expect(card.get_by_role("radio", name="Right")).to_be_checked()
    expect(
        card.get_by_role("group", name=re.compile("^Severity")).get_by_role("radio")
    ).to_have_count(11)
    expect(card.locator("input[name$=-severity]:checked")).to_have_count(0)

    page.get_by_role("button", name="+ Same as last").click()

    expect(page.locator("[data-episode]:visible")).to_have_count(1)  # no second card
    expect(card.get_by_role("radio", name="4", exact=True)).to_be_checked()
    expect(card.get_by_label("Minutes")).to_have_value("1.5")
    expect(card.get_by_label("Woke me up")).to_be_checked()
    at = card.get_by_label("About when")
    expect(at).to_have_value("")  # only the person knows when this one was
    expect(at).to_be_focused()
    card.get_by_role("button", name="2 AM").click()
    expect(at).to_have_value("02:00")
    page.get_by_role("button", name="Save night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    episode = Night.objects.get(user=user, date=_last_night(user)).episodes.get()
    assert (episode.at, episode.muscle, episode.side) == (dt.time(2, 0), "foot", "right")
    assert (episode.severity, episode.duration_minutes, episode.woke_me) == (
        4,
        Decimal("1.5"),
        True,
    )


def test_same_as_last_adds_a_card_like_the_one_above(logged_in_page: Page, user: User):
    page = logged_in_page
    page.goto("/nights/new/")
    same = page.get_by_role("button", name="+ Same as last")
    expect(same).to_be_hidden()  # nothing to copy yet: no cramp logged, none typed
    first = _card(page)
    first.get_by_role("button", name="3 AM").click()
    _pick(first, "Side", "Left")
    _pick(first, "Severity", "6")
    first.get_by_label("Minutes").fill("2")

    same.click()
    second = _card(page, 1)
    expect(second.get_by_role("group").first).to_be_visible()
    expect(page.get_by_text("Cramp 2", exact=True)).to_be_visible()
    expect(second.get_by_role("radio", name="Left")).to_be_checked()
    expect(second.get_by_role("radio", name="6", exact=True)).to_be_checked()
    expect(second.get_by_label("Minutes")).to_have_value("2")
    expect(second.get_by_label("About when")).to_have_value("")
    second.get_by_role("button", name="5 AM").click()
    _pick(second, "Severity", "3")  # it eased off sooner
    page.get_by_role("button", name="Save night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    episodes = Night.objects.get(user=user).episodes.all()
    assert [(e.at, e.side, e.severity, e.duration_minutes) for e in episodes] == [
        (dt.time(3, 0), "left", 6, 2),
        (dt.time(5, 0), "left", 3, 2),
    ]


def test_without_javascript_the_buttons_are_still_radio_buttons(
    new_context, user: User, live_server
):
    from tests.browser.conftest import log_in

    page = new_context(java_script_enabled=False).new_page()
    log_in(page, user, live_server)
    page.goto("/nights/new/")
    card = _card(page)
    expect(card.get_by_role("button", name="3 AM")).to_be_hidden()  # they need the script
    card.get_by_label("About when").fill("03:40")
    _pick(card, "Side", "Both")
    _pick(card, "Severity", "8")
    page.get_by_role("button", name="Save night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    episode = Night.objects.get(user=user).episodes.get()
    assert (episode.at, episode.muscle, episode.side, episode.severity) == (
        dt.time(3, 40),
        "calf",
        "both",
        8,
    )
