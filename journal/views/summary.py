"""Clinician summary: one printable page of the measures trials of leg cramps report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from journal.dates import last_night, local_today
from journal.forms import ReportForm
from journal.models import Experiment
from journal.summary_data import summary_context
from journal.views.reports import cached_body, leave_for_charts, report_form

SUMMARY_PERIOD = "4"  # weeks, unless the query string asks for another period


def _summary_context(form: ReportForm, user, version: str, tz) -> dict:
    context = summary_context(form, user, tz)
    weeks = [w.as_plain() for w in context["weeks"]]
    leave_for_charts(user, form.range, version, weeks=weeks)
    return context


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
