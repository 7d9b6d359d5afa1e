from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
