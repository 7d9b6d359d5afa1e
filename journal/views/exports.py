"""CSV export: the page with the period picker, and the two streamed files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from journal import csvio
from journal.dates import last_night
from journal.models import CrampEpisode, Experiment, Night
from journal.views.reports import report_form

_Writer = Callable[[QuerySet], Iterator[str]]
_BAD_DATES = (
    "start and end must be dates written as YYYY-MM-DD, with start on or before end, "
    "for example ?start=2026-09-01&end=2026-11-23. Leave both out to export every night.\n"
)


def _date_param(request: HttpRequest, name: str) -> dt.date | None:
    text = request.GET.get(name, "").strip()
    return csvio.parse_iso_date(text) if text else None


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    """start and end from the query string; either may be absent. ValueError if bad."""
    start, end = _date_param(request, "start"), _date_param(request, "end")
    if start and end and start > end:
        raise ValueError("start after end")
    return start, end


def _filename(kind: str, start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        period = f"{start}-to-{end}"
    elif start or end:
        period = f"from-{start}" if start else f"to-{end}"
    else:
        period = "all"
    return f"nightleg-{kind}-{period}.csv"


def _in_pieces(lines: Iterator[str], size: int = 500) -> Iterator[str]:
    """The lines joined a few hundred at a time: a response encodes and sends each piece
    it is given, and one per line cost more than writing the lines did."""
    while piece := "".join(islice(lines, size)):
        yield piece


def _csv_response(request: HttpRequest, kind: str, write: _Writer) -> HttpResponse:
    """The file, streamed as it is read from the database."""
    try:
        start, end = _period(request)
    except ValueError:
        return HttpResponseBadRequest(_BAD_DATES, content_type="text/plain; charset=utf-8")
    nights = Night.objects.for_user(request.user).between(start, end)
    response = StreamingHttpResponse(
        _in_pieces(write(nights)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(kind, start, end)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_nights(request: HttpRequest) -> HttpResponse:
    plans = Experiment.objects.for_user(request.user).plans()
    return _csv_response(request, "nights", lambda nights: csvio.nights_csv(nights, plans))


@login_required
def export_episodes(request: HttpRequest) -> HttpResponse:
    return _csv_response(request, "episodes", csvio.episodes_csv)


@login_required
def export_experiments(request: HttpRequest) -> HttpResponse:
    """Every experiment, whatever the period: a plan is only whole with all its nights."""
    experiments = Experiment.objects.for_user(request.user)
    lines = csvio.experiments_csv(experiments, last_night(request.profile.tzinfo))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="nightleg-experiments.csv"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def export_page(request: HttpRequest) -> HttpResponse:
    form = report_form(request, default="all")
    period = form.cleaned_data["period"] if form.is_valid() else "all"
    # "All time" sends no dates, so a night logged later than last night is included too.
    start, end = (None, None) if period == "all" else form.range
    query = f"?start={start}&end={end}" if start and end else ""
    nights = Night.objects.for_user(request.user).between(start, end)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "query": query,
        "logged": nights.count(),
        "cramps": CrampEpisode.objects.filter(night__in=nights).count(),
        "experiments": Experiment.objects.for_user(request.user).count(),
        "night_columns": csvio.NIGHT_COLUMNS,
        "episode_columns": csvio.EPISODE_COLUMNS,
        "experiment_columns": csvio.EXPERIMENT_COLUMNS,
    }
    return render(request, "journal/export.html", context)
