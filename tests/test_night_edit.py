"""Editing a night: /nights/<date>/."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from journal.models import CrampEpisode, Night
from tests.conftest import make_episode, make_night, night_post

URL = "/nights/2026-11-20/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def night(alice) -> Night:
    night = make_night(alice, "2026-11-20", stretch_minutes=5)
    make_episode(night, severity=4)
    return night


def _existing(night: Night, **changes) -> dict:
    episode = night.episodes.get()
    fields = {"id": episode.pk, "muscle": "calf", "side": "left", "severity": 4} | changes
    return fields


def test_it_shows_the_night(alice_client, night):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].instance == night
    assert response.context["formset"].initial_form_count() == 1


def test_it_requires_login(client, night):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    client.post(URL, night_post("2026-11-20", stretch_minutes=30))
    night.refresh_from_db()
    assert night.stretch_minutes == 5


def test_it_hides_another_users_night(bob_client, night):
    assert bob_client.get(URL).status_code == 404
    response = bob_client.post(URL, night_post("2026-11-20", stretch_minutes=30))
    assert response.status_code == 404
    night.refresh_from_db()
    assert night.stretch_minutes == 5


def test_an_unknown_or_impossible_date_is_a_404(alice_client):
    assert alice_client.get("/nights/2026-11-19/").status_code == 404
    assert alice_client.get("/nights/2026-02-30/").status_code == 404


def test_it_updates_habits_and_episodes(alice_client, night):
    data = night_post(
        "2026-11-20",
        episodes=[_existing(night, severity=9), {"muscle": "foot", "side": "right", "severity": 2}],
        initial_episodes=1,
        stretch_minutes=15,
    )
    response = alice_client.post(URL, data)
    assert response.status_code == 302
    night.refresh_from_db()
    assert night.stretch_minutes == 15
    assert sorted(night.episodes.values_list("severity", flat=True)) == [2, 9]


def test_it_removes_an_episode(alice_client, night):
    data = night_post("2026-11-20", episodes=[_existing(night, DELETE="on")], initial_episodes=1)
    assert alice_client.post(URL, data).status_code == 302
    assert not CrampEpisode.objects.exists()


def test_it_cannot_touch_another_users_episode(alice_client, night, bob):
    bobs = make_episode(make_night(bob, "2026-11-20"), severity=1)
    data = night_post(
        "2026-11-20",
        episodes=[{"id": bobs.pk, "muscle": "calf", "side": "left", "severity": 10}],
        initial_episodes=1,
    )
    alice_client.post(URL, data)
    bobs.refresh_from_db()
    assert bobs.severity == 1


def test_moving_a_night_to_another_free_date_works(alice, alice_client, night):
    data = night_post("2026-11-18", episodes=[_existing(night)], initial_episodes=1)
    assert alice_client.post(URL, data).status_code == 302
    assert list(Night.objects.for_user(alice).values_list("date", flat=True)) == [
        dt.date(2026, 11, 18)
    ]


def test_moving_onto_an_existing_date_is_refused(alice, alice_client, night):
    make_night(alice, "2026-11-18")
    data = night_post("2026-11-18", episodes=[_existing(night)], initial_episodes=1)
    response = alice_client.post(URL, data)
    assert response.status_code == 200
    assert "already logged" in str(response.context["form"].errors["date"])
    night.refresh_from_db()
    assert night.date == dt.date(2026, 11, 20)


def test_bad_input_changes_nothing(alice_client, night):
    data = night_post(
        "2026-11-20",
        episodes=[_existing(night, severity=-1)],
        initial_episodes=1,
        stretch_minutes=30,
    )
    response = alice_client.post(URL, data)
    assert response.status_code == 200
    night.refresh_from_db()
    assert night.stretch_minutes == 5
    assert night.episodes.get().severity == 4


def test_csrf_is_enforced(alice, night):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, night_post("2026-11-20", stretch_minutes=30)).status_code == 403
    night.refresh_from_db()
    assert night.stretch_minutes == 5
