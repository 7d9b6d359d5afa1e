"""A planned self-experiment through the real pages: plan it, follow it, read the result."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from journal.dates import last_night, local_today
from journal.models import Experiment, Night
from tests.browser.conftest import PHONE
from tests.conftest import make_episode, make_night


def test_a_person_plans_an_experiment_follows_it_and_reads_the_result(
    logged_in_page: Page, user: User
):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    # Somewhere it is now about midday, so that "tonight" is the evening to come whatever
    # the hour the test runs at (before 06:00 it would still be the night under way).
    offset = 12 - dt.datetime.now(dt.UTC).hour  # -11 to +12 hours
    user.profile.time_zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/ signs flip
    user.profile.save()
    tz = user.profile.tzinfo
    assert dt.datetime.now(tz).hour in (11, 12, 13)

    # Plan it: from the experiments page, with the planner's proposal adjusted.
    page.goto("/experiments/")
    page.get_by_role("link", name="Plan an experiment").click()
    expect(page.get_by_label("Stretching before bed")).to_be_checked()
    page.get_by_label("How long (weeks)").fill("4")
    page.get_by_role("button", name="Check this plan").click()
    preview = page.locator("#plan-preview")
    expect(preview).to_contain_text("28 nights, about 4 weeks, in 7 pairs of 2-night blocks")
    expect(page.locator("#plan-power")).to_contain_text("really cut cramps by 40%")
    expect(page.locator("#plan-suggestion")).to_contain_text("That is a low chance")
    expect(page.locator("#plan-preview")).to_be_in_viewport()  # the page jumps to the plan
    page.get_by_role("button", name="Start the experiment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Experiment: Stretching before bed")
    experiment = Experiment.objects.get(user=user)
    tonight = experiment.design.night(local_today(tz))
    expected = "stretch" if tonight.test else "no stretching"
    expect(page.locator("#experiment-tonight")).to_contain_text(
        f"Tonight: {expected} — night 1 of 28"
    )

    # Four weeks pass (the experiment is moved back rather than the clock forward). The
    # diary has most nights already; the last one is logged in the morning log, which
    # asks whether the plan was followed.
    experiment.start = last_night(tz) - dt.timedelta(days=27)
    experiment.save()
    schedule = experiment.design.schedule()
    for planned in schedule[:-1]:
        night = make_night(
            user, planned.date, experiment_done=planned.test, stretch_minutes=10 * planned.test
        )
        for _ in range(0 if planned.test else 2):
            make_episode(night)
    last = schedule[-1]
    page.goto("/nights/new/")
    question = page.locator("#experiment-question")
    expect(question).to_contain_text("night 28 of 28")
    expect(question).to_contain_text("test night" if last.test else "usual night")
    question.get_by_text("Yes" if last.test else "No", exact=True).click()
    # Stretching isn't filled in from the night before while it is being tested: it
    # starts blank, not measured, whatever the answer.
    expect(page.get_by_label("Stretching (minutes)")).to_have_value("")
    if last.test:
        page.get_by_label("Stretching (minutes)").fill("8")
    page.get_by_role("button", name="No cramps — save").click()
    expect(page).to_have_url(re.compile(r"/nights/$"))
    assert Night.objects.get(user=user, date=last.date).experiment_done is last.test

    # Read the result.
    page.goto("/experiments/")
    page.get_by_role("link", name="Stretching before bed").first.click()
    expect(page.get_by_role("heading", name="Result", exact=True)).to_be_visible()
    expect(page.locator("#result-caveat")).to_have_count(0)  # not interim any more
    expect(page.locator("#by-plan")).to_contain_text("Fewer cramps on test nights")
    expect(page.locator("#adherence")).to_contain_text("28 of the 28")
    calendar = page.get_by_role("table", name=re.compile("experiment’s nights"))
    usual_logged_with_cramps = sum(not planned.test for planned in schedule[:-1])
    expect(calendar.get_by_role("link", name="2 cramps")).to_have_count(usual_logged_with_cramps)
