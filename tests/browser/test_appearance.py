"""Dark mode on every page, the switch in the menu, and charts that read at any width."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, PageErrors
from tests.browser.pages import PAGES, open_page

DESKTOP = {"width": 1280, "height": 900}

# Luminance (0 black .. 1 white) of the page's background and of any large box drawn
# lighter than a dark page allows. Buttons and small badges may be light; a card, a
# table, a form field or a chart's box may not.
_LIGHT_BOXES = """() => {
  const luminance = (colour) => {
    const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
    if (a < 0.5) return null;
    const lin = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const boxes = [...document.querySelectorAll("body *")].filter((el) => {
    const rect = el.getBoundingClientRect();
    if (rect.width * rect.height < 150 * 60) return false;
    const value = luminance(getComputedStyle(el).backgroundColor);
    return value !== null && value > 0.5;
  }).slice(0, 5).map((el) => el.outerHTML.slice(0, 120));
  return {body: luminance(getComputedStyle(document.body).backgroundColor), boxes};
}"""

# The smallest chart text as shown: its SVG's font size times the scale the <img> is
# drawn at (shown width over the SVG's own width in user units).
_CHART_TEXT = r"""async (img) => {
  const svg = await (await fetch(img.currentSrc)).text();
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const own = doc.documentElement.viewBox.baseVal.width;
  const sizes = [...doc.querySelectorAll("[style*='font-size']")]
    .map((el) => parseFloat(el.getAttribute("style").match(/font-size:\s*([\d.]+)px/)[1]));
  const shown = img.getBoundingClientRect().width;
  return {src: img.currentSrc, smallest: Math.min(...sizes) * shown / own, texts: sizes.length};
}"""


def open_menu(page: Page) -> None:
    page.get_by_role("button", name="Menu").click()
    # Wait until Bootstrap's opening animation is over: a click during it can land on a
    # moving button's old place.
    expect(page.locator("#nav-links")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator("#nav-links")).not_to_have_class(re.compile("collapsing"))


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_dark_and_accessible_in_dark_mode(
    name: str, page: Page, user: User, live_server, page_errors: PageErrors, axe: Axe
):
    page.emulate_media(color_scheme="dark")
    open_page(name, page, user, live_server)

    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    seen = page.evaluate(_LIGHT_BOXES)
    assert seen["body"] < 0.02, f"{name}: the page's background is not dark"
    assert not seen["boxes"], f"{name}: light boxes on a dark page: {seen['boxes']}"
    for chart in page.locator("picture img").all():
        expect(chart).to_have_js_property("complete", True)
        assert "-dark" in chart.evaluate("img => img.currentSrc"), f"{name}: a light chart"
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not blocking, (
        f"{name} in dark mode: {[(v['id'], v['nodes'][0]['html'][:120]) for v in blocking]}"
    )
    page_errors.assert_none()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", ["reports", "clinician summary"])
def test_chart_text_is_never_smaller_than_12_css_px_where_shown(
    name: str, size: dict, page: Page, user: User, live_server
):
    page.set_viewport_size(size)
    open_page(name, page, user, live_server)
    charts = page.locator("picture img")
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        measured = chart.evaluate(_CHART_TEXT)
        assert measured["texts"] > 0
        assert measured["smallest"] >= 12, measured
        look = "phone" if size is PHONE else "wide"
        assert f"look={look}-light" in measured["src"]


def test_the_dark_switch_in_the_menu_is_remembered(page: Page, user: User, live_server):
    page.set_viewport_size(PHONE)
    open_page("reports", page, user, live_server)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")

    open_menu(page)
    page.get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page).to_have_url(re.compile(r"/reports/"))
    chart = page.locator("picture img").first
    expect(chart).to_have_js_property("complete", True)
    assert "look=phone-dark" in chart.evaluate("img => img.currentSrc")

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    open_menu(page)
    expect(page.get_by_role("button", name="Dark")).to_have_attribute("aria-pressed", "true")
    # Back to following the device, which is light here.
    page.get_by_role("button", name="Same as this device").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")


def test_following_the_device_changes_with_it_without_a_reload(page: Page, user: User, live_server):
    open_page("history", page, user, live_server)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
