"""The guided bedtime routine: /routine/, and what its page sends back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal import routine as guide
from journal.dates import evening_of, this_evening
from journal.forms import EveningDrinksForm, RoutineDoneForm
from journal.models import Evening
from journal.offline import offline_shell
from journal.views import nights


def _tonights(request: HttpRequest) -> Evening:
    """Tonight's evening record, unsaved if there is none yet."""
    date = this_evening(request.profile.tzinfo)
    found = Evening.objects.for_user(request.user).filter(date=date).first()
    return found or Evening(user=request.user, date=date)


def _page(request: HttpRequest, evening: Evening, form: EveningDrinksForm) -> HttpResponse:
    context = nights._tonight(request) | {
        "on_routine": True,
        "guide": guide.GUIDE,
        "stretches": guide.for_script(static),
        "hold_seconds": guide.HOLD_SECONDS,
        "switch_seconds": guide.SWITCH_SECONDS,
        "ready_seconds": guide.READY_SECONDS,
        "rounds": guide.ROUNDS,
        "default_rounds": guide.DEFAULT_ROUNDS,
        "evening": evening if evening.stretch_seconds else None,
        "saved": guide.summary(evening.stretch_seconds, evening.stretches_done)
        if evening.stretch_seconds
        else "",
        "drinks_form": form,
    }
    return render(request, "journal/routine.html", context, status=400 if form.errors else 200)


@login_required
@offline_shell
@never_cache
def routine(request: HttpRequest) -> HttpResponse:
    evening = _tonights(request)
    return _page(request, evening, EveningDrinksForm(instance=evening))


@login_required
@require_POST
def routine_done(request: HttpRequest) -> JsonResponse:
    """Count a finished routine as the stretching of the evening it ended in (a save sent
    the next morning still counts for the evening before)."""
    form = RoutineDoneForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    date = evening_of(data["finished_at"], request.profile.tzinfo)
    with transaction.atomic():
        evening, _ = Evening.objects.select_for_update().get_or_create(user=request.user, date=date)
        if evening.add_routine(
            str(data["run"]), data["seconds"], data["stretches"], data["finished_at"]
        ):
            evening.save()
    return JsonResponse(
        {
            "date": date.isoformat(),
            "summary": guide.summary(evening.stretch_seconds or 0, evening.stretches_done),
        }
    )


@login_required
@require_POST
def routine_drinks(request: HttpRequest) -> HttpResponse:
    evening = _tonights(request)
    form = EveningDrinksForm(request.POST, instance=evening)
    if not form.is_valid():
        return _page(request, _tonights(request), form)
    form.save()
    messages.success(request, "Saved tonight’s drinks: tomorrow’s morning log starts with them.")
    return redirect("journal:routine")
