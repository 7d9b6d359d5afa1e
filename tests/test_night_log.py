"""The morning log: /nights/new/."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from journal.models import CrampEpisode, Night
from tests.conftest import make_episode, make_night, make_user, night_post

URL = "/nights/new/"
# 08:00 on 24 November in London; last night is the 23rd.
MORNING = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db

CRAMP = {
    "at": "03:10",
    "muscle": "calf",
    "side": "left",
    "severity": "6",
    "duration_minutes": "2.5",
}


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/nights/new/")


def test_anonymous_posts_save_nothing(client):
    response = client.post(URL, night_post())
    assert response.status_code == 302
    assert not Night.objects.exists()


def test_it_defaults_to_last_night(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial["date"] == dt.date(2026, 11, 23)


def test_last_night_follows_the_persons_time_zone(db):
    # 08:00 UTC is already 19:00 on the 24th in Sydney: last night there is the 23rd...
    sydney = make_user("sydney", time_zone="Australia/Sydney")
    # ...but it is still 22:00 on the 23rd in Honolulu: last night there is the 22nd.
    honolulu = make_user("honolulu", time_zone="Pacific/Honolulu")
    client = Client()
    client.force_login(sydney)
    assert client.get(URL).context["form"].initial["date"] == dt.date(2026, 11, 23)
    client.force_login(honolulu)
    assert client.get(URL).context["form"].initial["date"] == dt.date(2026, 11, 22)


def test_it_prefills_habits_from_the_most_recent_night(alice, alice_client):
    make_night(alice, "2026-11-10", stretch_minutes=3)
    make_night(
        alice,
        "2026-11-21",
        stretch_minutes=12,
        stretch_calf_wall=True,
        water_glasses=7,
        caffeine_drinks=2,
        last_caffeine_at=dt.time(14, 0),
        sleep_quality=2,
        notes="private",
    )
    initial = alice_client.get(URL).context["form"].initial
    assert initial["stretch_minutes"] == 12
    assert initial["stretch_calf_wall"] is True
    assert initial["water_glasses"] == 7
    assert initial["last_caffeine_at"] == dt.time(14, 0)
    # Outcomes of that night are not habits: they are not carried over.
    assert "sleep_quality" not in initial
    assert "notes" not in initial


def test_an_earlier_night_is_not_filled_in_from_a_later_one(alice, alice_client):
    make_night(alice, "2026-11-21", stretch_minutes=12)
    initial = alice_client.get(URL + "?date=2026-11-15").context["form"].initial
    assert initial["stretch_minutes"] is None, "blank, not the later night's 12"


def test_it_logs_a_night_with_episodes_in_one_post(alice, alice_client):
    second = CRAMP | {"at": "05:00", "side": "right", "severity": "3", "woke_me": "on"}
    response = alice_client.post(URL, night_post("2026-11-23", episodes=[CRAMP, second]))
    assert response.status_code == 302
    assert response["Location"] == "/nights/"
    night = Night.objects.get(user=alice, date=dt.date(2026, 11, 23))
    assert night.stretch_minutes == 10
    assert night.last_caffeine_at == dt.time(9, 0)
    episodes = list(night.episodes.all())
    assert [(e.side, e.severity, e.duration_minutes, e.woke_me) for e in episodes] == [
        ("left", 6, Decimal("2.5"), False),
        ("right", 3, Decimal("2.5"), True),
    ]


def test_no_cramps_saves_a_cramp_free_night(alice, alice_client):
    data = night_post("2026-11-23") | {"no_cramps": "1"}
    assert alice_client.post(URL, data).status_code == 302
    night = Night.objects.get(user=alice)
    assert night.is_cramp_free


def test_no_cramps_with_a_filled_cramp_asks_rather_than_dropping_it(alice_client):
    data = night_post("2026-11-23", episodes=[CRAMP]) | {"no_cramps": "1"}
    response = alice_client.post(URL, data)
    assert response.status_code == 200
    assert "No cramps" in str(response.context["form"].non_field_errors())
    assert not Night.objects.exists()


def test_blank_counts_are_unknown_not_zero(alice, alice_client):
    data = night_post(
        "2026-11-23",
        stretch_minutes="",
        caffeine_drinks="",
        last_caffeine_at="",
        water_glasses="",
        alcohol_drinks="",
        relaxation_minutes="",
    )
    assert alice_client.post(URL, data).status_code == 302
    night = Night.objects.get(user=alice)
    counts = ("stretch_minutes", "caffeine_drinks", "water_glasses", "alcohol_drinks")
    assert [getattr(night, name) for name in (*counts, "relaxation_minutes")] == [None] * 5


def test_the_first_nights_one_press_save_records_nothing_as_measured(alice, alice_client):
    # The very first night has nothing to carry over: the untouched form says nothing.
    blank = dict.fromkeys(("stretch_minutes", "caffeine_drinks", "alcohol_drinks"), "")
    blank |= {"water_glasses": "", "relaxation_minutes": "", "no_cramps": "1"}
    assert alice_client.post(URL, night_post("2026-11-23", **blank)).status_code == 302
    data = Night.objects.get(user=alice).as_night_data()
    assert (data.stretch_minutes, data.caffeine_drinks, data.water_glasses) == (None, None, None)
    assert data.relaxed is None


def test_an_already_logged_date_leads_to_its_edit_page(alice, alice_client):
    make_night(alice, "2026-11-23")
    response = alice_client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == "/nights/2026-11-23/"
    assert "already logged" in response.content.decode()


def test_posting_an_already_logged_date_keeps_the_input_and_links_to_it(alice, alice_client):
    make_night(alice, "2026-11-20", stretch_minutes=1)
    response = alice_client.post(URL, night_post("2026-11-20", stretch_minutes="25"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/nights/2026-11-20/"' in html
    assert 'value="25"' in html  # nothing typed is lost
    assert Night.objects.get(user=alice).stretch_minutes == 1


def test_another_users_night_on_that_date_does_not_clash(bob, alice, alice_client):
    make_night(bob, "2026-11-23")
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert alice_client.post(URL, night_post("2026-11-23")).status_code == 302
    assert Night.objects.filter(date=dt.date(2026, 11, 23)).count() == 2


def test_back_filling_an_old_night_does_not_block_last_night(alice, alice_client):
    alice_client.post(URL, night_post("2026-11-02"))
    assert alice_client.get(URL).context["form"].initial["date"] == dt.date(2026, 11, 23)
    assert alice_client.post(URL, night_post("2026-11-23")).status_code == 302
    assert Night.objects.filter(user=alice).count() == 2


def test_a_date_can_be_chosen_in_the_address(alice_client):
    response = alice_client.get(URL + "?date=2026-11-02")
    assert response.context["form"].initial["date"] == dt.date(2026, 11, 2)
    # A date that isn't one falls back to last night rather than failing.
    response = alice_client.get(URL + "?date=2026-02-30")
    assert response.context["form"].initial["date"] == dt.date(2026, 11, 23)


def test_it_refuses_a_future_date(alice_client):
    response = alice_client.post(URL, night_post("2026-11-25"))
    assert response.status_code == 200
    assert "hasn’t happened yet" in str(response.context["form"].errors["date"])
    assert not Night.objects.exists()


def test_an_invalid_episode_saves_nothing_at_all(alice_client):
    bad = CRAMP | {"severity": "11"}
    response = alice_client.post(URL, night_post("2026-11-23", episodes=[CRAMP, bad]))
    assert response.status_code == 200
    assert response.context["formset"].errors[1]["severity"] == [
        "Severity must be between 0 and 10."
    ]
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()


def test_the_page_shows_errors_next_to_fields(alice_client):
    bad = CRAMP | {"severity": "11"}
    html = alice_client.post(URL, night_post("2026-11-23", episodes=[bad])).content.decode()
    assert "Nothing was saved yet" in html
    assert "is-invalid" in html
    assert "Severity must be between 0 and 10." in html


def test_more_than_three_episodes_can_be_posted(alice, alice_client):
    cramps = [CRAMP | {"severity": str(s)} for s in range(5)]
    assert alice_client.post(URL, night_post("2026-11-23", episodes=cramps)).status_code == 302
    assert CrampEpisode.objects.filter(night__user=alice).count() == 5


def test_an_untouched_card_is_ignored(alice, alice_client):
    alice_client.post(URL, night_post("2026-11-23", episodes=[CRAMP], extra=3))
    assert CrampEpisode.objects.count() == 1


def test_csrf_is_enforced(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(URL, night_post("2026-11-23"))
    assert response.status_code == 403
    assert not Night.objects.exists()


def test_the_night_belongs_to_the_person_not_to_the_form(alice, bob, alice_client):
    alice_client.post(URL, night_post("2026-11-23", user=str(bob.pk)))
    assert Night.objects.get().user == alice


def test_the_page_works_without_javascript_for_three_cramps(alice_client):
    html = alice_client.get(URL).content.decode()
    for i in range(3):
        assert f'name="episodes-{i}-severity"' in html
    assert 'name="episodes-TOTAL_FORMS" value="3"' in html


def test_the_first_nights_form_starts_with_its_counts_blank(alice, alice_client):
    html = alice_client.get(URL).text
    for name in ("stretch_minutes", "caffeine_drinks", "alcohol_drinks", "water_glasses"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "value=" not in field, field


def _checked(html: str, name: str) -> list[str]:
    """The values of the radio buttons named ``name`` the page shows chosen."""
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*\bchecked\b', html)


def test_a_cramps_severity_side_and_muscle_are_radio_groups(alice_client):
    html = alice_client.get(URL).text
    severity = re.findall(r'<input type="radio" name="episodes-0-severity" value="(\d+)"', html)
    assert severity == [str(n) for n in range(11)]
    sides = re.findall(r'<input type="radio" name="episodes-0-side" value="([^"]*)"', html)
    assert sides == ["left", "right", "both"], "no blank choice among the buttons"
    for name in ("severity", "side", "muscle"):
        assert re.search(rf'<fieldset [^>]*id="id_episodes-0-{name}"[^>]*>\s*<legend', html)
    # Before any cramp is logged: no side chosen for the person, a calf as the model says.
    assert _checked(html, "episodes-0-side") == []
    assert _checked(html, "episodes-0-muscle") == ["calf"]
    assert _checked(html, "episodes-0-severity") == []


def test_a_new_card_starts_with_the_muscle_and_side_of_the_last_cramp(alice, bob, alice_client):
    make_episode(make_night(alice, "2026-11-19"), muscle="calf", side="left")
    latest = make_night(alice, "2026-11-21")
    make_episode(latest, at=dt.time(4, 0), muscle="foot", side="both")  # its last
    make_episode(latest, at=dt.time(1, 0), muscle="shin", side="left")
    make_episode(make_night(bob, "2026-11-22"), muscle="hamstring", side="right")
    html = alice_client.get(URL).text
    for card in ("episodes-0", "episodes-2", "episodes-__prefix__"):
        assert _checked(html, f"{card}-muscle") == ["foot"], card
        assert _checked(html, f"{card}-side") == ["both"], card
        assert _checked(html, f"{card}-severity") == [], "how bad it was is never guessed"


def test_a_card_left_as_it_started_is_ignored_and_one_with_a_severity_is_saved(alice, alice_client):
    make_episode(make_night(alice, "2026-11-21"), muscle="foot", side="right")
    foot = {"muscle": "foot", "side": "right"}
    data = night_post("2026-11-23", episodes=[{"severity": "6"}], untouched=foot)
    assert alice_client.post(URL, data).status_code == 302
    episode = CrampEpisode.objects.get(night__date=dt.date(2026, 11, 23))
    assert (episode.muscle, episode.side, episode.severity) == ("foot", "right", 6)


def test_a_card_left_as_it_was_stays_empty_when_the_last_cramp_changed_meanwhile(
    alice, alice_client
):
    earlier = make_episode(make_night(alice, "2026-11-21"), muscle="calf", side="left")
    page = night_post("2026-11-23", untouched={"muscle": "calf", "side": "left"})
    earlier.side = "right"  # corrected in another tab before this page is saved
    earlier.save()
    response = alice_client.post(URL, page | {"no_cramps": "1"})
    assert response.status_code == 302
    assert Night.objects.get(user=alice, date=dt.date(2026, 11, 23)).is_cramp_free


def test_a_radio_group_with_an_error_says_why_next_to_it(alice_client):
    bad = CRAMP | {"side": ""}
    html = alice_client.post(URL, night_post("2026-11-23", episodes=[bad])).text
    group = re.search(r'<fieldset [^>]*id="id_episodes-0-side"[^>]*>', html).group(0)
    assert 'aria-describedby="id_episodes-0-side_error"' in group
    message = re.search(r'<div id="id_episodes-0-side_error"[^>]*>(.*?)</div>', html, re.S)
    assert "Choose which side." in message.group(1)
    radios = re.findall(r'<input type="radio" name="episodes-0-side"[^>]*>', html)
    assert len(radios) == 3
    assert all('aria-invalid="true"' in radio for radio in radios)


# A morning log saved offline carries a key made in the browser (static/js/offline.js).
KEY = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"


def test_a_night_sent_twice_with_its_key_is_saved_once(alice, alice_client):
    data = night_post("2026-11-23", episodes=[CRAMP, CRAMP | {"at": "04:20"}], idempotency_key=KEY)
    first = alice_client.post(URL, data)
    second = alice_client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/nights/"
    night = Night.objects.get(user=alice)
    assert night.episodes.count() == 2
    assert list(night.sent_keys.values_list("key", flat=True)) == [uuid.UUID(KEY)]
    # The repeat answers as the first did, not with "you already logged it".
    followed = alice_client.post(URL, data, follow=True)
    assert "Saved the night of Mon 23 Nov 2026." in followed.text
    assert Night.objects.count() == 1


def test_a_key_finds_only_the_persons_own_night(alice, bob, alice_client):
    bobs = make_night(bob, "2026-11-23")
    bobs.sent_keys.create(user=bob, key=KEY)
    response = alice_client.post(URL, night_post("2026-11-23", idempotency_key=KEY))
    assert response.status_code == 302
    assert Night.objects.filter(user=alice, date=dt.date(2026, 11, 23)).exists()
    assert alice.sent_keys.get().night.user == alice


def test_a_refused_night_with_a_key_saves_nothing_and_shows_the_form(alice_client):
    bad = CRAMP | {"side": ""}
    response = alice_client.post(URL, night_post("2026-11-23", episodes=[bad], idempotency_key=KEY))
    assert response.status_code == 200
    assert not Night.objects.exists()
    # The key goes back into the page, so fixing and saving there settles the outbox.
    assert f'name="idempotency_key" value="{KEY}"' in response.text
    fixed = night_post("2026-11-23", episodes=[CRAMP], idempotency_key=KEY)
    assert alice_client.post(URL, fixed).status_code == 302
    assert alice_client.post(URL, fixed).status_code == 302
    assert Night.objects.get().episodes.count() == 1


def test_a_night_logged_meanwhile_elsewhere_is_a_conflict_not_overwritten(alice, alice_client):
    elsewhere = make_night(alice, "2026-11-23", notes="from the tablet")
    data = night_post("2026-11-23", episodes=[CRAMP], notes="from the phone", idempotency_key=KEY)
    response = alice_client.post(URL, data)
    assert response.status_code == 409
    assert "This night was changed somewhere else" in response.text
    elsewhere.refresh_from_db()
    assert elsewhere.notes == "from the tablet"
    assert not elsewhere.episodes.exists()
    # Its Save goes to the saved night, with the key: keeping the phone's version there
    # answers the outbox's next try.
    assert 'action="/nights/2026-11-23/"' in response.text
    assert f'name="idempotency_key" value="{KEY}"' in response.text
    kept = response.context["form"].data.copy()
    assert alice_client.post("/nights/2026-11-23/", kept).status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.notes == "from the phone"
    assert alice_client.post(URL, data).status_code == 302
    assert Night.objects.count() == 1


def test_without_a_key_a_taken_date_is_still_a_form_error(alice, alice_client):
    make_night(alice, "2026-11-23")
    response = alice_client.post(URL, night_post("2026-11-23", idempotency_key="not-a-uuid"))
    assert response.status_code == 200
    assert "You already logged the night of 23 Nov 2026" in response.text


def test_the_morning_log_is_never_stored_but_its_offline_copy_may_be(alice, alice_client):
    assert "no-store" in alice_client.get(URL)["Cache-Control"]
    make_night(alice, "2026-11-23")
    shell = alice_client.get(URL + "?offline=1")
    # Kept for offline use even once last night is logged: the page fixes the date.
    assert shell.status_code == 200
    assert shell["Cache-Control"] == "private, no-cache"
    assert not shell.has_header("Expires")
    assert "data-offline-shell" in shell.text
    assert 'name="idempotency_key" value=""' in shell.text


def test_the_offline_copy_needs_a_sign_in(client):
    response = client.get(URL + "?offline=1")
    assert response.status_code == 302
    assert "no-cache" not in response.get("Cache-Control", "")
