"""The clinician summary on paper: twelve weeks on one page, without the app's chrome."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from journal.models import Muscle, Night
from tests.browser.conftest import PHONE, PageErrors, RequestHosts, log_in
from tests.conftest import make_episode

# A page object in the PDF, not the /Pages tree that holds them.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page[^s]")
LONG_DISPLAY_NAME = "Bartholomew-Maximilian Featherstonehaugh-Worthington"


def _open_twelve_weeks(page: Page, user: User, live_server) -> None:
    """Twelve weeks of demo nights, made as long as a page can get: every muscle, all three
    clinician flags with more dates than are listed, and a long name."""
    call_command("seed_demo", username=user.username, nights=84, seed=5, stdout=io.StringIO())
    user.refresh_from_db()  # seed_demo sets a password, which would end an older session
    user.profile.display_name = LONG_DISPLAY_NAME
    user.profile.save()
    recent = Night.objects.filter(user=user).order_by("-date")[: 2 * len(Muscle)]
    for night, muscle in zip(recent, [*Muscle.values, *Muscle.values], strict=True):
        make_episode(night, muscle=muscle, severity=9, duration_minutes=Decimal(12), woke_me=True)
    log_in(page, user, live_server)
    page.goto("/summary/?period=12")
    expect(page.locator("main h1")).to_have_text("Nocturnal leg cramps: diary summary")
    chart = page.locator("figure.chart picture img")
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("img => img.naturalWidth") > 0, "the chart did not load"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_twelve_weeks_print_on_one_page(page: Page, user: User, live_server, paper: str):
    _open_twelve_weeks(page, user, live_server)

    expect(page.locator("#flags li")).to_have_count(3)
    expect(page.locator("#m-muscles")).to_contain_text("Other")

    pdf = page.pdf(format=paper)

    assert len(PAGE_OBJECT.findall(pdf)) == 1


def test_the_printed_page_has_no_navigation_or_buttons(page: Page, user: User, live_server):
    _open_twelve_weeks(page, user, live_server)
    page.emulate_media(media="print")

    for chrome in ("nav.navbar", "body > footer", ".period-picker", "#print-summary", ".skip-link"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.get_by_role("link", name="Export the diary (CSV)")).to_be_hidden()
    for kept in ("#measures", "#change", "#habits", "#weekly", "figure.chart .print-chart"):
        expect(page.locator(kept)).to_be_visible()


def test_the_print_button_opens_the_browsers_print_dialog(page: Page, user: User, live_server):
    # Headless Chromium has no dialog to show: record the call instead.
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    _open_twelve_weeks(page, user, live_server)

    button = page.get_by_role("button", name="Print / Save as PDF")
    button.focus()
    page.keyboard.press("Enter")

    assert page.evaluate("window.printed") == 1


def test_the_summary_is_accessible_private_and_fits_a_phone(
    page: Page,
    user: User,
    live_server,
    request_hosts: RequestHosts,
    page_errors: PageErrors,
):
    page.set_viewport_size(PHONE)
    _open_twelve_weeks(page, user, live_server)

    violations = Axe().run(page).response["violations"]
    blocking = [
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    request_hosts.assert_only_live_server()
    page_errors.assert_none()


@pytest.mark.parametrize("script", [True, False], ids=["with scripts", "without scripts"])
def test_a_dark_screen_prints_dark_ink_on_white_paper(browser, user: User, live_server, script):
    # The dark theme chosen, on a dark device: what is on paper must still be legible,
    # whether or not theme.js runs to switch the page light before printing.
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=script, color_scheme="dark"
    )
    context.add_cookies([{"name": "theme", "value": "dark", "url": live_server.url}])
    page = context.new_page()
    _open_twelve_weeks(page, user, live_server)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")

    page.emulate_media(media="print")
    expect(page.locator("figure.chart picture")).to_be_hidden()
    paper_chart = page.locator("figure.chart .print-chart")
    expect(paper_chart).to_be_visible()
    expect(paper_chart).to_have_js_property("complete", True)
    assert "look=wide-light" in paper_chart.get_attribute("src")
    for cell in (page.locator("#measures td").first, page.locator("main h1")):
        assert cell.evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert len(PAGE_OBJECT.findall(page.pdf(format="A4"))) == 1
    context.close()
