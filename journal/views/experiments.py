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

from journal.dates import last_night, local_today, this_evening
from journal.forms import ExperimentForm, pairs_in
from journal.models import Experiment, Night, Profile
from journal.stats import experiments as planning

RECENT_DAYS = 28  # the nights a plan's power is worked out from
PROPOSED_WEEKS = 12
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


def _running(user, tonight: dt.date) -> Experiment | None:
    """The experiment still running or to come, if any (at most one)."""
    return next((e for e in Experiment.objects.for_user(user) if not e.is_over(tonight)), None)


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
    # When even half a year falls short, twelve weeks: a start, and the page says why.
    pairs = planning.suggested_pairs(rate, block) or pairs_in(PROPOSED_WEEKS, block)
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
    mine = Experiment.objects.for_user(request.user).with_results(last_night(tz))
    current = next((e for e, _ in mine if not e.is_over(local_today(tz))), None)
    context = {
        "current": current,
        "tonight": current.design.night(this_evening(tz)) if current else None,
        "past": [(e, result) for e, result in mine if e is not current],
    }
    return render(request, "journal/experiments.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def experiment_new(request: HttpRequest) -> HttpResponse:
    tz = request.profile.tzinfo
    tonight = local_today(tz)
    if running := _running(request.user, tonight):
        messages.info(request, "One experiment at a time: this one is still running.")
        return redirect(running)
    rate = _recent_rate(request.user, tonight)
    if request.method == "POST":
        form = ExperimentForm(request.POST, user=request.user, tonight=tonight)
        if "start_it" in request.POST and form.is_valid():
            form.instance.user = request.user
            form.instance.seed = secrets.randbits(63)
            with transaction.atomic():
                # Two tabs starting at once: the second waits here, then finds the first.
                Profile.objects.select_for_update().get(user=request.user)
                if not _running(request.user, tonight):
                    experiment = form.save()
                    messages.success(
                        request, f"Your experiment starts on {experiment.start:%a %-d %b}."
                    )
                    return redirect(experiment)
            messages.info(request, "Another experiment was started meanwhile: here it is.")
            return redirect("journal:experiments")
    else:
        form = ExperimentForm(_proposed(request, tonight, rate), user=request.user, tonight=tonight)
    context = {
        "form": form,
        "preview": _preview(form, rate),
        "planning": planning,
        "starting": "start_it" in request.POST,
    }
    return render(request, "journal/experiment_new.html", context)


@dataclass(frozen=True)
class Day:
    """One cell of the experiment's calendar."""

    date: dt.date
    planned: planning.PlannedNight | None  # None outside the schedule
    night: planning.LoggedNight | None  # None if not logged
    counted: bool  # within what the result counts (past, not after a stop)
    cancelled: bool  # after the experiment was stopped
    tonight: bool


def _calendar(
    experiment: Experiment, through: dt.date, tonight: dt.date, logged: list
) -> list[list[Day]]:
    """The schedule as Monday-to-Sunday weeks, with each night's logged cramps."""
    design = experiment.design
    planned = {p.date: p for p in design.schedule()}
    nights = {n.date: n for n in logged}
    stopped = experiment.stopped_after
    day = design.start - dt.timedelta(days=design.start.weekday())
    weeks = []
    while day <= design.end:
        week = [day + dt.timedelta(days=i) for i in range(7)]
        weeks.append(
            [
                Day(
                    d,
                    planned.get(d),
                    nights.get(d),
                    d <= through,
                    stopped is not None and d > stopped,
                    d == tonight and not stopped,
                )
                for d in week
            ]
        )
        day += dt.timedelta(days=7)
    return weeks


@login_required
@never_cache
def experiment(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Experiment, user=request.user, pk=pk)
    tz = request.profile.tzinfo
    tonight = this_evening(tz)
    logged = found.logged_nights()
    result = found.result(last_night(tz), logged)
    planned = found.design.night(tonight)
    # Once a night can be logged as last night (from midnight), it is in the result and
    # no longer "tonight", even for someone still up in it.
    if found.stopped_after or (planned and planned.date <= result.through):
        planned = None
    context = {
        "experiment": found,
        "option": found.option,
        "result": result,
        "calendar": _calendar(found, result.through, tonight, logged),
        "tonight": planned,
        "over": found.stopped_after is not None or result.complete,
        "weekdays": WEEKDAYS,
        "min_pairs": planning.MIN_PAIRS,
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
        with transaction.atomic():
            found.stopped_after = last_night(tz)
            found.save(update_fields=["stopped_after", "updated_at"])
            # Tonight may already be logged (from 18:00), its answer with it.
            found.forget_answers(after=found.stopped_after)
        messages.success(request, "Experiment stopped. Its result covers the nights so far.")
        return redirect(found)
    return render(request, "journal/experiment_stop.html", {"experiment": found})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def experiment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Experiment, user=request.user, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            found.forget_answers()
            found.delete()
        messages.success(request, "Experiment deleted. Your logged nights are all still there.")
        return redirect("journal:experiments")
    return render(request, "journal/experiment_delete.html", {"experiment": found})
