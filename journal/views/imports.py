"""CSV import: restore or move a journal from the files the export makes.

Upload, then a preview (kept in the session under a random token), then a confirmed
POST that validates everything again and writes it in one transaction.
"""

from __future__ import annotations

import base64
import secrets
import zlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal import importing
from journal.forms import MAX_UPLOAD_BYTES, SKIP, ConfirmImportForm, ImportForm

MAX_BAD_ROWS_SHOWN = 1000
_SESSION_KEY = "journal_import"
_FILES = ("nights", "episodes", "experiments")


@dataclass
class _Pending:
    token: str
    nights: str
    episodes: str | None
    experiments: str | None
    names: list[str | None]

    def plan(self, request: HttpRequest) -> importing.Plan:
        return importing.plan(
            request.user, request.profile.tzinfo, self.nights, self.episodes, self.experiments
        )


def _pack(text: str | None) -> str | None:
    # CSV compresses well, and the session is read on every request until confirmed.
    return base64.b64encode(zlib.compress(text.encode())).decode() if text else None


def _unpack(packed: str | None) -> str | None:
    return zlib.decompress(base64.b64decode(packed)).decode() if packed else None


def _keep(request: HttpRequest, form: ImportForm) -> str:
    token = secrets.token_urlsafe(24)
    data = form.cleaned_data
    request.session[_SESSION_KEY] = {
        "token": token,
        "user": request.user.pk,
        "nights": _pack(data["nights"]),
        "episodes": _pack(data["episodes"]),
        "experiments": _pack(data["experiments"]),
        "names": [f.name if f else None for f in map(form.files.get, _FILES)],
    }
    return token


def _pending(request: HttpRequest, token: str) -> _Pending | None:
    """The upload waiting under this token in this person's own session, if any."""
    kept = request.session.get(_SESSION_KEY)
    if not kept or kept["user"] != request.user.pk:
        return None
    if not secrets.compare_digest(kept["token"].encode(), token.encode()):
        return None
    return _Pending(
        token,
        _unpack(kept["nights"]),
        _unpack(kept["episodes"]),
        _unpack(kept.get("experiments")),
        kept["names"],
    )


def _preview(
    request: HttpRequest,
    pending: _Pending,
    form: ConfirmImportForm,
    plan: importing.Plan | None = None,
) -> HttpResponse:
    if plan is None:
        plan = pending.plan(request)
    context = {
        "form": form,
        "plan": plan,
        "names": pending.names,
        "bad_rows": plan.bad_rows[:MAX_BAD_ROWS_SHOWN],
        "more_bad_rows": max(0, len(plan.bad_rows) - MAX_BAD_ROWS_SHOWN),
        "existing_dates": plan.existing_dates,
        **plan.counts(),
    }
    return render(request, "journal/import_preview.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, request.POST["token"])
    if pending is None:
        messages.error(
            request,
            "That import is no longer waiting: it was confirmed, cancelled or replaced by a "
            "newer upload. Nothing was saved from it. Upload the files again to import them.",
        )
        return redirect("journal:import")
    if "cancel" in request.POST:
        del request.session[_SESSION_KEY]
        messages.info(request, "Import cancelled. Nothing was saved.")
        return redirect("journal:import")
    form = ConfirmImportForm(request.POST)
    # Checked again: the journal may have changed since the preview.
    plan = pending.plan(request)
    if form.is_valid() and plan.ready:
        try:
            summary = importing.apply(plan, request.user, form.cleaned_data["on_existing"] or SKIP)
        except IntegrityError:
            form.add_error(
                None,
                "Your journal changed while the import was being saved, so nothing was "
                "saved. Check the preview below and confirm again.",
            )
            return _preview(request, pending, form)
        del request.session[_SESSION_KEY]
        messages.success(request, summary)
        return redirect("journal:history")
    return _preview(request, pending, form, plan)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            token = _keep(request, form)
            return redirect(f"{reverse('journal:import')}?token={token}")
    else:
        token = request.GET.get("token", "")
        pending = _pending(request, token) if token else None
        if pending:
            return _preview(request, pending, ConfirmImportForm(initial={"token": token}))
        if token:
            messages.info(request, "That import is no longer waiting. Upload the files again.")
        form = ImportForm()
    return render(
        request,
        "journal/import.html",
        {"form": form, "max_mb": MAX_UPLOAD_BYTES // 2**20},
    )
