"""Browser tests: one Chromium and one live server for the whole session.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse
ORM calls from that thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests only touch
the database between browser steps, never concurrently with them, so it is safe here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import ConsoleMessage, Error, Page, Request, Response

from tests.conftest import make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Detailed assertion messages in the page openers too, not only in test modules.
pytest.register_assert_rewrite("tests.browser.pages")

# The network is closed here: keep Chromium from phoning home while it starts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
# Among the longest names in the time zone list: long words must not widen a phone page.
LONG_TIME_ZONE = "America/Argentina/ComodRivadavia"

_HERE = Path(__file__).resolve().parent


def _chromium_candidates() -> list[str]:
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        # An explicit choice is the only candidate: silently using another would hide a typo.
        return [env]
    found = shutil.which("chromium")
    return ["/usr/bin/chromium", "/usr/bin/chromium-browser", *([found] if found else [])]


def _find_chromium() -> str | None:
    for path in _chromium_candidates():
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not just ours: mark only the ones in this folder.
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    chromium = _find_chromium()
    if chromium is None:
        message = (
            "No Chromium found (looked at "
            + ", ".join(_chromium_candidates())
            + "). Install Debian's `chromium` or set CHROMIUM_PATH."
        )
        if os.environ.get("NIGHTLEG_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Lets tests write page.goto("/nights/"): pytest-playwright gives it to every context."""
    return live_server.url


@pytest.fixture
def user(transactional_db) -> User:
    """Someone with a long time zone name, so every page is tried with one."""
    return make_user("nora", time_zone=LONG_TIME_ZONE)


def log_in(page: Page, user: User, live_server) -> None:
    """Sign the browser in without the login form (the sign-up test uses the real forms)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def logged_in_page(page: Page, user: User, live_server) -> Page:
    log_in(page, user, live_server)
    return page


class RequestHosts:
    """Records the host of every request a page makes, to prove nothing leaves the app.

    No CDN, analytics or web font may be fetched: the journal is private health data and
    has to work on a closed network.
    """

    def __init__(self, page: Page, allowed: str) -> None:
        self.allowed = urlsplit(allowed).netloc
        self.seen: dict[str, str] = {}  # host -> first URL asked of it
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        self.seen.setdefault(parts.netloc, request.url)

    def assert_only_live_server(self) -> None:
        others = {host: url for host, url in self.seen.items() if host != self.allowed}
        assert not others, f"requests left {self.allowed}: {others}"
        assert self.allowed in self.seen, "the page made no request to the live server at all"


@pytest.fixture
def request_hosts(page: Page, live_server) -> RequestHosts:
    return RequestHosts(page, live_server.url)


class PageErrors:
    """Collects uncaught script errors, console errors and failed loads of a page's parts.

    The page itself may answer 400 on purpose (a form with errors), so only subresources
    (scripts, styles, images, fetches) count as failed loads.
    """

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", self._uncaught)
        page.on("console", self._console)
        page.on("response", self._response)

    def _uncaught(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium logs every HTTP error status here too; _response judges those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text} at {message.location.get('url')}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def assert_none(self) -> None:
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture
def page_errors(page: Page) -> PageErrors:
    return PageErrors(page)


_SIDEWAYS_SCROLLERS = """() => {
  const root = document.documentElement;
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const boxes = [...document.body.querySelectorAll("*")]
    .filter((el) => scrolls(el) && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.outerHTML.slice(0, 100)} (${el.scrollWidth} > ${el.clientWidth}px)`);
  return {page: [root.scrollWidth, root.clientWidth], boxes};
}"""


def assert_nothing_scrolls_sideways(page: Page) -> None:
    """Neither the page nor any box in it (a .table-responsive, say) is wider than it shows:
    stricter than test_every_page, which lets a box scroll on its own."""
    found = page.evaluate(_SIDEWAYS_SCROLLERS)
    width, shown = found["page"]
    assert width <= shown, f"the page is {width}px wide on a {shown}px screen"
    assert not found["boxes"], "scrolling sideways: " + "; ".join(found["boxes"])
