"""Sharing the summary with a clinician, in a real browser: on a phone, by keyboard, the
link copied, opened by someone without an account, printed with its QR code, revoked."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from journal.models import ShareLink
from tests.browser.conftest import PHONE, PageErrors, RequestHosts, log_in
from tests.browser.pages import _six_varied_weeks
from tests.browser.test_summary_pdf import PAGE_OBJECT


@pytest.fixture
def phone(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def _make_a_link(page: Page, user: User, live_server) -> str:
    _six_varied_weeks(user)
    log_in(page, user, live_server)
    page.goto("/summary/")
    page.get_by_role("link", name="Share with my clinician").click()
    days = page.get_by_label("Valid for (days)")
    expect(days).to_have_value("7")
    days.fill("14")
    days.press("Enter")  # the keyboard is enough
    field = page.get_by_label("Link for your clinician")
    expect(field).to_have_value(re.compile(r"^http://[^/]+/s/[\w-]{43}/$"))
    return field.input_value()


def test_a_link_is_made_copied_opened_printed_and_revoked_on_a_phone(
    phone: Page, browser: Browser, user: User, live_server
):
    hosts, errors = RequestHosts(phone, live_server.url), PageErrors(phone)
    url = _make_a_link(phone, user, live_server)

    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.locator("#share-link svg")).to_be_visible()
    phone.get_by_role("button", name="Copy").click()
    expect(phone.locator("#copy-status")).to_have_text(re.compile("^Copied"))
    assert phone.evaluate("navigator.clipboard.readText()") == url
    with phone.context.expect_page() as opened:
        phone.get_by_role("link", name=re.compile("Print the summary with this QR code")).click()
    printable = opened.value
    expect(printable).to_have_url(url)
    expect(printable.locator("#print-summary")).to_be_visible()
    printable.close()
    hosts.assert_only_live_server()
    errors.assert_none()

    # The clinician: another browser, no account.
    clinician = browser.new_context(viewport=PHONE)
    page = clinician.new_page()
    page.goto(url)
    expect(page.locator("main h1")).to_have_text("Nocturnal leg cramps: diary summary")
    expect(page.locator("nav.navbar a.nav-link")).to_have_count(0)
    chart = page.locator("figure.chart picture img")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("img => img.naturalWidth") > 0, "the chart did not load"
    page.emulate_media(media="print")
    expect(page.locator("#shared-qr svg")).to_be_visible()
    expect(page.locator("figure.chart .print-chart")).to_be_visible()
    expect(page.locator("#shared-nights")).to_be_hidden()
    box = page.locator("#shared-qr svg").bounding_box()
    assert box["width"] > 80, "big enough to scan from paper"
    assert len(PAGE_OBJECT.findall(page.pdf(format="A4"))) >= 1
    page.emulate_media(media="screen")

    phone.goto("/settings/")
    entry = phone.locator("#shared-links li")
    expect(entry).to_contain_text("opened 1 time")
    revoke = phone.get_by_role("link", name=re.compile("^Revoke"))
    revoke.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("main h1")).to_have_text("Revoke this link?")
    phone.get_by_role("button", name="Revoke it").click()
    expect(phone.get_by_role("status")).to_have_text(re.compile("Link revoked"))
    expect(entry).to_contain_text("revoked")

    page.reload()
    expect(page.locator("main h1")).to_have_text("This link doesn’t open a summary")
    clinician.close()
    assert ShareLink.objects.get().revoked_at is not None


def test_the_printed_shared_summary_fits_one_page_with_its_qr(page: Page, user: User, live_server):
    url = _make_a_link(page, user, live_server)
    page.goto(url)
    expect(page.locator("#summary-facts")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert len(PAGE_OBJECT.findall(pdf)) == 1
