"""`make serve`: production mode through gunicorn, behind a TLS proxy, on a fresh database.

On SQLite, or on PostgreSQL in the `make test-postgres` run. Starts the real command in a
subprocess with production-like environment values (no DEBUG, https required, a TLS proxy in
front) and talks HTTP to it the way the proxy would.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from threading import Thread

import pytest

from bench.data import import_files

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
PASSWORD = "Served-Through-Gunicorn-7"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.cookies: dict[str, str] = {}

    def another(self) -> Served:
        """Another browser on the same server: cookies of its own."""
        return Served(self.port, self.log)

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        proxy: bool = True,
        files: dict[str, bytes] | None = None,
    ) -> http.client.HTTPResponse:
        """A request as the TLS proxy forwards it (or, with proxy=False, plain http)."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Encoding": "gzip"}
        if proxy:
            headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
            headers["Referer"] = f"https://127.0.0.1:{self.port}/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if files is not None:
            data, headers["Content-Type"] = _multipart(body or {}, files)
        elif body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response


def _multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, content in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@contextmanager
def _fresh_database(tmp: Path) -> Iterator[dict[str, str]]:
    """The database settings for the served app: a new PostgreSQL database on the server
    DATABASE_URL names (the `make test-postgres` run), or else a new SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield {"NIGHTLEG_SQLITE_PATH": str(tmp / "db.sqlite3")}
        return
    import psycopg  # only needed on PostgreSQL

    name = f"nightleg_serve_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield {"DATABASE_URL": urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()}
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    with _fresh_database(tmp) as database:
        yield from _serve(tmp, database)


def _serve(tmp: Path, database: dict[str, str], **extra: str) -> Iterator[Served]:
    port = _free_port()
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    # The port comes from the env file, as the README's production section sets it.
    env_file = tmp / "serve.env"
    env_file.write_text(f"PORT={port}\n")
    env = {k: v for k, v in os.environ.items() if k in keep} | {
        "WEB_CONCURRENCY": str(WORKERS),
        "DJANGO_SECRET_KEY": "serve-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        **database,
        "NIGHTLEG_STATIC_ROOT": str(tmp / "static"),
        "NIGHTLEG_ENV_FILE": str(env_file),
        "MPLCONFIGDIR": str(tmp / "mpl"),
        **extra,
    }
    log = tmp / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while log.read_text().count("Booting worker with pid") < WORKERS:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Served(port, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_it_runs_gunicorn_with_the_workers_asked_for(served):
    text = served.log.read_text()
    assert f"at http://127.0.0.1:{served.port}/" in text
    assert "[INFO] Listening at" in text
    assert len(re.findall(r"Booting worker with pid", text)) == WORKERS


def test_the_health_check_answers_over_plain_http(served):
    response = served.request("GET", "/healthz", proxy=False)
    assert response.status == 200


def test_plain_http_is_redirected_to_https(served):
    response = served.request("GET", "/accounts/login/", proxy=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{served.port}/accounts/login/"


def test_pages_carry_the_security_headers_and_secure_cookies(served):
    response = served.request("GET", "/accounts/login/")
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csrf_cookie = next(c for c in response.headers.get_all("Set-Cookie") if "csrftoken" in c)
    assert "Secure" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie


def test_static_files_are_compressed_and_cache_busted(served):
    page = served.request("GET", "/accounts/login/").body.decode()
    css = re.search(r'href="(/static/css/nightleg\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet has a content hash in its name"
    response = served.request("GET", css.group(1))
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]


def _csrf(served: Served, path: str) -> str:
    page = served.request("GET", path).body.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _sign_up(served: Served, username: str) -> http.client.HTTPResponse:
    signup = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    form = signup | {"time_zone": "UTC", "csrfmiddlewaretoken": _csrf(served, "/accounts/signup/")}
    return served.request("POST", "/accounts/signup/", form)


def test_someone_can_sign_up_and_log_a_night(served):
    served.cookies.clear()
    response = _sign_up(served, "served")
    assert response.status == 302, response.body[:500]
    session_cookie = next(c for c in response.headers.get_all("Set-Cookie") if "sessionid" in c)
    assert "Secure" in session_cookie
    assert "HttpOnly" in session_cookie
    response = served.request("GET", "/nights/new/")
    assert response.status == 200
    assert (
        response.headers["Cache-Control"]
        == "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    # The sign-in log reaches gunicorn's output, with the address the proxy saw.
    assert "nightleg.auth: sign-in user='served' ip=198.51.100.4" in served.log.read_text()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_SECRET_KEY": "k" * 50}, "Set DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "127.0.0.1"}, "Set DJANGO_SECRET_KEY"),
    ],
)
def test_it_refuses_to_start_without_a_host_or_a_secret_key(tmp_path, env, message):
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    extra = {
        "NIGHTLEG_ENV_FILE": str(tmp_path / "none"),
        "NIGHTLEG_SQLITE_PATH": str(tmp_path / "db"),
    }
    result = subprocess.run(
        ["scripts/serve"], cwd=ROOT, env=keep | extra | env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "db").exists(), "nothing was started or created"


def test_it_reads_its_settings_from_an_env_file(tmp_path):
    env_file = tmp_path / "nightleg.env"
    env_file.write_text('DJANGO_ALLOWED_HOSTS=127.0.0.1\nDEFAULT_FROM_EMAIL="Nightleg <n@x.org>"\n')
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        ["scripts/serve"],
        cwd=ROOT,
        env=keep | {"NIGHTLEG_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )
    assert f"Reading settings from {env_file}" in result.stdout
    # The hosts came from the file, so it got as far as the settings' own check.
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_the_access_log_shows_the_client_and_hides_reset_tokens(served):
    served.request("GET", "/accounts/reset/MQ/cbx1-0123456789abcdef/")
    time.sleep(0.5)  # the access log line is written after the response
    text = served.log.read_text()
    assert "cbx1-0123456789abcdef" not in text
    assert re.search(r'fwd=198\.51\.100\.4 "GET /accounts/reset/MQ/\*\*\*/ HTTP/1\.1"', text)


def test_the_access_log_hides_share_tokens(served):
    token = "Sh4re-" + "t0ken_" * 7  # as long as a real one, and as easy to spot
    served.request("GET", f"/s/{token}/nights.csv")
    for _ in range(100):  # bounded: the line is written just after the response
        text = served.log.read_text()
        if '"GET /s/***/nights.csv HTTP/1.1" 404' in text:
            break
        time.sleep(0.05)
    assert '"GET /s/***/nights.csv HTTP/1.1" 404' in text
    assert "t0ken_" not in text


def test_four_long_imports_leave_the_site_answering(served):
    """Each import of a 20-year journal keeps a thread busy for seconds; meanwhile the
    health check and another person's morning log still answer, again and again, while
    all four imports are under way (with one request at a time per worker, they waited
    for an import to finish). How long they take is for `make bench-http` to measure: a
    timed assertion here would fail on a busy machine."""
    nights, episodes = (text.encode() for text in import_files(20))
    results: dict[str, str] = {}

    def import_journal(person: Served, name: str) -> None:
        token = _csrf(person, "/import/")
        files = {"nights": nights, "episodes": episodes}
        upload = person.request("POST", "/import/", {"csrfmiddlewaretoken": token}, files=files)
        preview = person.request("GET", upload.headers["Location"])
        query = urllib.parse.urlsplit(upload.headers["Location"]).query
        form = {
            "csrfmiddlewaretoken": token,
            "token": urllib.parse.parse_qs(query)["token"][0],
            "on_existing": "skip",
            "confirm": "1",
        }
        done = person.request("POST", "/import/", form)
        results[name] = f"{preview.status} {done.status} {done.headers['Location']}"

    people = {}
    for i in range(5):
        people[f"importer{i}"] = served.another()
        assert _sign_up(people[f"importer{i}"], f"importer{i}").status == 302
    watcher = people.pop("importer4")
    imports = [Thread(target=import_journal, args=(p, n)) for n, p in people.items()]
    for thread in imports:
        thread.start()
    slowest = {"/healthz": 0.0, "/nights/new/": 0.0}
    answered = during_all = 0
    deadline = time.monotonic() + 300
    while any(t.is_alive() for t in imports) and time.monotonic() < deadline:
        for path, client in (("/healthz", served), ("/nights/new/", watcher)):
            all_busy = all(t.is_alive() for t in imports)
            started = time.perf_counter()
            assert client.request("GET", path).status == 200
            slowest[path] = max(slowest[path], time.perf_counter() - started)
            answered += 1
            during_all += all_busy and all(t.is_alive() for t in imports)
        time.sleep(0.1)  # pacing, so the imports get the processor too
    for thread in imports:
        thread.join(timeout=60)
    assert results == dict.fromkeys(people, "200 302 /nights/")
    print(f"slowest answers while importing: {slowest} ({answered} requests)")
    assert during_all >= 10, f"only {during_all} answers came while all four imports ran"


def test_a_client_reaching_gunicorn_directly_cannot_claim_an_address(tmp_path):
    # The proxy is somewhere else: this client (127.0.0.1) is not it, so its
    # X-Forwarded-For is its own claim, and throttling and the log use its real address.
    with _fresh_database(tmp_path) as database:
        for served in _serve(tmp_path, database, NIGHTLEG_TRUSTED_PROXIES="192.0.2.1"):
            token = _csrf(served, "/accounts/login/")
            form = {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token}
            assert served.request("POST", "/accounts/login/", form).status == 200
            assert "sign-in failed user='nobody' ip=127.0.0.1" in served.log.read_text()


def test_without_a_mail_server_no_reset_link_reaches_the_log(served):
    person = served.another()
    signup = {"username": "mailless", "email": "mailless@example.com"}
    signup |= {"password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC"}
    signup["csrfmiddlewaretoken"] = _csrf(person, "/accounts/signup/")
    assert person.request("POST", "/accounts/signup/", signup).status == 302
    person.request("POST", "/accounts/logout/", {"csrfmiddlewaretoken": _csrf(person, "/nights/")})
    token = _csrf(person, "/accounts/password_reset/")
    form = {"email": "mailless@example.com", "csrfmiddlewaretoken": token}
    response = person.request("POST", "/accounts/password_reset/", form)
    assert response.status == 200
    assert "can’t send email yet" in response.body.decode()
    time.sleep(0.5)  # the log lines are written after the response
    log = served.log.read_text()
    assert "password reset refused: no mail server is configured" in log
    assert "/accounts/reset/" not in log.replace("/accounts/reset/MQ/***/", "")
    assert "mailless@example.com" not in log
