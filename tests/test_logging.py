"""The logs of a whole session: sign-ins are there, passwords and health data are not.

Runs with the real LOGGING settings (only the capture handler is added, at DEBUG on the
root logger) and with Django's SQL logging switched on, as DEBUG would: SQL carries notes
and health values as parameters, so it must never reach a log.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from tests.conftest import night_post

PASSWORD = "Lilac-Ostrich-4417"
NEW_PASSWORD = "Teal-Pangolin-9063"
WRONG_PASSWORD = "Guess-Umbrella-2288"
NOTE = "Cramped after the long hike to Ben Nevis"
SECRETS = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, NOTE, "Ben Nevis", "Lilac", "Pangolin"]


@pytest.fixture
def every_log_record(caplog):
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), str(getattr(record, "request", ""))]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    parts.append(record.exc_text or "")
    return "\n".join(parts)


def test_a_whole_session_logs_who_signed_in_but_no_secret(db, every_log_record):
    client = Client(REMOTE_ADDR="198.51.100.23")
    signup = {"username": "rhea", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/accounts/signup/", signup | {"time_zone": "UTC"}).status_code == 302
    client.post("/accounts/logout/")
    wrong = {"username": "rhea", "password": WRONG_PASSWORD}
    assert client.post("/accounts/login/", wrong).status_code == 200
    login = {"username": "rhea", "password": PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302

    episode = {"at": "03:10", "severity": "9", "duration_minutes": "13.5", "side": "both"}
    data = night_post("2026-11-20", episodes=[episode], stretch_minutes="47", notes=NOTE)
    assert client.post("/nights/new/", data).status_code == 302
    edited = night_post("2026-11-20", episodes=[], stretch_minutes="48", notes=NOTE + " again")
    assert client.post("/nights/2026-11-20/", edited).status_code == 302
    client.post("/nights/new/", night_post("2026-11-21", stretch_minutes="9999", notes=NOTE))
    for url in ("/nights/", "/reports/?period=all", "/summary/?period=all", "/export/nights.csv"):
        assert client.get(url).status_code == 200, url
    assert client.get("/nights/1999-01-01/").status_code == 404
    change = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD}
    response = client.post("/accounts/password_change/", change | {"new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.post("/account/delete/", {"password": NEW_PASSWORD}).status_code == 302
    assert not User.objects.filter(username="rhea").exists()

    records = every_log_record.records
    messages = [r.getMessage() for r in records if r.name == "nightleg.auth"]
    assert "sign-in user='rhea' ip=198.51.100.23" in messages
    assert "sign-in failed user='rhea' ip=198.51.100.23" in messages
    assert "sign-out user='rhea' ip=198.51.100.23" in messages
    assert any(r.name == "django.request" for r in records), "the 404 was logged"

    logged = "\n".join(_text(r) for r in records)
    for secret in SECRETS:
        assert secret not in logged
    assert "13.5" not in logged
    assert "9999" not in logged
    assert not [r for r in records if r.name.startswith("django.db")], "SQL reached a log"
