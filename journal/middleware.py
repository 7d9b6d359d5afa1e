from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from journal.models import Profile


def user_time_zone(get_response: Callable[[HttpRequest], HttpResponse]):
    """Show times in the signed-in person's own time zone."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            profile = Profile.for_user(request.user)
            request.profile = profile
            timezone.activate(profile.tzinfo)
        else:
            timezone.deactivate()
        return get_response(request)

    return middleware


def private_pages(get_response: Callable[[HttpRequest], HttpResponse]):
    """Keep every page shown to a signed-in person out of caches, browsers' included.

    Views that handle journal data say so themselves (never_cache); this catches the rest,
    such as the 404 page and Django's password-change pages, which show the person's name.
    A response that sets its own Cache-Control keeps it.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    return middleware
