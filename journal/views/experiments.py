"""Planned self-experiments: plan one, follow its schedule, read its result."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal.dates import last_night, local_today
from journal.forms import ExperimentForm
from journal.models import Experiment, Night
from journal.stats import experiments as planning

RECENT_DAYS = 28  # the nights a plan's power is worked out from
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Preview:
    """What a plan means, and how likely it is to find a 40% drop."""

    design: planning.Design
    option: planning.Option
    rate: planning.Rate
    power: float
    suggested_weeks: int | None  # the weeks that reach PLANNED_POWER; None if none do

    @property
    def weeks(self) -> float:
        return self.design.nights / 7


def _recent_rate(user, tonight: dt.date) -> planning.Rate:
    """Cramps per night over the last RECENT_DAYS nights that were logged."""
    counts = [
        night.cramp_count
        for night in Night.objects.for_user(user)
        .between(tonight - dt.timedelta(days=RECENT_DAYS), tonight - dt.timedelta(days=1))
        .with_cramp_summary()
    ]
    return planning.Rate.from_counts(counts)


def _preview(form: ExperimentForm, rate: planning.Rate) -> Preview | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    design = planning.Design(data["start"], data["block_nights"], data["pairs"], data["wash_in"], 0)
    pairs = planning.suggested_pairs(rate, design.block_nights, design.wash_in)
    return Preview(
        design=design,
        option=planning.option(data["habit"], data["own_label"]),
        rate=rate,
        power=planning.power(rate, design.block_nights, design.pairs, design.wash_in),
        suggested_weeks=math.ceil(pairs * 2 * design.block_nights / 7) if pairs else None,
    )


def _proposed(request: HttpRequest, tonight: dt.date, rate: planning.Rate) -> dict[str, str]:
    """The plan the page proposes: the thing asked for (the reports link here with
    ?habit=), its usual block length, and the length that reaches the planned power."""
    habit = request.GET.get("habit", "stretch")
    if habit not in planning.OPTIONS:
        habit = "stretch"
    block = planning.OPTIONS[habit].block_nights
    pairs = planning.suggested_pairs(rate, block) or planning.MAX_NIGHTS // (2 * block)
    return {
        "habit": habit,
        "block_nights": str(block),
        "wash_in": "0",
        "weeks": str(math.ceil(pairs * 2 * block / 7)),
        "start": tonight.isoformat(),
    }


@login_required
@never_cache
def experiments(request: HttpRequest) -> HttpResponse:
    tz = request.profile.tzinfo
    tonight = local_today(tz)
    mine = list(Experiment.objects.for_user(request.user))
    current = next((e for e in mine if not e.is_over(tonight)), None)
    past = [(e, e.result(last_night(tz))) for e in mine if e is not current]
    context = {
        "current": current,
        "tonight": current.design.night(tonight) if current else None,
        "past": past,
    }
    return render(request, "journal/experiments.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def experiment_new(request: HttpRequest) -> HttpResponse:
    tz = request.profile.tzinfo
    tonight = local_today(tz)
    running = next(
        (e for e in Experiment.objects.for_user(request.user) if not e.is_over(tonight)), None
    )
    if running:
        messages.info(request, "One experiment at a time: this one is still running.")
        return redirect(running)
    rate = _recent_rate(request.user, tonight)
    if request.method == "POST":
        form = ExperimentForm(request.POST, user=request.user, tonight=tonight)
        if "start_it" in request.POST and form.is_valid():
            form.instance.user = request.user
            form.instance.seed = secrets.randbits(63)
            with transaction.atomic():
                experiment = form.save()
            messages.success(request, f"Your experiment starts on {experiment.start:%a %-d %b}.")
            return redirect(experiment)
    else:
        form = ExperimentForm(_proposed(request, tonight, rate), user=request.user, tonight=tonight)
    context = {"form": form, "preview": _preview(form, rate), "planning": planning}
    return render(request, "journal/experiment_new.html", context)


@dataclass(frozen=True)
class Day:
    """One cell of the experiment's calendar."""

    date: dt.date
    planned: planning.PlannedNight | None  # None outside the schedule
    night: planning.LoggedNight | None  # None if not logged
    counted: bool  # within what the result counts (past, not after a stop)


def _calendar(experiment: Experiment, through: dt.date) -> list[list[Day]]:
    """The schedule as Monday-to-Sunday weeks, with each night's logged cramps."""
    design = experiment.design
    planned = {p.date: p for p in design.schedule()}
    logged = {n.date: n for n in experiment.logged_nights()}
    day = design.start - dt.timedelta(days=design.start.weekday())
    weeks = []
    while day <= design.end:
        weeks.append(
            [
                Day(d, planned.get(d), logged.get(d), d <= through)
                for d in (day + dt.timedelta(days=i) for i in range(7))
            ]
        )
        day += dt.timedelta(days=7)
    return weeks


@login_required
@never_cache
def experiment(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Experiment, user=request.user, pk=pk)
    tz = request.profile.tzinfo
    result = found.result(last_night(tz))
    context = {
        "experiment": found,
        "option": found.option,
        "result": result,
        "calendar": _calendar(found, result.through),
        "tonight": found.design.night(local_today(tz)) if not found.stopped_after else None,
        "over": found.is_over(local_today(tz)),
        "weekdays": WEEKDAYS,
    }
    return render(request, "journal/experiment.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def experiment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Experiment, user=request.user, pk=pk)
    tz = request.profile.tzinfo
    if found.is_over(local_today(tz)):
        messages.info(request, "This experiment is already over.")
        return redirect(found)
    if found.start > last_night(tz):
        messages.info(
            request,
            "This experiment hasn’t had a night yet, so there is nothing "
            "to keep: you can delete it instead.",
        )
        return redirect("journal:experiment-delete", pk=found.pk)
    if request.method == "POST":
        # The nights up to last night count; tonight's plan is dropped.
        found.stopped_after = last_night(tz)
        found.save(update_fields=["stopped_after", "updated_at"])
        messages.success(request, "Experiment stopped. Its result covers the nights so far.")
        return redirect(found)
    return render(request, "journal/experiment_stop.html", {"experiment": found})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def experiment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Experiment, user=request.user, pk=pk)
    if request.method == "POST":
        found.delete()
        messages.success(request, "Experiment deleted. Your logged nights are all still there.")
        return redirect("journal:experiments")
    return render(request, "journal/experiment_delete.html", {"experiment": found})
