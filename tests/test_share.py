"""Read-only links for a clinician: /summary/share/, Settings' list and revoke, /s/<token>/."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import re

import pytest
import segno
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from journal import sharing
from journal.models import Profile, ShareLink
from tests.conftest import make_episode, make_night, make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)  # last night: Sunday 29 November
START, END = dt.date(2026, 11, 16), dt.date(2026, 11, 29)
PERIOD = "?period=custom&start=2026-11-16&end=2026-11-29"
GONE = "This link doesn’t open a summary"


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
    cache.clear()


@pytest.fixture
def diary(alice):
    """Two nights in the period (20 Nov: two cramps; 25 Nov: none) and one before it."""
    Profile.objects.filter(user=alice).update(display_name="Alice R")
    night = make_night(alice, "2026-11-20")
    make_episode(night, severity=4)
    make_episode(night, severity=6, muscle="foot")
    make_night(alice, "2026-11-25")
    before = make_night(alice, "2026-11-10", notes="Outside the period")
    make_episode(before, severity=9)
    return alice


@pytest.fixture
def token(diary) -> str:
    return sharing.create_link(diary, START, END, 7)[0]


def _link(token: str) -> ShareLink:
    return ShareLink.objects.get(token_hash=sharing.token_hash(token))


def _urls(token: str) -> list[str]:
    return [f"/s/{token}/", f"/s/{token}/nights.csv", f"/s/{token}/episodes.csv"]


# Making a link


def test_the_summary_page_offers_a_link_for_its_own_period(alice_client, diary):
    page = alice_client.get("/summary/" + PERIOD).content.decode()
    assert 'href="/summary/share/?start=2026-11-16&amp;end=2026-11-29"' in page


def test_making_a_link_requires_signing_in(client):
    assert client.get("/summary/share/?start=2026-11-16&end=2026-11-29").status_code == 302
    response = client.post(
        "/summary/share/", {"days": "7", "start": "2026-11-16", "end": "2026-11-29"}
    )
    assert response.status_code == 302
    assert not ShareLink.objects.exists()


def test_the_share_page_shows_the_period_and_seven_days(alice_client, diary):
    page = alice_client.get("/summary/share/?start=2026-11-16&end=2026-11-29").content.decode()
    assert "16 Nov 2026 to 29 Nov 2026" in page
    assert 'name="days" value="7"' in page
    assert "Alice R" in page


def test_making_a_link_shows_it_once_and_stores_only_its_hash(alice_client, diary):
    response = alice_client.post(
        "/summary/share/", {"days": "7", "start": "2026-11-16", "end": "2026-11-29"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    [url] = re.findall(r'id="share-url" value="([^"]+)"', page)
    token = re.fullmatch(r"http://testserver/s/([\w-]+)/", url)[1]
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    [link] = ShareLink.objects.all()
    assert link.user == diary
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(getattr(link, f.attname)) for f in ShareLink._meta.concrete_fields)
    assert token not in stored
    assert (link.start, link.end) == (START, END)
    assert link.expires == NOW + dt.timedelta(days=7)
    assert f'href="{url}"' in page  # "Print the summary with this QR code"
    # Shown once: the page that lists the links never has the token again.
    assert token not in alice_client.get("/settings/").content.decode()


def test_the_qr_code_is_the_link_itself(alice_client, diary):
    page = alice_client.post(
        "/summary/share/", {"days": "7", "start": "2026-11-16", "end": "2026-11-29"}
    ).content.decode()
    [url] = re.findall(r'id="share-url" value="([^"]+)"', page)
    # Drawn independently from the exact URL: the same modules, so it scans to that URL.
    expected = segno.make(url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=sharing.QR_TITLE
    )
    assert expected in page
    other = segno.make(url + "x", error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=sharing.QR_TITLE
    )
    assert other not in page, "the comparison can tell one URL from another"
    # The shared page, and so the printed summary, carries the same code.
    token = url.rsplit("/", 2)[1]
    assert expected in Client().get(f"/s/{token}/").content.decode()


@pytest.mark.parametrize("days", ["0", "91", "seven", ""])
def test_it_rejects_a_validity_outside_one_to_ninety_days(alice_client, diary, days):
    response = alice_client.post(
        "/summary/share/", {"days": days, "start": "2026-11-16", "end": "2026-11-29"}
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("2026-11-29", "2026-11-16"), ("2026-11-16", "2026-12-25"), ("", "")]
)
def test_it_rejects_a_period_that_cannot_be_shared(alice_client, diary, start, end):
    response = alice_client.post("/summary/share/", {"days": "7", "start": start, "end": end})
    assert response.status_code == 200
    assert not ShareLink.objects.exists()


def test_it_accepts_ninety_days(alice_client, diary):
    alice_client.post("/summary/share/", {"days": "90", "start": "2026-11-16", "end": "2026-11-29"})
    assert ShareLink.objects.get().expires == NOW + dt.timedelta(days=90)


# The public view


def test_the_link_opens_the_summary_of_that_period_only(client, token):
    response = client.get(f"/s/{token}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice R" in page
    assert "16 Nov 2026 to 29 Nov 2026" in page
    assert "2 of 14 nights logged" in page
    assert "(2 cramps)" in page  # the 10 November cramp is not counted
    assert "worst 6" in page  # nor its severity 9
    assert "Outside the period" not in page
    assert "alice" not in page.replace("Alice R", "")  # not even the username
    for private in ("/nights/", "/reports/", "/summary/", "/settings/", "/export/"):
        assert f'href="{private}' not in page
    assert f'href="/s/{token}/nights.csv"' in page
    assert f"/s/{token}/charts/cramps.svg?" in page


def test_without_a_display_name_it_shows_no_name(client, token, diary):
    Profile.objects.filter(user=diary).update(display_name="")
    page = client.get(f"/s/{token}/").content.decode()
    assert "alice" not in page.lower()


def test_an_empty_period_offers_nothing_from_the_diary(client, diary):
    token, _ = sharing.create_link(diary, dt.date(2026, 10, 1), dt.date(2026, 10, 7), 7)
    page = client.get(f"/s/{token}/").content.decode()
    assert "No nights logged in this period" in page
    assert "/nights/new/" not in page
    assert "?period=all" not in page


def test_the_csv_files_hold_only_that_period(client, token):
    nights = b"".join(client.get(f"/s/{token}/nights.csv").streaming_content).decode()
    episodes = b"".join(client.get(f"/s/{token}/episodes.csv").streaming_content).decode()

    assert "2026-11-20" in nights
    assert "2026-11-25" in nights
    assert "2026-11-10" not in nights
    assert "Outside the period" not in nights
    assert episodes.count("2026-11-20") == 2
    assert "2026-11-10" not in episodes
    response = client.get(f"/s/{token}/episodes.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "nightleg-episodes-2026-11-16-to-2026-11-29.csv" in response["Content-Disposition"]


def test_the_chart_is_drawn_for_the_link(client, token):
    response = client.get(f"/s/{token}/charts/cramps.svg?look=phone-dark")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<")
    gone = client.get(f"/s/{token}/charts/severity.svg")
    assert gone.status_code == 404
    assert GONE in gone.content.decode()


def _password_changed(user: User, token: str) -> None:
    user.set_password("a-brand-new-password")
    user.save()


def _account_deleted(user: User, token: str) -> None:
    user.delete()


def _revoked(user: User, token: str) -> None:
    ShareLink.objects.filter(user=user).update(revoked_at=NOW)


CASES = {
    "unknown": lambda token: sharing.new_token(),
    "tampered": lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    "truncated": lambda token: token[:20],
    "with odd characters": lambda token: token + "%00%E2%80%9D",
}


@pytest.fixture
def gone_body(client) -> bytes:
    return client.get(f"/s/{sharing.new_token()}/").content


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrong_token_is_the_same_404(client, token, gone_body, case):
    for url in _urls(CASES[case](token)):
        response = client.get(url)
        assert response.status_code == 404
        assert response.content == gone_body
    assert GONE in gone_body.decode()


@pytest.mark.parametrize("stop", [_password_changed, _account_deleted, _revoked])
def test_a_stopped_link_is_the_same_404(client, diary, token, gone_body, stop):
    assert client.get(f"/s/{token}/").status_code == 200
    stop(diary, token)
    for url in _urls(token):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.content == gone_body


def test_an_expired_link_is_the_same_404(client, token, gone_body, clock):
    clock.move_to(NOW + dt.timedelta(days=7, seconds=-1))
    assert client.get(f"/s/{token}/").status_code == 200
    clock.move_to(NOW + dt.timedelta(days=7))
    for url in _urls(token):
        response = client.get(url)
        assert response.status_code == 404
        assert response.content == gone_body


def test_another_persons_link_shows_only_their_summary(client, token, diary):
    bob = make_user("bob")
    Profile.objects.filter(user=bob).update(display_name="Bob T")
    make_night(bob, "2026-11-21")
    bobs, _ = sharing.create_link(bob, START, END, 7)
    page = client.get(f"/s/{bobs}/").content.decode()
    assert "Bob T" in page
    assert "1 of 14 nights logged" in page
    assert "Alice R" not in page


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_in_it_can_change_data(client, token, method):
    for url in _urls(token):
        response = getattr(client, method)(url, {"days": "90"})
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response["Cache-Control"] == "no-store"
    link = _link(token)
    assert (link.times_opened, link.revoked_at, link.expires) == (0, None, NOW + dt.timedelta(7))


def test_a_post_with_csrf_checks_is_refused_too(token):
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/s/{token}/").status_code == 403
    assert _link(token).times_opened == 0


def test_head_works_and_is_not_counted(client, token):
    assert client.head(f"/s/{token}/").status_code == 200
    assert _link(token).times_opened == 0


@pytest.mark.parametrize("kind", ["page", "csv", "gone", "limited", "refused"])
def test_every_answer_is_kept_private(client, token, kind, monkeypatch):
    if kind == "limited":
        monkeypatch.setattr(sharing, "ADDRESS_LIMIT", (0, 60))
    url = {"csv": f"/s/{token}/nights.csv", "gone": f"/s/{token}x/"}.get(kind, f"/s/{token}/")
    response = client.post(url) if kind == "refused" else client.get(url)
    assert response.status_code == {"gone": 404, "limited": 429, "refused": 405}.get(kind, 200)
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_opening_is_counted_and_logged_without_the_token(client, token, caplog):
    caplog.set_level(logging.DEBUG)
    assert client.get(f"/s/{token}/").status_code == 200
    assert client.get(f"/s/{token}/episodes.csv").status_code == 200
    assert client.get(f"/s/{token}x/").status_code == 404  # Django logs "Not Found: <path>"
    with pytest.raises(ZeroDivisionError):  # an error report too
        _fail_inside(client, token)

    link = _link(token)
    assert link.times_opened == 1  # the page, not its files
    assert link.last_opened == NOW
    messages = [r.getMessage() for r in caplog.records]
    assert f"shared summary opened link={link.pk}" in messages
    assert "Not Found: /s/***/" in messages
    assert "Internal Server Error: /s/***/" in messages
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert token not in logged
    assert token[:12] not in logged


def _fail_inside(client: Client, token: str) -> None:
    from journal.views import share

    original = share.summary_context

    def fail(*args, **kwargs):
        raise ZeroDivisionError(f"failed for {token}")

    share.summary_context = fail
    try:
        client.get(f"/s/{token}/")
    finally:
        share.summary_context = original


def test_the_owner_opening_it_is_not_counted(alice_client, token):
    assert alice_client.get(f"/s/{token}/").status_code == 200
    assert _link(token).times_opened == 0


def test_too_many_requests_from_one_address_get_a_kind_429(token, monkeypatch):
    monkeypatch.setattr(sharing, "ADDRESS_LIMIT", (3, 600))
    client = Client(REMOTE_ADDR="203.0.113.5")
    assert [client.get(f"/s/{token}/").status_code for _ in range(3)] == [200] * 3
    response = client.get(f"/s/{token}/")
    assert response.status_code == 429
    assert "Please wait 10 minutes and try again." in response.content.decode()
    assert response["Retry-After"] == "600"
    # Guessing other tokens counts against the same address.
    assert client.get(f"/s/{sharing.new_token()}/").status_code == 429
    # Another address is not held up.
    assert Client(REMOTE_ADDR="203.0.113.6").get(f"/s/{token}/").status_code == 200


def test_too_many_requests_for_one_link_get_a_429_from_anywhere(token, monkeypatch):
    monkeypatch.setattr(sharing, "LINK_LIMIT", (2, 3600))
    codes = [Client(REMOTE_ADDR=f"203.0.113.{i}").get(f"/s/{token}/").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert _link(token).times_opened == 2


# Settings: the list, and revoking


def test_settings_lists_the_persons_links(alice_client, token, client):
    client.get(f"/s/{token}/")
    client.get(f"/s/{token}/")
    page = alice_client.get("/settings/").content.decode()
    assert "Summary 16 Nov 2026 to 29 Nov 2026" in page
    assert "Made 30 Nov 2026" in page
    assert "expires 7 Dec 2026, 08:00" in page
    assert "opened 2 times, last 30 Nov 2026, 08:00" in page
    assert f'href="/settings/shares/{_link(token).pk}/revoke/"' in page


def test_settings_shows_why_a_link_stopped(alice_client, token, diary):
    diary.set_password("another-one-entirely")
    diary.save()
    alice_client.force_login(diary)
    page = alice_client.get("/settings/").content.decode()
    assert "stopped when your password changed" in page
    assert "/revoke/" not in page


def test_settings_does_not_list_another_persons_links(bob_client, token):
    page = bob_client.get("/settings/").content.decode()
    assert "16 Nov 2026 to 29 Nov 2026" not in page
    assert "You haven’t shared your summary." in page


def test_revoking_asks_first_and_only_a_post_revokes(alice_client, client, token):
    url = f"/settings/shares/{_link(token).pk}/revoke/"
    page = alice_client.get(url)
    assert page.status_code == 200
    assert "Revoke this link?" in page.content.decode()
    assert client.get(f"/s/{token}/").status_code == 200, "asking revokes nothing"

    response = alice_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    assert _link(token).revoked_at == NOW
    assert client.get(f"/s/{token}/").status_code == 404


def test_an_outsider_cannot_revoke_a_link(bob_client, client, token):
    url = f"/settings/shares/{_link(token).pk}/revoke/"
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url).status_code == 404
    assert _link(token).revoked_at is None
    assert client.get(f"/s/{token}/").status_code == 200


def test_revoking_requires_signing_in(client, token):
    response = client.post(f"/settings/shares/{_link(token).pk}/revoke/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert _link(token).revoked_at is None


def test_the_share_page_escapes_nothing_unsafe(alice_client, diary):
    Profile.objects.filter(user=diary).update(display_name="<b>Al</b>")
    page = alice_client.get("/summary/share/?start=2026-11-16&end=2026-11-29").content.decode()
    assert html.escape("<b>Al</b>") in page


def test_opening_a_link_writes_nothing_but_its_count(client, token, diary):
    Profile.objects.filter(user=diary).delete()  # as for an account made before profiles
    assert client.get(f"/s/{token}/").status_code == 200
    assert not Profile.objects.filter(user=diary).exists()
