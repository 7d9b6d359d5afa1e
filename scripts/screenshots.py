"""`make screenshots`: a picture of every page, on a phone and a desktop, light and dark.

    python -m scripts.screenshots

Seeds the demo diary (`seed_demo`, as `make demo` does) and a finished experiment into a
SQLite database in a temporary folder, serves the app from this process on a free
loopback port with the browser tests' settings (tests/settings.py: DEBUG off, so the 404
page is the real one), and drives the browser tests' Chromium through SHOTS at 390x844
(phone) and 1280x900 (desktop) CSS pixels, with the light and the dark colour scheme.
Writes docs/screenshots/<page>-<phone|desktop>-<light|dark>.png, whole pages, and the
gallery docs/screenshots.md.

The clock is pinned to the morning of SHOOT_AT and the diary to the day before, so the
pictures don't change from one day to the next: last night is waiting to be logged, as
it is when someone opens the app in the morning.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
import time_machine
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
GALLERY = ROOT / "docs" / "screenshots.md"
USERNAME, PASSWORD = "demo", "nightleg-demo"
SHOOT_AT = dt.datetime(2026, 11, 17, 7, 30, tzinfo=dt.UTC)  # a Tuesday morning
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class Shot:
    name: str  # the files' first part
    title: str
    url_name: str | None  # None: the path below, for the 404 page
    ids: tuple[str, ...] = ()  # which of Demo.ids the URL takes
    query: str = ""
    logged_in: bool = True
    status: int = 200
    path: str = ""


# Signed-out pages first: the browser signs in once, before the first page that needs it.
# tests/test_screenshots.py checks that every page in journal/urls.py is here.
SHOTS = (
    Shot("sign-in", "Sign in", "login", logged_in=False),
    Shot("log-new", "Morning log: last night", "journal:night-new"),
    Shot("log-edit", "Morning log: a night with cramps", "journal:night-edit", ("date",)),
    Shot("log-delete", "Delete a night", "journal:night-delete", ("date",)),
    Shot("history", "History", "journal:history"),
    Shot("reports", "Reports", "journal:reports"),
    Shot("experiments", "Experiments", "journal:experiments"),
    Shot("experiment", "An experiment", "journal:experiment", ("pk",)),
    Shot("experiment-new", "Plan an experiment", "journal:experiment-new", query="?habit=stretch"),
    Shot("experiment-delete", "Delete an experiment", "journal:experiment-delete", ("pk",)),
    Shot("summary", "For your doctor", "journal:summary"),
    Shot("routine", "Stretch guide", "journal:routine"),
    Shot("reminders", "Morning reminder", "journal:reminders"),
    Shot("share-new", "Share with my clinician", "journal:share-new"),
    Shot("settings", "Settings", "journal:settings"),
    Shot("account", "Your data", "journal:account"),
    Shot("import", "Import", "journal:import"),
    Shot("export", "Export", "journal:export"),
    Shot("not-found", "Page not found", None, status=404, path="/no-such-page/"),
)


@dataclass(frozen=True)
class Demo:
    ids: dict[str, object]  # URL arguments: "date" of a night with cramps, "pk" of the experiment


def seed() -> Demo:
    """The demo diary on the morning of SHOOT_AT, before last night is logged."""
    from django.contrib.auth.models import User  # models need django.setup() first
    from django.db.models import Count

    with time_machine.travel(SHOOT_AT - dt.timedelta(days=1)):
        call_command(
            "seed_demo",
            username=USERNAME,
            password=PASSWORD,
            nights=240,
            # The demo plants "fewer cramps with 5+ minutes of stretching"; its last 12
            # weeks show it for 43 of 50 seeds (see seed_demo), not for seed 1 on this
            # date. Seed 2 does, so the gallery shows what the reports are for.
            seed=2,
            stdout=io.StringIO(),
        )
    user = User.objects.get(username=USERNAME)
    crampy = user.nights.annotate(n=Count("episodes")).filter(n__gte=2).latest("date")
    return Demo({"date": crampy.date, "pk": _finished_experiment(user).pk})


def _finished_experiment(user):
    """The demo has no experiment: add a magnesium test that ended last week, followed
    every night. It can't be running, or "Plan an experiment" would show that one instead."""
    from journal.models import Experiment

    end = user.nights.latest("date").date - dt.timedelta(days=4)
    experiment = Experiment(
        user=user,
        habit="own",
        own_label="magnesium tablet",
        start=end - dt.timedelta(days=35),
        block_nights=3,
        pairs=6,
        wash_in=1,
        seed=20261008,
    )
    experiment.full_clean()
    experiment.save()
    for planned in experiment.design.schedule():
        user.nights.filter(date=planned.date).update(experiment_done=planned.test)
    return experiment


def _use_a_throwaway_database(folder: str) -> None:
    # Whatever the shell says: never the developer's database, cache or debug pages.
    for name in ("DATABASE_URL", "CACHE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["NIGHTLEG_SQLITE_PATH"] = str(Path(folder) / "db.sqlite3")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECURE"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    django.setup()
    call_command("migrate", verbosity=0)


@contextmanager
def _serving() -> Iterator[str]:
    """The app on a free loopback port, in a thread of this process (so on its clock)."""

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass  # each page's status is checked instead

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    httpd.set_app(get_wsgi_application())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _url(shot: Shot, demo: Demo) -> str:
    if shot.url_name is None:
        return shot.path
    return reverse(shot.url_name, kwargs={key: demo.ids[key] for key in shot.ids}) + shot.query


def _sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/nights/new/$"))  # home, with last night to log


def _shoot(page: Page, shot: Shot, url: str, file: Path) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response.status == shot.status, f"{shot.name}: {url} answered {response.status}"
    assert response.url.endswith(url), f"{shot.name}: {url} went to {response.url}"
    expect(page.locator("main h1")).to_be_visible()
    for image in page.locator("img").all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, f"{shot.name}: an image is missing"
    # A window as tall as the page, so the sticky Save bar sits at its end, not over it.
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.screenshot(path=file, full_page=True, animations="disabled", caret="hide", scale="css")
    page.set_viewport_size(viewport)


def shoot_all(base_url: str, demo: Demo) -> list[Path]:
    # The browser tests' own Chromium and flags (their module needs Django set up first).
    from tests.browser.conftest import CHROMIUM_ARGS, _find_chromium

    chromium = _find_chromium()
    if chromium is None:
        raise SystemExit("No Chromium found: install Debian's `chromium` or set CHROMIUM_PATH.")
    files = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    base_url=base_url,
                    viewport=viewport,
                    device_scale_factor=1,
                    color_scheme=scheme,
                    reduced_motion="reduce",
                )
                page = context.new_page()
                signed_in = False
                for shot in SHOTS:
                    if shot.logged_in and not signed_in:
                        _sign_in(page)
                        signed_in = True
                    file = OUT / f"{shot.name}-{size}-{scheme}.png"
                    _shoot(page, shot, _url(shot, demo), file)
                    files.append(file)
                context.close()
        browser.close()
    return files


def _anchor(title: str) -> str:
    """The link GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def gallery(demo: Demo) -> str:
    lines = [
        "# Screenshots",
        "",
        "Every page of Nightleg with the demo diary (`make demo`'s made-up nights, seen on the",
        f"morning of {SHOOT_AT:%A %-d %B %Y}, last night not logged yet), on a phone (390×844",
        "CSS pixels) and a desktop (1280×900), in light and dark colours, each the whole page.",
        "`make screenshots` ([scripts/screenshots.py](../scripts/screenshots.py)) makes the",
        "images and this page again: don't edit them by hand.",
        "",
        *(f"- [{shot.title}](#{_anchor(shot.title)})" for shot in SHOTS),
    ]
    for shot in SHOTS:
        lines += ["", f"## {shot.title}", "", f"`{_url(shot, demo)}`", ""]
        lines += ["| | Light | Dark |", "|---|---|---|"]
        for size in SIZES:
            cells = [
                f"![{shot.title} on a {size}, {scheme} colours]"
                f"(screenshots/{shot.name}-{size}-{scheme}.png)"
                for scheme in SCHEMES
            ]
            lines.append(f"| {size.capitalize()} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


# The first screen of a few phone pages, for the README's opening row.
README_SHOTS = [
    ("log-new", "light"),
    ("reports", "dark"),
    ("history", "light"),
    ("summary", "dark"),
]


def first_screens() -> list[Path]:
    from PIL import Image

    files = []
    height = SIZES["phone"]["height"]
    for name, scheme in README_SHOTS:
        file = OUT / f"{name}-phone-{scheme}-first-screen.png"
        with Image.open(OUT / f"{name}-phone-{scheme}.png") as image:
            image.crop((0, 0, image.width, min(image.height, height))).save(file, optimize=True)
        files.append(file)
    return files


def main() -> None:
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()  # a page taken out of SHOTS takes its pictures with it
    with tempfile.TemporaryDirectory() as folder, time_machine.travel(SHOOT_AT):
        _use_a_throwaway_database(folder)
        demo = seed()
        with _serving() as base_url:
            files = shoot_all(base_url, demo)
    files += first_screens()
    GALLERY.write_text(gallery(demo))
    size = sum(file.stat().st_size for file in files)
    print(
        f"{len(files)} screenshots, {size / 1e6:.1f} MB, in {OUT.relative_to(ROOT)}/ "
        f"and {GALLERY.relative_to(ROOT)}, in {time.monotonic() - started:.0f} s."
    )


if __name__ == "__main__":
    main()
