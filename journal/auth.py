"""Who is signing in, from where: the client address and the sign-in log.

Each sign-in, failed sign-in, lock-out and sign-out is one line on the "nightleg.auth"
logger with the username and address, so an operator can see an attack. Nothing else is
logged: never a password (Django has already masked it in the failure signal's
credentials, and only the username is read from them), never journal data.
"""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.addresses import client_address
from journal.models import PendingImport

log = logging.getLogger("nightleg.auth")

# Longer than any username the sign-up form accepts (150); anything longer is cut.
_MAX_LOGGED_NAME = 160


def client_ip(request: HttpRequest) -> str:
    """The address the request came from: behind our TLS proxy, the one the proxy saw."""
    trusted = settings.TRUSTED_PROXIES if settings.BEHIND_TLS_PROXY else ()
    return client_address(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a throttled sign-in: the same for a real account and an unknown name."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def _address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "-"


def _name(username: object) -> str:
    """The typed username, quoted so that a newline in it cannot forge a log line."""
    return repr(str(username or "")[:_MAX_LOGGED_NAME])


@receiver(user_logged_in)
def _logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Log the sign-in, and clear the failed attempts *at this username*.

    Not axes' own AXES_RESET_ON_SUCCESS: that also clears every attempt from the same
    address, so someone with an account of their own could guess at another person's
    password and sign in to their own account between guesses to wipe the count.
    """
    AccessAttempt.objects.filter(username=user.get_username()).delete()
    log.info("sign-in user=%s ip=%s", _name(user.get_username()), _address(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    log.warning(
        "sign-in failed user=%s ip=%s", _name(credentials.get("username")), _address(request)
    )


@receiver(user_locked_out)
def _locked_out(sender, request: HttpRequest, username: str | None, ip_address: str, **kwargs):
    log.warning("sign-in throttled user=%s ip=%s", _name(username), ip_address)


@receiver(user_logged_out)
def _logged_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if user is None:  # the session had already ended
        return
    log.info("sign-out user=%s ip=%s", _name(user.get_username()), _address(request))
    # An upload waiting for its preview to be confirmed goes with the session that made it.
    PendingImport.objects.filter(user_id=user.pk).delete()
