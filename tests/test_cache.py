"""Charts in Django's Redis cache (CACHE_URL/REDIS_URL), against a real redis-server.

Skipped where redis-server is not installed, unless NIGHTLEG_REQUIRE_REDIS=1 (CI sets it,
and .ci/run installs Debian's redis-server).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from journal import stats
from nightleg.settings import cache_from_url
from tests.conftest import make_episode, make_night


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("NIGHTLEG_REQUIRE_REDIS") == "1":
            pytest.fail("NIGHTLEG_REQUIRE_REDIS=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            workdir,
            "--requirepass",
            "cache-pw",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://:cache-pw@127.0.0.1:{port}/0"  # the password goes through OPTIONS
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_charts_are_cached_in_redis_and_shared(redis_url, alice, alice_client):
    night = make_night(alice, "2026-11-20")
    make_episode(night, severity=6)
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    # The CACHES entry exactly as settings.py makes it from REDIS_URL.
    with override_settings(CACHES={"default": cache_from_url(redis_url)}):
        first = alice_client.get("/reports/charts/cramps.svg?period=all")
        keys = server.keys("*:chart:*")
        # The weeks it was drawn from, for the page's other weekly charts.
        (weeks_key,) = server.keys("*:chart-weeks:*")
        weeks = cache.get(weeks_key.decode().split(":", 2)[2])
        alice_client.get("/reports/charts/forest.svg?period=all")
        (comparisons_key,) = server.keys("*:chart-comparisons:*")
        comparisons = cache.get(comparisons_key.decode().split(":", 2)[2])
        # What another worker finds there is what it serves, without drawing again.
        cache.set(keys[0].decode().split(":", 2)[2], "<svg>drawn by another worker</svg>")
        second = alice_client.get("/reports/charts/cramps.svg?period=all")

    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"<?xml")
    assert len(keys) == 1, "the chart was stored in Redis"
    assert second.content == b"<svg>drawn by another worker</svg>"
    # Plain data only, nothing pickled of our own classes: habits go by their key.
    assert sum(w["cramps"] for w in weeks) == 1
    assert comparisons[0]["habit"] == stats.HABITS[0].key
    assert _plain(weeks)
    assert _plain(comparisons)


def _plain(value: object) -> bool:
    """Whether the value is built of dicts, lists, tuples, strings, numbers and dates."""
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | dt.date)
