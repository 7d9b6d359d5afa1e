from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from journal.models import CrampEpisode, Night
from tests.conftest import make_episode, make_night, make_user

pytestmark = pytest.mark.django_db


def _insert_night(user, **fields) -> None:
    """Write straight to the database, past the model's validators."""
    with transaction.atomic():
        Night.objects.create(user=user, date=dt.date(2026, 11, 1), **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"stretch_minutes": 601},
        {"caffeine_drinks": 31},
        {"alcohol_drinks": Decimal("30.5")},
        {"water_glasses": 41},
        {"relaxation_minutes": 601},
        {"sleep_quality": 6},
        {"sleep_quality": 0},
    ],
)
def test_the_database_refuses_out_of_range_habits(alice, fields):
    with pytest.raises(IntegrityError):
        _insert_night(alice, **fields)
    assert not Night.objects.exists()


def test_the_database_accepts_the_edges_of_each_range(alice):
    _insert_night(
        alice,
        stretch_minutes=600,
        caffeine_drinks=30,
        alcohol_drinks=Decimal(30),
        water_glasses=40,
        relaxation_minutes=600,
        sleep_quality=5,
    )
    assert Night.objects.count() == 1


def test_the_database_allows_one_night_per_person_per_date(alice, bob):
    make_night(alice, "2026-11-01")
    make_night(bob, "2026-11-01")  # another person's same date is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Night.objects.create(user=alice, date=dt.date(2026, 11, 1))


@pytest.mark.parametrize(
    "fields",
    [
        {"severity": 11},
        {"duration_minutes": Decimal("600.5")},
        {"muscle": "elbow"},
        {"side": "front"},  # fits the 5-character column: the check must refuse it
    ],
)
def test_the_database_refuses_impossible_episodes(alice, fields):
    night = make_night(alice)
    values = {"muscle": "calf", "side": "left", "severity": 5} | fields
    with pytest.raises(IntegrityError), transaction.atomic():
        CrampEpisode.objects.create(night=night, **values)


def test_model_validation_names_the_out_of_range_field(alice):
    night = Night(user=alice, date=dt.date(2026, 11, 1), water_glasses=41)
    with pytest.raises(ValidationError) as info:
        night.full_clean()
    assert set(info.value.message_dict) == {"water_glasses"}


def test_a_logged_night_without_episodes_is_cramp_free(alice):
    night = make_night(alice)
    assert night.cramp_count == 0
    assert night.is_cramp_free


def test_a_night_counts_its_episodes(alice):
    night = make_night(alice)
    make_episode(night, severity=3)
    make_episode(night, severity=8, side="both")
    assert night.cramp_count == 2
    assert not night.is_cramp_free


def test_the_summary_annotation_matches_the_episodes(alice):
    quiet = make_night(alice, "2026-11-01")
    crampy = make_night(alice, "2026-11-02")
    make_episode(crampy, severity=3)
    make_episode(crampy, severity=8)
    rows = {n.date: n for n in Night.objects.for_user(alice).with_cramp_summary()}
    assert (rows[quiet.date].n_cramps, rows[quiet.date].worst_cramp) == (0, None)
    assert (rows[crampy.date].n_cramps, rows[crampy.date].worst_cramp) == (2, 8)
    assert rows[crampy.date].cramp_count == 2


def test_stats_data_sums_up_each_nights_own_episodes_in_date_order(
    alice, bob, django_assert_num_queries
):
    crampy = make_night(alice, "2026-11-03", stretch_minutes=10, stretch_hamstring=True)
    make_episode(crampy, severity=3, duration_minutes=Decimal("2.5"), woke_me=True)
    make_episode(crampy, severity=8, duration_minutes=None)
    make_night(alice, "2026-11-01", relax_breathing=True)
    outside = make_night(alice, "2026-11-05")
    make_episode(outside, severity=9)
    theirs = make_night(bob, "2026-11-03")
    make_episode(theirs, severity=10, duration_minutes=Decimal("30"), woke_me=True)

    with django_assert_num_queries(2):
        quiet, night = (
            Night.objects.for_user(alice)
            .between(dt.date(2026, 11, 1), dt.date(2026, 11, 4))
            .stats_data()
        )

    assert (quiet.date, night.date) == (dt.date(2026, 11, 1), dt.date(2026, 11, 3))
    assert (quiet.cramps, quiet.severity_sum, quiet.severity_sq_sum, quiet.woke) == (0, 0, 0, 0)
    assert (quiet.worst_severity, quiet.longest_minutes, quiet.relaxed) == (None, None, True)
    assert (night.cramps, night.severity_sum, night.severity_sq_sum) == (2, 11, 73)
    assert (night.worst_severity, night.longest_minutes, night.woke) == (8, 2.5, 1)
    assert night.stretches == {"stretch_hamstring"}
    assert night.stretch_minutes == 10


def test_between_and_for_user_filter_by_owner_and_inclusive_dates(alice, bob):
    for day in ("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"):
        make_night(alice, day)
    make_night(bob, "2026-11-02")
    dates = Night.objects.for_user(alice).between(dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert sorted(n.date.day for n in dates) == [2, 3]
    assert Night.objects.for_user(alice).between(None, dt.date(2026, 11, 1)).count() == 1


def test_deleting_a_night_deletes_its_episodes(alice):
    night = make_night(alice)
    make_episode(night)
    night.delete()
    assert not CrampEpisode.objects.exists()


def test_deleting_a_user_deletes_their_nights(db):
    carol = make_user("carol")
    make_episode(make_night(carol))
    carol.delete()
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()


def test_the_data_version_moves_when_episodes_change_without_saving_the_night(alice):
    night = make_night(alice)
    versions = [Night.objects.for_user(alice).data_version()]
    episode = make_episode(night)
    versions.append(Night.objects.for_user(alice).data_version())
    episode.delete()
    make_episode(night)  # same count as before the delete, new episode
    versions.append(Night.objects.for_user(alice).data_version())
    assert len(set(versions)) == 3


def test_a_nights_cramps_come_in_time_order_with_unknown_times_last(alice):
    # As in the CSV export, and the same on SQLite (NULLs first) and PostgreSQL (last).
    night = make_night(alice)
    untimed = make_episode(night, at=None)
    late = make_episode(night, at=dt.time(4, 40))
    early = make_episode(night, at=dt.time(2, 10))
    also_untimed = make_episode(night, at=None)

    assert list(night.episodes.all()) == [early, late, untimed, also_untimed]
