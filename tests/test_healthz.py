"""/healthz: up, down, and open to anonymous monitors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import path

from journal.views.health import healthz
from nightleg.urls import urlpatterns as site_urlpatterns

# The whole site plus /healthz, until journal/urls.py routes it; the test client sends
# each request through every middleware, as a monitor's request would go.
urlpatterns = [path("healthz", healthz), *site_urlpatterns]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_it_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_it_needs_no_login(client):
    # No session cookie at all: a login-protected page would redirect to the login form.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "Location" not in response


def test_it_is_never_cached(client):
    assert client.get("/healthz")["Cache-Control"] == "no-store"


def test_it_answers_503_when_the_database_does_not(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        # What the driver raises when the server is gone; Django wraps it as its own.
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "create_cursor", refuse)
    response = client.get("/healthz")
    monkeypatch.undo()

    assert response.status_code == 503
    assert response.content == b"database unavailable"  # the reason goes to the log only
    assert response["Cache-Control"] == "no-store"
    assert "connection refused" in caplog.text


def test_it_shows_no_data_to_a_signed_in_person_either(alice_client):
    response = alice_client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_it_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def _read_only(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA query_only = {int(on)}")
        else:
            cursor.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")


@pytest.mark.django_db(transaction=True)  # PostgreSQL: read-only applies to new transactions
def test_it_answers_503_when_the_database_cannot_take_a_write(client, caplog):
    # Reads still work, so "SELECT 1" alone said ok while every save failed with a 500.
    _read_only(True)
    try:
        response = client.get("/healthz")
    finally:
        _read_only(False)
    assert response.status_code == 503
    assert "Health check failed: the database is read-only" in caplog.text
    assert client.get("/healthz").status_code == 200


def test_the_probe_leaves_nothing_behind(client):
    from django.db.migrations.recorder import MigrationRecorder

    before = list(MigrationRecorder.Migration.objects.values_list("id", "app", "name"))
    assert client.get("/healthz").status_code == 200
    assert list(MigrationRecorder.Migration.objects.values_list("id", "app", "name")) == before
