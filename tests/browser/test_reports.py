"""The reports page in a real browser, on seed_demo data."""

from __future__ import annotations

import io
import re

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    PageErrors,
    RequestHosts,
    assert_nothing_scrolls_sideways,
    log_in,
)

CHARTS = ["cramps", "severity", "habits", "forest"]


def _open_reports(page: Page, user: User, live_server, query: str = "period=12") -> None:
    call_command("seed_demo", username=user.username, nights=200, seed=2, stdout=io.StringIO())
    user.refresh_from_db()  # seed_demo sets a password, which ends older sessions
    log_in(page, user, live_server)
    page.goto(f"/reports/?{query}")


def _assert_every_chart_loaded(page: Page) -> None:
    images = page.locator("figure.chart picture img")
    expect(images).to_have_count(len(CHARTS))
    for i in range(len(CHARTS)):
        image = images.nth(i)
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
        assert image.get_attribute("alt")


def test_the_reports_show_every_chart_and_the_habit_table(page: Page, user: User, live_server):
    hosts = RequestHosts(page, live_server.url)
    errors = PageErrors(page)
    _open_reports(page, user, live_server)
    _assert_every_chart_loaded(page)
    rows = page.locator("#habit-table tbody tr")
    expect(rows).to_have_count(11)
    expect(rows.first).to_contain_text("Stretched at least 5 minutes")
    expect(page.get_by_text("How this is calculated")).to_be_visible()
    hosts.assert_only_live_server()
    errors.assert_none()


def test_changing_the_period_changes_the_page(page: Page, user: User, live_server):
    _open_reports(page, user, live_server)
    summary = page.locator("main p.fs-5")
    expect(summary).to_contain_text("of 84 nights logged")
    first_chart = page.locator("figure.chart picture img").first.get_attribute("src")

    page.get_by_label("Period", exact=True).select_option("52")
    page.get_by_role("button", name="Show", exact=True).click()

    expect(summary).to_contain_text("of 364 nights logged")
    assert "period=52" in page.url
    assert page.locator("figure.chart picture img").first.get_attribute("src") != first_chart
    _assert_every_chart_loaded(page)


def test_before_and_after_can_be_compared(page: Page, user: User, live_server):
    _open_reports(page, user, live_server)
    page.get_by_label("Compare before and after").fill("2026-10-01")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#before-after-table")).to_be_visible()
    expect(page.get_by_text("regression to the mean")).to_be_visible()


def test_the_reports_are_accessible_and_fit_a_phone(page: Page, user: User, live_server):
    page.set_viewport_size(PHONE)
    _open_reports(page, user, live_server, "period=12&split=2026-10-01")
    _assert_every_chart_loaded(page)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_no_table_or_calendar_of_the_reports_scrolls_sideways_on_a_phone(
    page: Page, user: User, live_server
):
    page.set_viewport_size(PHONE)
    _open_reports(page, user, live_server, "period=all&split=2026-10-01")
    for table in page.locator("details").all():
        table.locator("summary").click()
    expect(page.locator("details[open]")).to_have_count(page.locator("details").count())
    expect(page.locator("#habit-table")).to_be_visible()
    expect(page.locator("table.month-calendar")).to_have_count(4)
    assert_nothing_scrolls_sideways(page)
    day = page.locator("table.month-calendar a.cal-day").last
    href = day.get_attribute("href")
    day.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def test_custom_dates_are_shown_with_their_own_button(page: Page, user: User, live_server):
    _open_reports(page, user, live_server)
    page.locator("#id_start").fill("2026-10-01")
    page.locator("#id_end").fill("2026-10-31")
    page.locator("#id_end").press("Enter")  # Enter in a date field asks for those dates
    expect(page.locator("main p.fs-5")).to_contain_text("of 31 nights logged")
    expect(page.locator("#id_start")).to_have_value("2026-10-01")
