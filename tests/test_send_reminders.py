"""manage.py send_reminders, delivering to a real SMTP server started by the tests."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import time
import zoneinfo
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from journal.models import Profile, Reminder, ReminderSent
from journal.reminders import EVERY_DAY, days_mask
from tests.conftest import make_night
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db
SITE = "http://testserver"
_LINK = re.compile(r"http://testserver/\S+")


@pytest.fixture(autouse=True)
def site_url(settings) -> None:
    settings.SITE_URL = SITE


def at(text: str) -> time_machine.travel:
    """The clock pinned at this UTC time."""
    return time_machine.travel(dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC), tick=False)


def remind(
    user: User, tz: str = "Europe/London", time: str = "08:00", days: int = EVERY_DAY
) -> Reminder:
    Profile.objects.filter(user=user).update(time_zone=tz)
    reminder = Reminder(user=user, enabled=True, at=dt.time.fromisoformat(time), days=days)
    reminder.schedule_next(timezone.now(), zoneinfo.ZoneInfo(tz))
    reminder.full_clean()
    reminder.save()
    return reminder


def send() -> str:
    out = io.StringIO()
    call_command("send_reminders", "--once", stdout=out)
    return out.getvalue()


def links(message) -> list[str]:
    return _LINK.findall(message.get_body(("plain",)).get_content())


def test_the_mail_arrives_naming_the_night_with_working_links(alice, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        make_night(alice, "2026-11-28", notes="left calf, agony at 3am")
        remind(alice)
    with at("2026-12-01 08:00:20"):
        send()

    [message] = smtp_server.messages
    assert smtp_server.recipients == ["alice@example.com"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Log the night of Monday 30 November"
    log_link, unsubscribe_link, settings_link = links(message)
    assert log_link == f"{SITE}/nights/new/?date=2026-11-30"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()
    assert f'href="{log_link}"' in html
    # Nothing logged, and nothing about health, is in the mail.
    whole = message.as_string()
    assert "calf" not in whole
    assert "agony" not in whole

    owner = Client()
    owner.force_login(alice)
    with at("2026-12-01 08:05"):
        page = owner.get(log_link.removeprefix(SITE))
        assert page.status_code == 200
        assert page.context["form"].initial["date"] == dt.date(2026, 11, 30)
        assert owner.get(settings_link.removeprefix(SITE)).status_code == 200

    # The unsubscribe link works without signing in: a page with a button, then a POST.
    anyone = Client(enforce_csrf_checks=True)
    path = unsubscribe_link.removeprefix(SITE)
    assert b"Stop reminders" in anyone.get(path).content
    assert Reminder.objects.get(user=alice).enabled  # opening the link changes nothing
    assert anyone.post(path).status_code == 200
    assert not Reminder.objects.get(user=alice).enabled
    assert ReminderSent.objects.filter(user=alice, night="2026-11-30").count() == 1


def test_the_mail_programs_one_click_unsubscribe_works(alice, bob, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        remind(alice)
        remind(bob)
    with at("2026-12-01 08:00:20"):
        send()
    message = next(m for m in smtp_server.messages if m["To"] == "alice@example.com")
    url = message["List-Unsubscribe"].strip(" <>").removeprefix(SITE)
    # RFC 8058: a POST from the mail provider, no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Reminder.objects.get(user=alice).enabled
    assert Reminder.objects.get(user=bob).enabled


def test_a_tampered_unsubscribe_link_is_refused(alice, bob, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        remind(alice)
    with at("2026-12-01 08:00:20"):
        send()
    [message] = smtp_server.messages
    url = message["List-Unsubscribe"].strip(" <>").removeprefix(SITE)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = [
        url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
        url.replace(token, "x" + token),
        "/reminders/unsubscribe/not-a-token/",
    ]
    for bad in tampered:
        assert Client().get(bad).status_code == 404, bad
        assert Client().post(bad).status_code == 404, bad
    assert Reminder.objects.get(user=alice).enabled


def test_a_mail_server_that_is_down_is_retried_with_back_off_then_delivered(
    alice, smtp_port: int, smtp_inbox: Inbox, caplog
):
    with at("2026-11-30 12:00"):
        remind(alice)
    tries = []
    for now in [
        "2026-12-01 08:00:10",  # first try: refused; next in 1 min
        "2026-12-01 08:00:50",  # not yet
        "2026-12-01 08:01:10",  # second: refused; next in 2 min
        "2026-12-01 08:02:30",  # not yet
        "2026-12-01 08:03:10",  # third: refused; next in 4 min
    ]:
        with at(now):
            send()  # nothing listening: no exception comes out of the command
        reminder = Reminder.objects.get(user=alice)
        tries.append((reminder.failures, reminder.next_due.strftime("%H:%M:%S")))
    assert tries == [
        (1, "08:01:10"),
        (1, "08:01:10"),
        (2, "08:03:10"),
        (2, "08:03:10"),
        (3, "08:07:10"),
    ]
    assert "not sent (attempt 3" in caplog.text
    assert not ReminderSent.objects.exists()

    smtp_inbox.start(smtp_port)
    with at("2026-12-01 08:07:15"):
        send()
    assert [m["Subject"] for m in smtp_inbox.messages] == ["Log the night of Monday 30 November"]
    reminder = Reminder.objects.get(user=alice)
    assert (reminder.failures, reminder.night) == (0, dt.date(2026, 12, 1))
    assert reminder.next_due == dt.datetime(2026, 12, 2, 8, tzinfo=dt.UTC)
    assert ReminderSent.objects.filter(user=alice).count() == 1


def test_with_the_server_down_one_round_knocks_once_not_for_every_reminder(
    alice, bob, smtp_port: int
):
    with at("2026-11-30 12:00"):
        remind(alice)
        remind(bob)
    with at("2026-12-01 08:00:10"):
        send()
    assert sorted(Reminder.objects.values_list("failures", flat=True)) == [0, 1]


# (zone, the clock on the Saturday, just before Sunday's 08:00, just after, the night)
CLOCK_CHANGES = {
    "London goes forward": (
        "Europe/London",
        "2026-03-28 12:00",
        "2026-03-29 06:59",
        "2026-03-29 07:00:05",
    ),
    "London goes back": (
        "Europe/London",
        "2026-10-24 12:00",
        "2026-10-25 07:59",
        "2026-10-25 08:00:05",
    ),
    "New York goes forward": (
        "America/New_York",
        "2026-03-07 18:00",
        "2026-03-08 11:59",
        "2026-03-08 12:00:05",
    ),
    "New York goes back": (
        "America/New_York",
        "2026-10-31 18:00",
        "2026-11-01 12:59",
        "2026-11-01 13:00:05",
    ),
}


@pytest.mark.parametrize("change", CLOCK_CHANGES)
def test_the_reminder_comes_at_eight_local_time_on_the_morning_the_clocks_change(
    change: str, alice, smtp_server: Inbox
):
    tz, saturday, before, after = CLOCK_CHANGES[change]
    with at(saturday):
        remind(alice, tz=tz)
    with at(before):
        send()
    assert smtp_server.messages == []
    with at(after):
        send()
    [message] = smtp_server.messages
    night = dt.date.fromisoformat(saturday[:10])
    assert message["Subject"] == "Log the night of Saturday " + night.strftime("%-d %B")
    assert f"/nights/new/?date={night}" in links(message)[0]
    sent_at = ReminderSent.objects.get(user=alice).sent_at.astimezone(zoneinfo.ZoneInfo(tz))
    assert (sent_at.date(), sent_at.hour, sent_at.minute) == (night + dt.timedelta(days=1), 8, 0)


def test_no_reminder_when_that_night_is_already_logged(alice, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        remind(alice)
    make_night(alice, "2026-11-30")
    with at("2026-12-01 08:00:20"):
        send()
    assert smtp_server.messages == []
    assert not ReminderSent.objects.exists()
    reminder = Reminder.objects.get(user=alice)
    assert (reminder.night, reminder.next_due.day) == (dt.date(2026, 12, 1), 2)


def test_at_most_one_reminder_a_day_even_if_the_time_is_moved_later(
    alice, alice_client, smtp_server: Inbox
):
    with at("2026-11-30 12:00"):
        remind(alice)
    with at("2026-12-01 08:00:20"):
        send()
    with at("2026-12-01 08:30"):
        # Moved to 09:00 after this morning's came: 09:00 today looks due again.
        alice_client.post(
            "/settings/reminders/",
            {
                "enabled": "on",
                "at": "09:00",
                "days": list(range(7)),
                "channel": "email",
                "email": "alice@example.com",
            },
        )
        assert Reminder.objects.get(user=alice).night == dt.date(2026, 11, 30)
    with at("2026-12-01 09:00:20"):
        send()
    assert len(smtp_server.messages) == 1
    assert Reminder.objects.get(user=alice).night == dt.date(2026, 12, 1)


def test_only_the_chosen_days(alice, smtp_server: Inbox):
    with at("2026-11-30 12:00"):  # a Monday
        remind(alice, days=days_mask([0, 3]))  # Mondays and Thursdays
    for day in ["2026-12-01", "2026-12-02"]:  # Tuesday, Wednesday
        with at(f"{day} 08:00:20"):
            send()
    assert smtp_server.messages == []
    with at("2026-12-03 08:00:20"):
        send()
    assert [m["Subject"] for m in smtp_server.messages] == ["Log the night of Wednesday 2 December"]
    assert Reminder.objects.get(user=alice).next_due.date() == dt.date(2026, 12, 7)


def test_a_reminder_held_up_past_its_morning_is_dropped_not_sent_late(alice, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        remind(alice)
    with at("2026-12-02 10:00"):  # the sender was stopped for a day
        send()
    assert smtp_server.messages == []
    assert Reminder.objects.get(user=alice).next_due == dt.datetime(2026, 12, 3, 8, tzinfo=dt.UTC)


def test_another_persons_reminder_is_untouched(alice, bob, smtp_server: Inbox):
    with at("2026-11-30 12:00"):
        remind(alice)
        bobs = remind(bob, time="09:00")
    with at("2026-12-01 08:00:20"):
        send()
    assert smtp_server.recipients == ["alice@example.com"]
    after = Reminder.objects.get(user=bob)
    assert (after.next_due, after.night, after.failures) == (bobs.next_due, bobs.night, 0)


def test_it_needs_the_sites_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(Exception, match="NIGHTLEG_SITE_URL"):
        send()


def test_on_sqlite_it_says_to_run_one_copy(db):
    if connection.vendor != "sqlite":
        pytest.skip("the warning is for SQLite")
    assert "run only one copy" in send()


# Two real send_reminders processes on PostgreSQL, sharing one queue of due reminders.
PEOPLE = 500
WAIT = 180  # seconds, at most, for anything the processes do


def _wait_for(condition, what: str, procs: list[subprocess.Popen], logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            tails = "\n---\n".join(log.read_text()[-2000:] for log in logs)
            pytest.fail(f"gave up waiting for {what}:\n{tails}")
        time.sleep(0.1)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (make test-postgres): SQLite has no row locks, so only one "
    "copy of send_reminders may run on it",
)
def test_two_processes_send_each_of_500_due_reminders_exactly_once(
    transactional_db, smtp_server: Inbox, tmp_path: Path
):
    users = User.objects.bulk_create(
        User(username=f"person{i}", email=f"person{i}@example.com") for i in range(PEOPLE)
    )
    Profile.objects.bulk_create(Profile(user=u, time_zone="UTC") for u in users)
    # Due at 00:00 UTC today, about last night; not yet due until both processes run.
    today = timezone.now().date()
    later = timezone.now() + dt.timedelta(days=1)
    Reminder.objects.bulk_create(
        Reminder(
            user=u, enabled=True, at=dt.time(0), night=today - dt.timedelta(days=1), next_due=later
        )
        for u in users
    )

    test_database = connection.settings_dict["NAME"]
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{quote(test_database)}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nightleg.settings",  # the real SMTP backend
        "DATABASE_URL": url.geturl(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.controller.port),
        "EMAIL_USE_TLS": "0",
        "NIGHTLEG_SITE_URL": SITE,
    }
    command = [sys.executable, "manage.py", "send_reminders", "--interval", "0.2"]
    logs = [tmp_path / f"sender{n}.log" for n in (1, 2)]
    procs = []
    try:
        for log in logs:
            with log.open("w") as out:
                procs.append(
                    subprocess.Popen(
                        command,
                        cwd=settings.BASE_DIR,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        _wait_for(
            lambda: all("now running" in log.read_text() for log in logs),
            "both processes to start",
            procs,
            logs,
        )
        Reminder.objects.update(next_due=timezone.now())  # all 500 due at once
        _wait_for(
            lambda: ReminderSent.objects.count() == PEOPLE and len(smtp_server.messages) >= PEOPLE,
            "every reminder to be sent",
            procs,
            logs,
        )
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            assert proc.wait(timeout=WAIT) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    counts = Counter(smtp_server.recipients)
    assert len(counts) == PEOPLE
    twice = {who: n for who, n in counts.items() if n != 1}
    assert not twice, f"{len(twice)} people got more than one reminder"
    assert ReminderSent.objects.count() == PEOPLE
    outputs = [log.read_text() for log in logs]
    sent = [sum(map(int, re.findall(r"sent (\d+) reminder", text))) for text in outputs]
    assert sum(sent) == PEOPLE
    assert all(sent), f"one process did all the work {sent}: the race wasn't tested"
    assert all("stopped" in text for text in outputs)
    assert not Reminder.objects.due(timezone.now()).exists()
