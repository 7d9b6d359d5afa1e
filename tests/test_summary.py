"""Clinician summary: /summary/.

The main diary below is small enough to work every measure out by hand; the answers are
in the comments, and the tests check them both in the context and on the page.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from journal.models import NightQuerySet
from tests.conftest import make_episode, make_night

URL = "/summary/"
pytestmark = pytest.mark.django_db
# Pinned to Monday 30 November 2026, 08:00 UTC: last night is Sunday 29 November, and
# the default four weeks are exactly the Monday-to-Sunday weeks from 2 November.
LAST_NIGHT = dt.date(2026, 11, 29)
TWO_WEEKS = "?period=custom&start=2026-11-16&end=2026-11-29"


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC), tick=False):
        yield
    cache.clear()


def nov(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def _night(user, day: int, *, bedtime: dt.time | None = dt.time(22, 0), **fields):
    return make_night(user, nov(day), bedtime=bedtime, **fields)


def _episode(night, muscle: str, side: str, severity: int, minutes: str | None, woke: bool):
    duration = None if minutes is None else Decimal(minutes)
    make_episode(
        night, muscle=muscle, side=side, severity=severity, duration_minutes=duration, woke_me=woke
    )


@pytest.fixture
def diary(alice):
    """Ten nights logged over the two weeks 16-29 Nov 2026; 18, 21, 25 and 27 unlogged.

    Bedtime 22:00 except on the 29th (none). Per night (episodes as muscle side
    severity/duration, "w" when it woke her):

    date  episodes                          stretch caffeine    alcohol    water el relax sleep
    16    calf L 6/2.0 w, calf R 4/1.0      0       2 at 19:00  -          4     -  -     2
    17    foot L 8/3.0 w                    0       1 at 09:00  2 at 21:00 5     y  -     2
    19    -                                 10      -           -          8     -  y     5
    20    calf B 5/- w, hamstring L 3/0.5   3       1 at 17:00  -          6     -  -     3
    22    calf L 7/12.0 w                   0       -           1.5 at 18  3     y  -     1
    23    -                                 10      -           -          8     -  y     4
    24    calf R 2/-                        15      1 at 08:00  -          7     -  y     4
    26    -                                 10      2, no time  -          6     -  y     -
    28    foot R 4/- w                      5       3 at 12:00  1 at 21:30 6     y  -     3
    29    -                                 0       1 at 15:00  1 at 20:00 7     -  -     -
    """
    n = _night(
        alice, 16, caffeine_drinks=2, last_caffeine_at=dt.time(19), water_glasses=4, sleep_quality=2
    )
    _episode(n, "calf", "left", 6, "2.0", woke=True)
    _episode(n, "calf", "right", 4, "1.0", woke=False)
    n = _night(
        alice,
        17,
        caffeine_drinks=1,
        last_caffeine_at=dt.time(9),
        alcohol_drinks=Decimal(2),
        last_alcohol_at=dt.time(21),
        water_glasses=5,
        electrolytes=True,
        sleep_quality=2,
    )
    _episode(n, "foot", "left", 8, "3.0", woke=True)
    _night(alice, 19, stretch_minutes=10, water_glasses=8, relax_breathing=True, sleep_quality=5)
    n = _night(
        alice,
        20,
        stretch_minutes=3,
        caffeine_drinks=1,
        last_caffeine_at=dt.time(17),
        water_glasses=6,
        sleep_quality=3,
    )
    _episode(n, "calf", "both", 5, None, woke=True)
    _episode(n, "hamstring", "left", 3, "0.5", woke=False)
    n = _night(
        alice,
        22,
        alcohol_drinks=Decimal("1.5"),
        last_alcohol_at=dt.time(18),
        water_glasses=3,
        electrolytes=True,
        sleep_quality=1,
    )
    _episode(n, "calf", "left", 7, "12.0", woke=True)
    _night(alice, 23, stretch_minutes=10, water_glasses=8, relaxation_minutes=10, sleep_quality=4)
    n = _night(
        alice,
        24,
        stretch_minutes=15,
        caffeine_drinks=1,
        last_caffeine_at=dt.time(8),
        water_glasses=7,
        relax_other=True,
        sleep_quality=4,
    )
    _episode(n, "calf", "right", 2, None, woke=False)
    _night(alice, 26, stretch_minutes=10, caffeine_drinks=2, water_glasses=6, relax_meditation=True)
    n = _night(
        alice,
        28,
        stretch_minutes=5,
        caffeine_drinks=3,
        last_caffeine_at=dt.time(12),
        alcohol_drinks=Decimal(1),
        last_alcohol_at=dt.time(21, 30),
        water_glasses=6,
        electrolytes=True,
        sleep_quality=3,
    )
    _episode(n, "foot", "right", 4, None, woke=True)
    _night(
        alice,
        29,
        bedtime=None,
        caffeine_drinks=1,
        last_caffeine_at=dt.time(15),
        alcohol_drinks=Decimal(1),
        last_alcohol_at=dt.time(20),
        water_glasses=7,
    )
    return alice


def _row(page: str, row_id: str) -> str:
    """The text of one table row, tags stripped and spaces collapsed."""
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id}"
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))
    return " ".join(text.split())


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_every_measure_on_a_hand_built_diary(diary, alice_client):
    response = alice_client.get(URL + TWO_WEEKS)
    assert response.status_code == 200
    s = response.context["s"]
    page = response.content.decode()

    # 14 nights in the period, 10 logged.
    assert (s.start, s.end, s.days, s.logged) == (nov(16), nov(29), 14, 10)
    assert "10 of 14 nights logged (71%)" in _text(page)

    # Cramps: 2+1+0+2+1 in the first week, 0+1+0+1+0 in the second: 8 on 10 nights, so
    # 0.8 a night and 8 / 10 * 7 = 5.6 a week.
    assert (s.cramps, s.cramps_per_night, s.cramps_per_week) == (8, 0.8, pytest.approx(5.6))
    assert _row(page, "m-per-week") == "Cramps per week 5.6 10 nights"
    assert _row(page, "m-per-night") == "Cramps per night 0.80 (8 cramps) 10 nights"

    # Cramp-free: the 19th, 23rd, 26th and 29th, 4 of 10.
    assert (s.cramp_free.count, s.cramp_free.of) == (4, 10)
    assert _row(page, "m-cramp-free") == "Cramp-free nights 40% (4 nights) 10 nights"

    # Severity: 6+4+8+5+3+7+2+4 = 39 over 8 episodes = 4.875; the worst is 8.
    assert s.mean_severity == pytest.approx(4.875)
    assert s.worst_severity == 8
    assert _row(page, "m-severity") == "Severity, 0–10 mean 4.9, worst 8 8 episodes"

    # Durations given: 2.0, 1.0, 3.0, 0.5, 12.0; sorted 0.5 1.0 [2.0] 3.0 12.0.
    assert (s.median_duration, s.timed_episodes) == (2.0, 5)
    assert (
        _row(page, "m-duration") == "Typical duration 2.0 min (median) 5 episodes with a duration"
    )

    # Woken: the 16th, 17th, 20th, 22nd and 28th, 5 of 10.
    assert (s.woken.count, s.woken.of) == (5, 10)
    assert _row(page, "m-woken") == "Nights woken by cramps 50% (5 nights) 10 nights"

    # Calf: 16 L, 16 R, 20 B, 22 L, 24 R = 5; foot: 17 L, 28 R = 2; hamstring: 20 L = 1.
    # Left: 16, 17, 20 hamstring, 22 = 4; right: 16, 24, 28 = 3; both: 20 = 1.
    assert s.muscles == (("calf", 5), ("foot", 2), ("hamstring", 1))
    assert s.sides == (("left", 4), ("right", 3), ("both", 1))
    assert _row(page, "m-muscles") == "Muscles Calf 5 · Foot 2 · Back of thigh 1 8 episodes"
    assert _row(page, "m-sides") == "Sides Left 4 · Right 3 · Both 1 8 episodes"

    # Sleep: 2+2+5+3+1+4+4+3 = 24 over 8 rated nights = 3.0 (the 26th and 29th unrated).
    assert (s.mean_sleep_quality, s.sleep_rated) == (3.0, 8)
    assert _row(page, "m-sleep") == "Sleep quality, 1–5 mean 3.0 8 nights rated"


def test_the_change_compares_the_first_and_last_logged_weeks(diary, alice_client):
    response = alice_client.get(URL + TWO_WEEKS)
    s = response.context["s"]
    page = response.content.decode()

    # 16-22 Nov: 5 nights, 2+1+0+2+1 = 6 cramps, 1.2 a night.
    # 23-29 Nov: 5 nights, 0+1+0+1+0 = 2 cramps, 0.4 a night.
    assert (s.first_week.first, s.first_week.last) == (nov(16), nov(22))
    assert (s.first_week.nights, s.first_week.cramps) == (5, 6)
    assert (s.last_week.first, s.last_week.last) == (nov(23), nov(29))
    assert (s.last_week.nights, s.last_week.cramps) == (5, 2)
    assert _row(page, "change-first") == "First: 16–22 Nov 1.20 5 nights"
    assert _row(page, "change-last") == "Last: 23–29 Nov 0.40 5 nights"
    assert "Cramps often ease without treatment" in page


def test_the_habits(diary, alice_client):
    response = alice_client.get(URL + TWO_WEEKS)
    s = response.context["s"]
    page = response.content.decode()

    # At least 5 minutes: 19 (10), 23 (10), 24 (15), 26 (10), 28 (5) = 5 of 10, a mean of
    # 50 / 5 = 10 minutes on those nights (the 3 minutes on the 20th are too few).
    assert (s.stretched.count, s.stretched.of, s.stretch_minutes) == (5, 10, 10.0)
    assert _row(page, "h-stretch") == "Stretched ≥ 5 min 50% (mean 10 min) 10 nights"
    # Caffeine within 6 hours of a 22:00 bedtime: 19:00 on the 16th and 17:00 on the
    # 20th. Not late: 17, 24, 28 (morning or noon) and 19, 22, 23 (none) = 2 of 8. The
    # 26th (no time) and the 29th (no bedtime) can't be judged.
    assert (s.late_caffeine.count, s.late_caffeine.of, s.late_caffeine.unknown) == (2, 8, 2)
    assert _row(page, "h-caffeine") == "Caffeine ≤ 6 h before bed 25% 8 nights (2 timing unknown)"
    # Alcohol within 3 hours: 21:00 on the 17th and 21:30 on the 28th; 18:00 on the 22nd
    # is 4 hours before; the 29th has no bedtime. 2 of 9.
    assert (s.late_alcohol.count, s.late_alcohol.of, s.late_alcohol.unknown) == (2, 9, 1)
    assert _row(page, "h-alcohol") == "Alcohol ≤ 3 h before bed 22% 9 nights (1 timing unknown)"
    # Water: 4+5+8+6+3+8+7+6+6+7 = 60 glasses over 10 nights.
    assert s.mean_water == 6.0
    assert _row(page, "h-water") == "Water 6.0 glasses (mean) 10 nights"
    # Electrolytes on the 17th, 22nd and 28th; relaxation on the 19th, 23rd, 24th, 26th.
    assert (s.electrolytes.count, s.relaxation.count) == (3, 4)
    assert _row(page, "h-electrolytes") == "Electrolytes 30% 10 nights"
    assert _row(page, "h-relaxation") == "Relaxation before bed 40% 10 nights"


def test_the_chart_its_table_and_the_flags_that_apply(diary, alice_client):
    response = alice_client.get(URL + TWO_WEEKS)
    page = response.content.decode()

    src = "/reports/charts/cramps.svg?period=custom&amp;start=2026-11-16&amp;end=2026-11-29"
    assert f'<img src="{src}&amp;v=' in page  # and the data version it was made from
    assert 'alt="Line chart of cramps per logged night' in page
    # Week of 16 Nov: 5 of 7 logged, 6 cramps, 1.2 a night, 1 of 5 cramp-free (the 19th).
    # Week of 23 Nov: 5 of 7, 2 cramps, 0.4 a night, 3 of 5 cramp-free.
    weeks = [(w.start, w.logged, w.cramps, w.cramp_free_share) for w in response.context["weeks"]]
    assert weeks == [(nov(16), 5, 6, 0.2), (nov(23), 5, 2, 0.6)]
    assert "16 Nov 5 of 7 6 1.2 20%" in _text(page)
    assert "23 Nov 5 of 7 2 0.4 60%" in _text(page)
    # A cramp rated 8 on the 17th and one of 12 minutes on the 22nd. Cramps on 4 nights of
    # the first week but only 2 of the second: not two busy weeks running.
    assert [f.key for f in response.context["flags"]] == ["severe", "long"]
    text = _text(page)
    assert "A cramp rated 8 out of 10 or worse, on 1 night. Nights of 17 Nov." in text
    assert "A cramp lasting 10 minutes or longer, on 1 night. Nights of 22 Nov." in text


def test_the_header_says_who_when_and_that_it_is_self_reported(diary, alice_client):
    diary.profile.display_name = "Alice Liddell"
    diary.profile.save()
    text = _text(alice_client.get(URL + TWO_WEEKS).content.decode())
    assert "Alice Liddell · 16 Nov 2026 to 29 Nov 2026 · made 30 Nov 2026" in text
    assert "self-reported diary" in text


def test_the_header_falls_back_to_the_username(diary, alice_client):
    assert "<strong>alice</strong>" in alice_client.get(URL).content.decode()


def test_the_default_period_is_four_weeks(diary, alice_client):
    response = alice_client.get(URL)
    s = response.context["s"]
    assert (s.start, s.end, s.days, s.logged) == (nov(2), LAST_NIGHT, 28, 10)
    assert "10 of 28 nights logged (36%)" in _text(response.content.decode())
    assert len(response.context["weeks"]) == 4
    assert 'src="/reports/charts/cramps.svg?period=4&amp;v=' in response.content.decode()
    # The measures rest on the logged nights only: the same as over the two weeks.
    assert (s.cramps_per_week, s.cramp_free.count) == (pytest.approx(5.6), 4)


def test_all_time_starts_at_the_first_logged_night(diary, alice_client):
    make_episode(make_night(diary, "2026-10-01"), severity=3)  # not a lone night: see below
    response = alice_client.get(URL + "?period=all")
    s = response.context["s"]
    assert (s.start, s.end, s.logged, s.cramps) == (dt.date(2026, 10, 1), LAST_NIGHT, 11, 9)
    assert "All time</option>" in response.content.decode()
    assert 'value="all" selected' in response.content.decode()


def test_all_time_starts_after_a_lone_night_far_before_the_rest_and_says_so(diary, alice_client):
    make_episode(make_night(diary, "1990-03-03"), severity=3)
    response = alice_client.get(URL + "?period=all")
    s = response.context["s"]
    assert (s.start, s.logged) == (nov(16), 10)
    page = response.content.decode()
    assert "Your diary has one night on 3 Mar 1990, 36\xa0years before the rest." in page
    assert 'href="/nights/1990-03-03/">Open it</a> · This summary starts at 16 Nov 2026.' in page
    assert 'class="alert alert-info d-print-none" role="note" id="lone-nights"' in page


def test_bad_custom_dates_say_so_and_fall_back_to_four_weeks(alice_client):
    response = alice_client.get(URL + "?period=custom&start=2026-11-14&end=2026-11-01")
    assert response.status_code == 200
    assert "start date must be on or before the end date" in response.content.decode()
    assert response.context["s"].days == 28


def test_it_shows_only_the_signed_in_persons_nights(diary, bob, alice_client, bob_client):
    bobs = make_night(bob, nov(20), sleep_quality=5, water_glasses=12)
    make_episode(bobs, muscle="shin", side="right", severity=10, duration_minutes=Decimal(30))
    make_night(bob, nov(21))  # a night alice left unlogged

    response = alice_client.get(URL + TWO_WEEKS)
    s = response.context["s"]
    page = response.content.decode()
    assert (s.logged, s.cramps, s.worst_severity, s.timed_episodes) == (10, 8, 8, 5)
    assert dict(s.muscles) == {"calf": 5, "foot": 2, "hamstring": 1}
    assert "Shin" not in page
    assert "worst 10" not in page

    bob_summary = bob_client.get(URL + TWO_WEEKS).context["s"]
    assert (bob_summary.logged, bob_summary.cramps, bob_summary.muscles) == (
        2,
        1,
        (("shin", 1),),
    )


def test_a_period_with_nothing_logged_says_so(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "0 of 28 nights logged" in _text(page)
    assert "No nights logged in this period" in page
    assert "/reports/charts/" not in page
    assert not re.search(r"\bnan\b", _text(page), re.I)
    assert 'id="measures"' not in page


def test_logged_nights_without_cramps_or_details_show_dashes_not_nan(alice, alice_client):
    make_night(alice, LAST_NIGHT, bedtime=None)
    response = alice_client.get(URL)
    page = response.content.decode()
    assert _row(page, "m-per-week") == "Cramps per week 0.0 1 night"
    assert _row(page, "m-severity") == "Severity, 0–10 no cramps 0 episodes"
    assert _row(page, "m-duration") == "Typical duration – 0 episodes with a duration"
    assert _row(page, "m-muscles") == "Muscles – 0 episodes"
    assert _row(page, "m-sleep") == "Sleep quality, 1–5 – 0 nights rated"
    assert "Needs two weeks (Monday to Sunday) with logged nights" in page
    assert not re.search(r"\bnan\b", _text(page), re.I)


def test_it_links_the_print_stylesheet_script_and_export(alice, alice_client):
    make_night(alice, LAST_NIGHT)
    page = alice_client.get(URL).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css">' in page
    assert '<script src="/static/js/print.js"></script>' in page
    assert 'id="print-summary" hidden>Print / Save as PDF</button>' in page
    assert 'href="/export/"' in page
    # The coming CSP forbids inline scripts and handlers.
    assert "onclick" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None


@pytest.mark.parametrize("nights", [30, 1500])
def test_queries_do_not_grow_with_nights(
    alice, alice_client, django_assert_max_num_queries, nights
):
    call_command("seed_demo", username="alice", nights=nights, seed=3, stdout=io.StringIO())
    alice.refresh_from_db()  # seed_demo set a new password, which ends the old session
    alice_client.force_login(alice)
    # Session, user, profile, first night (for all time), data version, the experiments'
    # version, the nights and their episodes' sums (stats_data), the episodes' muscles and
    # durations, and the experiments (none here; each one adds the query of its nights).
    with django_assert_max_num_queries(10):
        response = alice_client.get(URL + "?period=all")
    assert response.status_code == 200
    assert response.context["s"].logged > nights * 0.8


def test_the_page_leaves_its_chart_the_weeks_it_is_drawn_from(diary, alice_client, monkeypatch):
    page = alice_client.get(URL).content.decode()
    src = html.unescape(re.search(r'src="(/reports/charts/cramps\.svg\?[^"]+)"', page).group(1))
    reads = []
    stats_data = NightQuerySet.stats_data
    monkeypatch.setattr(NightQuerySet, "stats_data", lambda qs: reads.append(1) or stats_data(qs))

    drawn = alice_client.get(src).content
    assert reads == []  # the page had just read the nights
    cache.clear()
    assert alice_client.get(src).content == drawn  # the same as drawn from scratch
    assert reads == [1]


def test_counts_left_blank_are_shown_as_not_filled_in(alice, alice_client):
    make_night(alice, "2026-11-16", stretch_minutes=10, water_glasses=8, relaxation_minutes=0)
    make_night(alice, "2026-11-17", stretch_minutes=None, water_glasses=None)
    make_night(alice, "2026-11-18", stretch_minutes=0, water_glasses=4, relaxation_minutes=None)
    response = alice_client.get(URL + "?start=2026-11-16&end=2026-11-18")
    s, page = response.context["s"], response.content.decode()
    assert (s.stretched.count, s.stretched.of, s.stretched.unknown) == (1, 2, 1)
    assert (
        _row(page, "h-stretch") == "Stretched ≥ 5 min 50% (mean 10 min) 2 nights (1 not filled in)"
    )
    assert (s.mean_water, s.water_known) == (6.0, 2)
    assert (
        _row(page, "h-water")
        == "Water 6.0 glasses (mean) 2 nights (of 3 logged: the rest not filled in)"
    )
    assert (s.relaxation.count, s.relaxation.of, s.relaxation.unknown) == (0, 2, 1)
