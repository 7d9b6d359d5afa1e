"""Reports: weekly trends, which habits line up with fewer cramps, before and after."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache

from journal import charts, months, stats
from journal.appearance import theme_of
from journal.dates import last_night
from journal.forms import DEFAULT_PERIOD, ReportForm
from journal.models import Experiment, Night
from journal.stats import experiments

CHART_CACHE_SECONDS = 7 * 24 * 3600  # the data version in the key makes stale hits impossible
_VERSION = re.compile(r"[\w.-]{1,80}")  # what data_version() gives; anything else is ignored


# What the charts are drawn from, by kind: the weekly charts share the weeks, the forest
# plot has the habit comparisons. Both are small (a few hundred rows at most) and cached
# as plain data by data version, so the four charts of a page read the nights at most
# twice, and not at all after the page itself, which leaves both behind.
_INPUTS: dict[str, Callable[[Sequence[stats.NightData], dt.date, dt.date], list[dict]]] = {
    "weeks": lambda nights, start, end: _plain(stats.weekly(nights, start, end)),
    "comparisons": lambda nights, _start, _end: _plain(stats.compare_habits(nights)),
}
_FROM_PLAIN: dict[str, Callable[[dict], object]] = {
    "weeks": lambda row: stats.Week(**row),
    "comparisons": stats.Comparison.from_plain,
}


def _plain(rows: Sequence[stats.Week] | Sequence[stats.Comparison]) -> list[dict]:
    return [row.as_plain() for row in rows]


CHARTS: dict[str, tuple[str, Callable[[Any, charts.Look], bytes]]] = {
    "cramps": ("weeks", charts.cramps_chart),
    "severity": ("weeks", charts.severity_chart),
    "habits": ("weeks", charts.habits_chart),
    "forest": ("comparisons", charts.forest_chart),
}


def report_form(request: HttpRequest, default: str = DEFAULT_PERIOD) -> ReportForm:
    """The period chosen in the query string (reports, charts, summary, export)."""
    first: list[dt.date] = []
    if request.GET.get("period", default) == "all":
        # From the (user, date) index: a few rows, however long the diary.
        nights = Night.objects.for_user(request.user).order_by("date")
        first = list(nights.values_list("date", flat=True)[: stats.FIRST_NIGHTS_NEEDED])
    return ReportForm(
        request.GET,
        last_night=last_night(request.profile.tzinfo),
        first_nights=first,
        default=default,
    )


def cached_body(
    request: HttpRequest,
    template: str,
    period: tuple[dt.date, dt.date],
    context: Callable[[str], dict],
    also: str = "",
) -> SafeString:
    """The statistics part of a page, rendered once per version of the person's data.

    Keyed, like the charts, by the data version, so any change to a night or an episode
    gives a new key and a stale page is never shown. The query string is part of the key
    because the body repeats what was asked for (the period and the before/after date);
    the dates are too, because "the last 12 weeks" move every day. ``context`` is only
    called on a miss, with the version: a warm page does no statistics at all. The
    body's chart links carry the version (``version`` in the template), so the charts
    need not work it out, and the light/dark choice (``theme``), which picks the charts
    drawn for the page's colours. ``also`` is anything else the body depends on (the
    experiments' version; on the reports, last night too).
    """
    version = Night.objects.for_user(request.user).data_version()
    theme = theme_of(request)
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    start, end = period
    key = f"page:{template}:{request.user.pk}:{start}:{end}:{query}:{version}:{also}:{theme}"
    body = cache.get_or_set(
        key,
        # Without the request: no token, message or other per-request value can be kept.
        lambda: render_to_string(template, context(version) | {"version": version, "theme": theme}),
        CHART_CACHE_SECONDS,
    )
    return mark_safe(body)  # our own template's output, safe when it was stored


# The calendar shows at most the period's last this many months: all of the default 12
# weeks, and a page that stays light for a year or for all time.
CALENDAR_MONTHS = 4


def _calendars(nights: Sequence[stats.NightData], form: ReportForm) -> dict:
    """The period's last months as calendars, from the nights already read."""
    start, end = form.range
    by_date = {night.date: (night.cramps, night.worst_severity) for night in nights}
    firsts = months.last_months(start, end, CALENDAR_MONTHS)
    links = months.night_links()
    grids = [
        months.month_grid(first, by_date, shown=(start, end), latest=form.last_night, **links)
        for first in firsts
    ]
    return {
        "calendars": grids,
        "calendar_months": months.month_count(start, end),
        "calendar_before": months.add_months(firsts[0], -1),
        "calendar_key": months.KEY,
    }


def _report_context(form: ReportForm, user, version: str) -> dict:
    start, end = form.range
    nights = Night.objects.for_user(user).between(start, end).stats_data()
    weeks, comparisons = stats.weekly(nights, start, end), stats.compare_habits(nights)
    tested: dict[str, Experiment] = {}  # the latest experiment of each habit
    for experiment in Experiment.objects.for_user(user):
        tested.setdefault(experiment.habit, experiment)
    leave_for_charts(
        user, (start, end), version, weeks=_plain(weeks), comparisons=_plain(comparisons)
    )
    split = form.cleaned_data.get("split") if form.is_valid() else None
    # A split outside the period would compare all of it against nothing.
    split_outside = split is not None and not start < split <= end
    return {
        "form": form,
        "query": form.query(),
        "start": start,
        "end": end,
        "days": (end - start).days + 1,
        "logged": len(nights),
        "weeks": weeks,
        "comparisons": comparisons,
        "headline": stats.headline(comparisons),
        # Each row, the experiment that tested it, and what the planner would test.
        "rows": [
            (c, tested.get(c.habit.experiment), experiments.OPTIONS.get(c.habit.experiment))
            for c in comparisons
        ],
        "tested": sum(c.p is not None for c in comparisons),
        "trend": stats.cramp_trend(nights),
        "gaps": stats.logging_gaps(nights, end),
        "before_after": stats.before_after(nights, split) if split and not split_outside else None,
        "split_outside": split_outside,
        "flags": stats.clinician_flags(nights, weeks),
        "thresholds": stats,
        "chart_names": list(CHARTS),
    } | _calendars(nights, form)


@login_required
@never_cache
def reports(request: HttpRequest) -> HttpResponse:
    form = report_form(request)
    body = cached_body(
        request,
        "journal/_reports_body.html",
        form.range,
        lambda version: _report_context(form, request.user, version),
        # The habit rows link to the experiments; the calendar rings last night.
        also=f"{Experiment.objects.for_user(request.user).data_version()}:{form.last_night}",
    )
    return render(request, "journal/reports.html", {"form": form, "body": body})


def _chart_key(user, name: str, look: str, start: dt.date, end: dt.date, version: str) -> str:
    return f"chart:{user.pk}:{name}:{look}:{start}:{end}:{version}"


def _input_key(user, kind: str, start: dt.date, end: dt.date, version: str) -> str:
    return f"chart-{kind}:{user.pk}:{start}:{end}:{version}"


def leave_for_charts(user, period: tuple[dt.date, dt.date], version: str, **inputs: object) -> None:
    """Keep what a page worked out (``weeks``, ``comparisons``, as plain data) for the
    charts it links: the browser asks for them next, and they need not read the nights
    again."""
    start, end = period
    keys = {_input_key(user, kind, start, end, version): value for kind, value in inputs.items()}
    cache.set_many(keys, CHART_CACHE_SECONDS)


def _chart_input(user, kind: str, start: dt.date, end: dt.date, version: str) -> list:
    """The weeks or the comparisons of the period, for this version of the person's
    data: left by the reports page just before, or else worked out here and kept for
    the page's other charts."""

    def work_out() -> list[dict]:
        nights = Night.objects.for_user(user).between(start, end).stats_data()
        return _INPUTS[kind](nights, start, end)

    plain = cache.get_or_set(
        _input_key(user, kind, start, end, version), work_out, CHART_CACHE_SECONDS
    )
    return [_FROM_PLAIN[kind](row) for row in plain]


@login_required
@never_cache
def chart(request: HttpRequest, name: str) -> HttpResponse:
    """One chart as SVG, for the signed-in person only, cached by their data version.

    The pages link each chart with the data version they were made from (``v``), so a
    chart already drawn for that version is served without asking the database for
    the version again. A version that isn't cached, or none, falls back to the current
    one. A version can only ever find this person's own charts: their id is in the key.
    ``look`` is the width and colours to draw for (see charts.LOOKS); any other value
    gets the default.
    """
    if name not in CHARTS:
        raise Http404("No such chart")
    start, end = report_form(request).range
    look = request.GET.get("look", "")
    if look not in charts.LOOKS:
        look = charts.DEFAULT_LOOK_NAME
    asked = request.GET.get("v", "")
    svg = None
    if _VERSION.fullmatch(asked):
        svg = cache.get(_chart_key(request.user, name, look, start, end, asked))
    if svg is None:
        version = Night.objects.for_user(request.user).data_version()
        kind, draw = CHARTS[name]
        svg = cache.get_or_set(
            _chart_key(request.user, name, look, start, end, version),
            lambda: draw(_chart_input(request.user, kind, start, end, version), charts.LOOKS[look]),
            CHART_CACHE_SECONDS,
        )
    return HttpResponse(svg, content_type="image/svg+xml")
