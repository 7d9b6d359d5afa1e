"""`make bench-http`: the login page and the warm reports page under real HTTP.

    python -m bench.http [--seconds 10] [--out bench/results-http.json]

Builds the benchmark's database (bench/data.py) in a temporary folder, starts gunicorn
with 2 workers on a free loopback port with the benchmark's production-like settings
(DEBUG off, bench/settings.py), and runs Debian's `wrk` for 10 seconds against the login
page and then against the measured person's all-time reports page, signed in and warm
(both workers have served it, and its charts, before). Reports requests per second,
p99 latency and errors for each. Target: the reports page keeps at least a third of the
login page's throughput, with no errors. gunicorn is stopped afterwards, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results-http.json"
REPORTS = "/reports/?period=all"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, cookie: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered")
        try:
            if _get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz within 10 seconds")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests per second, p99 latency (ms) and errors from `wrk --latency` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return {"requests_per_second": rps, "p99_ms": p99, "requests": requests, "errors": errors}


def _wrk(url: str, seconds: int, cookie: str | None = None) -> dict:
    command = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output) | {"url": url}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("make bench-http needs wrk: sudo apt-get install wrk", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="nightleg-bench-http-"))
    try:
        results = _run(workdir, args.seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    login, reports = results["login"], results["reports"]
    print(f"\n{'page':28} {'requests/s':>11} {'p99 ms':>8} {'errors':>7}")
    for name, r in (("login", login), ("reports, all time, warm", reports)):
        print(f"{name:28} {r['requests_per_second']:11.1f} {r['p99_ms']:8.2f} {r['errors']:7}")
    share = results["reports_share_of_login"]
    ok = results["passed"]
    print(f"\nreports / login throughput: {share:.2f} (target >= 0.33, no errors): ", end="")
    print("met" if ok else "MISSED")
    print(f"Every figure: {args.out}")
    return 0 if ok else 1


def _run(workdir: Path, seconds: int) -> dict:
    db = workdir / "full.sqlite3"
    os.environ["NIGHTLEG_BENCH_DB"] = str(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from bench import data
    from bench.run import build

    print(f"Building the database in {workdir} ...")
    counts = build(workdir, data.Sizes(), alone=False)
    client = Client()
    client.force_login(User.objects.get(username=data.MEASURED))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"NIGHTLEG_BENCH_DB": str(db), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [sys.executable, "-m", "gunicorn", "nightleg.wsgi:application"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    print(f"Starting gunicorn (2 workers) on {base} ...")
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_until_up(base, server)
        # Warm both workers: each has its own cache. Links as the page gives them.
        for _ in range(10):
            status, page = _get(f"{base}{REPORTS}", cookie)
            if status != 200 or "nights logged" not in page:
                raise RuntimeError("the reports page did not come back signed in")
            for src in re.findall(r'<img src="([^"]+)"', page):
                _get(base + src.replace("&amp;", "&"), cookie)
        print(f"wrk, {seconds} s each ...")
        login = _wrk(f"{base}/accounts/login/", seconds)
        reports = _wrk(f"{base}{REPORTS}", seconds, cookie)
        # Still signed in at the end: wrk counts redirects to the login page as success.
        if "nights logged" not in _get(f"{base}{REPORTS}", cookie)[1]:
            raise RuntimeError("the reports page stopped coming back signed in")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    share = reports["requests_per_second"] / login["requests_per_second"]
    return {
        "seconds": seconds,
        "workers": 2,
        "wrk": "wrk -t2 -c4 --latency",
        "data": counts,
        "login": login,
        "reports": reports,
        "reports_share_of_login": round(share, 3),
        "passed": share >= 1 / 3 and login["errors"] == 0 and reports["errors"] == 0,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    sys.exit(main())
