"""The light/dark switch in the menu: a plain form, so it works without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from journal import appearance


@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    theme = request.POST.get("theme", "")
    if theme not in appearance.CHOICES:
        return HttpResponseBadRequest("Unknown theme")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = redirect(back)
    response.set_cookie(
        appearance.COOKIE,
        theme,
        max_age=appearance.MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,  # only the server reads it; theme.js reads the <html> attribute
        samesite="Lax",
    )
    return response
