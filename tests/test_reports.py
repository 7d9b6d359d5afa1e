"""Reports: /reports/ and its charts under /reports/charts/."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from journal import stats
from journal.models import CrampEpisode, Night, NightQuerySet
from tests.conftest import make_episode, make_night, night_post

URL = "/reports/"
CHARTS = ["cramps", "severity", "habits", "forest"]
pytestmark = pytest.mark.django_db
LAST_NIGHT = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False) as clock:
        yield clock
    cache.clear()


def _diary(user, nights: int, start: dt.date = LAST_NIGHT, every: int = 1) -> None:
    """Nights going back from `start`: stretching on even days, a cramp on odd ones."""
    rows = Night.objects.bulk_create(
        Night(user=user, date=start - dt.timedelta(days=i), stretch_minutes=10 * (1 - i % 2))
        for i in range(0, nights * every, every)
    )
    CrampEpisode.objects.bulk_create(
        CrampEpisode(night=night, side="left", severity=4 + i % 3)
        for i, night in zip(range(0, nights * every, every), rows, strict=True)
        if i % 2
    )


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    for name in CHARTS:
        assert client.get(f"/reports/charts/{name}.svg")["Location"].startswith("/accounts/login/")


def test_a_new_user_sees_what_the_page_will_show(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 84 nights logged" in html
    assert "Nothing to show for this period yet" in html
    assert "at least 7 nights" in html
    assert "/reports/charts/" not in html  # no blank charts


def test_the_default_period_is_twelve_weeks_with_completeness(alice, alice_client):
    _diary(alice, 30, every=2)  # 30 nights over 60 days
    response = alice_client.get(URL)
    assert (response.context["start"], response.context["end"]) == (
        LAST_NIGHT - dt.timedelta(days=83),
        LAST_NIGHT,
    )
    assert "30 of 84 nights logged" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "days"),
    [("period=4", 28), ("period=12", 84), ("period=26", 182), ("period=52", 364)],
)
def test_each_preset_period(alice, alice_client, query, days):
    _diary(alice, 400)
    response = alice_client.get(f"{URL}?{query}")
    assert response.context["days"] == days
    assert response.context["logged"] == days
    assert f"{days} of {days} nights logged" in response.content.decode()


def test_all_time_starts_at_the_first_logged_night(alice, alice_client):
    make_night(alice, "2025-01-10")
    make_night(alice, "2026-11-20")
    response = alice_client.get(URL + "?period=all")
    assert response.context["start"] == dt.date(2025, 1, 10)
    assert response.context["logged"] == 2


def _lone_note(html: str) -> str:
    match = re.search(
        r'<div class="alert[^"]*" role="note" id="lone-nights">(.*?)</div>', html, re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def test_all_time_starts_after_a_lone_night_far_before_the_rest_and_says_so(alice, alice_client):
    make_episode(make_night(alice, "1990-03-03"), severity=9)  # a mistyped year
    _diary(alice, 84)  # from 1 Sep 2026
    response = alice_client.get(URL + "?period=all")
    assert (response.context["start"], response.context["logged"]) == (dt.date(2026, 9, 1), 84)
    html = response.content.decode()
    assert _lone_note(html) == (
        "Your diary has one night on 3 Mar 1990, 36 years before the rest. Is it a typo? "
        "Open it · The charts start at 1 Sep 2026."
    )
    assert '<a class="alert-link" href="/nights/1990-03-03/">Open it</a>' in html
    assert "A cramp rated 8 out of 10" not in html, "the lone night's cramp is left out"


def test_each_of_several_lone_nights_is_linked(alice, alice_client):
    for date in ("1990-03-03", "2001-06-01", "2016-09-01"):
        make_night(alice, date)
    _diary(alice, 84)
    html = alice_client.get(URL + "?period=all").content.decode()
    assert _lone_note(html) == (
        "Your diary has 3 nights long before the rest, the first on 3 Mar 1990, 36 years "
        "before it. Are they typos? Open 3 Mar 1990 , 1 Jun 2001 , 1 Sep 2016 · "
        "The charts start at 1 Sep 2026."
    )
    assert 'href="/nights/2016-09-01/"' in html


def test_a_lone_night_is_mentioned_only_for_all_time(alice, alice_client):
    make_night(alice, "1990-03-03")
    _diary(alice, 84)
    assert "lone-nights" in alice_client.get(URL + "?period=all").content.decode()
    for query in ("period=12", "period=custom&start=1990-01-01&end=1990-12-31"):
        response = alice_client.get(f"{URL}?{query}")
        assert "lone-nights" not in response.content.decode(), query
    assert response.context["logged"] == 1, "chosen dates still include it"


def _calendar_cells(html: str) -> dict[str, str]:
    found = re.findall(r'<a class="cal-day cal-\w+" href="([^"]+)" aria-label="([^"]+)"', html)
    return {label: href for href, label in found}


def test_the_calendar_shows_the_months_of_the_period(alice, alice_client):
    make_episode(make_night(alice, "2026-11-02"), severity=8)
    make_night(alice, "2026-10-27")  # the period's first night
    make_night(alice, "2026-10-26")  # the night before it
    html = alice_client.get(URL + "?period=4").content.decode()
    captions = re.findall(r'<table class="month-calendar">\s*<caption>([^<]+)</caption>', html)
    assert captions == ["October 2026", "November 2026"]
    cells = _calendar_cells(html)
    assert cells["2 Nov: 1 cramp, worst 8"] == "/nights/2026-11-02/"
    assert cells["27 Oct: no cramps"] == "/nights/2026-10-27/"
    assert cells["3 Nov: not logged, log it"] == "/nights/new/?date=2026-11-03"
    assert len(cells) == 28, "the period's 28 nights, the others inert"
    assert '<span class="cal-day cal-inert">26</span>' in html, "before the period"
    assert "History</a> has every month" not in html


def test_the_calendar_rings_last_night_and_a_day_later_no_longer(alice, alice_client, clock):
    make_night(alice, "2026-11-22")
    query = URL + "?period=custom&start=2026-11-01&end=2026-11-22"
    clock.move_to(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC))  # last night: the 22nd
    ringed = 'aria-label="22 Nov: no cramps" aria-current="date"'
    assert ringed in alice_client.get(query).content.decode()
    clock.move_to(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC))  # the same dates and nights
    assert 'aria-current="date"' not in alice_client.get(query).content.decode()


def test_a_long_period_shows_its_last_four_months_and_says_so(alice, alice_client):
    _diary(alice, 400)
    html = alice_client.get(URL + "?period=52").content.decode()
    captions = re.findall(r'<table class="month-calendar">\s*<caption>([^<]+)</caption>', html)
    assert captions == ["August 2026", "September 2026", "October 2026", "November 2026"]
    assert "The last 4 of the period’s 13 months;" in html
    assert '<a href="/nights/?month=2026-07#calendar">History</a> has every month.' in html


def test_custom_dates(alice, alice_client):
    _diary(alice, 60)
    response = alice_client.get(URL + "?period=custom&start=2026-11-01&end=2026-11-14")
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 14),
    )
    assert response.context["logged"] == 14
    assert "period=custom&amp;start=2026-11-01&amp;end=2026-11-14" in response.content.decode()


def test_bad_custom_dates_say_so_and_fall_back_to_twelve_weeks(alice_client):
    response = alice_client.get(URL + "?period=custom&start=2026-11-14&end=2026-11-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "start date must be on or before the end date" in html
    assert response.context["days"] == 84


def test_missing_nights_are_not_counted_as_cramp_free(alice, alice_client):
    # One logged night with a cramp in the last week; six nights missing.
    make_episode(make_night(alice, LAST_NIGHT))
    weeks = alice_client.get(URL + "?period=4").context["weeks"]
    last = weeks[-1]
    assert (last.logged, last.cramps_per_night, last.cramp_free_share) == (1, 1.0, 0.0)
    assert weeks[0].cramps_per_night is None  # an empty week is a gap, not zero


def test_the_habit_table_compares_each_habit(alice, alice_client):
    _diary(alice, 40)
    response = alice_client.get(URL + "?period=12")
    comparisons = {c.habit.key: c for c in response.context["comparisons"]}
    stretch = comparisons["stretch"]
    assert (stretch.yes.nights, stretch.no.nights) == (20, 20)
    assert (stretch.yes.cramps, stretch.no.cramps) == (0, 20)
    assert stretch.verdict == "fewer cramps"
    assert comparisons["electrolytes"].verdict == "not enough nights yet"
    html = response.content.decode()
    assert 'id="habit-table"' in html
    assert "How this is calculated" in html
    assert "not proof" in html


def test_each_habit_cell_has_its_own_label_for_a_phone(alice, alice_client):
    _diary(alice, 40)
    html = alice_client.get(URL + "?period=12").content.decode()
    row = re.search(r'<tr id="habit-stretch">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<span class="cell-label">([^<]+)</span>', row) == [
        "So far",
        "Cramps with the habit (95% interval)",
        "With: nights · cramps a night",
        "Without: nights · cramps a night",
    ]
    assert 'class="table table-sm align-middle table-reflow" id="habit-table"' in html


def test_before_and_after(alice, alice_client):
    _diary(alice, 40)
    response = alice_client.get(URL + "?period=12&split=2026-11-04")
    result = response.context["before_after"]
    assert (result.before.nights, result.after.nights) == (20, 20)
    html = response.content.decode()
    assert "regression to the mean" in html


def test_the_clinician_notice_appears_for_a_severe_cramp(alice, alice_client):
    make_episode(make_night(alice, LAST_NIGHT), severity=8)
    html = alice_client.get(URL).content.decode()
    assert "Worth talking to a healthcare professional" in html


def test_no_clinician_notice_for_mild_occasional_cramps(alice, alice_client):
    make_episode(make_night(alice, LAST_NIGHT), severity=7, duration_minutes=9)
    html = alice_client.get(URL).content.decode()
    assert "Worth talking to a healthcare professional" not in html


def test_it_shows_only_the_signed_in_persons_nights(alice, bob, alice_client):
    _diary(bob, 20)
    response = alice_client.get(URL)
    assert response.context["logged"] == 0


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_svg(alice, alice_client, name):
    _diary(alice, 30)
    response = alice_client.get(f"/reports/charts/{name}.svg?period=12")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(response.content).tag.endswith("svg")


def test_charts_for_an_empty_period_still_draw(alice_client):
    response = alice_client.get("/reports/charts/cramps.svg")
    assert response.status_code == 200
    assert b"No logged nights" in response.content


def test_an_unknown_chart_is_a_404(alice_client):
    assert alice_client.get("/reports/charts/secrets.svg").status_code == 404


def test_a_repeated_chart_is_not_redrawn(alice, alice_client, monkeypatch):
    _diary(alice, 30)
    url = "/reports/charts/cramps.svg?period=12"
    first = alice_client.get(url).content

    def _fail(*args):
        raise AssertionError("redrawn")

    reports_view = importlib.import_module("journal.views.reports")
    monkeypatch.setitem(reports_view.CHARTS, "cramps", ("weeks", _fail))
    assert alice_client.get(url).content == first


def test_a_change_to_the_data_redraws_the_chart(alice, alice_client, clock):
    _diary(alice, 30)
    url = "/reports/charts/cramps.svg?period=12"
    first = alice_client.get(url).content
    clock.shift(dt.timedelta(seconds=5))
    night = Night.objects.get(user=alice, date=LAST_NIGHT)
    make_episode(night, severity=9)
    night.save()  # as the night form does when an episode changes
    second = alice_client.get(url).content
    assert second != first
    night.delete()
    assert alice_client.get(url).content not in (first, second)


def test_editing_through_the_form_changes_the_data_version(alice, alice_client, clock):
    make_night(alice, LAST_NIGHT)
    before = Night.objects.for_user(alice).data_version()
    clock.shift(dt.timedelta(seconds=5))
    data = night_post(LAST_NIGHT.isoformat(), episodes=[{"side": "left", "severity": 3}])
    assert alice_client.post(f"/nights/{LAST_NIGHT}/", data).status_code == 302
    assert Night.objects.for_user(alice).data_version() != before


def _chart_links(client, query: str = "period=12") -> dict[str, str]:
    html = client.get(f"{URL}?{query}").content.decode()
    links = re.findall(r'<img src="(/reports/charts/(\w+)\.svg\?[^"]+)"', html)
    return {name: src.replace("&amp;", "&") for src, name in links}


def test_the_page_links_each_chart_with_its_data_version(alice, alice_client):
    _diary(alice, 30)
    links = _chart_links(alice_client)
    version = Night.objects.for_user(alice).data_version()
    assert set(links) == set(CHARTS)
    assert all(src.endswith(f"&v={version}&look=wide-light") for src in links.values())


def _sources(html: str, name: str) -> list[tuple[str, str]]:
    """The (media, look) of each <source> of one chart's <picture>, in order."""
    found = re.findall(
        rf'<source media="([^"]+)" srcset="/reports/charts/{name}\.svg\?[^"]*look=([\w-]+)"', html
    )
    return found


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        (
            None,  # the device decides: dark sources only when it prefers dark
            [
                ("screen and (max-width: 767.98px) and (prefers-color-scheme: dark)", "phone-dark"),
                ("screen and (prefers-color-scheme: dark)", "wide-dark"),
                ("screen and (max-width: 767.98px)", "phone-light"),
            ],
        ),
        (
            "dark",
            [
                ("screen and (max-width: 767.98px)", "phone-dark"),
                ("screen", "wide-dark"),
                ("screen and (max-width: 767.98px)", "phone-light"),
            ],
        ),
        ("light", [("screen and (max-width: 767.98px)", "phone-light")]),
    ],
)
def test_each_chart_is_offered_for_a_phone_and_for_the_chosen_mode(
    alice, alice_client, theme, expected
):
    _diary(alice, 30)
    if theme:
        alice_client.cookies["theme"] = theme
    html = alice_client.get(f"{URL}?period=12").content.decode()
    for name in CHARTS:
        assert _sources(html, name) == expected
    # Without a matching source (and on paper), the wide light chart.
    assert set(_chart_links(alice_client)) == set(CHARTS)


@pytest.mark.parametrize("look", ["wide-light", "wide-dark", "phone-light", "phone-dark"])
def test_a_chart_is_drawn_for_the_look_asked(alice, alice_client, look):
    _diary(alice, 30)
    svg = alice_client.get("/reports/charts/cramps.svg", {"period": "12", "look": look})
    assert svg["Content-Type"] == "image/svg+xml"
    width = "576pt" if look.startswith("wide") else "302.4pt"
    assert f'width="{width}"' in svg.content.decode()
    ink = "#e4e8ef" if look.endswith("dark") else "#1b2130"
    assert ink in svg.content.decode()


def test_an_unknown_look_gets_the_wide_light_chart(alice, alice_client):
    _diary(alice, 30)
    plain = alice_client.get("/reports/charts/cramps.svg?period=12").content
    for look in ("", "wide", "phone-dark-x", "../etc"):
        asked = alice_client.get("/reports/charts/cramps.svg", {"period": "12", "look": look})
        assert asked.content == plain


def test_a_chart_drawn_for_the_linked_version_needs_no_version_query(
    alice, alice_client, django_assert_num_queries
):
    _diary(alice, 30)
    url = _chart_links(alice_client)["cramps"]
    drawn = alice_client.get(url).content
    with django_assert_num_queries(3):  # session, user, profile
        assert alice_client.get(url).content == drawn


def test_a_chart_asked_for_an_unknown_version_shows_the_current_data(alice, alice_client):
    _diary(alice, 30)
    current = alice_client.get("/reports/charts/cramps.svg?period=12").content
    for version in ("0-0-0-0-0", "not a version", "x" * 500):
        response = alice_client.get("/reports/charts/cramps.svg", {"period": "12", "v": version})
        assert response.content == current


def test_a_change_links_the_page_to_new_charts(alice, alice_client, clock):
    _diary(alice, 30)
    before = _chart_links(alice_client)["cramps"]
    old = alice_client.get(before).content
    clock.shift(dt.timedelta(seconds=5))
    make_episode(Night.objects.get(user=alice, date=LAST_NIGHT), severity=9)
    after = _chart_links(alice_client)["cramps"]
    assert after != before
    assert alice_client.get(after).content != old


def test_another_users_cached_chart_is_never_served(alice, bob, alice_client, bob_client):
    _diary(alice, 30)
    url = "/reports/charts/cramps.svg?period=12"
    alices = alice_client.get(url).content
    bobs = bob_client.get(url).content
    assert bobs != alices
    assert b"No logged nights" in bobs
    # Not even when Bob asks for the version Alice's page links to.
    alices_link = _chart_links(alice_client)["cramps"]
    assert bob_client.get(alices_link).content == bobs


def test_the_page_leaves_its_charts_the_data_they_are_drawn_from(alice, alice_client, monkeypatch):
    _diary(alice, 30)
    links = _chart_links(alice_client, "period=all")
    reads = []
    stats_data = NightQuerySet.stats_data
    monkeypatch.setattr(NightQuerySet, "stats_data", lambda qs: reads.append(1) or stats_data(qs))

    drawn = {name: alice_client.get(url).content for name, url in links.items()}
    assert reads == []  # the four charts read no nights: the page just did
    cache.clear()
    for name, url in links.items():
        assert alice_client.get(url).content == drawn[name]  # the same as drawn from scratch
    assert reads == [1, 1]  # from scratch: once for the three weekly charts, once for the forest


def test_another_persons_chart_data_is_never_used(alice, bob, alice_client, bob_client):
    _diary(alice, 30)
    links = _chart_links(alice_client, "period=all")  # leaves Alice's chart data behind
    bobs = {name: bob_client.get(url).content for name, url in links.items()}
    assert b"No logged nights" in bobs["cramps"]
    cache.clear()
    for name, url in links.items():
        assert bobs[name] == bob_client.get(f"/reports/charts/{name}.svg?period=all").content
        assert bobs[name] != alice_client.get(url).content


def test_chart_inputs_are_kept_per_person_even_under_the_same_data_version(alice, bob):
    period, version = (dt.date(2026, 11, 1), LAST_NIGHT), "1-1-1795507200.000000-0-None"
    reports_view = importlib.import_module("journal.views.reports")
    (alices,) = stats.weekly([stats.NightData(date=LAST_NIGHT, cramps=3)], LAST_NIGHT, LAST_NIGHT)
    reports_view.leave_for_charts(alice, period, version, weeks=[alices.as_plain()])

    assert reports_view._chart_input(alice, "weeks", *period, version) == [alices]
    bobs = reports_view._chart_input(bob, "weeks", *period, version)
    assert bobs != [alices]
    assert all(week.logged == 0 for week in bobs)


@pytest.mark.parametrize("nights", [30, 1500])
def test_queries_do_not_grow_with_nights(
    alice, alice_client, django_assert_max_num_queries, nights
):
    call_command("seed_demo", username="alice", nights=nights, seed=3, stdout=io.StringIO())
    alice.refresh_from_db()  # seed_demo reset her password, which ends old sessions
    alice_client.force_login(alice)
    # Eight as before, and two for the experiments the rows link to (their version, then
    # the experiments themselves): none of them grows with the nights.
    with django_assert_max_num_queries(10):
        response = alice_client.get(URL + "?period=all&split=2026-10-01")
    assert response.status_code == 200
    assert response.context["logged"] > nights * 0.8
    for name in CHARTS:
        cache.clear()
        with django_assert_max_num_queries(8):
            assert alice_client.get(f"/reports/charts/{name}.svg?period=all").status_code == 200


def test_a_start_before_any_diary_could_begin_is_refused(alice_client):
    query = "period=custom&start=0001-01-01&end=2026-11-23"
    response = alice_client.get(f"{URL}?{query}")
    assert "The start date must be in 1990 or later." in response.content.decode()
    assert response.context["days"] == 84
    assert alice_client.get(f"/reports/charts/habits.svg?{query}").status_code == 200


def test_an_unknown_period_shows_the_default_as_selected(alice_client):
    html = alice_client.get(URL + "?period=bogus").content.decode()
    assert '<option value="12" selected>' in html
    assert "84 nights logged" in html


def test_a_before_and_after_date_outside_the_period_is_explained(alice, alice_client):
    _diary(alice, 40)
    response = alice_client.get(URL + "?period=12&split=2026-01-01")
    assert response.context["before_after"] is None
    assert "so the period has nights on both sides" in response.content.decode()


def test_the_custom_dates_show_the_period_in_use(alice_client):
    html = alice_client.get(URL + "?period=4").content.decode()
    assert 'name="start" id="id_start" class="form-control" value="2026-10-27"' in html
    assert 'name="end" id="id_end" class="form-control" value="2026-11-23"' in html
    assert '<input type="hidden" name="period" value="custom">' in html


def _comparison(key: str, verdict: str, ratio: float, interval, p_adjusted: float):
    """A habit-table row as compare_habits would give it, for the headline's tests."""
    low, high = interval
    return stats.Comparison(
        habit=stats.habit(key),
        yes=stats.Group(30, 60),
        no=stats.Group(40, 50),
        left_out=0,
        ratio=ratio,
        low=low,
        high=high,
        p=p_adjusted / 10,
        p_adjusted=p_adjusted,
        verdict=verdict,
    )


def test_the_headline_says_what_the_table_says(alice, alice_client, monkeypatch):
    clear = _comparison("late_caffeine", stats.MORE, 1.6, (1.1, 2.3), p_adjusted=0.01)
    make_night(alice, "2026-11-20")
    monkeypatch.setattr(stats, "compare_habits", lambda nights: [clear])
    page = alice_client.get(URL + "?period=all").text
    headline = re.sub(r"\s+", " ", re.search(r'id="headline">(.*?)</div>', page, re.S).group(1))
    assert (
        "The clearest pattern: on nights with “Caffeine within 6 hours of bedtime” you had "
        "60% more cramps per night than on the others (95% interval 10% more to 2.3 times "
        "as many). Nothing else stands out yet."
    ) in headline
    assert "not proof" in headline
    assert 'href="/experiments/new/?habit=no_late_caffeine"' in headline


def test_with_nothing_clear_the_headline_says_so(alice, alice_client):
    make_night(alice, "2026-11-20")
    page = alice_client.get(URL + "?period=all").text
    headline = re.sub(r"\s+", " ", re.search(r'id="headline">(.*?)</div>', page, re.S).group(1))
    assert "No habit stands out clearly yet: most comparisons need a few weeks of nights." in (
        headline
    )
    assert "clearest" not in headline


def test_a_promising_but_uncertain_habit_is_pointed_to_its_experiment(
    alice, alice_client, monkeypatch
):
    uncertain = _comparison("stretch", stats.NO_CLEAR_DIFFERENCE, 0.7, (0.4, 1.2), p_adjusted=0.6)
    make_night(alice, "2026-11-20")
    monkeypatch.setattr(stats, "compare_habits", lambda nights: [uncertain])
    page = alice_client.get(URL + "?period=all").text
    headline = re.sub(r"\s+", " ", re.search(r'id="headline">(.*?)</div>', page, re.S).group(1))
    assert "No habit stands out clearly yet" in headline
    assert "“Stretched at least 5 minutes” looks promising but uncertain" in headline
    assert 'href="/experiments/new/?habit=stretch"' in headline


def test_each_look_of_the_same_version_is_cached_apart(alice, alice_client):
    # One page asks for up to four looks of each chart, all with the same data version:
    # a cache key without the look would serve the first one drawn to every screen.
    _diary(alice, 30)
    links = _chart_links(alice_client)
    drawn = {}
    for look in ("wide-light", "wide-dark", "phone-light", "phone-dark"):
        url = links["cramps"].replace("look=wide-light", f"look={look}")
        drawn[look] = alice_client.get(url).content
    assert len(set(drawn.values())) == 4
    assert b"#e4e8ef" in drawn["wide-dark"]
    assert b'width="302.4pt"' in drawn["phone-dark"]
