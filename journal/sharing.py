"""Read-only links to a clinician summary: tokens, who may open them, how often, the QR.

The link's token (``secrets.token_urlsafe(32)``, 256 random bits) is shown once, when it
is made; only its SHA-256 is stored, so a copy of the database cannot open any link. A
link opens only while it is unrevoked, unexpired and made under the person's current
password: ``password_check`` is a keyed hash (SECRET_KEY) of their password hash, so a
changed or reset password stops every older link without touching the links. Deleting
the account deletes its links (the foreign key cascades).

Opening is rate-limited in Django's cache (Redis in production, so every worker counts
together): per client address, which also slows anyone guessing tokens, and per link,
which bounds what a leaked link can cost. The limits are fixed windows: simple, and a
burst at a window's edge can at most double a limit, which is fine at these sizes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from journal.models import ShareLink

_PASSWORD_SALT = "nightleg.sharing.password"
QR_TITLE = "QR code of the link to this summary"

# (requests, seconds). A clinician opening a summary, its chart and both files makes
# about five requests: each limit allows a dozen such visits in ten minutes, from a few
# people behind one surgery's address.
ADDRESS_LIMIT = (60, 10 * 60)
LINK_LIMIT = (60, 10 * 60)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def password_check(user: AbstractBaseUser) -> str:
    return salted_hmac(_PASSWORD_SALT, user.password, algorithm="sha256").hexdigest()


def create_link(
    user: AbstractBaseUser, start: dt.date, end: dt.date, days: int
) -> tuple[str, ShareLink]:
    """Make a link to the summary from start to end, valid for ``days``: its token (to
    show once, never stored) and the link."""
    token = new_token()
    now = timezone.now()
    link = ShareLink(
        user=user,
        token_hash=token_hash(token),
        password_check=password_check(user),
        start=start,
        end=end,
        created=now,
        expires=now + dt.timedelta(days=days),
    )
    link.full_clean()
    link.save()
    return token, link


def open_link(token: str) -> ShareLink | None:
    """The link this token opens, or None: unknown, revoked, expired, or made under an
    older password. The callers answer every None the same way."""
    link = (
        ShareLink.objects.active()
        .select_related("user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not constant_time_compare(link.password_check, password_check(link.user)):
        return None
    return link


def is_open(link: ShareLink) -> bool:
    """Whether the link still opens (for the list in Settings)."""
    return (
        not link.is_revoked
        and not link.is_expired
        and constant_time_compare(link.password_check, password_check(link.user))
    )


def record_opening(link: ShareLink) -> None:
    """Count an opening, in the database itself, so two at once both count."""
    ShareLink.objects.filter(pk=link.pk).update(
        times_opened=F("times_opened") + 1, last_opened=timezone.now()
    )


def _over(key: str, limit: tuple[int, int]) -> bool:
    most, seconds = limit
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > most


def wait_needed(address: str, token: str) -> int:
    """Count this request against its address and its link: 0 if both are within their
    limits, or else the seconds to wait (at most, as the windows are fixed)."""
    waits = [0]
    if _over(f"share-rate:address:{address}", ADDRESS_LIMIT):
        waits.append(ADDRESS_LIMIT[1])
    if _over(f"share-rate:link:{token_hash(token)}", LINK_LIMIT):
        waits.append(LINK_LIMIT[1])
    return max(waits)


def qr_svg(url: str) -> str:
    """The link as a QR code, inline SVG markup: black on white in any theme (a phone's
    camera reads dark on light), sized by CSS through its viewBox."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=QR_TITLE
    )
