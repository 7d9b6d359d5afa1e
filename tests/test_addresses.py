"""journal.addresses: who sent a request, and what an access log may keep."""

from __future__ import annotations

import pytest

from journal.addresses import client_address, hide_secrets

PROXIES = ("127.0.0.1", "::1")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, not-an-address", "127.0.0.1"),
        ("203.0.113.40", "1.2.3.4", "203.0.113.40"),  # not from our proxy: ignored
        ("", "", "unknown"),
    ],
)
def test_client_address(remote, forwarded, expected):
    assert client_address(remote, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_believed():
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /accounts/reset/MQ/cbx1-0a1b2c3d/ HTTP/1.1", "GET /accounts/reset/MQ/***/ HTTP/1.1"),
        ("/accounts/reset/MQ/cbx1-0a1b2c3d/", "/accounts/reset/MQ/***/"),
        (
            "https://n.example/accounts/reset/MQ/tok?x=1",
            "https://n.example/accounts/reset/MQ/***?x=1",
        ),
        ("/accounts/reset/MQ/set-password/", "/accounts/reset/MQ/set-password/"),
        ("/accounts/reset/done/", "/accounts/reset/done/"),
        ("GET /nights/2026-11-20/ HTTP/1.1", "GET /nights/2026-11-20/ HTTP/1.1"),
        ("GET /s/Ab-c_9x/ HTTP/1.1", "GET /s/***/ HTTP/1.1"),
        ("/s/Ab-c_9x/nights.csv", "/s/***/nights.csv"),
        (
            "https://n.example/s/Ab-c_9x/charts/cramps.svg?v=1",
            "https://n.example/s/***/charts/cramps.svg?v=1",
        ),
        ("Not Found: /s/Ab%20c", "Not Found: /s/***"),
        ("/static/css/print.css", "/static/css/print.css"),
    ],
)
def test_password_reset_and_share_tokens_are_hidden(text, expected):
    assert hide_secrets(text) == expected
