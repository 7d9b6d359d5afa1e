"""Planned self-experiments: /experiments/ and its pages, and what the night log asks."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.core.cache import cache

from journal.models import Experiment, Night
from journal.stats import experiments as planning
from tests.conftest import make_episode, make_experiment, make_night, night_post

pytestmark = pytest.mark.django_db
TONIGHT = dt.date(2026, 11, 24)
LAST_NIGHT = TONIGHT - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


def plan(**overrides) -> dict[str, str]:
    """The plan form's fields as a browser sends them."""
    fields = {
        "habit": "stretch",
        "own_label": "",
        "block_nights": "2",
        "weeks": "8",
        "wash_in": "0",
        "start": TONIGHT.isoformat(),
    }
    return fields | {k: str(v) for k, v in overrides.items()}


# ---- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/experiments/", "/experiments/new/", "/experiments/1/", "/experiments/1/stop/"]
)
def test_every_page_requires_login(client, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["", "stop/", "delete/"])
def test_another_persons_experiment_is_a_404(alice, bob_client, action):
    experiment = make_experiment(alice, "2026-11-20")
    assert bob_client.get(f"/experiments/{experiment.pk}/{action}").status_code == 404
    if action:
        assert bob_client.post(f"/experiments/{experiment.pk}/{action}").status_code == 404
    experiment.refresh_from_db()
    assert experiment.stopped_after is None


# ---- Planning ------------------------------------------------------------------------------


def test_a_new_person_sees_what_experiments_are_for(alice_client):
    html = alice_client.get("/experiments/").content.decode()
    assert "Plan an experiment" in html
    assert "None yet" in html


def test_the_planner_proposes_a_plan_with_its_chance_of_finding_a_40_percent_drop(alice_client):
    response = alice_client.get("/experiments/new/?habit=no_late_caffeine")
    html = response.content.decode()
    preview = response.context["preview"]
    assert preview.option.label == "No caffeine within 6 hours of bed"
    assert preview.rate.nights == 0  # nothing logged: the default rate
    assert "this assumes 1.0 cramp a night" in html
    assert preview.design.block_nights == 2
    # The proposed length is the one that reaches 80%, or the longest there is.
    weeks = int(response.context["form"]["weeks"].value())
    pairs = planning.suggested_pairs(preview.rate, 2)
    assert weeks == (-(-pairs * 4 // 7) if pairs else 12)
    assert 'id="plan-power"' in html


def test_the_planners_power_comes_from_the_persons_own_recent_nights(alice, alice_client):
    for i in range(1, 15):
        night = make_night(alice, TONIGHT - dt.timedelta(days=i))
        for _ in range(3):
            make_episode(night)
    response = alice_client.post("/experiments/new/", plan(weeks=8, check=1))
    preview = response.context["preview"]
    assert (preview.rate.per_night, preview.rate.nights) == (3.0, 14)
    assert preview.power == planning.power(preview.rate, 2, 14)
    assert "Your last 14 logged nights had 3.0 cramps a night" in response.content.decode()
    assert not Experiment.objects.exists()  # checking a plan starts nothing


def test_starting_a_plan_draws_and_keeps_its_seed(alice, alice_client):
    random.seed(1)
    response = alice_client.post("/experiments/new/", plan(start_it=1))
    (experiment,) = Experiment.objects.filter(user=alice)
    assert response["Location"] == f"/experiments/{experiment.pk}/"
    assert (experiment.start, experiment.block_nights, experiment.pairs) == (TONIGHT, 2, 14)
    assert experiment.design.nights == 56
    assert 0 <= experiment.seed < 2**63
    # The schedule is what the seed gives, one coin toss per pair.
    draw = random.Random(experiment.seed)
    firsts = [draw.random() < 0.5 for _ in range(14)]
    assert [n.test for n in experiment.design.schedule()][::4] == firsts


def test_two_plans_get_different_seeds(alice, bob):
    seeds = set()
    for user in (alice, bob):
        client = _client(user)
        client.post("/experiments/new/", plan(start_it=1))
        seeds.add(Experiment.objects.get(user=user).seed)
    assert len(seeds) == 2


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"habit": "own"}, "own_label", "Give the thing you want to test a short name."),
        ({"start": "2026-11-23"}, "start", "nights already past weren’t planned"),
        ({"start": "2026-12-09"}, "start", "within the next two weeks"),
        ({"block_nights": 7, "weeks": 8}, "weeks", "needs at least 12 weeks"),
        ({"block_nights": 2, "wash_in": 2}, "wash_in", "Leave at least one night"),
        ({"weeks": 27}, "weeks", "between 2 and 26 weeks"),
        ({"weeks": 1}, "weeks", "between 2 and 26 weeks"),
        ({"habit": "magic"}, "habit", "Select a valid choice"),
    ],
)
def test_a_bad_plan_says_why_and_starts_nothing(alice_client, fields, field, message):
    response = alice_client.post("/experiments/new/", plan(start_it=1, **fields))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Experiment.objects.exists()


def test_an_own_thing_to_test_is_worded_into_the_plan(alice, alice_client):
    alice_client.post(
        "/experiments/new/", plan(start_it=1, habit="own", own_label="  magnesium   tablet ")
    )
    experiment = Experiment.objects.get(user=alice)
    assert experiment.own_label == "magnesium tablet"
    option = experiment.option
    assert (option.label, option.usual_short, option.question) == (
        "Magnesium tablet",
        "no magnesium tablet",
        "Magnesium tablet last night?",
    )


def test_one_experiment_at_a_time(alice, alice_client):
    running = make_experiment(alice, "2026-11-20")
    response = alice_client.get("/experiments/new/")
    assert response["Location"] == f"/experiments/{running.pk}/"
    alice_client.post("/experiments/new/", plan(start_it=1))
    assert Experiment.objects.filter(user=alice).count() == 1


def test_a_finished_experiment_leaves_room_for_the_next(alice, alice_client):
    make_experiment(alice, "2026-10-01")  # 24 nights: over by 24 October
    alice_client.post("/experiments/new/", plan(start_it=1))
    assert Experiment.objects.filter(user=alice).count() == 2


# ---- Running ---------------------------------------------------------------------------------


def test_the_morning_log_says_what_tonight_is_and_asks_about_last_night(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-20")
    schedule = {n.date: n for n in experiment.design.schedule()}
    tonight, _last = schedule[TONIGHT], schedule[LAST_NIGHT]
    html = alice_client.get("/nights/new/").content.decode()
    option = experiment.option
    tonight_says = option.test_short if tonight.test else option.usual_short
    assert f"Tonight: {tonight_says}</strong> — night 5 of 24" in html
    assert "night 4 of 24" in html  # last night, the one being logged
    assert option.question in html
    assert 'name="experiment_done"' in html


def test_a_night_outside_any_experiment_asks_nothing(alice, alice_client):
    make_experiment(alice, "2026-11-20")
    html = alice_client.get("/nights/new/?date=2026-11-10").content.decode()
    assert 'name="experiment_done"' not in html
    # Tonight is in the experiment, but an earlier night's page doesn't say so: only
    # the morning log of last night and the stretch guide do (and the message on saving).
    assert "Tonight:" not in html


def test_the_answer_is_saved_with_the_night_and_the_message_says_what_tonight_is(
    alice, alice_client
):
    experiment = make_experiment(alice, "2026-11-20")
    response = alice_client.post(
        "/nights/new/",
        night_post(LAST_NIGHT.isoformat(), experiment_done="true", stretch_minutes=10),
        follow=True,
    )
    assert Night.objects.get(user=alice, date=LAST_NIGHT).experiment_done is True
    tonight = experiment.design.night(TONIGHT)
    said = "stretch" if tonight.test else "no stretching"
    assert f"Saved the night of Mon 23 Nov 2026. Tonight: {said}." in response.content.decode()
    html = alice_client.get(f"/nights/{LAST_NIGHT}/").content.decode()
    assert 'id="id_experiment_done_yes" value="true" checked' in html


def test_an_unanswered_question_is_unknown_not_no(alice, alice_client):
    make_experiment(alice, "2026-11-20")
    alice_client.post("/nights/new/", night_post(LAST_NIGHT.isoformat()))
    assert Night.objects.get(user=alice, date=LAST_NIGHT).experiment_done is None


def test_the_routine_page_says_what_tonight_is(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-20")
    html = alice_client.get("/routine/").content.decode()
    assert "Tonight:" in html
    assert "night 5 of 24" in html
    experiment.delete()
    assert "Tonight:" not in alice_client.get("/routine/").content.decode()


def test_the_experiment_page_shows_the_schedule_with_each_nights_cramps(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-20")
    make_episode(make_night(alice, "2026-11-21", experiment_done=True), severity=4)
    html = alice_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert 'id="schedule"' in html
    assert (
        '<a href="/nights/2026-11-21/">1<span class="visually-hidden"> cramp</span></a>'
        ' <span aria-hidden="true">✓</span><span class="visually-hidden">, you did it</span>'
    ) in html
    assert '<a href="/nights/new/?date=2026-11-20">log<span class="visually-hidden">' in html
    # Tonight (the 24th) is marked, and nights ahead have nothing to log yet.
    assert html.count('aria-current="date"') == 1
    assert "Interim: 4 of 24 nights so far." in html
    assert f"The draw’s seed is {experiment.seed}" in html


def test_the_experiment_page_and_its_list_are_only_the_owners(alice, bob, alice_client):
    make_experiment(bob, "2026-10-01", habit="electrolytes")
    html = alice_client.get("/experiments/").content.decode()
    assert "electrolyte" not in html.lower().split("<main", 1)[1].split("plan an experiment")[0]


def test_stopping_early_needs_a_post_and_keeps_the_nights_so_far(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-20")
    page = alice_client.get(f"/experiments/{experiment.pk}/stop/").content.decode()
    assert "Stop it now" in page
    experiment.refresh_from_db()
    assert experiment.stopped_after is None
    alice_client.post(f"/experiments/{experiment.pk}/stop/")
    experiment.refresh_from_db()
    assert experiment.stopped_after == LAST_NIGHT
    html = alice_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "Result of a stopped experiment" in html
    assert "stopped after 4 of its 24 nights" in html
    assert "Tonight:" not in html


def test_an_experiment_not_yet_begun_is_deleted_rather_than_stopped(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-26")
    response = alice_client.post(f"/experiments/{experiment.pk}/stop/")
    assert response["Location"] == f"/experiments/{experiment.pk}/delete/"
    experiment.refresh_from_db()
    assert experiment.stopped_after is None


def test_deleting_asks_first_and_keeps_the_nights(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-20")
    make_night(alice, "2026-11-21", experiment_done=True)
    assert (
        "Delete this experiment"
        in alice_client.get(f"/experiments/{experiment.pk}/delete/").content.decode()
    )
    assert Experiment.objects.filter(pk=experiment.pk).exists()
    alice_client.post(f"/experiments/{experiment.pk}/delete/")
    assert not Experiment.objects.filter(pk=experiment.pk).exists()
    assert Night.objects.filter(user=alice).count() == 1


# ---- Results -------------------------------------------------------------------------------


def test_a_finished_experiment_shows_its_result_by_plan_and_per_protocol(alice, alice_client):
    experiment = make_experiment(alice, "2026-10-01", pairs=8)  # 32 nights, over
    for planned in experiment.design.schedule():
        night = make_night(alice, planned.date, experiment_done=planned.test)
        if not planned.test:
            make_episode(night)
            make_episode(night)
    html = alice_client.get(f"/experiments/{experiment.pk}/").content.decode()
    result = alice_client.get(f"/experiments/{experiment.pk}/").context["result"]
    assert result.complete
    assert (result.test.cramps_per_night, result.usual.cramps_per_night) == (0.0, 2.0)
    # 8 pairs, every one the test block ahead: p = 2/2⁸ (both extreme orders).
    assert result.by_plan.p == pytest.approx(2 / 2**8)
    assert result.by_plan.verdict == "fewer cramps"
    assert (result.followed, result.answered) == (32, 32)
    assert "Interim" not in html
    # Half a cramp added to each arm (none on test nights): 0.5 / 16.5 ≈ 98% fewer.
    assert "Fewer cramps on test nights</strong>: test nights had 98% fewer" in html
    assert "95% interval over 99% fewer to 75% fewer" in html
    assert "followed the plan on <strong>32 of the 32</strong>" in html
    listed = alice_client.get("/experiments/").content.decode()
    assert "Fewer cramps" in listed


def test_the_summary_for_a_doctor_includes_the_experiment(alice, alice_client):
    experiment = make_experiment(alice, "2026-11-01", pairs=6)
    for planned in experiment.design.schedule():
        make_night(alice, planned.date)
    html = alice_client.get("/summary/").content.decode()
    assert "Planned self-experiments" in html
    assert "Stretching before bed" in html
    assert "randomisation test" not in html  # 22 of its 24 nights: not enough pairs yet...
    assert "still running (interim)" in html
    experiment.delete()
    assert "Planned self-experiments" not in alice_client.get("/summary/").content.decode()


def test_the_habit_table_links_a_promising_habit_to_a_fair_test(alice, alice_client):
    # Four weeks, stretching every other night with a third fewer cramps: it points the
    # helpful way, but four weeks can't make it clear.
    for i in range(1, 29):
        stretched = i % 2 == 0
        night = make_night(alice, TONIGHT - dt.timedelta(days=i), stretch_minutes=10 * stretched)
        for _ in range(([0, 1, 2] if stretched else [0, 2, 3])[(i // 2) % 3]):
            make_episode(night)
    response = alice_client.get("/reports/?period=4")
    (stretch, *_) = response.context["comparisons"]
    assert stretch.verdict == "no clear difference"
    assert stretch.ratio < 0.8
    html = response.content.decode()
    assert (
        'href="/experiments/new/?habit=stretch">Worth testing fairly: stretching before bed' in html
    )


def test_a_habit_with_an_experiment_links_to_it_instead(alice, alice_client):
    experiment = make_experiment(alice, "2026-10-01")
    for i in range(1, 29):
        make_night(alice, TONIGHT - dt.timedelta(days=i), stretch_minutes=10 * (i % 2))
    html = alice_client.get("/reports/?period=4").content.decode()
    assert f'href="/experiments/{experiment.pk}/">See your experiment of it' in html


# ---- What the night log keeps straight -------------------------------------------------------


def test_the_tested_habit_is_not_filled_in_from_the_night_before(alice, alice_client):
    make_night(alice, LAST_NIGHT - dt.timedelta(days=1), stretch_minutes=12, water_glasses=7)
    make_experiment(alice, "2026-11-20")
    form = alice_client.get("/nights/new/").context["form"]
    assert form["stretch_minutes"].value() in (None, 0)  # what the experiment tests
    assert form["water_glasses"].value() == 7  # the rest carries forward as usual
    html = alice_client.get("/nights/new/").content.decode()
    assert "this is not filled in from the night before" in html


def test_an_answer_that_contradicts_the_log_is_refused_and_nothing_saved(alice, alice_client):
    make_experiment(alice, "2026-11-20")
    data = night_post(LAST_NIGHT.isoformat(), stretch_minutes=0, experiment_done="true")
    response = alice_client.post("/nights/new/", data)
    assert response.status_code == 200
    error = " ".join(response.context["form"].errors["experiment_done"])
    assert "You answered “yes”" in error
    assert "shows you didn’t" in error
    assert not Night.objects.filter(user=alice).exists()
    alice_client.post("/nights/new/", data | {"stretch_minutes": "8"})
    assert Night.objects.get(user=alice).experiment_done is True


def test_an_answer_for_a_night_outside_any_experiment_is_not_kept(alice, alice_client):
    alice_client.post("/nights/new/", night_post(LAST_NIGHT.isoformat(), experiment_done="true"))
    assert Night.objects.get(user=alice).experiment_done is None


def test_deleting_an_experiment_forgets_its_answers_and_moves_the_data_version(
    alice, alice_client, clock
):
    experiment = make_experiment(alice, "2026-11-20")
    make_night(alice, "2026-11-21", experiment_done=True)
    before = Night.objects.for_user(alice).data_version()
    clock.shift(dt.timedelta(minutes=1))
    alice_client.post(f"/experiments/{experiment.pk}/delete/")
    assert Night.objects.get(user=alice).experiment_done is None
    assert Night.objects.for_user(alice).data_version() != before


def test_the_planner_counts_whole_pairs_in_the_weeks_asked_for(alice, alice_client):
    # 8 weeks of 3-night blocks: 56 nights hold 9 pairs (54 nights), not 10 (60).
    alice_client.post("/experiments/new/", plan(start_it=1, block_nights=3, weeks=8))
    assert Experiment.objects.get(user=alice).pairs == 9


def test_the_planner_offers_no_empty_choice_of_what_to_test(alice_client):
    html = alice_client.get("/experiments/new/").content.decode()
    assert "---------" not in html


def test_a_plan_checked_but_not_started_says_so_gently(alice_client):
    response = alice_client.post("/experiments/new/", plan(check=1, habit="own"))
    html = response.content.decode()
    assert "Please check the highlighted fields" in html
    assert "Nothing was started" not in html


def test_an_experiment_cannot_be_added_by_hand_in_the_admin(db):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("admin", "admin@example.com", "admin-password-1")
    client = _client(admin)
    assert client.get("/admin/journal/experiment/add/").status_code == 403


def test_deleting_a_stopped_experiment_leaves_the_next_ones_answers(alice, alice_client, clock):
    first = make_experiment(alice, "2026-11-10", stopped_after=dt.date(2026, 11, 15))
    make_experiment(alice, "2026-11-16", habit="water", block_nights=1)
    make_night(alice, "2026-11-20", experiment_done=True, water_glasses=8)
    alice_client.post(f"/experiments/{first.pk}/delete/")
    assert Night.objects.get(user=alice, date="2026-11-20").experiment_done is True


def test_stopping_forgets_an_answer_already_logged_for_tonight(alice, alice_client, clock):
    clock.move_to(dt.datetime(2026, 11, 24, 19, tzinfo=dt.UTC))  # tonight can be logged
    experiment = make_experiment(alice, "2026-11-20")
    make_night(alice, "2026-11-24", experiment_done=True, stretch_minutes=10)
    alice_client.post(f"/experiments/{experiment.pk}/stop/")
    experiment.refresh_from_db()
    assert experiment.stopped_after == LAST_NIGHT
    assert Night.objects.get(user=alice, date=TONIGHT).experiment_done is None


def test_an_early_riser_is_told_the_coming_evenings_plan(alice, alice_client, clock):
    clock.move_to(dt.datetime(2026, 11, 24, 5, 30, tzinfo=dt.UTC))
    experiment = make_experiment(alice, "2026-11-20")
    coming = experiment.design.night(TONIGHT)  # the 24th, not the night just ended
    html = alice_client.get("/nights/new/").content.decode()
    assert f"night {coming.number} of 24" in html
    response = alice_client.post(
        "/nights/new/",
        night_post(LAST_NIGHT.isoformat(), experiment_done="true", stretch_minutes=10),
        follow=True,
    )
    said = "stretch" if coming.test else "no stretching"
    assert f"Tonight: {said}." in response.content.decode()


def test_the_quick_save_on_an_experiment_night_needs_the_answer(alice, alice_client):
    make_experiment(alice, "2026-11-20")
    data = night_post(LAST_NIGHT.isoformat()) | {"no_cramps": "1"}
    response = alice_client.post("/nights/new/", data)
    assert "first, then save" in " ".join(response.context["form"].errors["experiment_done"])
    assert not Night.objects.filter(user=alice).exists()
    alice_client.post("/nights/new/", data | {"experiment_done": "false", "stretch_minutes": "0"})
    assert Night.objects.get(user=alice).experiment_done is False


def test_the_planner_refuses_to_overlap_a_stopped_experiments_nights(alice, alice_client):
    # A stop date in the future (from an old import, say) still holds those nights.
    make_experiment(alice, "2026-11-20", stopped_after=dt.date(2026, 12, 1))
    alice_client.post("/experiments/new/", plan(start_it=1))
    assert Experiment.objects.filter(user=alice).count() == 1


def test_after_the_last_night_the_page_has_a_result_and_no_tonight(alice, alice_client, clock):
    experiment = make_experiment(alice, "2026-10-30")  # its 24th night: 22 November
    clock.move_to(dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC))  # up at 01:00 after it
    html = alice_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "Tonight:" not in html
    assert "Finished." in html
    assert "Stop early" not in html


def test_a_habit_taken_up_once_is_worth_testing_fairly(alice, alice_client):
    for i in range(1, 29):
        make_night(alice, TONIGHT - dt.timedelta(days=i), stretch_minutes=10 * (i <= 14))
    html = alice_client.get("/reports/?period=4").content.decode()
    assert "Can’t tell apart from time" in html
    assert 'href="/experiments/new/?habit=stretch">Worth testing fairly' in html
