"""journal.log_privacy: a failed request's log keeps the traceback, never the data."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from django.db import DataError, IntegrityError, OperationalError
from django.test import Client

from journal.log_privacy import HIDDEN, HideExceptionText, database_problem, scrubbed_traceback
from journal.models import CrampEpisode, Night
from tests.conftest import night_post

NOTE = "Woke at three, calf like a rock, partner noticed"


ROW = f"Failing row contains (7, {NOTE})"  # what PostgreSQL says about a rejected row


def _raise_chain() -> None:
    try:
        raise ValueError(ROW)
    except ValueError as exc:
        raise IntegrityError(ROW) from exc


def test_the_traceback_keeps_types_and_frames_but_not_messages():
    with pytest.raises(IntegrityError) as caught:
        _raise_chain()

    text = scrubbed_traceback(caught.value)

    assert NOTE not in text
    assert "Failing row" not in text
    assert f"builtins.ValueError: {HIDDEN}" in text
    assert f"django.db.utils.IntegrityError: {HIDDEN}" in text
    assert text.index("ValueError") < text.index("IntegrityError"), "oldest first, as Python"
    assert "in _raise_chain" in text


def test_the_filter_hides_reset_tokens_in_the_message():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/accounts/reset/MQ/cb1-abc123/",),
        None,
    )
    HideExceptionText().filter(record)
    assert record.getMessage() == "Not Found: /accounts/reset/MQ/***/"


def test_a_database_error_in_a_view_logs_no_journal_data(alice, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise DataError(ROW)

    monkeypatch.setattr(CrampEpisode, "save", fail)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    episode = {"at": "03:00", "severity": "9", "duration_minutes": "4", "side": "left"}

    response = client.post("/nights/new/", night_post(notes=NOTE, episodes=[episode]))

    assert response.status_code == 500
    assert NOTE not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /nights/new/"
    assert f"django.db.utils.DataError: {HIDDEN}" in record.exc_text
    assert record.exc_info is None
    logged = logging.Formatter().format(record)
    assert NOTE not in logged
    assert "Failing row" not in logged


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("attempt to write a readonly database", "the database is read-only"),
        ("database or disk is full", "the database is out of disk space (disk full)"),
    ],
)
def test_a_failed_save_says_why_in_words_an_operator_can_act_on(
    alice, monkeypatch, caplog, message, said
):
    def fail(*args, **kwargs):
        # As Django raises SQLite's errors: its own type, from the driver's.
        raise OperationalError(message) from sqlite3.OperationalError(message)

    monkeypatch.setattr(Night, "save", fail)
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    assert client.post("/nights/new/", night_post(notes=NOTE)).status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert f"django.db.utils.OperationalError [{said}]: {HIDDEN}" in record.exc_text
    assert NOTE not in logging.Formatter().format(record)


def test_postgresqls_codes_are_read_too():
    class ReadOnly(Exception):
        sqlstate = "25006"

    def save() -> None:
        try:
            raise ReadOnly(f"cannot execute UPDATE in a read-only transaction {NOTE}")
        except ReadOnly as exc:
            raise OperationalError("wrapped") from exc

    with pytest.raises(OperationalError) as caught:
        save()
    assert database_problem(caught.value) == "is read-only"
    assert database_problem(ValueError("nothing to do with a database")) is None
    # Another database's message may quote a note: its words are never read.
    assert (
        database_problem(OperationalError(f"Failing row contains (disk is full, {NOTE})")) is None
    )
