"""The admin shows nights with their episodes inline."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from journal.models import Reminder
from tests.conftest import make_episode, make_experiment, make_night

pytestmark = pytest.mark.django_db


def test_a_night_in_the_admin_shows_its_episodes(alice):
    night = make_night(alice)
    make_episode(night, severity=7)
    admin = User.objects.create_superuser("admin", "admin@example.com", "admin-password-1")
    client = Client()
    client.force_login(admin)
    response = client.get(f"/admin/journal/night/{night.pk}/change/")
    assert response.status_code == 200
    assert 'name="episodes-0-severity" value="7"' in response.content.decode()


def test_people_who_are_not_staff_cannot_open_the_admin(alice_client):
    assert alice_client.get("/admin/journal/night/").status_code == 302


def test_an_experiments_plan_and_seed_cant_be_changed_in_the_admin(alice):
    experiment = make_experiment(alice, "2026-11-02")
    admin = User.objects.create_superuser("admin", "admin@example.com", "admin-password-1")
    client = Client()
    client.force_login(admin)
    html = client.get(f"/admin/journal/experiment/{experiment.pk}/change/").content.decode()
    assert str(experiment.seed) in html
    assert 'name="seed"' not in html
    assert 'name="stopped_after"' in html


def test_the_admin_lists_reminders_with_their_failures(alice):
    Reminder.objects.create(user=alice, enabled=True, failures=3)
    admin = User.objects.create_superuser("admin", "admin@example.com", "admin-password-1")
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/journal/reminder/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
