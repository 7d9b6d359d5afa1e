"""Who is signing in, from where: throttling, the client address and the sign-in log.

Throttling (django-axes keeps the failed attempts, in the database, so every worker sees
them; the policy is in docs/production.md). A password is not even checked when:
- this username has failed AXES_FAILURE_LIMIT times from this address (axes' own lock);
- this address has failed ADDRESS_FAILURE_LIMIT times, whatever the usernames; or
- this username has failed ACCOUNT_FAILURE_LIMIT times from anywhere;
the last two except in a browser this person signed in from before (a signed cookie set
at sign-in, bound to the account and its password), so that guessing from many addresses
stays slow without locking the owner out of their phone. Failures count while they keep
coming within AXES_COOLOFF_TIME of each other (axes' rows). The current-password checks on
password change and account deletion count the same way, and are refused only by the
limit for the username at the address: the session is already signed in.

Each sign-in, failed sign-in, lock-out and sign-out is one line on the "nightleg.auth"
logger with the username and address, so an operator can see an attack. Nothing else is
logged: never a password (Django has already masked it in the failure signal's
credentials, and only the username is read from them), never journal data.
"""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from journal.addresses import client_address, is_ip
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


DEVICE_COOKIE = "nightleg_device"
_DEVICE_SALT = "nightleg.auth.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _failures(**who: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since, **who)
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _device_token(user: AbstractBaseUser) -> str:
    # Bound to the account and its password: a new password, or a new account that later
    # takes the username, makes older cookies worthless.
    return f"{user.pk}:{user.get_session_auth_hash()}"


def is_known_device(request: HttpRequest, username: str) -> bool:
    """Whether this browser signed in to this account, with its current password, within
    the last year."""
    known = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=_DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )
    if not known:
        return False
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    return user is not None and constant_time_compare(known, _device_token(user))


def remember_device(response: HttpResponse, user: AbstractBaseUser) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _device_token(user),
        salt=_DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_paused(request: HttpRequest, username: str, *, signed_in: bool = False) -> bool:
    """Whether a password for this username, from this request, must not be checked now.

    A known device is exempt from the address and account limits (its owner's phone
    behind a carrier's shared address, or while someone elsewhere guesses), and so is a
    signed-in session confirming its own password; the limit for this username at this
    address applies to everyone."""
    if AxesProxyHandler.is_locked(request, {"username": username}):
        return True
    if signed_in or is_known_device(request, username):
        return False
    address = client_ip(request)
    if is_ip(address) and _failures(ip_address=address) >= settings.ADDRESS_FAILURE_LIMIT:
        return True
    return _failures(username=username) >= settings.ACCOUNT_FAILURE_LIMIT


class ThrottledBackend(AxesStandaloneBackend):
    """axes' lock for a username at an address, plus the address and account limits."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if request is not None and username and is_paused(request, username):
            request.axes_locked_out = True  # axes' middleware answers with locked_out()
            raise AxesBackendPermissionDenied("paused by the address or account limit")


class Paused(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"Too many wrong passwords. For your safety, try again in {minutes} minutes."
        )


def check_current_password(request: HttpRequest, user: AbstractBaseUser, password: str) -> bool:
    """Whether ``password`` is the signed-in person's, a wrong one counted like a failed
    sign-in. Raises Paused, without checking, once a limit is reached."""
    username = user.get_username()
    if is_paused(request, username, signed_in=True):
        raise Paused(cooloff_minutes())
    if user.check_password(password):
        return True
    user_login_failed.send(__name__, credentials={"username": username}, request=request)
    # The form says what happened; axes' middleware would answer with the sign-in page's 429.
    request.axes_locked_out = False
    return False


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a throttled sign-in: the same for a real account and an unknown name."""
    minutes = cooloff_minutes()
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
    """Log the sign-in, and clear the failed attempts at this username *from this address*.

    Not axes' own AXES_RESET_ON_SUCCESS: that also clears every attempt from the same
    address, so someone with an account of their own could guess at another person's
    password and sign in to their own account between guesses to wipe the count. Nor every
    attempt at the username: the owner signing in must not reset a guesser elsewhere.
    """
    address = _address(request)
    if is_ip(address):  # a sign-in made in code, not over HTTP, has no address
        AccessAttempt.objects.filter(username=user.get_username(), ip_address=address).delete()
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
