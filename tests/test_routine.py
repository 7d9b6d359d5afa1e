"""The stretch guide and its guided routine: /routine/, /routine/done/, /routine/drinks/."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
import time_machine

from journal.models import Evening, Night
from tests.conftest import make_night

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2026, 11, 24, 22, 15, tzinfo=dt.UTC)
NEXT_MORNING = dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)
TONIGHT = dt.date(2026, 11, 24)
RUN = "5f0c7c1e-8d5b-4c1e-9d6a-2b8f3e4a1c00"


@pytest.fixture(autouse=True)
def _evening():
    with time_machine.travel(EVENING, tick=False):
        yield


def _finished(client, *, run: str = RUN, seconds: int = 375, at: dt.datetime = EVENING, **extra):
    data = {
        "run": run,
        "seconds": str(seconds),
        "finished_at": at.isoformat().replace("+00:00", "Z"),
        "stretches": ["stretch_calf_wall", "stretch_calf_towel", "stretch_hamstring"],
    } | extra
    return client.post("/routine/done/", data)


def test_it_requires_login(client):
    assert client.get("/routine/")["Location"].startswith("/accounts/login/")
    assert _finished(client)["Location"].startswith("/accounts/login/")
    assert client.post("/routine/drinks/", {"caffeine_drinks": "1"}).status_code == 302
    assert not Evening.objects.exists()


def test_it_explains_the_five_stretches_and_the_nightly_target(alice_client):
    html = alice_client.get("/routine/").content.decode()
    for stretch in (
        "Calf stretch against a wall",
        "Towel calf stretch",
        "Hamstring stretch",
        "Quadriceps stretch",
        "Hip flexor stretch",
    ):
        assert stretch in html
    assert "5 to 10 minutes" in html
    assert "30 seconds" in html


def test_it_gives_the_script_the_stretches_with_their_pictures(alice_client):
    response = alice_client.get("/routine/")
    html = response.content.decode()
    start = html.index('<script id="routine-stretches" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert [s["field"] for s in data] == [
        "stretch_calf_wall",
        "stretch_calf_towel",
        "stretch_hamstring",
        "stretch_quadriceps",
        "stretch_hip_flexor",
    ]
    assert data[0]["image"].endswith("/img/stretches/calf-wall.svg")
    assert all(s["alt"] and s["how"] and s["short"] for s in data)
    # The written guide shows the same pictures, for a browser without the script.
    assert html.count('class="routine-thumb"') == 5
    assert 'src="/static/js/routine.js"' in html


def test_a_finished_routine_is_saved_as_tonights_stretching(alice, alice_client):
    response = _finished(alice_client)

    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-11-24",
        "summary": "7 minutes, calf at a wall, towel, hamstring",
    }
    evening = Evening.objects.get(user=alice)
    assert evening.date == TONIGHT
    assert (evening.stretch_seconds, evening.stretch_minutes) == (375, 7)
    assert evening.stretches_done == [
        "stretch_calf_wall",
        "stretch_calf_towel",
        "stretch_hamstring",
    ]
    assert evening.done_at == EVENING
    # Not a night: the night hasn't happened, and must not look logged (or cramp-free).
    assert not Night.objects.exists()
    assert alice_client.get("/")["Location"] == "/nights/new/"
    html = alice_client.get("/routine/").content.decode()
    assert "Saved for tonight: 7 minutes, calf at a wall, towel, hamstring." in html


def test_after_midnight_it_is_still_the_evening_before(alice, alice_client):
    late = dt.datetime(2026, 11, 25, 0, 40, tzinfo=dt.UTC)
    with time_machine.travel(late, tick=False):
        assert _finished(alice_client, at=late).json()["date"] == "2026-11-24"


def test_a_save_sent_the_next_morning_counts_for_the_evening_it_was_done(alice, alice_client):
    with time_machine.travel(NEXT_MORNING, tick=False):
        assert _finished(alice_client, at=EVENING).json()["date"] == "2026-11-24"


def test_the_evening_is_the_persons_own_time_zone(alice, alice_client):
    alice.profile.time_zone = "Pacific/Auckland"  # 22:15 UTC is 11:15 the next day there
    alice.profile.save()
    assert _finished(alice_client).json()["date"] == "2026-11-25"


def test_the_same_run_sent_twice_counts_once(alice, alice_client):
    _finished(alice_client)
    again = _finished(alice_client)

    assert again.json()["summary"] == "7 minutes, calf at a wall, towel, hamstring"
    assert Evening.objects.get(user=alice).stretch_seconds == 375


def test_a_second_routine_the_same_evening_adds_to_the_first(alice, alice_client):
    _finished(alice_client)
    second = _finished(
        alice_client,
        run=str(uuid.uuid4()),
        seconds=200,
        stretches=["stretch_hamstring", "stretch_hip_flexor"],
    )

    assert second.json()["summary"] == "10 minutes, calf at a wall, towel, hamstring, hip flexor"
    assert Evening.objects.count() == 1


def test_the_next_morning_log_opens_with_the_evenings_routine_and_drinks(alice, alice_client):
    # The night before would carry over other values: the evening's own go over them.
    make_night(
        alice,
        TONIGHT - dt.timedelta(days=1),
        stretch_minutes=20,
        stretch_quadriceps=True,
        stretch_other=True,
        caffeine_drinks=4,
        last_caffeine_at=dt.time(18),
        alcohol_drinks=Decimal(3),
        last_alcohol_at=dt.time(22),
        water_glasses=6,
    )
    _finished(alice_client)
    drinks = {
        "caffeine_drinks": "2",
        "last_caffeine_at": "15:00",
        "alcohol_drinks": "0",
        "last_alcohol_at": "21:00",
    }
    assert alice_client.post("/routine/drinks/", drinks)["Location"] == "/routine/"

    with time_machine.travel(NEXT_MORNING, tick=False):
        response = alice_client.get(f"/nights/new/?date={TONIGHT}")
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    assert values["date"] == TONIGHT
    assert values["stretch_minutes"] == 7
    done = [name for name in form.fields if name.startswith("stretch_") and values[name] is True]
    assert done == ["stretch_calf_wall", "stretch_calf_towel", "stretch_hamstring"]
    assert (values["caffeine_drinks"], values["last_caffeine_at"]) == (2, dt.time(15))
    # No alcohol, so no time of the last one (not the night before's 22:00).
    assert (values["alcohol_drinks"], values["last_alcohol_at"]) == (Decimal(0), None)
    assert values["water_glasses"] == 6  # still carried over
    assert 'id="from-evening"' in response.content.decode()


def test_drinks_not_answered_leave_the_carry_over(alice, alice_client):
    make_night(alice, TONIGHT - dt.timedelta(days=1), caffeine_drinks=4, stretch_minutes=20)
    alice_client.post("/routine/drinks/", {"alcohol_drinks": "1.5"})

    with time_machine.travel(NEXT_MORNING, tick=False):
        form = alice_client.get("/nights/new/").context["form"]
    assert form["caffeine_drinks"].value() == 4
    assert form["stretch_minutes"].value() == 20  # no routine tonight: as the night before
    assert form["alcohol_drinks"].value() == Decimal("1.5")


def test_an_outsider_neither_sees_nor_changes_it(alice, bob, alice_client, bob_client):
    _finished(alice_client)
    # The same run id from someone else is their own routine, not a repeat of Alice's.
    assert _finished(bob_client, seconds=61, stretches=["stretch_quadriceps"]).status_code == 200
    bob_client.post("/routine/drinks/", {"caffeine_drinks": "9"})

    mine = Evening.objects.get(user=alice)
    assert (mine.stretch_seconds, mine.caffeine_drinks) == (375, None)
    assert mine.stretches_done == ["stretch_calf_wall", "stretch_calf_towel", "stretch_hamstring"]
    assert Evening.objects.get(user=bob).stretches_done == ["stretch_quadriceps"]
    with time_machine.travel(NEXT_MORNING, tick=False):
        form = bob_client.get(f"/nights/new/?date={TONIGHT}").context["form"]
    assert form["stretch_minutes"].value() == 2
    assert not form["stretch_calf_wall"].value()
    html = bob_client.get("/routine/").content.decode()
    assert "Saved for tonight: 2 minutes, quadriceps." in html
    assert "Saved for tonight: 7 minutes" not in html


@pytest.mark.parametrize(
    "change",
    [
        {"run": "not-a-uuid"},
        {"run": ""},
        {"seconds": "0"},
        {"seconds": "36001"},
        {"seconds": "lots"},
        {"stretches": []},
        {"stretches": ["stretch_other"]},
        {"stretches": ["stretch_calf_wall", "nothing"]},
        {"finished_at": "yesterday"},
        {"finished_at": "2026-11-24T23:00:00Z"},  # 45 minutes from now
        {"finished_at": "2026-11-23T08:00:00Z"},  # over a day and a half ago
    ],
)
def test_it_refuses_a_bad_routine_and_saves_nothing(alice_client, change):
    response = _finished(alice_client, **change)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Evening.objects.exists()


def test_it_only_takes_posts(alice_client):
    assert alice_client.get("/routine/done/").status_code == 405
    assert alice_client.get("/routine/drinks/").status_code == 405


@pytest.mark.parametrize(
    "drinks",
    [{"caffeine_drinks": "31"}, {"alcohol_drinks": "0.25"}, {"last_caffeine_at": "teatime"}],
)
def test_it_refuses_bad_drinks_and_saves_nothing(alice, alice_client, drinks):
    _finished(alice_client)
    response = alice_client.post("/routine/drinks/", drinks)

    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    evening = Evening.objects.get(user=alice)
    assert (evening.caffeine_drinks, evening.alcohol_drinks, evening.last_caffeine_at) == (
        None,
        None,
        None,
    )
