"""journal.auth and django-axes: sign-in throttling, the client address and the sign-in log."""

from __future__ import annotations

import datetime as dt
import logging

import time_machine
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from journal.auth import DEVICE_COOKIE, client_ip
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = settings.ADDRESS_FAILURE_LIMIT
ACCOUNT_LIMIT = settings.ACCOUNT_FAILURE_LIMIT
WRONG_LOGIN_TEXT = "Please enter a correct username and password"


def _attempt(username: str, password: str, address: str = "198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def _fail(username: str, times: int, address: str = "198.51.100.7") -> list[int]:
    """Sign in with a wrong password `times` times; the status codes of the answers."""
    return [_attempt(username, "not-the-password", address)[1].status_code for _ in range(times)]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limits_and_pause_are_small_and_real():
    assert 3 <= LIMIT <= 10
    assert LIMIT < ACCOUNT_LIMIT <= 20
    assert ACCOUNT_LIMIT < ADDRESS_LIMIT <= 50
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(alice):
    _, wrong_password = _attempt("alice", "not-the-password")
    _, unknown_user = _attempt("nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert WRONG_LOGIN_TEXT in wrong_password.text
    assert WRONG_LOGIN_TEXT in unknown_user.text


def test_after_the_limit_this_address_is_refused_even_the_right_password(alice):
    statuses = _fail("alice", LIMIT, address="203.0.113.1")
    assert statuses == [200] * (LIMIT - 1) + [429], "the failure that reaches the limit pauses"

    client, response = _attempt("alice", PASSWORD, address="203.0.113.1")

    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "15 minutes" in response.text
    assert response["Retry-After"] == "900"
    assert not _signed_in(client)
    assert client.get("/nights/").status_code == 302


def test_the_owner_signs_in_from_elsewhere_while_an_attacker_keeps_failing(alice):
    # The attacker knows the username and keeps trying from one address: that address
    # is paused for it, and the owner, from another address, is not.
    for _ in range(3):
        _fail("alice", LIMIT, address="203.0.113.66")
        client, response = _attempt("alice", PASSWORD, address="192.0.2.50")
        assert response.status_code == 302
        assert _signed_in(client)
    assert _attempt("alice", PASSWORD, address="203.0.113.66")[1].status_code == 429


def test_guessing_from_many_addresses_pauses_the_account_for_new_browsers_only(alice):
    known, response = _attempt("alice", PASSWORD, address="192.0.2.50")  # the owner's phone
    assert response.status_code == 302
    assert known.cookies[DEVICE_COOKIE].value
    known.post("/accounts/logout/")
    for n in range(ACCOUNT_LIMIT):  # under the per-address limit each time
        _fail("alice", 1, address=f"203.0.113.{n + 1}")

    _, from_a_new_browser = _attempt("alice", PASSWORD, address="192.0.2.51")
    from_the_phone = known.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert from_a_new_browser.status_code == 429
    assert from_the_phone.status_code == 302
    assert _signed_in(known)


def test_the_address_and_account_pauses_end_after_the_cool_off(alice, bob):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC), tick=False):
        for n in range(ADDRESS_LIMIT):
            _fail(f"someone-{n}", 1, address="203.0.113.9")
        for n in range(ACCOUNT_LIMIT):
            _fail("alice", 1, address=f"198.51.100.{n + 1}")
        assert _attempt("bob", PASSWORD, address="203.0.113.9")[1].status_code == 429
        assert _attempt("alice", PASSWORD, address="192.0.2.9")[1].status_code == 429
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 16, tzinfo=dt.UTC), tick=False):
        assert _attempt("bob", PASSWORD, address="203.0.113.9")[1].status_code == 302
        assert _attempt("alice", PASSWORD, address="192.0.2.9")[1].status_code == 302


def test_a_device_cookie_for_another_account_or_forged_does_not_count(alice, bob):
    bobs, _ = _attempt("bob", PASSWORD, address="192.0.2.50")
    bobs.post("/accounts/logout/")
    for n in range(ACCOUNT_LIMIT):
        _fail("alice", 1, address=f"203.0.113.{n + 1}")
    assert bobs.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 429
    forged = Client(REMOTE_ADDR="192.0.2.52")
    forged.cookies[DEVICE_COOKIE] = "alice"
    assert forged.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 429


def test_a_device_cookie_stops_counting_once_the_password_changes(alice):
    phone, _ = _attempt("alice", PASSWORD, address="192.0.2.50")
    phone.post("/accounts/logout/")
    alice.set_password("a-brand-new-passphrase")
    alice.save()
    for n in range(ACCOUNT_LIMIT):
        _fail("alice", 1, address=f"203.0.113.{n + 1}")
    response = phone.post(LOGIN, {"username": "alice", "password": "a-brand-new-passphrase"})
    assert response.status_code == 429


def test_a_known_device_behind_a_busy_shared_address_still_signs_in(alice):
    phone, _ = _attempt("alice", PASSWORD, address="198.51.100.200")  # a carrier's shared address
    phone.post("/accounts/logout/")
    for n in range(ADDRESS_LIMIT):
        _fail(f"stranger-{n}", 1, address="198.51.100.200")
    assert _attempt("alice", PASSWORD, address="198.51.100.200")[1].status_code == 429
    assert phone.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302


def test_an_address_with_too_many_failures_is_paused_for_every_account(alice, bob):
    for n in range(ADDRESS_LIMIT):
        _fail(f"someone-{n}", 1, address="203.0.113.9")

    _, from_there = _attempt("bob", PASSWORD, address="203.0.113.9")
    elsewhere, from_elsewhere = _attempt("bob", PASSWORD, address="192.0.2.1")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302
    assert _signed_in(elsewhere)


def test_a_few_failures_behind_a_shared_address_do_not_lock_out_everyone_there(alice, bob):
    for n in range(LIMIT):  # five people behind one address each mistype once
        _fail(f"someone-{n}", 1, address="203.0.113.9")
    _fail("alice", LIMIT, address="203.0.113.9")
    client, response = _attempt("bob", PASSWORD, address="203.0.113.9")
    assert response.status_code == 302
    assert _signed_in(client)


def test_an_unknown_username_is_paused_with_the_same_page(alice):
    _fail("alice", LIMIT, address="203.0.113.1")
    _fail("nobody-here", LIMIT, address="203.0.113.2")

    _, real = _attempt("alice", "anything", address="203.0.113.1")
    _, unknown = _attempt("nobody-here", "anything", address="203.0.113.2")

    assert real.status_code == unknown.status_code == 429
    assert real.text == unknown.text


def test_the_owner_signing_in_does_not_reset_a_guesser_elsewhere(alice):
    _fail("alice", LIMIT - 1, address="203.0.113.66")
    assert _attempt("alice", PASSWORD, address="192.0.2.50")[1].status_code == 302
    assert _fail("alice", 1, address="203.0.113.66") == [429]


def test_a_successful_sign_in_clears_the_count(alice):
    _fail("alice", LIMIT - 1)
    client, response = _attempt("alice", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)

    _fail("alice", LIMIT - 1)
    client, response = _attempt("alice", PASSWORD)
    assert response.status_code == 302, "the earlier failures no longer count"


def test_signing_in_to_your_own_account_does_not_clear_guesses_at_someone_else(alice, bob):
    attacker = "203.0.113.66"
    _fail("alice", LIMIT - 1, address=attacker)
    _, own = _attempt("bob", PASSWORD, address=attacker)  # bob is the attacker here
    assert own.status_code == 302

    _fail("alice", 1, address=attacker)
    _, response = _attempt("alice", PASSWORD, address=attacker)
    assert response.status_code == 429


def test_the_pause_ends_after_the_cool_off(alice):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC), tick=False):
        _fail("alice", LIMIT)
        assert _attempt("alice", PASSWORD)[1].status_code == 429
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 14, tzinfo=dt.UTC), tick=False):
        assert _attempt("alice", PASSWORD)[1].status_code == 429
        assert _fail("alice", 1) == [429]
    # Trying again during the pause does not make it longer for the person it protects.
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, 16, tzinfo=dt.UTC), tick=False):
        client, response = _attempt("alice", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_signing_up_and_signing_in_work_with_throttling_on(db):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"username": "newperson", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC"},
    )
    assert response.status_code == 302
    assert _signed_in(client)


@override_settings(BEHIND_TLS_PROXY=False)
def test_without_a_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.1"


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXIES=["127.0.0.1", "::1"])
def test_behind_the_proxy_the_address_it_appended_is_used():
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1"
    )
    assert client_ip(request) == "198.51.100.1"  # not the client-chosen first entry
    assert client_ip(factory.get("/", REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR="192.0.2.7")) == (
        "192.0.2.7"
    )
    assert client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    garbage = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, x'")
    assert client_ip(garbage) == "127.0.0.1", "not an address: the proxy's own is used"


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_a_client_connecting_directly_cannot_claim_an_address():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.40", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.40"


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_each_client_is_throttled_on_its_own_address(alice, bob):
    def via_proxy(address: str) -> Client:
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)

    for n in range(ADDRESS_LIMIT):
        via_proxy("203.0.113.9").post(LOGIN, {"username": f"someone-{n}", "password": "nope"})

    paused = via_proxy("203.0.113.9").post(LOGIN, {"username": "bob", "password": PASSWORD})
    other = via_proxy("192.0.2.1")
    response = other.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert paused.status_code == 429
    assert response.status_code == 302, "one client's failures do not pause everyone"


def test_sign_ins_failures_throttling_and_sign_outs_are_logged(alice, caplog):
    caplog.set_level(logging.INFO, logger="nightleg.auth")
    client, _ = _attempt("alice", PASSWORD, address="192.0.2.10")
    client.post("/accounts/logout/")
    _fail("alice", LIMIT, address="203.0.113.5")
    _attempt("alice", PASSWORD, address="203.0.113.5")

    lines = [r.getMessage() for r in caplog.records if r.name == "nightleg.auth"]
    # LIMIT wrong passwords, then the right one refused during the pause.
    assert lines.count("sign-in failed user='alice' ip=203.0.113.5") == LIMIT + 1
    assert lines.count("sign-in throttled user='alice' ip=203.0.113.5") == 2
    assert "sign-in user='alice' ip=192.0.2.10" in lines
    assert "sign-out user='alice' ip=192.0.2.10" in lines


def test_a_username_cannot_forge_a_log_line(caplog, db):
    caplog.set_level(logging.INFO, logger="nightleg.auth")
    _attempt("x\nsign-in user='admin' ip=1.2.3.4", "nope", address="203.0.113.5")
    messages = [r.getMessage() for r in caplog.records if r.name == "nightleg.auth"]
    assert messages == [
        "sign-in failed user=\"x\\nsign-in user='admin' ip=1.2.3.4\" ip=203.0.113.5"
    ]
