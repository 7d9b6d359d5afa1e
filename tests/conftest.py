from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from journal.models import CrampEpisode, Experiment, Night, Profile
from tests.smtp import smtp_inbox, smtp_port, smtp_server  # noqa: F401 (fixtures)

PASSWORD = "correct-horse-battery"


def make_user(username: str, time_zone: str = "UTC") -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    Profile.objects.create(user=user, time_zone=time_zone)
    return user


def make_night(user: User, date: dt.date | str = "2026-11-20", **overrides) -> Night:
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    night = Night(user=user, date=date, **overrides)
    night.full_clean()
    night.save()
    return night


def make_episode(night: Night, **overrides) -> CrampEpisode:
    fields = {"muscle": "calf", "side": "left", "severity": 5, "duration_minutes": Decimal("1.5")}
    episode = CrampEpisode(night=night, **(fields | overrides))
    episode.full_clean()
    episode.save()
    return episode


def make_experiment(user: User, start: dt.date | str = "2026-11-02", **overrides) -> Experiment:
    """An experiment of 2-night blocks, 6 pairs (24 nights), with a fixed seed."""
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    fields = {"habit": "stretch", "block_nights": 2, "pairs": 6, "wash_in": 0, "seed": 20261102}
    experiment = Experiment(user=user, start=start, **(fields | overrides))
    experiment.full_clean()
    experiment.save()
    return experiment


@pytest.fixture
def alice(db) -> User:
    """The owner in view tests."""
    return make_user("alice")


@pytest.fixture
def bob(db) -> User:
    """The outsider in view tests."""
    return make_user("bob")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


# A usual night's values as text, the way a form or a CSV file carries them.
NIGHT_VALUES = {
    "bedtime": "22:30",
    "stretch_minutes": "10",
    "caffeine_drinks": "1",
    "last_caffeine_at": "09:00",
    "alcohol_drinks": "0",
    "last_alcohol_at": "",
    "water_glasses": "6",
    "relaxation_minutes": "0",
    "sleep_quality": "4",
    "notes": "",
}


def night_post(
    date: str = "2026-11-20",
    episodes: list[dict] | None = None,
    initial_episodes: int = 0,
    extra: int = 3,
    untouched: dict[str, str] | None = None,
    **habits,
) -> dict[str, str]:
    """POST data for the night form, as a browser would send it.

    ``untouched`` is what a card left as it was sends: the muscle and side a new card
    starts with, the person's last cramp's (a calf and no side before the first)."""
    data = {"date": date, **NIGHT_VALUES} | {k: str(v) for k, v in habits.items()}
    data = {k: v for k, v in data.items() if v is not None}
    episodes = episodes or []
    total = max(len(episodes), initial_episodes) + extra
    data |= {
        "episodes-TOTAL_FORMS": str(total),
        "episodes-INITIAL_FORMS": str(initial_episodes),
        "episodes-MIN_NUM_FORMS": "0",
        "episodes-MAX_NUM_FORMS": "30",
    }
    for i in range(total):
        for key, value in (untouched or {"muscle": "calf", "side": ""}).items():
            if value:  # a radio group with nothing chosen sends nothing
                data[f"episodes-{i}-{key}"] = value
            if i >= initial_episodes:  # a new card also sends what it started with
                data[f"initial-episodes-{i}-{key}"] = value
    for i, episode in enumerate(episodes):
        for key, value in episode.items():
            data[f"episodes-{i}-{key}"] = str(value)
    return data
