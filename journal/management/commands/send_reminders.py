"""Send the morning reminders as they fall due; runs until stopped (SIGTERM or Ctrl+C).

Modelled on healthchecks' `sendalerts`. Each reminder is claimed in its own transaction
with SELECT … FOR UPDATE SKIP LOCKED: on PostgreSQL any number of copies, on any number of
machines, share the work and none sends a reminder another copy holds. The row stays
locked until the mail is sent and next_due has moved on, so a second copy can't pick it
up between the two. SQLite has no row locks: there, run exactly one copy.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import smtplib
import threading
import zoneinfo
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from journal import reminders as schedule
from journal.models import Night, Profile, Reminder, ReminderSent
from journal.reminder_mail import reminder_message

log = logging.getLogger("nightleg.reminders")


class Command(BaseCommand):
    help = "Sends the morning reminders as they fall due, until stopped."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=60,
            help="Seconds to wait when nothing is due before looking again (default 60).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Send what is due now, then exit (for cron, and for tests).",
        )
        parser.add_argument(
            "--loop-limit",
            type=int,
            default=0,
            help="Exit after this many rounds (0, the default: keep going).",
        )

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write(f"{signal.strsignal(signum)}, finishing…")
        self.stopping.set()

    def handle(self, *, interval: float, once: bool, loop_limit: int, **options: Any) -> None:
        if not settings.SITE_URL:
            raise CommandError(
                "Set NIGHTLEG_SITE_URL to the address people open Nightleg at "
                "(https://nightleg.example.org): the reminders link to it."
            )
        if connection.vendor == "sqlite":
            self.stdout.write(
                "SQLite has no row locks: run only one copy of send_reminders "
                "(several copies need PostgreSQL)."
            )
        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {sig: signal.signal(sig, self.on_signal) for sig in signals}
        try:
            self.run(interval, once, loop_limit)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def run(self, interval: float, once: bool, loop_limit: int) -> None:
        self.stdout.write("send_reminders is now running")
        rounds = 0
        while not self.stopping.is_set():
            # A connection idle for a minute may have gone away. (Not inside a transaction,
            # as under a test, which this would close as "unusable".)
            if not connection.in_atomic_block:
                close_old_connections()
            sent = 0
            while not self.stopping.is_set():
                outcome = self.handle_one()
                sent += outcome == "sent"
                # Nothing due, or the mail server is down: then the others due now would
                # fail too, so they wait for the next round rather than all try at once.
                if outcome in {None, "failed"}:
                    break
            if sent:
                self.stdout.write(f"sent {sent} reminder(s)")
            rounds += 1
            if once or rounds == loop_limit:
                break
            self.stopping.wait(interval)
        self.stdout.write("send_reminders stopped")

    def handle_one(self) -> str | None:
        """Claim one due reminder and deal with it; None when nothing is due.

        Returns "sent", "skipped" (night logged or already reminded, or too late),
        "failed" (the mail server didn't take it; tried again after a back-off) or
        "rescheduled" (not due after all in the person's present time zone).
        """
        now = timezone.now()
        with transaction.atomic():
            reminder = (
                Reminder.objects.due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .order_by("next_due")
                .first()
            )
            if reminder is None:
                return None
            tz = Profile.for_user(reminder.user).tzinfo
            due = schedule.due_at(reminder.night, reminder.at, tz) if reminder.night else now
            if due > now:
                # Its time zone moved on since it was scheduled: wait for the new time.
                reminder.next_due, outcome = due, "rescheduled"
            else:
                outcome = self._deliver(reminder, tz, now)
                if outcome != "failed":
                    # On to the next chosen morning, never earlier than this one's time.
                    reminder.schedule_next(max(now, due), tz)
            reminder.save(update_fields=["next_due", "night", "failures"])
        return outcome

    def _deliver(self, reminder: Reminder, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> str:
        user, night = reminder.user, reminder.night
        if night is None or not schedule.is_still_that_morning(night, now, tz):
            return "skipped"  # held up past its morning (or the time zone changed)
        if Night.objects.filter(user=user, date=night).exists():
            return "skipped"
        if ReminderSent.objects.filter(user=user, night=night).exists():
            return "skipped"  # at most one a night, whatever the settings did meanwhile
        if not user.email or not user.is_active:
            return "skipped"
        try:
            with get_connection(timeout=settings.EMAIL_TIMEOUT) as mail:
                mail.send_messages([reminder_message(user, night)])
        except (OSError, smtplib.SMTPException) as exc:
            reminder.failures += 1
            wait = schedule.backoff(reminder.failures)
            reminder.next_due = now + wait
            # The error's class and number only: an SMTP error can quote the address.
            log.warning(
                "reminder %s not sent (attempt %s, next try in %s): %s %s",
                reminder.pk,
                reminder.failures,
                wait,
                type(exc).__name__,
                getattr(exc, "smtp_code", None) or getattr(exc, "errno", None) or "",
            )
            return "failed"
        try:
            with transaction.atomic():  # a savepoint: the outer transaction carries on
                ReminderSent.objects.create(user=user, night=night, sent_at=now)
        except IntegrityError:
            log.error("reminder %s for %s was sent twice", reminder.pk, night)
        log.info("reminder %s sent for the night of %s", reminder.pk, night)
        return "sent"
