"""Personal settings: /settings/."""

from __future__ import annotations

import pytest
from django.test import Client

from journal.models import Profile

URL = "/settings/"
pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_it_saves_the_time_zone_and_display_name(alice, alice_client):
    response = alice_client.post(URL, {"time_zone": "Asia/Tokyo", "display_name": "Al"})
    assert response["Location"] == URL
    profile = Profile.objects.get(user=alice)
    assert (profile.time_zone, profile.display_name) == ("Asia/Tokyo", "Al")


def test_it_refuses_an_unknown_time_zone(alice, alice_client):
    response = alice_client.post(URL, {"time_zone": "Nowhere/Special", "display_name": "Al"})
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert Profile.objects.get(user=alice).time_zone == "UTC"


def test_it_changes_only_the_signed_in_persons_settings(alice, bob, alice_client):
    alice_client.post(URL, {"time_zone": "Asia/Tokyo", "display_name": "Al"})
    assert Profile.objects.get(user=bob).time_zone == "UTC"


def test_a_person_without_a_profile_gets_one(django_user_model):
    user = django_user_model.objects.create_user("dave", password="x-long-password")
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 200
    assert Profile.objects.get(user=user).time_zone == "UTC"


def test_csrf_is_enforced(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, {"time_zone": "Asia/Tokyo"}).status_code == 403
