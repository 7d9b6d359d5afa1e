"""Editing a night: /nights/<date>/."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
import time_machine
from django.test import Client

from journal.models import CrampEpisode, Night
from tests import conftest
from tests.conftest import make_episode, make_night

URL = "/nights/2026-11-20/"
# alice's cramp is in the left calf: a new card on her pages starts as one, and sends it.
night_post = partial(conftest.night_post, untouched={"muscle": "calf", "side": "left"})
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


def _seen(client: Client) -> str:
    """The version the edit page carries, as a browser holding the page would send it."""
    return re.search(r'name="seen" value="([^"]*)"', client.get(URL).text).group(1)


def _at(minute: int):
    return time_machine.travel(dt.datetime(2026, 11, 24, 8, minute, tzinfo=dt.UTC), tick=False)


def test_a_save_from_a_page_opened_before_another_save_is_refused(alice, alice_client, night):
    tab_a, tab_b = _seen(alice_client), _seen(alice_client)
    episode = _existing(night)
    with _at(1):
        data = night_post(episodes=[episode], initial_episodes=1, stretch_minutes=20)
        assert alice_client.post(URL, data | {"seen": tab_a}).status_code == 302
    with _at(2):
        data = night_post(episodes=[episode], initial_episodes=1, stretch_minutes=5)
        response = alice_client.post(URL, data | {"water_glasses": "9", "seen": tab_b})
    assert response.status_code == 409
    night.refresh_from_db()
    assert (night.stretch_minutes, night.water_glasses) == (20, 6), "A's save stands"
    page = response.text
    assert "This night was changed somewhere else" in page
    assert "It differs from the saved night in: Stretching (minutes), Water (glasses)." in page
    assert 'name="water_glasses" value="9"' in page, "what B typed is kept"
    assert "Please fix the highlighted fields" not in page
    # Saving again from the conflict page is a deliberate choice: it goes through.
    again = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    assert again == night.updated_at.isoformat()
    with _at(3):
        data = night_post(episodes=[episode], initial_episodes=1, stretch_minutes=5)
        assert (
            alice_client.post(URL, data | {"water_glasses": "9", "seen": again}).status_code == 302
        )
    night.refresh_from_db()
    assert (night.stretch_minutes, night.water_glasses) == (5, 9)


def test_editing_a_cramp_removed_meanwhile_keeps_it_as_a_new_cramp(alice, alice_client, night):
    tab_a, tab_b = _seen(alice_client), _seen(alice_client)
    card = _existing(night)
    with _at(1):
        removed = night_post(episodes=[card | {"DELETE": "on"}], initial_episodes=1)
        assert alice_client.post(URL, removed | {"seen": tab_a}).status_code == 302
    assert not CrampEpisode.objects.exists()
    with _at(2):
        edited = night_post(episodes=[card | {"severity": 9}], initial_episodes=1)
        response = alice_client.post(URL, edited | {"seen": tab_b})
    assert response.status_code == 409
    assert "1 cramp on this page had been removed meanwhile: it is below as new" in response.text
    assert "Please fix the highlighted fields" not in response.text
    formset = response.context["formset"]
    assert formset.initial_form_count() == 0
    assert formset.forms[0]["severity"].value() == "9"
    again = re.search(r'name="seen" value="([^"]*)"', response.text).group(1)
    rebased = dict(formset.data.items()) | {"seen": again}
    with _at(3):
        assert alice_client.post(URL, rebased).status_code == 302
    assert list(night.episodes.values_list("severity", flat=True)) == [9]


def test_a_night_deleted_meanwhile_is_a_404_not_a_silent_new_night(alice_client, night):
    seen = _seen(alice_client)
    night.delete()
    response = alice_client.post(URL, night_post(stretch_minutes=20) | {"seen": seen})
    assert response.status_code == 404
    assert not Night.objects.exists()


def test_the_version_is_checked_again_where_the_night_is_written(alice, night):
    from django.http import QueryDict

    from journal.views.nights import _changed_since

    stale = QueryDict(mutable=True)
    stale["seen"] = night.updated_at.isoformat()
    assert not _changed_since(night.pk, stale)
    with _at(1):
        night.save()
    assert _changed_since(night.pk, stale)
    assert not _changed_since(night.pk, QueryDict()), "a page without the version"


def test_a_logged_night_stays_editable_after_moving_west(alice, alice_client):
    with time_machine.travel(dt.datetime(2026, 11, 23, 20, tzinfo=dt.UTC), tick=False):
        make_night(alice, "2026-11-23")
        alice.profile.time_zone = "America/Los_Angeles"  # 12:00 there: the evening is ahead
        alice.profile.save()
        url = "/nights/2026-11-23/"
        response = alice_client.post(url, night_post("2026-11-23", stretch_minutes=10))
        assert response.status_code == 302, response.text
        assert Night.objects.get(user=alice).stretch_minutes == 10
        # A night not logged yet is still refused on that date.
        moved = alice_client.post(url, night_post("2026-11-24"))
        assert "That night hasn’t happened yet" in moved.text


def test_a_cramp_removed_in_both_tabs_is_not_brought_back(alice, alice_client, night):
    tab_a, tab_b = _seen(alice_client), _seen(alice_client)
    card = _existing(night) | {"DELETE": "on"}
    with _at(1):
        removed = night_post(episodes=[card], initial_episodes=1)
        assert alice_client.post(URL, removed | {"seen": tab_a}).status_code == 302
    with _at(2):
        response = alice_client.post(URL, removed | {"seen": tab_b, "stretch_minutes": "9"})
    assert response.status_code == 409
    assert "removed meanwhile" not in response.text
    formset = response.context["formset"]
    assert not any(f["severity"].value() for f in formset.forms)


def test_a_forged_card_count_on_a_conflict_is_bounded(alice_client, night):
    seen = _seen(alice_client)
    with _at(1):
        night.save()
    data = night_post() | {"seen": seen, "episodes-TOTAL_FORMS": "1000000000"}
    assert alice_client.post(URL, data).status_code == 409
    assert alice_client.post(URL, data | {"episodes-TOTAL_FORMS": "lots"}).status_code == 409


def test_new_cards_keep_what_they_started_with_through_a_conflict(alice, alice_client, night):
    # Tab B's new cards started as a left calf, alice's only cramp, which tab A removes.
    tab_a, tab_b = _seen(alice_client), _seen(alice_client)
    card = _existing(night) | {"DELETE": "on"}
    with _at(1):
        removed = night_post(episodes=[card], initial_episodes=1)
        assert alice_client.post(URL, removed | {"seen": tab_a}).status_code == 302
    with _at(2):
        response = alice_client.post(URL, removed | {"seen": tab_b, "stretch_minutes": "9"})
    assert response.status_code == 409
    # The removed card is gone from the page, so the new cards move up one place each.
    formset = response.context["formset"]
    assert formset.total_form_count() == 3
    assert not any(f.has_changed() for f in formset.forms)
    again = re.search(r'name="seen" value="([^"]*)"', response.text).group(1)
    with _at(3):
        saved = alice_client.post(URL, dict(formset.data.items()) | {"seen": again})
    assert saved.status_code == 302
    night.refresh_from_db()
    assert night.stretch_minutes == 9
    assert not night.episodes.exists()
