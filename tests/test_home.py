"""The front door: /."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import make_night

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


def test_anonymous_visitors_go_to_login(client):
    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_it_sends_a_person_to_log_last_night_when_not_yet_logged(alice, alice_client):
    make_night(alice, "2026-11-22")
    assert alice_client.get("/")["Location"] == "/nights/new/"


def test_it_sends_a_person_to_history_once_last_night_is_logged(alice, alice_client):
    make_night(alice, "2026-11-23")
    assert alice_client.get("/")["Location"] == "/nights/"


def test_another_persons_night_does_not_count(bob, alice_client):
    make_night(bob, "2026-11-23")
    assert alice_client.get("/")["Location"] == "/nights/new/"
