"""The night form never throws typing away: signed out meanwhile, or a time half typed."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from playwright.sync_api import Browser, Page, expect

from journal.dates import last_night
from journal.models import Night
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD


def test_a_night_typed_while_signed_out_comes_back_after_signing_in(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.goto("/nights/new/")
    page.locator("#id_stretch_minutes").fill("12")
    page.locator("#id_stretch_hamstring").check()
    page.locator("label[for=id_episodes-0-side_0]").click()  # Left
    page.locator("label[for=id_episodes-0-severity_6]").click()
    page.get_by_role("button", name="+ Add a cramp").click()
    page.locator("label[for=id_episodes-1-side_1]").click()  # Right
    page.locator("label[for=id_episodes-1-muscle_1]").click()  # Foot
    page.locator("label[for=id_episodes-1-severity_3]").click()
    page.locator("#id_notes").fill("Both calves tonight.")
    Session.objects.all().delete()  # the session ends meanwhile (expiry, or another tab)

    page.get_by_role("button", name="Save night").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/nights/new/"))
    assert not Night.objects.exists()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/nights/new/$"))
    expect(page.locator("#draft-restored")).to_contain_text("Here is what you typed")
    expect(page.locator("#id_stretch_minutes")).to_have_value("12")
    expect(page.locator("#id_stretch_hamstring")).to_be_checked()
    # The radio groups come back as they were tapped, the second card open again.
    expect(page.locator("#id_episodes-0-side_0")).to_be_checked()
    expect(page.locator("#id_episodes-0-severity_6")).to_be_checked()
    expect(page.locator("#id_episodes-1-side_1")).to_be_checked()
    expect(page.locator("#id_episodes-1-muscle_1")).to_be_checked()
    expect(page.locator("#id_episodes-1-muscle_0")).not_to_be_checked()
    expect(page.locator("#id_episodes-1-severity_3")).to_be_checked()
    expect(page.locator("#id_episodes-1-severity")).to_be_visible()
    expect(page.locator("#id_notes")).to_have_value("Both calves tonight.")
    page.get_by_role("button", name="Save night").click()

    expect(page.get_by_text("Saved the night")).to_be_visible()
    night = Night.objects.get()
    assert (night.stretch_minutes, night.notes) == (12, "Both calves tonight.")
    episodes = night.episodes.order_by("severity").values_list("severity", "side", "muscle")
    assert list(episodes) == [(3, "right", "foot"), (6, "left", "calf")]
    # The save was confirmed: nothing is kept to come back a second time.
    assert page.evaluate("sessionStorage.getItem('nightleg-draft')") is None
    page.goto(f"/nights/{night.date.isoformat()}/")
    expect(page.locator("#draft-restored")).to_have_count(0)


def test_another_person_signing_in_on_the_tab_never_sees_the_draft(
    logged_in_page: Page, user: User
):
    from tests.conftest import make_user

    page = logged_in_page
    page.goto("/nights/new/")
    page.locator("#id_notes").fill("private note")
    Session.objects.all().delete()
    page.get_by_role("button", name="Save night").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    other = make_user("other-person")
    page.get_by_label("Username").fill(other.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/nights/new/")
    expect(page.locator("#id_notes")).to_have_value("")
    expect(page.locator("#draft-restored")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('nightleg-draft')") is None


def test_a_half_typed_time_is_not_dropped_in_silence(browser: Browser, user: User, live_server):
    # en-US: Chromium shows the time field as hh:mm AM/PM.
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    log_in(page, user, live_server)
    page.goto("/nights/new/")
    page.locator("label[for=id_episodes-0-side_0]").click()
    page.locator("label[for=id_episodes-0-severity_6]").click()
    at = page.locator("#id_episodes-0-at")
    at.click()
    at.press_sequentially("0315")  # no AM or PM yet
    page.get_by_role("button", name="Save night").click()

    expect(at).to_have_attribute("aria-invalid", "true")
    expect(at).to_be_focused()
    expect(at).to_have_accessible_description(re.compile("AM or PM included"))
    expect(page).to_have_url(re.compile(r"/nights/new/$"))
    assert not Night.objects.exists()

    at.press_sequentially("0315A")  # from the hour again, AM this time
    expect(at).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Save night").click()
    expect(page.get_by_text("Saved the night")).to_be_visible()
    date = last_night(user.profile.tzinfo)
    assert Night.objects.get(date=date).episodes.get().at == dt.time(3, 15)
    context.close()


def test_two_tabs_on_one_night_do_not_overwrite_each_other(logged_in_page: Page, user: User):
    from tests.conftest import make_episode, make_night

    night = make_night(user, last_night(user.profile.tzinfo), stretch_minutes=5)
    make_episode(night, severity=4)
    tab_a, tab_b = logged_in_page, logged_in_page.context.new_page()
    for tab in (tab_a, tab_b):
        tab.goto(f"/nights/{night.date.isoformat()}/")
    tab_a.locator("#id_stretch_minutes").fill("20")
    tab_a.get_by_role("button", name="Save night").click()
    expect(tab_a.get_by_text("Updated the night")).to_be_visible()
    tab_b.locator("label[for=id_episodes-0-severity_7]").click()
    tab_b.locator("#id_water_glasses").fill("9")
    tab_b.get_by_role("button", name="Save night").click()

    expect(tab_b.locator("#conflict")).to_contain_text("changed somewhere else")
    expect(tab_b.locator("#conflict")).to_contain_text("Stretching (minutes)")
    expect(tab_b.locator("#id_water_glasses")).to_have_value("9")
    expect(tab_b.locator("#id_episodes-0-severity_7")).to_be_checked()
    night.refresh_from_db()
    assert (night.stretch_minutes, night.episodes.get().severity) == (20, 4)
    tab_b.get_by_role("button", name="Save night").click()  # keep B's, knowingly
    expect(tab_b.get_by_text("Updated the night")).to_be_visible()
    night.refresh_from_db()
    assert (night.water_glasses, night.episodes.get().severity) == (9, 7)
