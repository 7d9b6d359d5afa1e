"""The reminder mail and its signed unsubscribe link.

The mail names the night and links to the morning log for it; it never carries a health
value. Its links are absolute, built on settings.SITE_URL: it is sent by a command, with
no request to take the host from.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from journal.reminders import night_label

_SALT = "nightleg.reminders.unsubscribe"


def unsubscribe_token(user: User) -> str:
    # No expiry: a link in a mail from months ago must still stop the mails.
    return signing.dumps(user.pk, salt=_SALT, compress=True)


def user_pk_from_token(token: str) -> int | None:
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def log_url(night: dt.date) -> str:
    return f"{settings.SITE_URL}{reverse('journal:night-new')}?{urlencode({'date': night})}"


def unsubscribe_url(user: User) -> str:
    return settings.SITE_URL + reverse(
        "journal:reminder-unsubscribe", kwargs={"token": unsubscribe_token(user)}
    )


def reminder_message(user: User, night: dt.date) -> EmailMultiAlternatives:
    context = {
        "night": night_label(night),
        "log_url": log_url(night),
        "unsubscribe_url": unsubscribe_url(user),
        "settings_url": settings.SITE_URL + reverse("journal:reminders"),
    }
    message = EmailMultiAlternatives(
        subject=f"Log the night of {context['night']}",
        body=render_to_string("journal/emails/reminder.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            # RFC 8058: the mail program may unsubscribe with one POST, no page shown.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # An automatic mail: no out-of-office replies to it, please.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("journal/emails/reminder.html", context), "text/html"
    )
    return message
