"""Every page at 200% zoom and with large system text: no sideways scroll, nothing cut off.

Zooming a 1280x900 window to 200% lays the page out in 640x450 CSS pixels of two device
pixels each, which is what ZOOM emulates. Large system text (a phone's font size setting,
a browser's "very large" text) raises the root font size, so everything sized in rem or
em grows with it: LARGE_TEXT doubles it by appending a rule to nightleg.css on its way to
the browser, because the strict Content-Security-Policy refuses an injected <style>.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PHONE
from tests.browser.pages import PAGES, open_page

ZOOM = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}
LARGE_TEXT = "\nhtml { font-size: 200%; }\n"

# What a reader would miss: the page wider than the screen (it scrolls sideways), or
# text inside a box that hides what doesn't fit. Content in its own scroller (a
# .table-responsive) may be wider: it scrolls alone, and nothing is hidden.
_LAYOUT = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const describe = (el, why) => `${el.outerHTML.slice(0, 140)} (${why})`;
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const all = [...document.body.querySelectorAll("*")];
  const wide = all
    .filter((el) => el.getBoundingClientRect().right > limit + 1 && !scrolls(el))
    .map((el) => describe(el, `right edge at ${Math.round(el.getBoundingClientRect().right)}px`));
  const cut = all.filter((el) => {
    // A field's own text scrolls inside it, and a list opens in full: not hidden for good.
    if (el.matches("input, select, textarea, option")) return false;
    const style = getComputedStyle(el);
    const hides = (overflow) => overflow === "hidden" || overflow === "clip";
    if (!el.textContent.trim() || !(hides(style.overflowX) || hides(style.overflowY))) return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;  // .visually-hidden, on purpose
    return (hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
  }).map((el) => describe(el, `${el.scrollWidth}x${el.scrollHeight} in ${
    el.clientWidth}x${el.clientHeight}`));
  return {scrollWidth: root.scrollWidth, clientWidth: limit, wide: wide.slice(0, 8), cut};
}"""


def _assert_it_all_fits(name: str, page: Page) -> None:
    layout = page.evaluate(_LAYOUT)
    assert layout["scrollWidth"] <= layout["clientWidth"], (
        f"{name} is {layout['scrollWidth']}px wide in a {layout['clientWidth']}px window; "
        f"sticking out: {layout['wide']}"
    )
    assert not layout["cut"], f"{name} hides text that doesn't fit: {layout['cut']}"


@pytest.mark.browser_context_args(**ZOOM)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_at_200_percent_zoom(name: str, page: Page, user: User, live_server):
    open_page(name, page, user, live_server)

    assert page.evaluate("[innerWidth, devicePixelRatio]") == [640, 2]
    _assert_it_all_fits(name, page)


def _open_the_menu(page: Page) -> None:
    """The menu is folded away on a narrow screen; its longest item is "Log out <name>"."""
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav-links")).to_have_class(re.compile(r"\bshow\b"))


@pytest.mark.browser_context_args(**ZOOM)
def test_the_open_menu_fits_at_200_percent_zoom(page: Page, user: User, live_server):
    open_page("settings", page, user, live_server)
    _open_the_menu(page)

    _assert_it_all_fits("the open menu", page)


def _with_large_text(route: Route) -> None:
    response = route.fetch()
    route.fulfill(response=response, body=response.text() + LARGE_TEXT)


# Playwright's routes don't see requests the service worker answers from its cache.
@pytest.mark.browser_context_args(viewport=PHONE, service_workers="block")
@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_a_phone_with_large_text(name: str, page: Page, user: User, live_server):
    page.route("**/css/nightleg.css", _with_large_text)
    open_page(name, page, user, live_server)

    # The rule took: the root is twice 16px, and the body text (in rem) at least as big.
    sizes = "[document.documentElement, document.body].map((el) => getComputedStyle(el).fontSize)"
    root, body = (float(size.removesuffix("px")) for size in page.evaluate(sizes))
    assert root == 32
    assert body >= 32
    _assert_it_all_fits(name, page)


@pytest.mark.browser_context_args(viewport=PHONE, service_workers="block")
def test_the_open_menu_fits_a_phone_with_large_text(page: Page, user: User, live_server):
    page.route("**/css/nightleg.css", _with_large_text)
    open_page("settings", page, user, live_server)
    _open_the_menu(page)

    _assert_it_all_fits("the open menu", page)
