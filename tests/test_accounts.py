"""Sign-up, log in and out, password change and reset: /accounts/."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from journal.models import Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-better-passphrase"


def _signup(client, **overrides):
    data = {
        "username": "carol",
        "email": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "time_zone": "Europe/Berlin",
    } | overrides
    return client.post("/accounts/signup/", data)


def test_signup_needs_only_a_username_and_password(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/nights/new/"
    user = User.objects.get(username="carol")
    assert user.email == ""
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"
    # ...and the new person is signed in.
    assert client.get("/nights/").status_code == 200


def test_signup_rejects_a_taken_username_and_mismatched_passwords(client, alice):
    response = _signup(client, username="alice", password2="something-else-entirely")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors
    assert "password2" in errors
    assert User.objects.count() == 1


def test_signup_rejects_an_unknown_time_zone(client):
    response = _signup(client, time_zone="Mars/Olympus_Mons")
    assert "time_zone" in response.context["form"].errors
    assert not User.objects.filter(username="carol").exists()


def test_a_signed_in_person_is_sent_on_from_signup(alice_client):
    assert alice_client.get("/accounts/signup/")["Location"] == "/"


def test_login_and_logout(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/nights/").status_code == 200
    # Logging out is a POST; a GET must not sign anyone out.
    assert client.get("/accounts/logout/").status_code == 405
    old_cookie = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/nights/").status_code == 302
    # The session is over on the server too: a copy of the old cookie opens nothing.
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get("/nights/").status_code == 302


def test_a_wrong_password_is_refused(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/nights/").status_code == 302


def test_password_change(alice, alice_client):
    assert alice_client.get("/accounts/password_change/").status_code == 200
    response = alice_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_guessing_the_current_password_on_password_change_is_throttled(alice, alice_client):
    def change(old: str):
        data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        return alice_client.post("/accounts/password_change/", data)

    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            assert "Your old password was entered incorrectly" in change("guess").text
        refused = change(PASSWORD)
        assert refused.status_code == 200
        assert "Too many wrong passwords. For your safety, try again in 15 minutes." in (
            refused.text
        )
        assert _signed_in(alice_client), "a paused check does not sign the person out"
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD), "not changed while paused"
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 16, tzinfo=dt.UTC), tick=False):
        assert change(PASSWORD)["Location"] == "/accounts/password_change/done/"


def test_a_wrong_current_password_leaves_no_password_in_the_attempts_table(alice, alice_client):
    data = {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    alice_client.post("/accounts/password_change/", data)
    (attempt,) = AccessAttempt.objects.all()
    assert NEW_PASSWORD not in attempt.post_data
    assert "guess" not in attempt.post_data


def test_guessing_elsewhere_does_not_stop_the_signed_in_owner_changing_the_password(
    alice, alice_client
):
    for n in range(settings.ACCOUNT_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            "/accounts/login/", {"username": "alice", "password": "guess"}
        )
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = alice_client.post("/accounts/password_change/", data)
    assert response["Location"] == "/accounts/password_change/done/"


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_password_change_requires_login(client):
    assert client.get("/accounts/password_change/")["Location"].startswith("/accounts/login/")


def test_password_reset_by_email(client, alice):
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Nightleg password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session one
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


@override_settings(
    PASSWORD_RESET_BY_MAIL=False, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
)
def test_without_a_mail_server_password_reset_says_so_and_writes_no_link(client, alice, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.get("/accounts/password_reset/")
    assert "This server can’t send email yet" in page.text
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 200, "not the 'we sent you a link' page"
    assert "No email was sent: this server can’t send email yet." in response.text
    assert "password reset refused: no mail server is configured" in caplog.text
    assert "alice@example.com" not in caplog.text
    assert "/accounts/reset/" not in caplog.text


def test_without_debug_or_a_mail_server_nothing_is_printed(tmp_path):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NIGHTLEG_", "EMAIL_"))
    }
    code = "import nightleg.settings as s; print(s.EMAIL_BACKEND, s.PASSWORD_RESET_BY_MAIL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=clean | {"DJANGO_SECRET_KEY": "k" * 50},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["django.core.mail.backends.dummy.EmailBackend", "False"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, alice):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_the_auth_pages_render(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"):
        assert client.get(url).status_code == 200


def test_changing_the_password_signs_out_the_persons_other_sessions(alice):
    laptop, phone = Client(), Client()
    laptop.force_login(alice)
    phone.force_login(alice)
    laptop.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert laptop.get("/nights/").status_code == 200  # this session is kept...
    assert phone.get("/nights/").status_code == 302  # ...the other one is over
