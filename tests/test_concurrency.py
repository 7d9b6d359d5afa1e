"""Many people using Nightleg at the same moment, against a real server and database.

The rest of the suite runs inside one process, on SQLite in memory, which can never show
"database is locked". Here a threaded Django server runs in a subprocess with the real
settings, on a SQLite file (or, under `make test-postgres`, on the PostgreSQL test
database, each request thread with its own connection); 50 people sign up at once, then
press "Save night" at once.
"""

from __future__ import annotations

import datetime as dt
import html
import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import PASSWORD, night_post

PEOPLE = 50
REQUEST_TIMEOUT = 30  # seconds; longer than the busy timeout in DATABASES
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ERROR = re.compile(r'<pre class="exception_value">(.*?)</pre>', re.S)

# Runs in the subprocess: build the database, then serve with the same threaded server as
# `manage.py runserver` and report the port it bound. Its listen queue of 10 would reset
# connections before they reach Django, so it gets gunicorn's instead.
_SERVER = """
import sys
from pathlib import Path

import django
django.setup()

from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run

class Server(WSGIServer):
    request_queue_size = 2048

port_file = Path(sys.argv[1])
call_command("migrate", verbosity=0, interactive=False)
run(
    "127.0.0.1", 0, get_internal_wsgi_application(), threading=True, server_cls=Server,
    on_bind=lambda port: port_file.write_text(str(port)),
)
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # the redirect itself is the answer being checked


class _Browser:
    """One person's browser: its own cookies, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Return (status, Location header, body)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=REQUEST_TIMEOUT) as r:
                return r.status, r.headers.get("Location", ""), r.read().decode()
        except urllib.error.HTTPError as err:  # 3xx without following, 4xx, 5xx
            return err.code, err.headers.get("Location", ""), err.read().decode(errors="replace")

    def csrf_token(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, f"GET {path} answered {status}"
        return _CSRF_INPUT.search(page).group(1)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Environment variables giving the server a database of its own, empty but for tables.

    SQLite: a new file, since the suite's in-memory database is private to this process.
    PostgreSQL: the test database, which transactional_db empties again afterwards.
    """
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        test_database = connection.settings_dict["NAME"]
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{quote(test_database)}")
        return {"DATABASE_URL": url.geturl()}
    return {"DATABASE_URL": "", "NIGHTLEG_SQLITE_PATH": str(tmp_path / "nightleg.sqlite3")}


@pytest.fixture
def server(tmp_path: Path, database: dict[str, str]) -> Iterator[str]:
    """A threaded server on its own database; yields its base URL."""
    port_file = tmp_path / "port"
    log_path = tmp_path / "server.log"
    env = {
        **os.environ,
        **database,
        "DJANGO_SETTINGS_MODULE": "tests.settings",  # the real settings, fast passwords
        "DJANGO_DEBUG": "1",  # a 500 then shows its traceback in the log
        # A thread per request, as with runserver: a connection kept for the next request
        # would never be reused, and on PostgreSQL they would pile up to "too many clients".
        "NIGHTLEG_DB_CONN_MAX_AGE": "0",
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(port_file)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port_file.read_text()}"
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _error(status: int, body: str) -> str:
    found = _ERROR.search(body)  # the exception on DEBUG's 500 page
    return f"{status}: {html.unescape(found.group(1)) if found else body[:200]}"


def _sign_up(base_url: str, i: int) -> tuple[_Browser, tuple[int, str, str]]:
    """Person i opens the sign-up page and sends it; return the browser and the answer."""
    browser = _Browser(base_url)
    token = browser.csrf_token("/accounts/signup/")
    answer = browser.request(
        "/accounts/signup/",
        {
            "csrfmiddlewaretoken": token,
            "username": f"person{i}",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "UTC",
        },
    )
    return browser, answer


# One row per night: who, which date, how many cramps.
_SAVED_NIGHTS = (
    "SELECT u.username, n.date, COUNT(e.id) FROM journal_night n"
    " JOIN auth_user u ON u.id = n.user_id"
    " LEFT JOIN journal_crampepisode e ON e.night_id = n.id"
    " GROUP BY n.id, u.username, n.date"
)


def _saved_nights(database: dict[str, str]) -> list[tuple[str, str, int]]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the test database the server wrote to
            cursor.execute(_SAVED_NIGHTS)
            rows = cursor.fetchall()
    else:
        with closing(sqlite3.connect(database["NIGHTLEG_SQLITE_PATH"])) as db:
            rows = db.execute(_SAVED_NIGHTS).fetchall()
    return sorted((username, str(date), count) for username, date, count in rows)


def _assert_all_redirected(answers: list[tuple[int, str, str]], to: str, what: str) -> None:
    failures = [_error(status, body) for status, _, body in answers if status >= 500]
    assert not failures, f"{len(failures)} of {len(answers)} {what} failed, e.g. {failures[0]}"
    assert [(status, location) for status, location, _ in answers] == [(302, to)] * len(answers)


def test_fifty_people_signing_up_and_saving_their_night_at_once_all_succeed(
    server, database
) -> None:
    base_url = server
    # The evenings before last week: in the past whatever the server's clock says.
    first = dt.date.today() - dt.timedelta(days=8)
    dates = [first - dt.timedelta(days=i) for i in range(PEOPLE)]
    cramps = [
        {"at": "02:10", "muscle": "calf", "side": "left", "severity": 6, "duration_minutes": 2},
        {"at": "04:40", "muscle": "foot", "side": "right", "severity": 3, "duration_minutes": 1},
    ]
    start = threading.Barrier(PEOPLE)

    def save_night(i: int, browser: _Browser) -> tuple[int, str, str]:
        data = night_post(date=dates[i].isoformat(), episodes=cramps)
        data["csrfmiddlewaretoken"] = browser.csrf_token("/nights/new/")
        start.wait(timeout=REQUEST_TIMEOUT)  # everyone presses "Save night" together
        return browser.request("/nights/new/", data)

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        browsers, signups = zip(
            *pool.map(_sign_up, [base_url] * PEOPLE, range(PEOPLE)), strict=True
        )
        _assert_all_redirected(list(signups), "/nights/new/", "sign-ups")
        saves = list(pool.map(save_night, range(PEOPLE), browsers))
    _assert_all_redirected(saves, "/nights/", "saves")

    expected = sorted((f"person{i}", dates[i].isoformat(), 2) for i in range(PEOPLE))
    assert _saved_nights(database) == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="WAL is SQLite's journal mode")
def test_the_servers_sqlite_file_is_in_wal_mode(server, database) -> None:
    with closing(sqlite3.connect(database["NIGHTLEG_SQLITE_PATH"])) as db:
        (journal_mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert journal_mode == "wal"
