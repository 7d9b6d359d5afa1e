"""The whole life of one night, through the real forms: sign up, log, review, edit, delete."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.contrib.auth.models import User
from django.db.models import Max
from playwright.sync_api import Page, expect

from journal.dates import last_night
from journal.models import CrampEpisode, Night
from tests.conftest import PASSWORD

# Fourteen hours ahead of UTC: "last night" there is often a different date than in UTC.
TIME_ZONE = "Pacific/Kiritimati"


def _history_row(page: Page, date: dt.date):
    return page.locator("tbody tr").filter(has_text=date.strftime("%a %-d %b %y"))


def _expect_cells(row, *values: str) -> None:
    """The cells after the date (which links to the night): cramps, worst, stretch, ...,
    as shown; each also holds its label for a phone, hidden at this width."""
    cells = row.locator("td")
    for n, value in enumerate(values):
        expect(cells.nth(n)).to_have_text(value, use_inner_text=True)


def test_a_new_user_can_sign_up_log_last_night_edit_it_and_delete_it(page: Page, live_server):
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill("nora")
    page.locator("#id_email").fill("nora@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_time_zone").select_option(TIME_ZONE)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/nights/new/$"))
    nora = User.objects.get(username="nora")
    assert nora.profile.time_zone == TIME_ZONE
    night_of = last_night(zoneinfo.ZoneInfo(TIME_ZONE))
    expect(page.locator("#id_date")).to_have_value(night_of.isoformat())

    # The first cramp card is open; the second comes from "+ Add a cramp".
    expect(page.locator("#id_episodes-1-side")).to_be_hidden()
    page.locator("label[for=id_episodes-0-muscle_0]").click()  # Calf
    page.locator("label[for=id_episodes-0-side_0]").click()  # Left
    page.locator("label[for=id_episodes-0-severity_7]").click()
    page.locator("#id_episodes-0-duration_minutes").fill("2")
    page.get_by_role("button", name="+ Add a cramp").click()
    expect(page.get_by_text("Cramp 2", exact=True)).to_be_visible()
    expect(page.locator("#id_episodes-1-at")).to_be_focused()
    page.locator("label[for=id_episodes-1-muscle_1]").click()  # Foot
    page.locator("label[for=id_episodes-1-side_1]").click()  # Right
    page.locator("label[for=id_episodes-1-severity_4]").click()
    page.locator("#id_stretch_minutes").fill("10")
    page.get_by_role("button", name="Save night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    expect(page.get_by_role("status")).to_contain_text("Saved the night of")
    row = _history_row(page, night_of)
    expect(row).to_have_count(1)
    _expect_cells(row, "2", "7/10", "10")

    # Edit: the worse cramp was worse than remembered, and the stretching longer.
    row.get_by_role("link", name=re.compile(", open to edit$")).click()
    expect(page).to_have_url(re.compile(rf"/nights/{night_of.isoformat()}/$"))
    worse = page.locator("[data-episode]").filter(
        has=page.locator("[name$=-severity]:checked[value='7']")
    )
    worse.locator("label", has_text=re.compile("^9$")).click()
    page.locator("#id_stretch_minutes").fill("15")
    page.get_by_role("button", name="Save night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    expect(page.get_by_role("status")).to_contain_text("Updated the night of")
    row = _history_row(page, night_of)
    _expect_cells(row, "2", "9/10", "15")
    night = Night.objects.get(user=nora, date=night_of)
    assert night.stretch_minutes == 15
    assert sorted(night.episodes.values_list("severity", flat=True)) == [4, 9]
    assert night.episodes.aggregate(worst=Max("severity"))["worst"] == 9

    # Delete, through the confirmation page.
    row.get_by_role("link", name=re.compile(", open to edit$")).click()
    page.get_by_role("link", name="Delete this night…").click()
    expect(page).to_have_url(re.compile(rf"/nights/{night_of.isoformat()}/delete/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete the night of")
    page.get_by_role("button", name="Delete this night").click()

    expect(page).to_have_url(re.compile(r"/nights/$"))
    expect(page.get_by_role("status")).to_contain_text("Deleted the night of")
    expect(_history_row(page, night_of)).to_have_count(0)
    expect(page.get_by_role("heading", name="No nights yet")).to_be_visible()
    assert not Night.objects.filter(user=nora).exists()
    assert not CrampEpisode.objects.exists()


def test_sign_up_suggests_the_browsers_own_time_zone(new_context):
    page = new_context(timezone_id="Pacific/Auckland").new_page()
    page.goto("/accounts/signup/")
    expect(page.locator("#id_time_zone")).to_have_value("Pacific/Auckland")
