"""Read-only links for a clinician: making and revoking them (the person's own pages),
and the summary they open for anyone holding one (/s/<token>/, no account needed).

The public pages only ever read: GET and HEAD, nothing else. Every answer they give,
refusals included, is kept out of caches, search engines and Referer headers, and any
link that does not open (unknown, tampered, expired, revoked, stopped by a password
change, or its person deleted) gets the same 404 page, so none of them can be told apart.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from journal import charts, csvio, sharing, stats
from journal.appearance import theme_of
from journal.auth import client_ip
from journal.dates import last_night, local_today
from journal.forms import ReportForm, ShareForm
from journal.models import Experiment, Night, Profile, ShareLink
from journal.summary_data import summary_context

log = logging.getLogger("nightleg.share")

_CHART_SECONDS = 3600


def _date(value: object) -> dt.date | None:
    """A date from a form's data (text) or its initial values (dates); None if neither."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def share_new(request: HttpRequest) -> HttpResponse:
    """Choose how long a link lasts for the summary's period; then show it, once."""
    tz = request.profile.tzinfo
    if request.method == "POST":
        form = ShareForm(request.POST, last_night=last_night(tz))
        if form.is_valid():
            data = form.cleaned_data
            token, link = sharing.create_link(
                request.user, data["start"], data["end"], data["days"]
            )
            url = request.build_absolute_uri(reverse("journal:shared", args=[token]))
            context = {"share_url": url, "link": link, "qr": mark_safe(sharing.qr_svg(url))}
            return render(request, "journal/share_created.html", context)
    else:
        start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
        initial = {"days": ShareLink.DEFAULT_DAYS, "start": start, "end": end}
        form = ShareForm(initial=initial, last_night=last_night(tz))
    start, end = _date(form["start"].value()), _date(form["end"].value())
    context = {"form": form, "start": start, "end": end, "name": request.profile.display_name}
    return render(request, "journal/share_new.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ShareLink, pk=pk, user=request.user)
    if request.method == "POST":
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        messages.success(request, "Link revoked. It no longer opens the summary.")
        return redirect("journal:settings")
    return render(request, "journal/share_revoke.html", {"link": link})


def _public(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/share_gone.html", status=404)


def _limited(request: HttpRequest, seconds: int) -> HttpResponse:
    context = {"minutes": -(-seconds // 60)}
    response = render(request, "journal/share_limited.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


_SharedView = Callable[..., HttpResponse]


def shared(view: _SharedView) -> Callable[..., HttpResponse]:
    """A public page of a link: read-only, rate-limited, and only for a link that opens."""

    @require_safe
    def opened(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        if wait := sharing.wait_needed(client_ip(request), token):
            return _limited(request, wait)
        link = sharing.open_link(token)
        if link is None:
            return _gone(request)
        return view(request, link, token, **kwargs)

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        try:
            response = opened(request, token, **kwargs)
        except Http404:
            response = _gone(request)
        return _public(request, response)

    return wrapper


def _form(link: ShareLink, tz) -> ReportForm:
    data = {"period": "custom", "start": link.start.isoformat(), "end": link.end.isoformat()}
    form = ReportForm(data, last_night=max(last_night(tz), link.end))
    form.full_clean()
    return form


@shared
def shared_summary(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    user = link.user
    # Read, never created here: nothing a link opens may write the person's data.
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    tz = profile.tzinfo
    version = Night.objects.for_user(user).data_version()
    body_context = summary_context(_form(link, tz), user, tz) | {
        "version": version,
        "theme": theme_of(request),
        "shared": True,
        "chart_url": reverse("journal:shared-chart", args=[token, "cramps"]),
    }
    # The person checking or printing their own link is not their clinician opening it.
    if request.method == "GET" and request.user.pk != link.user_id:
        sharing.record_opening(link)
        log.info("shared summary opened link=%s", link.pk)
    url = request.build_absolute_uri(reverse("journal:shared", args=[token]))
    context = {
        "link": link,
        "name": profile.display_name,
        "made_on": local_today(tz),
        "body": mark_safe(render_to_string("journal/_summary_body.html", body_context)),
        "nights_url": reverse("journal:shared-nights", args=[token]),
        "episodes_url": reverse("journal:shared-episodes", args=[token]),
        "qr": mark_safe(sharing.qr_svg(url)),
    }
    # Dates and times as the person who shared it sees them.
    with timezone.override(tz):
        return render(request, "journal/shared_summary.html", context)


@shared
def shared_chart(request: HttpRequest, link: ShareLink, token: str, name: str) -> HttpResponse:
    """The summary's one chart, the weeks of the link's period."""
    if name != "cramps":
        raise Http404("No such chart")
    look = request.GET.get("look", "")
    if look not in charts.LOOKS:
        look = charts.DEFAULT_LOOK_NAME
    version = Night.objects.for_user(link.user).data_version()

    def draw() -> bytes:
        nights = Night.objects.for_user(link.user).between(link.start, link.end).stats_data()
        return charts.cramps_chart(stats.weekly(nights, link.start, link.end), charts.LOOKS[look])

    key = f"shared-chart:{link.pk}:{look}:{version}"
    svg = cache.get_or_set(key, draw, _CHART_SECONDS)
    return HttpResponse(svg, content_type="image/svg+xml")


def _csv(link: ShareLink, kind: str, lines) -> HttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"nightleg-{kind}-{link.start}-to-{link.end}.csv"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@shared
def shared_nights(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    nights = Night.objects.for_user(link.user).between(link.start, link.end)
    plans = Experiment.objects.for_user(link.user).plans()
    return _csv(link, "nights", csvio.nights_csv(nights, plans))


@shared
def shared_episodes(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    nights = Night.objects.for_user(link.user).between(link.start, link.end)
    return _csv(link, "episodes", csvio.episodes_csv(nights))
