"""Clinician summary: one printable page of the measures trials of leg cramps report."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from journal import stats
from journal.dates import last_night, local_today
from journal.forms import ReportForm
from journal.models import CrampEpisode, Experiment, Muscle, Night, Side
from journal.views.reports import cached_body, leave_for_charts, report_form

SUMMARY_PERIOD = "4"  # weeks, unless the query string asks for another period


def _experiments(user, start, end, tz) -> list[tuple[Experiment, object]]:
    """The experiments with nights in the period, with their results so far."""
    lately = last_night(tz)
    return [
        (e, result)
        for e, result in Experiment.objects.for_user(user).order_by("start").with_results(lately)
        if e.start <= min(end, lately) and e.last_counted >= start
    ]


def _summary_context(form: ReportForm, user, version: str, tz) -> dict:
    start, end = form.range
    nights = Night.objects.for_user(user).between(start, end).stats_data()
    # One more query whatever the length of the diary: no per-night lookups.
    episodes = CrampEpisode.objects.filter(night__user=user, night__date__range=(start, end))
    durations: list[float] = []
    locations: Counter[tuple[str, str]] = Counter()
    for muscle, side, minutes in episodes.order_by().values_list(
        "muscle", "side", "duration_minutes"
    ):
        locations[muscle, side] += 1
        if minutes is not None:
            durations.append(float(minutes))
    measures = stats.summary_measures(nights, durations, dict(locations), start, end)
    weeks = stats.weekly(nights, start, end)
    leave_for_charts(user, (start, end), version, weeks=[w.as_plain() for w in weeks])
    return {
        "form": form,
        "query": form.query(),
        "s": measures,
        "muscles": [(Muscle(m).label, n) for m, n in measures.muscles],
        "sides": [(Side(side).label, n) for side, n in measures.sides],
        "weeks": weeks,
        "flags": stats.clinician_flags(nights, weeks),
        "thresholds": stats,
        "experiments": _experiments(user, start, end, tz),
    }


@login_required
@never_cache
def summary(request: HttpRequest) -> HttpResponse:
    form = report_form(request, default=SUMMARY_PERIOD)
    start, end = form.range
    tz = request.profile.tzinfo
    body = cached_body(
        request,
        "journal/_summary_body.html",
        (start, end),
        lambda version: _summary_context(form, request.user, version, tz),
        # Experiments' results move with the nights, and with the days while one runs.
        also=f"{Experiment.objects.for_user(request.user).data_version()}:{last_night(tz)}",
    )
    context = {
        "form": form,
        "start": start,
        "end": end,
        "name": str(request.profile),
        "made_on": local_today(request.profile.tzinfo),
        "body": body,
    }
    return render(request, "journal/summary.html", context)
