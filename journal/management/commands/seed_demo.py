"""Create or refresh a demo account with a few months of realistic nights.

    python manage.py seed_demo [--username demo] [--password ...] [--nights 240] [--seed 1]

The nights come from a made-up person whose habits drift from week to week and whose
cramps are drawn from `cramp_rate`: fewer after stretching, more after late caffeine or
alcohol, so the reports have a real effect to find. The demo's person (DEMO) responds
strongly to stretching; the benchmark and the tests draw a typical one (TYPICAL). Every
random choice comes from one
`random.Random(seed)`: the same seed on the same day gives the same data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from journal import stats
from journal.dates import last_night
from journal.models import RELAXATIONS, STRETCHES, CrampEpisode, Muscle, Night, Profile, Side

DEFAULT_PASSWORD = "nightleg-demo"


@dataclass(frozen=True)
class Rule:
    """What the made-up cramps are drawn from: see cramp_rate."""

    base_rate: float = 1.0  # cramps expected on a night with none of the factors below
    stretching: float = 0.55  # times this after at least 5 minutes of stretching
    late_caffeine: float = 1.5  # times this when the last caffeine was within 6 hours of bed
    late_alcohol: float = 1.6  # and this when the last alcohol was within 3 hours of it
    # Habits stick: the chance of stretching after a night with it, and after one without.
    stretching_kept: float = 0.8
    stretching_taken_up: float = 0.33


TYPICAL = Rule()
# The demo's person: about 2.5 cramps on a night without stretching, a third as many with
# it. Strong enough that their diary shows what the reports are for: drawn with 50 seeds,
# 12 weeks of it say "fewer cramps" for stretching in 43 and its 8 months in all 50
# (TYPICAL's 120 nights: 2 and 3 of 20), with the same person's sticky habits.
DEMO = Rule(base_rate=2.5, stretching=0.35)
DEFAULT_NIGHTS = 240
STRETCHING_MINUTES = 5
LATE_CAFFEINE_HOURS = stats.CAFFEINE_WINDOW_HOURS
LATE_ALCOHOL_HOURS = stats.ALCOHOL_WINDOW_HOURS

MISSING_SHARE = 0.135  # of nights left unlogged
HOLIDAY_EVERY = 50  # nights, on average, between 3-5 night gaps in the journal

# Clock times below are minutes after midnight on the evening's date, so 01:30 the next
# morning is 25 * 60 + 30.
_HOUR = 60
_DAY = 24 * _HOUR
_ALARM = _DAY + 6 * _HOUR + 30

# How often each stretch and relaxation is chosen, in the models' order: calf first.
# zip(strict=True) fails loudly if the models' lists change.
_STRETCH_WEIGHTS = dict(zip((name for name, _ in STRETCHES), (5, 3, 2, 1, 1, 0.5), strict=True))
_RELAX_WEIGHTS = dict(zip((name for name, _ in RELAXATIONS), (4, 2, 1), strict=True))
_MUSCLE_WEIGHTS = {
    Muscle.CALF: 70,
    Muscle.FOOT: 12,
    Muscle.HAMSTRING: 8,
    Muscle.SHIN: 5,
    Muscle.QUADRICEPS: 5,
}
_SIDE_WEIGHTS = {Side.LEFT: 42, Side.RIGHT: 40, Side.BOTH: 18}

# A note a spreadsheet would read as a formula, so CSV exports always get tried on one.
_FORMULA_LIKE_NOTE = "-felt stiff after long walk"
_NOTES = (
    _FORMULA_LIKE_NOTE,
    "Long day on my feet at work.",
    "Hot evening, didn't drink much water.",
    "Swam 20 lengths after work.",
    "Tried magnesium spray on my calves.",
    "Slept at my sister's, different bed.",
    "Forgot to stretch, went straight to bed.",
    "Heavy legs after the gym.",
)
_CRAMPY_NOTES = (
    "Calf cramp woke me twice, walked it off.",
    "Had to stand on the cold floor before it let go.",
    "- left calf still sore this morning",
    "Toes curled up with the foot cramp, horrible.",
)
_QUIET_NOTES = (
    "=) slept right through",
    "Quiet day, early night.",
    "Stretched properly before bed for once.",
)
_LEADING_SIGNS = ("-", "=")


def cramp_rate(
    *,
    stretch_minutes: int,
    bedtime: dt.time | None,
    last_caffeine_at: dt.time | None,
    last_alcohol_at: dt.time | None,
    rule: Rule = TYPICAL,
) -> float:
    """The expected number of cramps in a night: the rule the demo nights are drawn from.

    ``rule.base_rate`` a night, times ``rule.stretching`` after at least 5 minutes of
    stretching, times ``rule.late_caffeine`` when the last caffeine was within 6 hours of
    bedtime and ``rule.late_alcohol`` when the last alcohol was within 3 hours of it; the
    factors multiply. "Within" is the reports' own rule (journal.stats.is_late), so the
    demo plants exactly the effect they measure. Without a bedtime no drink counts as late.
    """
    rate = rule.base_rate
    if stretch_minutes >= STRETCHING_MINUTES:
        rate *= rule.stretching
    # A drink time is only given when there was a drink.
    if stats.is_late(last_caffeine_at is not None, last_caffeine_at, bedtime, LATE_CAFFEINE_HOURS):
        rate *= rule.late_caffeine
    if stats.is_late(last_alcohol_at is not None, last_alcohol_at, bedtime, LATE_ALCOHOL_HOURS):
        rate *= rule.late_alcohol
    return rate


def _clock(minutes: int) -> dt.time:
    minutes %= _DAY
    return dt.time(minutes // _HOUR, minutes % _HOUR)


def _to_five(minutes: float) -> int:
    return 5 * round(minutes / 5)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: count uniform draws until their running product drops below e^-rate."""
    limit = math.exp(-rate)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _pick(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """k different keys of weights, each draw weighted among those left."""
    left = dict(weights)
    picked = []
    for _ in range(k):
        name = rng.choices(list(left), weights=list(left.values()))[0]
        picked.append(name)
        del left[name]
    return picked


def _missing_dates(rng: random.Random, dates: list[dt.date]) -> set[dt.date]:
    """About MISSING_SHARE of the dates: a 3-5 night holiday now and then, the rest scattered.

    The first and last nights are always logged, so the journal spans the range asked for.
    """
    target = round(MISSING_SHARE * len(dates))
    missing: set[dt.date] = set()
    for _ in range(round(len(dates) / HOLIDAY_EVERY)):
        length = rng.randint(3, 5)
        if len(missing) + length > target:
            break
        for _attempt in range(20):
            start = rng.randrange(1, len(dates) - length)
            # A logged night either side keeps two holidays from running together.
            if missing.isdisjoint(dates[start - 1 : start + length + 1]):
                missing.update(dates[start : start + length])
                break
    others = [date for date in dates[1:-1] if date not in missing]
    missing.update(rng.sample(others, max(0, target - len(missing))))
    return missing


@dataclass
class _Person:
    """What carries over from one evening to the next."""

    stretching: bool = True
    busy: bool = False  # a run of long days: more coffee, later nights, less stretching
    crampy: bool = False  # last night was a bad one


@dataclass
class DrawnNight:
    """One logged night: field values for a Night and for each of its CrampEpisodes."""

    date: dt.date
    night: dict
    episodes: list[dict]


def draw_nights(rng: random.Random, dates: list[dt.date], rule: Rule = TYPICAL) -> list[DrawnNight]:
    """The logged nights among dates, oldest first, as field values for Night and CrampEpisode."""
    missing = _missing_dates(rng, dates)
    person = _Person()
    draws = []
    for date in dates:
        # Unlogged evenings still happen: habits carry on through them.
        night, episodes = _evening(rng, date, person, rule)
        if date not in missing:
            draws.append(DrawnNight(date, night, episodes))
    if draws and not any(d.night["notes"].startswith(_LEADING_SIGNS) for d in draws):
        rng.choice(draws).night["notes"] = _FORMULA_LIKE_NOTE
    return draws


def _evening(
    rng: random.Random, date: dt.date, person: _Person, rule: Rule
) -> tuple[dict, list[dict]]:
    weekend = date.weekday() in (4, 5)  # Friday and Saturday evenings
    person.busy = rng.random() < (0.85 if person.busy else 0.05)
    bedtime = _bedtime(rng, weekend, person.busy)
    night = {
        # Now and then the bedtime field is skipped; the evening still had one.
        "bedtime": None if rng.random() < 0.05 else _clock(bedtime),
        **_stretching(rng, person, rule),
        **_caffeine(rng, person.busy),
        **_alcohol(rng, weekend, bedtime),
        "water_glasses": _clamp(round(rng.gauss(6, 1.8)), 2, 10),
        "electrolytes": rng.random() < (0.35 if person.crampy else 0.17),
        **_relaxation(rng),
    }
    rate = cramp_rate(
        stretch_minutes=night["stretch_minutes"],
        bedtime=_clock(bedtime),
        last_caffeine_at=night["last_caffeine_at"],
        last_alcohol_at=night["last_alcohol_at"],
        rule=rule,
    )
    episodes = _episodes(rng, bedtime, _poisson(rng, rate))
    night["sleep_quality"] = _clamp(round(rng.gauss(4.3 - 0.8 * len(episodes), 0.7)), 1, 5)
    night["notes"] = _note(rng, len(episodes))
    person.crampy = len(episodes) >= 2
    return night, episodes


def _bedtime(rng: random.Random, weekend: bool, busy: bool) -> int:
    usual = 22 * _HOUR + 45 + (25 if weekend else 0) + (15 if busy else 0)
    return _clamp(_to_five(rng.gauss(usual, 20)), 22 * _HOUR, 23 * _HOUR + 45)


def _stretching(rng: random.Random, person: _Person, rule: Rule) -> dict:
    chance = rule.stretching_kept if person.stretching else rule.stretching_taken_up
    if person.crampy:
        chance += 0.15  # a bad night is a reminder
    if person.busy:
        chance -= 0.15
    person.stretching = rng.random() < chance
    done = dict.fromkeys(_STRETCH_WEIGHTS, False)
    if person.stretching:
        minutes = rng.randint(5, 15)
        done.update(dict.fromkeys(_pick(rng, _STRETCH_WEIGHTS, rng.randint(1, 3)), True))
    elif rng.random() < 0.2:
        minutes = 2  # a token stretch while the kettle boils
        done["stretch_calf_wall"] = True
    else:
        minutes = 0
    return {"stretch_minutes": minutes, **done}


def _caffeine(rng: random.Random, busy: bool) -> dict:
    weights = (1, 3, 5, 4, 3) if busy else (4, 6, 6, 3, 1.5)
    drinks = rng.choices(range(5), weights=weights)[0]
    if drinks == 0:
        return {"caffeine_drinks": 0, "last_caffeine_at": None}
    if rng.random() < (0.4 if busy else 0.2):
        last = rng.randint(16 * _HOUR + 30, 20 * _HOUR)  # an afternoon or evening cup
    else:
        earliest = 7 * _HOUR + (drinks - 1) * 150  # more cups, spread through the day
        last = rng.randint(earliest, earliest + 3 * _HOUR)
    return {"caffeine_drinks": drinks, "last_caffeine_at": _clock(_to_five(last))}


def _alcohol(rng: random.Random, weekend: bool, bedtime: int) -> dict:
    if rng.random() >= (0.55 if weekend else 0.15):
        return {"alcohol_drinks": Decimal(0), "last_alcohol_at": None}
    halves = rng.randint(2, 6) if weekend else rng.randint(1, 3)
    latest = min(23 * _HOUR + 30, bedtime - 15)
    last = _to_five(rng.randint(18 * _HOUR, latest))
    return {"alcohol_drinks": Decimal(halves) / 2, "last_alcohol_at": _clock(last)}


def _relaxation(rng: random.Random) -> dict:
    done = dict.fromkeys(_RELAX_WEIGHTS, False)
    if rng.random() >= 0.3:
        return {"relaxation_minutes": 0, **done}
    done.update(dict.fromkeys(_pick(rng, _RELAX_WEIGHTS, rng.choice((1, 1, 2))), True))
    return {"relaxation_minutes": rng.choice((5, 10, 10, 15, 20)), **done}


def _episodes(rng: random.Random, bedtime: int, count: int) -> list[dict]:
    # Most cramps come in the small hours, after the legs have been still a while.
    times = sorted(_to_five(rng.triangular(bedtime + 20, _ALARM, 27 * _HOUR)) for _ in range(count))
    episodes = []
    for minutes in times:
        duration = min(8.0, max(0.5, rng.lognormvariate(math.log(1.5), 0.7)))
        severity = _clamp(round(rng.gauss(4.4 + 0.35 * duration, 1.5)), 2, 9)
        episodes.append(
            {
                "at": _clock(minutes),
                "muscle": rng.choices(list(_MUSCLE_WEIGHTS), list(_MUSCLE_WEIGHTS.values()))[0],
                "side": rng.choices(list(_SIDE_WEIGHTS), list(_SIDE_WEIGHTS.values()))[0],
                "severity": severity,
                "duration_minutes": Decimal(f"{duration:.1f}"),
                "woke_me": rng.random() < 0.6 + 0.05 * severity,
            }
        )
    return episodes


def _note(rng: random.Random, cramps: int) -> str:
    if rng.random() >= 0.12:
        return ""
    if cramps == 0:
        return rng.choice(_NOTES + _QUIET_NOTES)
    if cramps >= 2:
        return rng.choice(_NOTES + _CRAMPY_NOTES)
    return rng.choice(_NOTES)


class Command(BaseCommand):
    help = "Create or refresh a demo account with realistic nights, for local use only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--nights",
            type=int,
            default=DEFAULT_NIGHTS,
            help="How many evenings, ending last night.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed on the same day gives the same data."
        )

    def handle(
        self, *args, username: str, password: str, nights: int, seed: int, **options
    ) -> None:
        if nights < 1:
            raise CommandError("--nights must be at least 1.")
        with transaction.atomic():
            user = _demo_user(username, password)
            profile, _ = Profile.objects.get_or_create(user=user)
            if not profile.display_name:
                profile.display_name = "Demo"
                profile.save(update_fields=["display_name"])
            end = last_night(profile.tzinfo)
            dates = [end - dt.timedelta(days=n) for n in reversed(range(nights))]
            draws = draw_nights(random.Random(seed), dates, DEMO)
            user.nights.all().delete()  # episodes go with them
            episodes = _save(user, draws)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(draws)} nights logged, {nights - len(draws)} missing, "
                f"{episodes} cramp episodes, {dates[0]} to {dates[-1]}."
            )
        )
        self.stdout.write(
            f"Log in as {username} / {password} - for local use only, never on a public server."
        )


def _demo_user(username: str, password: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _save(user, draws: list[DrawnNight]) -> int:
    return insert_draws((user, draw) for draw in draws)


def insert_draws(rows: Iterable[tuple[object, DrawnNight]], *, validate: bool = True) -> int:
    """Bulk-insert (person, night) pairs in the order given, then the nights' episodes.

    Returns the episode count. Many people's nights can go in one call, which is how the
    benchmark fills a server quickly. With ``validate`` each row's fields are checked first.
    """
    # Field validation runs in Python; the database constraints (uniqueness, ranges) are
    # left to the database, which checks them on insert anyway: checking them here too
    # would cost a query per constraint per row.
    rows = list(rows)
    nights = [Night(user=user, date=draw.date, **draw.night) for user, draw in rows]
    if validate:
        for night in nights:
            night.full_clean(exclude=["user"], validate_constraints=False)
    Night.objects.bulk_create(nights)
    episodes = [
        CrampEpisode(night=night, **fields)
        for night, (_user, draw) in zip(nights, rows, strict=True)
        for fields in draw.episodes
    ]
    if validate:
        for episode in episodes:
            episode.full_clean(exclude=["night"], validate_constraints=False)
    CrampEpisode.objects.bulk_create(episodes)
    return len(episodes)
