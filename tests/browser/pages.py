"""Every page of the app, each with the data and steps that show it at its fullest.

PAGES maps a readable name to (needs login, opener); open_page() signs in when needed and
runs the opener. The checks that apply to all of them are in test_every_page.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from journal import sharing
from journal.dates import last_night
from journal.models import Experiment, Night, ShareLink
from journal.reminder_mail import unsubscribe_token
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_episode, make_experiment, make_night

# One unbroken "word" is the worst case for wrapping: a pasted link, say.
LONG_NOTE = (
    "Cramp started in the left calf and spread along the shin; tried the wall stretch, "
    "then walked it off. https://example.org/" + "very-long-path-segment" * 8
)
LONG_DISPLAY_NAME = "Bartholomew-Maximilian Featherstonehaugh-Worthington"

_Opener = Callable[[Page, User], None]
PAGES: dict[str, tuple[bool, _Opener]] = {}


def _page(name: str, *, logged_in: bool = True) -> Callable[[_Opener], _Opener]:
    def register(opener: _Opener) -> _Opener:
        PAGES[name] = (logged_in, opener)
        return opener

    return register


def _last_night(user: User) -> dt.date:
    return last_night(user.profile.tzinfo)


def _busy_night(user: User, date: dt.date) -> Night:
    """A night with every field filled in, two cramps and a note with a very long word."""
    night = make_night(
        user,
        date,
        bedtime=dt.time(23, 15),
        stretch_minutes=12,
        stretch_calf_wall=True,
        stretch_hamstring=True,
        caffeine_drinks=3,
        last_caffeine_at=dt.time(16, 45),
        alcohol_drinks=Decimal("1.5"),
        last_alcohol_at=dt.time(21, 30),
        water_glasses=7,
        electrolytes=True,
        relax_breathing=True,
        relaxation_minutes=10,
        sleep_quality=2,
        notes=LONG_NOTE,
    )
    make_episode(night, at=dt.time(3, 10), severity=8, woke_me=True)
    make_episode(night, at=dt.time(5, 40), muscle="quadriceps", side="both", severity=3)
    return night


@_page("login", logged_in=False)
def _login(page: Page, user: User) -> None:
    page.goto("/accounts/login/")


@_page("login with a wrong password", logged_in=False)
def _login_error(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()


@_page("sign-in paused after too many failures", logged_in=False)
def _login_paused(page: Page, user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")


@_page("signup", logged_in=False)
def _signup(page: Page, user: User) -> None:
    page.goto("/accounts/signup/")


@_page("signup with errors", logged_in=False)
def _signup_error(page: Page, user: User) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill(user.username)  # taken
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("shorter")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()


@_page("password reset", logged_in=False)
def _password_reset(page: Page, user: User) -> None:
    page.goto("/accounts/password_reset/")


@_page("password reset, link sent", logged_in=False)
def _password_reset_sent(page: Page, user: User) -> None:
    page.goto("/accounts/password_reset/")
    page.locator("#id_email").fill(user.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page).to_have_url(re.compile(r"/accounts/password_reset/done/$"))


@_page("password reset, choose a new password", logged_in=False)
def _password_reset_confirm(page: Page, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page.goto(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
    expect(page.locator("#id_new_password1")).to_be_visible()


@_page("morning log")
def _morning_log(page: Page, user: User) -> None:
    page.goto("/nights/new/")


@_page("morning log with a validation error")
def _morning_log_error(page: Page, user: User) -> None:
    page.goto("/nights/new/")
    page.locator("label[for=id_episodes-0-severity_6]").click()  # and no side
    page.locator("#id_episodes-0-duration_minutes").fill("601")
    page.locator("#id_notes").fill(LONG_NOTE)
    page.get_by_role("button", name="Save night").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")


@_page("morning log, two cramps like the last one logged")
def _morning_log_same_as_last(page: Page, user: User) -> None:
    make_episode(make_night(user, _last_night(user) - dt.timedelta(days=1)), woke_me=True)
    page.goto("/nights/new/")
    page.get_by_role("button", name="+ Same as last").click()
    page.locator("[data-episode]").first.get_by_role("button", name="3 AM").click()
    page.get_by_role("button", name="+ Same as last").click()
    expect(page.get_by_text("Cramp 2", exact=True)).to_be_visible()


@_page("history, empty")
def _history_empty(page: Page, user: User) -> None:
    page.goto("/nights/")


@_page("history")
def _history(page: Page, user: User) -> None:
    night_of = _last_night(user)
    _busy_night(user, night_of)
    make_night(user, night_of - dt.timedelta(days=1))
    make_episode(make_night(user, night_of - dt.timedelta(days=3)), severity=10)
    page.goto("/nights/")


@_page("history, paginated")
def _history_paginated(page: Page, user: User) -> None:
    night_of = _last_night(user)
    for days_back in range(35):
        make_night(user, night_of - dt.timedelta(days=days_back), stretch_minutes=days_back % 11)
    page.goto("/nights/")
    expect(page.get_by_role("navigation", name="History pages")).to_be_visible()


@_page("edit a night")
def _edit(page: Page, user: User) -> None:
    night = _busy_night(user, _last_night(user))
    page.goto(night.get_absolute_url())


@_page("delete confirmation")
def _delete(page: Page, user: User) -> None:
    night = _busy_night(user, _last_night(user))
    page.goto(f"/nights/{night.date.isoformat()}/delete/")


@_page("reports, nothing logged")
def _reports_empty(page: Page, user: User) -> None:
    page.goto("/reports/")


def _six_varied_weeks(user: User) -> dt.date:
    """Enough nights for every table, chart, flag and comparison; returns the latest date."""
    night_of = _last_night(user)
    for days_back in range(42):
        stretched = days_back % 2 == 0
        night = make_night(
            user,
            night_of - dt.timedelta(days=days_back),
            bedtime=dt.time(22, 45),
            stretch_minutes=10 if stretched else 0,
            stretch_calf_wall=stretched,
            caffeine_drinks=days_back % 3,
            last_caffeine_at=dt.time(20, 0) if days_back % 3 else None,
            water_glasses=days_back % 9,
            electrolytes=days_back % 4 == 0,
            relax_breathing=days_back % 5 == 0,
        )
        for n in range(0 if stretched else 1 + days_back % 3):
            make_episode(night, severity=min(10, 3 + days_back % 8), duration_minutes=n + 1)
    return night_of


def _charts_all_load(page: Page) -> None:
    # The charts load lazily; scroll them in so their requests are made and checked too.
    for chart in page.locator("figure.chart picture img").all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0, "a chart did not load"


@_page("reports")
def _reports(page: Page, user: User) -> None:
    split = _six_varied_weeks(user) - dt.timedelta(days=20)
    page.goto(f"/reports/?split={split.isoformat()}")
    expect(page.locator("#before-after-table")).to_be_visible()
    _charts_all_load(page)


@_page("reports with an impossible period")
def _reports_error(page: Page, user: User) -> None:
    page.goto("/reports/?period=custom&start=2026-01-10&end=2026-01-01")
    expect(page.get_by_role("alert")).to_be_visible()


@_page("clinician summary, nothing logged")
def _summary_empty(page: Page, user: User) -> None:
    page.goto("/summary/")


@_page("clinician summary")
def _summary(page: Page, user: User) -> None:
    _six_varied_weeks(user)
    page.goto("/summary/")
    _charts_all_load(page)


@_page("experiments, none yet")
def _experiments_empty(page: Page, user: User) -> None:
    page.goto("/experiments/")


def _an_experiment_under_way(user: User) -> Experiment:
    """A magnesium experiment halfway through, its nights logged and most answered."""
    start = _last_night(user) - dt.timedelta(days=15)
    experiment = make_experiment(
        user, start, habit="own", own_label="magnesium tablet", block_nights=4, wash_in=1
    )
    for planned in experiment.design.schedule()[:16]:
        if planned.number != 7:  # one night not logged
            night = make_night(user, planned.date, experiment_done=planned.test or None)
            for _ in range(0 if planned.test else 2):
                make_episode(night)
    return experiment


@_page("experiments, one running and one past")
def _experiments(page: Page, user: User) -> None:
    make_experiment(user, _last_night(user) - dt.timedelta(days=120), habit="electrolytes")
    _an_experiment_under_way(user)
    page.goto("/experiments/")


@_page("plan an experiment")
def _experiment_new(page: Page, user: User) -> None:
    page.goto("/experiments/new/?habit=stretch")
    expect(page.locator("#plan-preview")).to_be_visible()


@_page("plan an experiment with an error")
def _experiment_new_error(page: Page, user: User) -> None:
    page.goto("/experiments/new/")
    page.get_by_label("Something of your own").check()
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was started")


@_page("an experiment under way")
def _experiment(page: Page, user: User) -> None:
    page.goto(_an_experiment_under_way(user).get_absolute_url())
    expect(page.locator("#schedule")).to_be_visible()


@_page("stop an experiment")
def _experiment_stop(page: Page, user: User) -> None:
    page.goto(f"{_an_experiment_under_way(user).get_absolute_url()}stop/")


@_page("delete an experiment")
def _experiment_delete(page: Page, user: User) -> None:
    page.goto(f"{_an_experiment_under_way(user).get_absolute_url()}delete/")


@_page("morning log during an experiment")
def _morning_log_experiment(page: Page, user: User) -> None:
    _an_experiment_under_way(user)
    page.goto("/nights/new/")
    expect(page.locator("#experiment-question")).to_be_visible()


@_page("export")
def _export(page: Page, user: User) -> None:
    _busy_night(user, _last_night(user))
    page.goto("/export/")


@_page("import")
def _import(page: Page, user: User) -> None:
    page.goto("/import/")


@_page("import with no file chosen")
def _import_error(page: Page, user: User) -> None:
    page.goto("/import/")
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")


def _upload_for_preview(page: Page, nights_csv: bytes, episodes_csv: bytes) -> None:
    page.goto("/import/")
    page.locator("#id_nights").set_input_files(
        {"name": "nights.csv", "mimeType": "text/csv", "buffer": nights_csv}
    )
    page.locator("#id_episodes").set_input_files(
        {"name": "episodes.csv", "mimeType": "text/csv", "buffer": episodes_csv}
    )
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()


def _exported(page: Page, user: User) -> tuple[bytes, bytes]:
    """The CSV files the app itself exports for two nights, one already in the journal."""
    night_of = _last_night(user)
    _busy_night(user, night_of)
    _busy_night(user, night_of - dt.timedelta(days=1))
    files = (page.request.get(f"/export/{kind}.csv").body() for kind in ("nights", "episodes"))
    nights_csv, episodes_csv = files
    Night.objects.filter(date=night_of).delete()
    return nights_csv, episodes_csv


@_page("import preview")
def _import_preview(page: Page, user: User) -> None:
    _upload_for_preview(page, *_exported(page, user))


@_page("import preview with problems")
def _import_preview_problems(page: Page, user: User) -> None:
    nights_csv, episodes_csv = _exported(page, user)
    header, *rows = nights_csv.decode("utf-8-sig").splitlines()
    assert header.startswith("date,")
    broken = [header, *rows, "2026-02-30," + rows[0].split(",", 1)[1]]  # no such date
    _upload_for_preview(page, "\n".join(broken).encode(), episodes_csv)
    expect(page.get_by_role("heading", name=re.compile("with problems"))).to_be_visible()


@_page("your data")
def _account(page: Page, user: User) -> None:
    _busy_night(user, _last_night(user))
    page.goto("/account/")


@_page("your data, wrong password to delete the account")
def _account_error(page: Page, user: User) -> None:
    page.goto("/account/")
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")


@_page("stretch guide")
def _routine(page: Page, user: User) -> None:
    page.goto("/routine/")


@_page("settings")
def _settings(page: Page, user: User) -> None:
    page.goto("/settings/")


@_page("reminders")
def _reminders(page: Page, user: User) -> None:
    # Turned on and saved, so the page shows the next reminder and the success message.
    page.goto("/settings/reminders/")
    page.get_by_label("Remind me to log last night").check()
    page.get_by_role("button", name="Save reminder").click()
    expect(page.get_by_text("Reminders on.")).to_be_visible()


@_page("reminders without an email address")
def _reminders_no_email(page: Page, user: User) -> None:
    User.objects.filter(pk=user.pk).update(email="")
    page.goto("/settings/reminders/")
    page.get_by_label("Remind me to log last night").check()
    page.get_by_role("button", name="Save reminder").click()
    expect(page.get_by_text("Reminders need an email address to go to.")).to_be_visible()


@_page("stop reminders", logged_in=False)
def _unsubscribe(page: Page, user: User) -> None:
    page.goto(f"/reminders/unsubscribe/{unsubscribe_token(user)}/")


@_page("reminders stopped", logged_in=False)
def _unsubscribed(page: Page, user: User) -> None:
    page.goto(f"/reminders/unsubscribe/{unsubscribe_token(user)}/")
    page.get_by_role("button", name="Stop reminders").click()
    expect(page.get_by_role("heading", name="Reminders stopped")).to_be_visible()


@_page("password change")
def _password_change(page: Page, user: User) -> None:
    page.goto("/accounts/password_change/")


@_page("password changed")
def _password_changed(page: Page, user: User) -> None:
    page.goto("/accounts/password_change/")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("a-new-and-longer-passphrase")
    page.locator("#id_new_password2").fill("a-new-and-longer-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password_change/done/$"))


def _shared_link(user: User) -> str:
    """A link to the last four weeks of six varied ones, opened twice."""
    end = _six_varied_weeks(user)
    token, link = sharing.create_link(user, end - dt.timedelta(days=27), end, 7)
    ShareLink.objects.filter(pk=link.pk).update(times_opened=2, last_opened=link.created)
    return token


@_page("share the summary")
def _share_new(page: Page, user: User) -> None:
    page.goto("/summary/")
    page.get_by_role("link", name="Share with my clinician").click()
    expect(page.get_by_label("Valid for (days)")).to_have_value("7")


@_page("share link made")
def _share_made(page: Page, user: User) -> None:
    _share_new(page, user)
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator("#share-link svg")).to_be_visible()


@_page("settings with shared links")
def _settings_shared(page: Page, user: User) -> None:
    _shared_link(user)
    page.goto("/settings/#shared-links")
    expect(page.locator("#shared-links li")).to_have_count(1)


@_page("revoke a shared link")
def _share_revoke(page: Page, user: User) -> None:
    _shared_link(user)
    page.goto("/settings/")
    page.get_by_role("link", name=re.compile("^Revoke")).click()


@_page("shared summary, opened by a clinician", logged_in=False)
def _shared_summary(page: Page, user: User) -> None:
    page.goto(f"/s/{_shared_link(user)}/")
    _charts_all_load(page)


@_page("shared link that no longer opens", logged_in=False)
def _shared_gone(page: Page, user: User) -> None:
    page.goto(f"/s/{sharing.new_token()}/")


def open_page(name: str, page: Page, user: User, live_server) -> None:
    logged_in, opener = PAGES[name]
    # A long display name shows in the navbar's "Log out …" button on every page.
    user.profile.display_name = LONG_DISPLAY_NAME
    user.profile.save()
    if logged_in:
        log_in(page, user, live_server)
    opener(page, user)
    expect(page.locator("main h1")).to_be_visible()
    # A page reached by submitting a form can show its heading before its stylesheet has
    # arrived; measuring then reads the browser's defaults. "load" waits for the styles.
    page.wait_for_load_state("load")
    if logged_in:
        assert "/accounts/login/" not in page.url, f"{name}: was sent to log in"


@_page("page not found")
def _not_found(page: Page, user: User) -> None:
    page.goto("/nights/1999-01-01/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
