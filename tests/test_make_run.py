"""`make run`: the web server and send_reminders together, and one Ctrl+C stops both."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.smtp import free_port

WAIT = 90  # seconds, at most, for make run to start or stop

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group(pgid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def test_ctrl_c_stops_the_server_and_the_reminders(tmp_path: Path):
    port = free_port()
    log_path = tmp_path / "make-run.log"
    env = {**os.environ, "NIGHTLEG_SQLITE_PATH": str(tmp_path / "db.sqlite3"), "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with log_path.open("w") as log:
        # A session of its own, like a terminal: Ctrl+C goes to every process in it.
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            text = log_path.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    up = r.status == 200
            except OSError:
                up = False
            if up and "send_reminders is now running" in text:
                break
            if make.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make run did not start:\n{text[-3000:]}")
            time.sleep(0.2)
        running = _group(make.pid)
        assert len(running) >= 3  # make, the shell, send_reminders, runserver (+ its child)

        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while any(_alive(pid) for pid in running) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in running if _alive(pid)], log_path.read_text()[-3000:]
        assert "send_reminders stopped" in log_path.read_text()
    finally:
        for pid in _group(make.pid):
            os.kill(pid, signal.SIGKILL)
