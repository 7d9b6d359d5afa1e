"""The installed app offline: the manifest, the service worker and the morning log's
outbox (static/js/offline.js, templates/sw.js, journal.views.offline)."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import BrowserType, Locator, Page, expect

from journal.dates import last_night
from journal.models import Night
from tests.browser.conftest import log_in
from tests.conftest import make_night, make_user

CACHED_URLS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found.push([name, new URL(request.url).pathname + new URL(request.url).search,
                  response.headers.get("Cache-Control") || ""]);
    }
  }
  return found;
}"""
OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("nightleg", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "key" });
  open.onsuccess = () => {
    const get = open.result.transaction("outbox").objectStore("outbox").getAll();
    get.onsuccess = () => resolve(get.result);
  };
  open.onerror = () => reject(open.error);
})"""


def _ready_offline(page: Page) -> None:
    """Open the morning log and wait until the service worker and the copies are kept."""
    page.goto("/nights/new/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def _pick(card: Locator, group: str, choice: str) -> None:
    card.get_by_role("group", name=re.compile(f"^{group}")).get_by_text(choice, exact=True).click()


def _log_two_cramps(page: Page) -> None:
    first = page.locator("[data-episode]").nth(0)
    _pick(first, "Severity", "6")
    _pick(first, "Side", "Left")
    page.get_by_role("button", name="+ Add a cramp").click()
    second = page.locator("[data-episode]").nth(1)
    _pick(second, "Side", "Right")
    _pick(second, "Muscle", "Foot")
    _pick(second, "Severity", "3")
    page.locator("#id_notes").fill("Logged on the train.")
    page.get_by_role("button", name="Save night").click()


def test_the_app_is_installable(
    browser_type: BrowserType, browser_type_launch_args: dict, user: User, live_server, tmp_path
):
    # A persistent profile: Chromium never offers to install from a private window.
    context = browser_type.launch_persistent_context(
        tmp_path, **browser_type_launch_args, base_url=live_server.url
    )
    try:
        page = context.new_page()
        log_in(page, user, live_server)
        _ready_offline(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest")
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_a_night_logged_offline_is_sent_once_when_back_online(logged_in_page: Page, user: User):
    page = logged_in_page
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto("/nights/new/")
    expect(page.locator("form[data-offline-shell]")).to_have_count(1)
    date = last_night(user.profile.tzinfo)
    expect(page.locator("#id_date")).to_have_value(date.isoformat())
    _log_two_cramps(page)

    notice = page.locator("#outbox")
    expect(notice).to_contain_text("Waiting to send: the night of")
    expect(notice).to_contain_text("(2 cramps)")
    assert not Night.objects.exists()
    page.reload()
    expect(page.locator("#outbox")).to_contain_text("Waiting to send")
    assert len(page.evaluate(OUTBOX)) == 1

    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Sent: the night of")
    night = Night.objects.get(user=user)
    assert (night.date, night.notes) == (date, "Logged on the train.")
    cramps = night.episodes.order_by("severity").values_list("severity", "side", "muscle")
    assert list(cramps) == [(3, "right", "foot"), (6, "left", "calf")]
    assert page.evaluate(OUTBOX) == []
    page.goto("/nights/")
    expect(page.get_by_text("Sent:")).to_have_count(0)
    expect(page.locator("#outbox")).to_have_count(0)
    # Pages opened again later send nothing twice.
    page.goto("/reports/")
    expect(page.locator("#outbox")).to_have_count(0)
    assert Night.objects.count() == 1
    assert night.episodes.count() == 2


def test_a_night_logged_elsewhere_meanwhile_shows_the_conflict(logged_in_page: Page, user: User):
    page = logged_in_page
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto("/nights/new/")
    _log_two_cramps(page)
    expect(page.locator("#outbox")).to_contain_text("Waiting to send")
    date = last_night(user.profile.tzinfo)
    make_night(user, date, notes="From the tablet.")

    page.context.set_offline(False)
    notice = page.locator("#outbox")
    expect(notice).to_contain_text("isn’t saved yet: it needs a look")
    # Kept on every page until it is saved or discarded.
    page.goto("/nights/")
    expect(page.locator("#outbox")).to_contain_text("needs a look")
    page.get_by_role("button", name="Open it").click()
    expect(page.locator("#conflict")).to_contain_text("This night was changed somewhere else")
    expect(page.locator("#id_notes")).to_have_value("Logged on the train.")
    assert Night.objects.get(user=user).notes == "From the tablet."

    page.get_by_role("button", name="Save night").click()
    expect(page.get_by_text("Updated the night of")).to_be_visible()
    # The outbox finds it saved under its key, and lets it go.
    expect(page.locator("#outbox")).to_contain_text("Sent: the night of")
    assert page.evaluate(OUTBOX) == []
    night = Night.objects.get(user=user)
    assert night.notes == "Logged on the train."
    assert night.episodes.count() == 2


def test_signing_out_forgets_the_pages_and_the_next_person_never_sees_them(
    logged_in_page: Page, user: User, live_server
):
    page = logged_in_page
    _ready_offline(page)
    assert any(url == "/nights/new/?offline=1" for _, url, _ in page.evaluate(CACHED_URLS))
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    assert not [entry for entry in page.evaluate(CACHED_URLS) if entry[0] == "nightleg-pages"]

    other = make_user("olive")
    log_in(page, other, live_server)
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto("/nights/new/")
    form = page.locator("form[data-offline-shell]")
    expect(form).to_have_attribute("data-user", str(other.pk))
    page.goto("/routine/")
    expect(page.locator("h1")).to_contain_text("stretch routine")
    expect(page.locator("form[data-user]")).to_have_count(0)


def test_private_pages_are_never_kept(logged_in_page: Page):
    page = logged_in_page
    for url in ("/nights/", "/reports/", "/settings/", "/nights/new/"):
        page.goto(url)
    _ready_offline(page)
    page.goto("/nights/")
    kept = page.evaluate(CACHED_URLS)
    pages = [url for _, url, _ in kept if not url.startswith("/static/")]
    assert sorted(pages) == ["/__offline-owner", "/nights/new/?offline=1", "/routine/?offline=1"]
    assert not [entry for entry in kept if "no-store" in entry[2]]
    page.context.set_offline(True)
    page.goto("/nights/")
    expect(page.locator("#offline-page")).to_contain_text("You’re offline")
