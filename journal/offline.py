"""What the installed app needs to work offline, free of views: the key a morning log
is sent with, and which answers the service worker may keep.

Private pages are sent with ``no-store`` (journal.middleware.private_pages) and the
service worker (templates/sw.js) never keeps those. The two pages it keeps for offline
use, the morning log and the stretch guide, are fetched by it as ``?offline=1`` and
answered ``private, no-cache``: no shared cache may keep them, the browser asks the
server again on every use while online, and the copy is deleted at sign-out and at
sign-in (journal.views.offline.logout, static/js/offline.js).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, QueryDict

KEY_FIELD = "idempotency_key"
SHELL_CACHE_CONTROL = "private, no-cache"


def sent_key(data: QueryDict) -> uuid.UUID | None:
    """The idempotency key a form was sent with, or None (none, or not a UUID)."""
    try:
        return uuid.UUID(data.get(KEY_FIELD) or "")
    except ValueError:
        return None


def is_shell(request: HttpRequest) -> bool:
    """Whether this is the service worker fetching a page to keep for offline use."""
    return request.method == "GET" and request.GET.get("offline") == "1"


def offline_shell(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer the offline copy of a page ``private, no-cache`` instead of never_cache's
    ``no-store``; put it outside never_cache, which would add no-store back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if is_shell(request) and response.status_code == 200:
            response["Cache-Control"] = SHELL_CACHE_CONTROL
            del response["Expires"]
        return response

    return wrapped
