from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import statistics

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from journal import stats
from journal.management.commands.seed_demo import DEFAULT_NIGHTS, DEMO, cramp_rate, draw_nights
from journal.models import CrampEpisode, Muscle, Night, Profile
from tests.conftest import PASSWORD, make_episode, make_night, make_user

# 09:00 UTC on Saturday 15 March 2025: in UTC, last night began on Friday the 14th.
MORNING = dt.datetime(2025, 3, 15, 9, 0, tzinfo=dt.UTC)
LAST_NIGHT = dt.date(2025, 3, 14)

_NIGHT_FIELDS = [
    f.attname
    for f in Night._meta.concrete_fields
    if f.name not in {"id", "user", "created_at", "updated_at", "experiment_done"}  # no experiments
]
_EPISODE_FIELDS = [
    f.attname for f in CrampEpisode._meta.concrete_fields if f.name not in {"id", "night"}
]


def _seed(now: dt.datetime = MORNING, **options) -> str:
    out = io.StringIO()
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _dump(username: str = "demo") -> tuple[list, list]:
    """Every stored value of the user's nights and episodes, in a stable order, ids aside."""
    nights = Night.objects.filter(user__username=username).order_by("date")
    episodes = CrampEpisode.objects.filter(night__in=nights).order_by("night__date", "at", "id")
    return (
        list(nights.values_list(*_NIGHT_FIELDS)),
        list(episodes.values_list("night__date", *_EPISODE_FIELDS)),
    )


def _dates(last: dt.date, count: int) -> list[dt.date]:
    return [last - dt.timedelta(days=n) for n in reversed(range(count))]


@pytest.mark.django_db
def test_it_creates_the_demo_user_with_nights_ending_last_night():
    _seed(nights=30)

    user = User.objects.get(username="demo")
    assert Profile.objects.get(user=user).display_name == "Demo"
    dates = set(Night.objects.filter(user=user).values_list("date", flat=True))
    assert max(dates) == LAST_NIGHT
    assert min(dates) == LAST_NIGHT - dt.timedelta(days=29)


@pytest.mark.django_db
def test_it_ends_on_last_night_in_the_users_own_time_zone():
    user = make_user("demo", time_zone="Pacific/Auckland")
    Profile.objects.filter(user=user).update(display_name="Sam")

    # 12:00 UTC on the 15th is already 01:00 on the 16th in Auckland.
    _seed(now=dt.datetime(2025, 3, 15, 12, 0, tzinfo=dt.UTC), nights=30)

    assert Night.objects.filter(user=user).latest("date").date == dt.date(2025, 3, 15)
    assert Profile.objects.get(user=user).display_name == "Sam"


@pytest.mark.django_db
def test_it_leaves_about_one_night_in_seven_unlogged_some_in_a_run():
    _seed(nights=120)

    logged = set(Night.objects.filter(user__username="demo").values_list("date", flat=True))
    assert 0.12 * 120 <= 120 - len(logged) <= 0.15 * 120
    longest = run = 0
    for date in _dates(LAST_NIGHT, 120):
        run = 0 if date in logged else run + 1
        longest = max(longest, run)
    assert longest >= 3


@pytest.mark.django_db
def test_it_gives_identical_data_for_the_same_seed():
    _seed(nights=60, seed=7)
    first = _dump()
    _seed(nights=60, seed=7)

    assert first[1], "expected some cramp episodes"
    assert _dump() == first


@pytest.mark.django_db
def test_it_gives_different_data_for_a_different_seed():
    _seed(nights=60, seed=7)
    first = _dump()
    _seed(nights=60, seed=8)

    assert _dump() != first


@pytest.mark.django_db
def test_it_saves_exactly_the_nights_it_draws():
    _seed(nights=60, seed=5)

    draws = draw_nights(random.Random(5), _dates(LAST_NIGHT, 60), DEMO)
    nights = [tuple({"date": d.date, **d.night}[f] for f in _NIGHT_FIELDS) for d in draws]
    episodes = [(d.date, *(e[f] for f in _EPISODE_FIELDS)) for d in draws for e in d.episodes]
    # In the dump's order: by night, then clock time (a 23:40 cramp after a 01:10 one).
    episodes.sort(key=lambda e: (e[0], e[1]))
    assert _dump() == (nights, episodes)


@pytest.mark.django_db
def test_rerunning_replaces_the_demo_nights_rather_than_adding_to_them():
    demo = make_user("demo")
    old = make_night(demo, date="2020-01-01", notes="an old night")
    make_episode(old)
    bob = make_user("bob")
    bobs = make_night(bob, date="2025-03-10")

    _seed(nights=30)
    counts = Night.objects.filter(user=demo).count(), CrampEpisode.objects.count()
    _seed(nights=30)

    assert not Night.objects.filter(pk=old.pk).exists()
    assert (Night.objects.filter(user=demo).count(), CrampEpisode.objects.count()) == counts
    assert User.objects.filter(username="demo").count() == 1
    assert Night.objects.filter(pk=bobs.pk).exists()


@pytest.mark.django_db
def test_it_sets_a_password_that_works():
    _seed(nights=5)
    _seed(nights=5, username="carol", password="carols-demo")

    assert User.objects.get(username="demo").check_password("nightleg-demo")
    assert User.objects.get(username="carol").check_password("carols-demo")


@pytest.mark.django_db
def test_it_resets_an_existing_users_password():
    make_user("demo")

    _seed(nights=5)

    demo = User.objects.get(username="demo")
    assert not demo.check_password(PASSWORD)
    assert demo.check_password("nightleg-demo")


@pytest.mark.django_db
def test_it_prints_a_summary_and_the_login():
    out = _seed(nights=30)

    logged = Night.objects.count()
    assert f"{logged} nights logged, {30 - logged} missing" in out
    assert f"{CrampEpisode.objects.count()} cramp episodes" in out
    assert "demo / nightleg-demo" in out
    assert "local use only" in out


@pytest.mark.django_db
def test_every_row_it_saves_passes_model_validation():
    _seed(nights=60)

    for night in Night.objects.all():
        night.full_clean()
    for episode in CrampEpisode.objects.all():
        episode.full_clean()


@pytest.mark.django_db
def test_the_nights_look_like_a_real_journal():
    _seed(nights=120)

    nights = Night.objects.all()
    for night in nights:
        assert night.bedtime is None or dt.time(22) <= night.bedtime <= dt.time(23, 45)
        assert 2 <= night.water_glasses <= 10
        assert night.alcohol_drinks * 2 == int(night.alcohol_drinks * 2)
        if night.caffeine_drinks:
            assert dt.time(7) <= night.last_caffeine_at <= dt.time(20)
    stretched = sum(night.stretch_minutes >= 5 for night in nights) / len(nights)
    # Stretching runs in streaks, so 120 nights vary a lot from seed to seed (0.5-0.8).
    assert 0.4 <= stretched <= 0.85
    assert any(night.notes.startswith(("-", "=")) for night in nights)
    episodes = CrampEpisode.objects.all()
    assert all(e.at >= dt.time(22) or e.at <= dt.time(6, 30) for e in episodes)
    calves = sum(e.muscle == Muscle.CALF for e in episodes) / len(episodes)
    assert calves > 0.5


def test_over_a_long_run_stretching_nights_have_fewer_cramps_and_late_coffee_more():
    # Drawn without the database (the test above shows the command saves exactly these):
    # 1500 nights is enough for the planted effects to stand well clear of chance.
    draws = draw_nights(random.Random(1), _dates(LAST_NIGHT, 1500))

    def mean_cramps(keep) -> float:
        return statistics.mean(len(d.episodes) for d in draws if keep(d.night))

    def late_coffee(night: dict) -> bool:
        if night["bedtime"] is None or night["last_caffeine_at"] is None:
            return False
        day = dt.date(2025, 1, 1)  # bedtimes here are all before midnight
        gap = dt.datetime.combine(day, night["bedtime"]) - dt.datetime.combine(
            day, night["last_caffeine_at"]
        )
        return gap <= dt.timedelta(hours=6)

    stretching = mean_cramps(lambda n: n["stretch_minutes"] >= 5)
    not_stretching = mean_cramps(lambda n: n["stretch_minutes"] < 5)
    assert stretching < 0.75 * not_stretching
    with_late_coffee = mean_cramps(late_coffee)
    without_coffee = mean_cramps(lambda n: n["caffeine_drinks"] == 0)
    assert with_late_coffee > 1.2 * without_coffee


def _at(text: str | None) -> dt.time | None:
    return None if text is None else dt.time.fromisoformat(text)


@pytest.mark.parametrize(
    ("stretch_minutes", "bedtime", "coffee", "alcohol", "expected"),
    [
        (0, "23:00", None, None, 1.0),
        (5, "23:00", None, None, 0.55),
        (4, "23:00", None, None, 1.0),  # a token stretch does not count
        (0, "23:00", "17:05", None, 1.5),  # just inside 6 hours before bed
        (0, "23:00", "17:00", None, 1.0),  # exactly 6 hours: not late, as in the reports
        (0, "00:30", "19:00", None, 1.5),  # bed after midnight, 5 1/2 hours later
        (0, "23:00", None, "20:05", 1.6),  # just inside 3 hours before bed
        (0, "23:00", None, "20:00", 1.0),  # exactly 3 hours: not late, as in the reports
        (0, "22:00", None, "22:30", 1.6),  # a nightcap after the bedtime logged
        (10, "23:00", "18:00", "22:00", 0.55 * 1.5 * 1.6),
        (0, None, "21:00", "22:30", 1.0),  # without a bedtime nothing counts as late
    ],
)
def test_the_rate_rule_gives_the_documented_multipliers(
    stretch_minutes, bedtime, coffee, alcohol, expected
):
    rate = cramp_rate(
        stretch_minutes=stretch_minutes,
        bedtime=_at(bedtime),
        last_caffeine_at=_at(coffee),
        last_alcohol_at=_at(alcohol),
    )
    assert rate == pytest.approx(expected)


def test_it_refuses_fewer_than_one_night():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", nights=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("morning", "periods"),
    [
        (dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), ("12", "all")),
        # On some mornings 12 weeks of the diary fall short of it (see the next test).
        (MORNING, ("all",)),
    ],
)
def test_the_demos_reports_find_what_it_planted(morning, periods):
    # `make demo` as it is run: default nights and seed.
    _seed(morning)
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    with time_machine.travel(morning, tick=False):
        for period in periods:
            comparisons = client.get(f"/reports/?period={period}").context["comparisons"]
            verdicts = {c.habit.key: c.verdict for c in comparisons}
            assert verdicts["stretch"] == stats.FEWER, (period, verdicts)


@pytest.mark.simulation
def test_most_demo_diaries_show_the_stretching_effect_within_12_weeks():
    # As many diaries as `make demo` could draw on different days, without the database.
    end, found, false_claims = LAST_NIGHT, {"12": 0, "all": 0}, 0
    planted = ("stretch", "late_caffeine", "late_alcohol")
    for seed in range(1, 21):
        draws = draw_nights(random.Random(seed), _dates(end, DEFAULT_NIGHTS), DEMO)
        nights = [_as_night_data(d) for d in draws]
        recent = [n for n in nights if n.date > end - dt.timedelta(days=84)]
        for period, rows in (("12", recent), ("all", nights)):
            verdicts = {c.habit.key: c.verdict for c in stats.compare_habits(rows)}
            found[period] += verdicts["stretch"] == stats.FEWER
            false_claims += any(
                v in (stats.FEWER, stats.MORE) for k, v in verdicts.items() if k not in planted
            )
    assert found["all"] == 20
    assert found["12"] >= 15, found  # 43 of 50 seeds when measured
    # A row with no effect planted is called out now and then, as the method allows.
    assert false_claims <= 4, false_claims


def _as_night_data(draw) -> stats.NightData:
    night = Night(date=draw.date, **draw.night)
    return dataclasses.replace(night.as_night_data(), cramps=len(draw.episodes))
