"""The person's own data: /account/, its download and account deletion."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from journal.models import CrampEpisode, Experiment, Night, Profile
from tests.conftest import PASSWORD, make_episode, make_experiment, make_night

pytestmark = pytest.mark.django_db


@pytest.fixture
def diary(alice, bob):
    night = make_night(alice, "2026-11-01", stretch_minutes=8, notes="=SUM(A1) ünïcode")
    make_episode(night, severity=7, woke_me=True)
    make_night(alice, "2026-11-02")
    make_episode(make_night(bob, "2026-11-01"), severity=2)
    return night


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_page_counts_what_the_journal_holds(alice_client, diary):
    html = alice_client.get("/account/").content.decode()
    assert "2 nights and 1 cramp episode." in html
    assert 'href="/account/download.zip"' in html


def test_pages_require_login(client, diary):
    for url in ("/account/", "/account/download.zip"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    client.post("/account/delete/", {"password": PASSWORD})
    assert User.objects.filter(username="alice").exists()


def test_the_download_holds_the_csvs_and_every_field_as_json(alice, bob, alice_client, diary):
    make_experiment(alice, "2026-11-02", habit="own", own_label="magnesium tablet")
    make_experiment(bob, "2026-11-02")
    response = alice_client.get("/account/download.zip")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="nightleg-')
    assert "no-store" in response["Cache-Control"]
    archive = _zip(response)
    assert sorted(archive.namelist()) == [
        "episodes.csv",
        "experiments.csv",
        "nightleg.json",
        "nights.csv",
    ]

    nights = list(csv.DictReader(io.StringIO(archive.read("nights.csv").decode("utf-8-sig"))))
    assert [row["date"] for row in nights] == ["2026-11-01", "2026-11-02"]
    # The second night is the first of the experiment: its plan is in the file.
    assert [row["experiment"] for row in nights] == ["", "Magnesium tablet"]
    experiments = archive.read("experiments.csv").decode("utf-8-sig").splitlines()
    assert len(experiments) == 2  # the header and alice's one experiment
    assert experiments[1].startswith("2026-11-02,own,magnesium tablet,2,6,0,20261102,")
    episodes = list(csv.DictReader(io.StringIO(archive.read("episodes.csv").decode("utf-8-sig"))))
    assert len(episodes) == 1

    document = json.loads(archive.read("nightleg.json"))
    assert document["account"]["username"] == "alice"
    assert document["settings"] == {"display_name": "", "time_zone": "UTC"}
    night_fields = {f.name for f in Night._meta.concrete_fields} - {"id", "user"}
    episode_fields = {f.name for f in CrampEpisode._meta.concrete_fields} - {"id", "night"}
    first = document["nights"][0]
    assert set(first) == night_fields | {"episodes"}
    assert set(first["episodes"][0]) == episode_fields
    assert first["notes"] == "=SUM(A1) ünïcode"  # JSON is data, not a spreadsheet
    assert first["episodes"][0]["severity"] == 7
    assert len(document["nights"]) == 2  # bob's night is not there
    experiment_fields = {f.name for f in Experiment._meta.concrete_fields} - {"id", "user"}
    (experiment,) = document["experiments"]  # bob's is not there either
    assert set(experiment) == experiment_fields
    assert (experiment["own_label"], experiment["seed"]) == ("magnesium tablet", 20261102)


def test_a_wrong_password_deletes_nothing(alice, alice_client, diary):
    response = alice_client.post("/account/delete/", {"password": "not-it"})
    assert response.status_code == 400
    assert "That isn’t your password" in response.content.decode()
    assert Night.objects.filter(user=alice).count() == 2


def test_guessing_the_password_to_delete_the_account_is_throttled(alice, alice_client, diary):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            alice_client.post("/account/delete/", {"password": "not-it"})
        response = alice_client.post("/account/delete/", {"password": PASSWORD})
        assert response.status_code == 400
        assert "Too many wrong passwords" in response.content.decode()
        assert "Nothing was deleted." in response.content.decode()
        assert Night.objects.filter(user=alice).count() == 2
        # The same count as signing in: this address can't sign in as alice either.
        login = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert login.status_code == 429
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 16, tzinfo=dt.UTC), tick=False):
        alice_client.post("/account/delete/", {"password": PASSWORD})
    assert not User.objects.filter(pk=alice.pk).exists()


def test_deletion_needs_a_post(alice, alice_client, diary):
    assert alice_client.get("/account/delete/").status_code == 405
    assert User.objects.filter(pk=alice.pk).exists()


def test_deletion_is_csrf_protected(alice, diary):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_the_account_leaves_no_row_of_that_user_in_any_table(alice, bob, diary):
    phone, laptop = Client(), Client()
    phone.force_login(alice)
    laptop.force_login(alice)
    bobs_client = Client()
    bobs_client.force_login(bob)
    Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
    Client().post("/accounts/login/", {"username": "bob", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="alice").exists()

    response = laptop.post("/account/delete/", {"password": PASSWORD})
    assert response["Location"] == "/accounts/login/"

    assert not User.objects.filter(pk=alice.pk).exists()
    user_model = User
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                assert not model.objects.filter(**{field.name: alice.pk}).exists(), model
    assert not Profile.objects.filter(user_id=alice.pk).exists()
    assert not Night.objects.filter(user_id=alice.pk).exists()
    assert not CrampEpisode.objects.filter(night__user_id=alice.pk).exists()
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(alice.pk) not in owners
    # Her other device is signed out too; bob is untouched and still signed in.
    assert phone.get("/nights/").status_code == 302
    assert bobs_client.get("/nights/").status_code == 200
    assert Night.objects.filter(user=bob).count() == 1
    # Her failed sign-ins (which hold addresses) are gone; bob's are his.
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert AccessAttempt.objects.filter(username="bob").exists()
