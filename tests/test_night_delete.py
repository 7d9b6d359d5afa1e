"""Deleting a night: /nights/<date>/delete/."""

from __future__ import annotations

import pytest
from django.test import Client

from journal.models import CrampEpisode, Night
from tests.conftest import make_episode, make_night

URL = "/nights/2026-11-20/delete/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def night(alice) -> Night:
    night = make_night(alice, "2026-11-20")
    make_episode(night)
    return night


def test_get_asks_for_confirmation_and_deletes_nothing(alice_client, night):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert "can’t be undone" in response.content.decode()
    assert Night.objects.filter(pk=night.pk).exists()


def test_post_deletes_the_night_and_its_episodes(alice_client, night):
    response = alice_client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == "/nights/"
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()


def test_it_requires_login(client, night):
    assert client.post(URL)["Location"].startswith("/accounts/login/")
    assert Night.objects.filter(pk=night.pk).exists()


def test_it_hides_another_users_night(bob_client, night):
    assert bob_client.get(URL).status_code == 404
    assert bob_client.post(URL).status_code == 404
    assert Night.objects.filter(pk=night.pk).exists()


def test_other_methods_are_refused(alice_client, night):
    assert alice_client.delete(URL).status_code == 405
    assert Night.objects.filter(pk=night.pk).exists()


def test_csrf_is_enforced(alice, night):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL).status_code == 403
    assert Night.objects.filter(pk=night.pk).exists()
