"""Checks that apply to every page: accessibility, phone width, no third-party requests."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page

from tests.browser.conftest import PHONE, PageErrors, RequestHosts
from tests.browser.pages import PAGES, open_page

BLOCKING_IMPACTS = {"serious", "critical"}


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " / ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_no_serious_accessibility_problems(
    name: str,
    page: Page,
    user: User,
    live_server,
    request_hosts: RequestHosts,
    page_errors: PageErrors,
    axe: Axe,
):
    open_page(name, page, user, live_server)

    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found on {name} ({page.url}):\n{_describe(blocking)}"
    # The tab's title is plain words ending in the app's name, never markup.
    title = page.title()
    assert title.endswith(" · Nightleg"), title
    assert "<" not in title, title
    assert len(title) < 70, title
    request_hosts.assert_only_live_server()
    page_errors.assert_none()


_SIDEWAYS = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  // Content inside its own scroller (a .table-responsive) may be wider: it scrolls alone.
  // An absolutely positioned element is clipped only from its containing block outwards,
  // so a .visually-hidden span can escape a scroller that is not positioned itself.
  const escapes = (style) => style.position === "absolute" || style.position === "fixed";
  const clipped = (el) => {
    let escaping = escapes(getComputedStyle(el));
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (escaping && style.position === "static") continue;
      if (style.overflowX !== "visible") return true;
      escaping = escapes(style);
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > limit + 1 && !clipped(el))
    .slice(0, 8)
    .map((el) => `${el.outerHTML.slice(0, 120)} (right edge at ${
      Math.round(el.getBoundingClientRect().right)}px)`);
  return {scrollWidth: root.scrollWidth, clientWidth: limit, wide};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(
    name: str, page: Page, user: User, live_server, request_hosts: RequestHosts
):
    page.set_viewport_size(PHONE)
    open_page(name, page, user, live_server)

    size = page.evaluate(_SIDEWAYS)
    assert size["scrollWidth"] <= size["clientWidth"], (
        f"{name} is {size['scrollWidth']}px wide on a {size['clientWidth']}px screen; "
        f"sticking out: {size['wide']}"
    )
    request_hosts.assert_only_live_server()
