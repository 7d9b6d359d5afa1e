"""Clinician summary: one printable page of the measures trials of leg cramps report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from journal import stats
from journal.dates import local_today
from journal.models import CrampEpisode, Muscle, Night, Side
from journal.views.reports import report_form

SUMMARY_PERIOD = "4"  # weeks, unless the query string asks for another period


@login_required
@never_cache
def summary(request: HttpRequest) -> HttpResponse:
    form = report_form(request, default=SUMMARY_PERIOD)
    start, end = form.range
    nights = Night.objects.for_user(request.user).between(start, end).stats_data()
    # Two more queries whatever the length of the diary: no per-night lookups.
    episodes = CrampEpisode.objects.filter(
        night__user=request.user, night__date__range=(start, end)
    ).order_by()
    durations = episodes.filter(duration_minutes__isnull=False).values_list(
        "duration_minutes", flat=True
    )
    locations = episodes.values("muscle", "side").annotate(n=Count("id"))
    measures = stats.summary_measures(
        nights,
        [float(d) for d in durations],
        {(row["muscle"], row["side"]): row["n"] for row in locations},
        start,
        end,
    )
    weeks = stats.weekly(nights, start, end)
    context = {
        "form": form,
        "query": form.query(),
        "s": measures,
        "muscles": [(Muscle(m).label, n) for m, n in measures.muscles],
        "sides": [(Side(side).label, n) for side, n in measures.sides],
        "weeks": weeks,
        "flags": stats.clinician_flags(nights, weeks),
        "name": str(request.profile),
        "made_on": local_today(request.profile.tzinfo),
        "thresholds": stats,
    }
    return render(request, "journal/summary.html", context)
