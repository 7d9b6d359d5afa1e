"""The person's own data: take all of it away, or delete the account and all of it."""

from __future__ import annotations

import io
import json
import zipfile

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal import csvio
from journal.dates import last_night
from journal.forms import DeleteAccountForm
from journal.models import CrampEpisode, Experiment, Night


def _record(obj, skip: tuple[str, ...]) -> dict:
    """Every concrete field of a row, as JSON-friendly values."""
    record = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        value = field.value_from_object(obj)
        record[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return record


def everything_json(user) -> str:
    """The person's account, settings, nights and episodes as one JSON document."""
    nights = Night.objects.for_user(user).order_by("date").prefetch_related("episodes")
    document = {
        "format": "nightleg-export-1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        },
        "settings": _record(user.profile, skip=("id", "user")),
        "nights": [
            _record(night, skip=("id", "user"))
            | {"episodes": [_record(e, skip=("id", "night")) for e in night.episodes.all()]}
            for night in nights
        ],
        "experiments": [
            _record(experiment, skip=("id", "user"))
            for experiment in Experiment.objects.for_user(user).order_by("start")
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    nights = Night.objects.for_user(request.user).count()
    episodes = CrampEpisode.objects.filter(night__user=request.user).count()
    form = DeleteAccountForm(request=request)
    return render(
        request,
        "journal/account.html",
        {"form": form, "nights": nights, "episodes": episodes},
    )


@login_required
@never_cache
def account_download(request: HttpRequest) -> HttpResponse:
    """A zip of the three CSV files and a JSON file with every field of every row."""
    user = request.user
    nights = Night.objects.for_user(user)
    experiments = Experiment.objects.for_user(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nights.csv", "".join(csvio.nights_csv(nights, experiments.plans())))
        archive.writestr("episodes.csv", "".join(csvio.episodes_csv(nights)))
        lately = last_night(request.profile.tzinfo)
        archive.writestr("experiments.csv", "".join(csvio.experiments_csv(experiments, lately)))
        archive.writestr("nightleg.json", everything_json(user))
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="nightleg-{stamp}.zip"'
    return response


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, request=request)
    if not form.is_valid():
        nights = Night.objects.for_user(request.user).count()
        episodes = CrampEpisode.objects.filter(night__user=request.user).count()
        context = {"form": form, "nights": nights, "episodes": episodes}
        return render(request, "journal/account.html", context, status=400)
    user = request.user
    with transaction.atomic():
        _delete_sessions_of(user.pk)
        # Failed sign-ins recorded for this username hold addresses: they go too.
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        user.delete()  # cascades to the profile, every night and every episode
    logout(request)
    messages.success(request, "Your account and everything in it have been deleted.")
    return redirect("login")


def _delete_sessions_of(user_pk: int) -> None:
    """End every session the person has, on every device.

    Django keeps sessions as opaque blobs, so each live one is decoded to find the
    owner; that is fine for an action a person takes once.
    """
    owned = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user_pk)
    ]
    Session.objects.filter(pk__in=owned).delete()
