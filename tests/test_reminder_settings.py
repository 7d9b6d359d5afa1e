"""The reminder settings: /settings/reminders/ and its calendar file."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import time_machine

from journal.models import Profile, Reminder
from journal.reminders import days_mask

URL = "/settings/reminders/"
ICS = "/settings/reminders/calendar.ics"
pytestmark = pytest.mark.django_db


def values(**overrides) -> dict:
    data = {
        "enabled": "on",
        "at": "07:30",
        "days": ["0", "1", "2", "3", "4"],
        "channel": "email",
        "email": "alice@example.com",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


@pytest.fixture
def monday_morning():
    # Monday 30 November 2026, 06:00 in London (GMT, so UTC too).
    with time_machine.travel(dt.datetime(2026, 11, 30, 6, tzinfo=dt.UTC), tick=False):
        yield


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert client.post(URL, values())["Location"].startswith("/accounts/login/")
    assert client.get(ICS)["Location"].startswith("/accounts/login/")
    assert not Reminder.objects.exists()


def test_it_starts_off_at_eight_every_day(alice_client):
    form = alice_client.get(URL).context["form"]
    assert form["enabled"].value() is False
    assert form["at"].value() == dt.time(8, 0)
    assert form["days"].value() == list(range(7))
    assert form["email"].value() == "alice@example.com"


def test_it_turns_reminders_on_and_schedules_the_next(alice, alice_client, monday_morning):
    Profile.objects.filter(user=alice).update(time_zone="Europe/London")
    response = alice_client.post(URL, values())
    assert response["Location"] == URL
    reminder = Reminder.objects.get(user=alice)
    assert (reminder.enabled, reminder.at, reminder.channel) == (True, dt.time(7, 30), "email")
    assert reminder.days == days_mask(range(5))
    assert reminder.next_due == dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)
    assert reminder.night == dt.date(2026, 11, 29)
    page = alice_client.get(URL).content.decode()
    assert "Reminders on. The next one: Monday at 07:30." in page
    assert "about the night of Sunday 29 November" in page


def test_it_turns_reminders_off(alice, alice_client, monday_morning):
    alice_client.post(URL, values())
    alice_client.post(URL, values(enabled=None))
    reminder = Reminder.objects.get(user=alice)
    assert (reminder.enabled, reminder.next_due, reminder.night) == (False, None, None)


def test_it_needs_an_email_address_and_says_so(alice, alice_client):
    alice.email = ""
    alice.save()
    page = alice_client.get(URL).content.decode()
    assert "Your account has no email address yet" in page
    response = alice_client.post(URL, values(email=""))
    assert response.status_code == 200
    assert "Reminders need an email address to go to." in response.content.decode()
    assert not Reminder.objects.exists()


def test_it_saves_the_email_address_given(alice, alice_client):
    alice.email = ""
    alice.save()
    alice_client.post(URL, values(email="al@example.org"))
    alice.refresh_from_db()
    assert alice.email == "al@example.org"
    assert Reminder.objects.get(user=alice).enabled


def test_it_needs_a_day(alice_client):
    response = alice_client.post(URL, values(days=[]))
    assert "Choose at least one morning." in response.content.decode()
    assert not Reminder.objects.exists()


def test_it_refuses_bad_input_without_saving(alice_client):
    for bad in [values(at="25:00"), values(days=["7"]), values(channel="sms")]:
        assert alice_client.post(URL, bad).status_code == 200
    assert not Reminder.objects.exists()


def test_it_changes_only_the_signed_in_persons_reminder(alice, bob, alice_client, bob_client):
    bob_client.post(URL, values(at="06:15", email="bob@example.com"))
    alice_client.post(URL, values(at="09:45"))
    assert Reminder.objects.get(user=bob).at == dt.time(6, 15)
    assert Reminder.objects.get(user=alice).at == dt.time(9, 45)
    page = bob_client.get(URL).content.decode()
    assert "alice@example.com" not in page


def test_the_settings_page_says_whether_reminders_are_on(alice, alice_client):
    assert "Set up a reminder" in alice_client.get("/settings/").content.decode()
    alice_client.post(URL, values(at="07:30"))
    page = alice_client.get("/settings/").content.decode()
    assert "On, at 07:30." in page
    assert 'href="/settings/reminders/"' in page


def test_csrf_is_enforced(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, values()).status_code == 403
    assert not Reminder.objects.exists()


def _event(response) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_calendar_file_repeats_on_the_chosen_mornings_in_the_persons_zone(
    alice, alice_client, monday_morning
):
    Profile.objects.filter(user=alice).update(time_zone="America/New_York")
    alice_client.post(URL, values(at="07:30", days=["0", "2", "4"]))
    response = alice_client.get(ICS)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    calendar, event = _event(response)
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "America/New_York"
    assert start.replace(tzinfo=None) == dt.datetime(2026, 11, 30, 7, 30)  # today, still ahead
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    rule = event["rrule"]
    assert (rule["FREQ"], rule["BYDAY"]) == (["WEEKLY"], ["MO", "WE", "FR"])
    assert str(event["url"]) == "http://testserver/nights/new/"
    assert "http://testserver/nights/new/" in str(event["description"])
    [alarm] = event.walk("VALARM")
    assert alarm["action"] == "DISPLAY"
    assert alarm.decoded("trigger") == dt.timedelta(0)


def test_the_calendar_file_without_a_reminder_is_eight_every_day(alice_client, monday_morning):
    _, event = _event(alice_client.get(ICS))
    assert event.decoded("dtstart").time() == dt.time(8, 0)
    assert len(event["rrule"]["BYDAY"]) == 7


def test_the_calendar_file_is_each_persons_own(alice, bob, alice_client, bob_client):
    bob_client.post(URL, values(at="06:15", email="bob@example.com"))
    _, alices = _event(alice_client.get(ICS))
    _, bobs = _event(bob_client.get(ICS))
    assert alices.decoded("dtstart").time() == dt.time(8, 0)
    assert bobs.decoded("dtstart").time() == dt.time(6, 15)
    assert alices["uid"] != bobs["uid"]
