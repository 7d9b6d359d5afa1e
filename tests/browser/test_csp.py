"""The Content-Security-Policy is on for every page, and no page breaks it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import ConsoleMessage, Page, Response

from tests.browser.conftest import PageErrors
from tests.browser.pages import PAGES, open_page


class Violations:
    """Console messages about the policy, and every HTML page (redirects included) loaded.

    Chromium reports each blocked inline script, style attribute or foreign request in the
    console, whatever its message type.
    """

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        self.documents: list[Response] = []
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.messages.append(f"{message.text} at {message.location.get('url')}")

    def _response(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documents.append(response)


@pytest.fixture
def violations(page: Page) -> Violations:
    return Violations(page)


@pytest.mark.parametrize("name", PAGES)
def test_no_page_breaks_the_content_security_policy(
    name: str,
    page: Page,
    user: User,
    live_server,
    violations: Violations,
    page_errors: PageErrors,
):
    open_page(name, page, user, live_server)
    page.wait_for_load_state("load")

    assert violations.documents, f"{name}: no page was loaded"
    for response in violations.documents:
        policy = response.header_value("content-security-policy") or ""
        assert "default-src 'self'" in policy, f"{name}: {response.url} has no policy"
    assert not violations.messages, f"{name}:\n" + "\n".join(violations.messages)
    page_errors.assert_none()


def test_the_policy_blocks_an_inline_script(page: Page, live_server, violations: Violations):
    # Proves the check above can fail: an injected inline script must not run, and its
    # refusal must reach the console where the test looks for it.
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    assert page.evaluate("() => window.injected") is None
    assert violations.messages, "the blocked script left no message in the console"
