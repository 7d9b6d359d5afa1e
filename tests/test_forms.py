"""Form validation: each kind of bad input gets its own message, and nothing is saved."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db.models import CheckConstraint

from journal.forms import EpisodeForm, NightForm
from journal.models import CrampEpisode, Night
from tests.conftest import night_post

pytestmark = pytest.mark.django_db
UTC = zoneinfo.ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


def _night_errors(alice, **fields) -> dict[str, list[str]]:
    form = NightForm(night_post(**({"date": "2026-11-20"} | fields)), user=alice, tz=UTC)
    assert not form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "", "This field is required."),
        ("date", "20/11/2026", "Enter the date as YYYY-MM-DD."),
        (
            "date",
            "2026-11-25",
            "That night hasn’t happened yet: a night can be logged from 18:00 on its evening.",
        ),
        ("date", "1989-12-31", "Choose a date from 1990 onwards."),
        ("bedtime", "25:00", "Enter bedtime as a time such as 22:30."),
        ("stretch_minutes", "601", "Stretching must be between 0 and 600 minutes."),
        ("stretch_minutes", "-5", "Stretching must be between 0 and 600 minutes."),
        ("stretch_minutes", "ten", "Enter a whole number."),
        ("relaxation_minutes", "601", "Relaxation must be between 0 and 600 minutes."),
        ("caffeine_drinks", "31", "Caffeinated drinks must be between 0 and 30 drinks."),
        ("last_caffeine_at", "noon", "Enter a time such as 15:00."),
        ("alcohol_drinks", "31", "Alcohol must be between 0 and 30 standard drinks."),
        ("last_alcohol_at", "9pm", "Enter a time such as 20:00."),
        ("water_glasses", "41", "Water must be between 0 and 40 glasses."),
        ("sleep_quality", "6", "Select a valid choice. 6 is not one of the available choices."),
    ],
)
def test_each_bad_night_field_gets_its_own_message(alice, field, value, message):
    # A time for the last drink only counts when there was a drink.
    errors = _night_errors(alice, **({"alcohol_drinks": "1"} | {field: value}))
    assert errors == {field: [message]}
    assert not Night.objects.exists()


def test_notes_have_a_length_limit(alice):
    errors = _night_errors(alice, notes="x" * 2001)
    assert list(errors) == ["notes"]


def test_tonight_can_be_logged_once_its_evening_has_begun(alice):
    # 08:00 in UTC: tonight (the 24th) has not begun; last night (the 23rd) is fine.
    assert NightForm(night_post("2026-11-23"), user=alice, tz=UTC).is_valid()
    assert not NightForm(night_post("2026-11-24"), user=alice, tz=UTC).is_valid()
    # 19:00 in Sydney: the evening of the 24th has begun there, the 25th has not.
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    assert NightForm(night_post("2026-11-24"), user=alice, tz=sydney).is_valid()
    assert not NightForm(night_post("2026-11-25"), user=alice, tz=sydney).is_valid()


def test_a_time_for_a_drink_that_was_not_drunk_is_dropped(alice):
    form = NightForm(
        night_post("2026-11-20", caffeine_drinks="0", last_caffeine_at="15:00"),
        user=alice,
        tz=UTC,
    )
    assert form.is_valid()
    assert form.cleaned_data["last_caffeine_at"] is None


def test_a_drink_without_a_time_is_fine(alice):
    form = NightForm(
        night_post("2026-11-20", caffeine_drinks="2", last_caffeine_at=""), user=alice, tz=UTC
    )
    assert form.is_valid()


def test_half_drinks_are_allowed_but_not_finer(alice):
    assert NightForm(night_post(alcohol_drinks="1.5"), user=alice, tz=UTC).is_valid()
    assert "alcohol_drinks" in _night_errors(alice, alcohol_drinks="1.25")


EPISODE = {"muscle": "calf", "side": "left", "severity": "5", "duration_minutes": "1"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("severity", "", "Rate how bad it was, from 0 to 10."),
        ("severity", "11", "Severity must be between 0 and 10."),
        ("severity", "-1", "Severity must be between 0 and 10."),
        ("side", "", "Choose which side."),
        ("side", "middle", "Select a valid choice. middle is not one of the available choices."),
        ("muscle", "elbow", "Select a valid choice. elbow is not one of the available choices."),
        ("duration_minutes", "601", "Duration must be between 0 and 600 minutes."),
        ("duration_minutes", "0.25", "Use at most one decimal place (0.5 is half a minute)."),
        ("at", "3am", "Enter a time such as 03:15."),
    ],
)
def test_each_bad_episode_field_gets_its_own_message(field, value, message):
    form = EpisodeForm(EPISODE | {field: value})
    assert not form.is_valid()
    assert form.errors == {field: [message]}
    assert not CrampEpisode.objects.exists()


def test_half_a_minute_is_a_valid_duration():
    form = EpisodeForm(EPISODE | {"duration_minutes": "0.5"})
    assert form.is_valid(), form.errors


# Values that break each check constraint of the database; the forms skip Django's query
# per constraint (journal.forms._without_constraint_queries) because their fields refuse
# the same values. A new constraint fails the first test until it is listed here.
CONSTRAINT_BREAKERS = {
    "night_stretch_minutes_range": ("stretch_minutes", ["-1", "601"]),
    "night_caffeine_drinks_range": ("caffeine_drinks", ["-1", "31"]),
    "night_alcohol_drinks_range": ("alcohol_drinks", ["-0.5", "30.5"]),
    "night_water_glasses_range": ("water_glasses", ["-1", "41"]),
    "night_relaxation_minutes_range": ("relaxation_minutes", ["-1", "601"]),
    "night_sleep_quality_range": ("sleep_quality", ["0", "6"]),
    "crampepisode_severity_range": ("severity", ["-1", "11"]),
    "crampepisode_duration_minutes_range": ("duration_minutes", ["-0.5", "600.5"]),
    "crampepisode_muscle_valid": ("muscle", ["elbow"]),
    "crampepisode_side_valid": ("side", ["top"]),
}


def test_every_check_constraint_has_values_that_break_it_listed():
    constraints = {
        constraint.name
        for model in (Night, CrampEpisode)
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert constraints == set(CONSTRAINT_BREAKERS)


@pytest.mark.parametrize(
    ("constraint", "field", "value"),
    [
        (constraint, field, value)
        for constraint, (field, values) in CONSTRAINT_BREAKERS.items()
        for value in values
    ],
)
def test_the_forms_refuse_what_a_check_constraint_refuses(alice, constraint, field, value):
    if constraint.startswith("night_"):
        form = NightForm(night_post(**{field: value}), user=alice, tz=UTC)
    else:
        form = EpisodeForm(EPISODE | {field: value})
    assert not form.is_valid()
    assert field in form.errors


def test_saving_a_night_with_two_cramps_checks_no_constraint_with_a_query(
    alice, alice_client, django_assert_num_queries
):
    cramps = [{"side": "left", "severity": 6}, {"side": "right", "severity": 4}]
    # Session, user, profile, the date's clash check, the experiments (is the night one
    # of theirs?), the last cramp (what a new card starts with), then the transaction:
    # begin, the night, its two cramps, commit.
    with django_assert_num_queries(11):
        response = alice_client.post("/nights/new/", night_post(episodes=cramps))
    assert response.status_code == 302
    assert CrampEpisode.objects.filter(night__user=alice).count() == 2
