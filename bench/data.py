"""The benchmark's people and their journals, drawn by seed_demo's own generator.

- ``measured``: five years of evenings (``seed_demo --nights 1826``: about 1,580 logged
  nights, the rest unlogged as seed_demo leaves them), with last night not logged yet,
  so the morning log opens on an empty form as it does each morning.
- ``small``: the last 30 logged nights of such a journal, for the query counts.
- 200 other people with a year each, inserted night by night in date order together
  with the measured person's, as a server fills up over the years: one person's rows end
  up scattered through the tables, not in one block.
- ``big``: ten times the measured person's nights and episodes (their five years
  repeated further and further back, before the forms' 1990 floor, which only the forms
  enforce), for the export's memory check.

Every night comes from seed_demo.draw_nights with a fixed seed, so every run measures
the same data, and goes through seed_demo's own field checks (full_clean) on the way in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from journal.dates import last_night
from journal.management.commands.seed_demo import DrawnNight, draw_nights, insert_draws
from journal.models import Profile

MEASURED = "measured"
SMALL = "small"
BIG = "big"
OTHER = "other-{:03d}"
UTC = dt.UTC


@dataclass(frozen=True)
class Sizes:
    """How much data to build: the real benchmark, or a smoke run's handful."""

    evenings: int = 5 * 365 + 1  # the measured person's five years
    small_nights: int = 30
    others: int = 200
    other_evenings: int = 365
    big_factor: int = 10
    import_years: tuple[int, ...] = (1, 5, 20)  # journals imported into an empty account


SMOKE = Sizes(
    evenings=70, small_nights=10, others=3, other_evenings=21, big_factor=3, import_years=(1,)
)


def _dates(end: dt.date, count: int) -> list[dt.date]:
    return [end - dt.timedelta(days=n) for n in reversed(range(count))]


def person(username: str) -> User:
    # No password: the benchmark signs in with a session, never with the login form.
    user = User.objects.create(username=username, password="!")
    Profile.objects.create(user=user, time_zone="UTC", display_name=username.title())
    return user


def measured_draws(sizes: Sizes) -> list[DrawnNight]:
    """The measured person's journal, ending the night before last (last night unlogged)."""
    end = last_night(UTC)
    return draw_nights(random.Random(1), _dates(end, sizes.evenings))[:-1]


def build_alone(sizes: Sizes) -> None:
    """The measured person on their own, for the "200 other people" comparison."""
    with transaction.atomic():
        user = person(MEASURED)
        insert_draws([(user, draw) for draw in measured_draws(sizes)])


def build_full(sizes: Sizes) -> dict[str, int]:
    """Everyone, inserted night by night in date order; returns rows per person."""
    end = last_night(UTC)
    mine = measured_draws(sizes)
    with transaction.atomic():
        measured = person(MEASURED)
        journals: list[tuple[User, list[DrawnNight]]] = [(measured, mine)]
        for i in range(1, sizes.others + 1):
            draws = draw_nights(random.Random(1000 + i), _dates(end, sizes.other_evenings))
            journals.append((person(OTHER.format(i)), draws))
        small = draw_nights(random.Random(2), _dates(end, sizes.small_nights * 2))
        journals.append((person(SMALL), small[:-1][-sizes.small_nights :]))
        rows = sorted(
            ((user, draw) for user, draws in journals for draw in draws),
            key=lambda pair: (pair[1].date, pair[0].pk),
        )
        insert_draws(rows)
        insert_draws(_repeated(person(BIG), mine, sizes))
    return {
        MEASURED: len(mine),
        SMALL: len(journals[-1][1]),
        BIG: len(mine) * sizes.big_factor,
    }


def _repeated(user: User, draws: list[DrawnNight], sizes: Sizes) -> Iterable[tuple]:
    """The journal big_factor times, each copy a whole span earlier than the one after it."""
    span = dt.timedelta(days=sizes.evenings)
    for copy in reversed(range(sizes.big_factor)):
        for draw in draws:
            yield user, DrawnNight(draw.date - copy * span, draw.night, draw.episodes)


def import_files(years: int) -> tuple[str, str]:
    """A journal of ``years`` years as the export writes it: (nights file, cramps file).

    Every evening is logged (365 nights a year, ending the night before last), with about
    two cramps a night (each night's drawn cramps and its next one's, and every third night
    the one after too): the 20-year journal has 7,300 nights and some 15,000 cramps, the
    size the import is measured at.
    """
    from journal import csvio
    from journal.forms import MAX_EPISODES

    count = 365 * years
    end = last_night(UTC) - dt.timedelta(days=1)
    draws = draw_nights(random.Random(years), _dates(end, round(count * 1.25)))[-count:]
    dates = _dates(end, count)
    nights, episodes = [], []
    for i, (date, draw) in enumerate(zip(dates, draws, strict=True)):
        cramps = draw.episodes + draws[(i + 1) % count].episodes
        if i % 3 == 0:
            cramps += draws[(i + 2) % count].episodes
        cramps = cramps[:MAX_EPISODES]
        severities = [c["severity"] for c in cramps]
        minutes = [c["duration_minutes"] for c in cramps if c["duration_minutes"] is not None]
        nights.append(
            {"date": date, **draw.night, "experiment_done": None}
            | {
                "cramp_count": len(cramps),
                "worst_severity": max(severities, default=None),
                "cramp_minutes": sum(minutes) if len(minutes) == len(cramps) else None,
            }
        )
        episodes += [{"night_date": date, **cramp} for cramp in cramps]
    return (
        "".join(csvio.write_csv(csvio.night_rows(nights))),
        "".join(csvio.write_csv(csvio.episode_rows(episodes))),
    )
