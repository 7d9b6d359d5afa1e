"""CSV import: restore or move a journal from the files the export makes.

Upload, then a preview (the files wait in a PendingImport under a random token that only
this session holds), then a confirmed POST that validates everything again and writes it
in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal import importing
from journal.forms import MAX_UPLOAD_BYTES, SKIP, ConfirmImportForm, ImportForm
from journal.models import PendingImport

MAX_BAD_ROWS_SHOWN = 1000
_SESSION_KEY = "journal_import"
_FILES = ("nights", "episodes", "experiments")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _keep(request: HttpRequest, form: ImportForm) -> str:
    """Keep the upload for the preview, replacing any earlier one; returns its token."""
    token = secrets.token_urlsafe(24)
    data = form.cleaned_data
    PendingImport.objects.expired().delete()
    PendingImport.objects.update_or_create(
        user=request.user,
        defaults={
            "token_hash": _hash(token),
            "nights": data["nights"],
            "episodes": data["episodes"] or "",
            "experiments": data["experiments"] or "",
            "names": [f.name if f else None for f in map(form.files.get, _FILES)],
            "created": timezone.now(),
        },
    )
    request.session[_SESSION_KEY] = token
    return token


def _pending(request: HttpRequest, token: str) -> PendingImport | None:
    """The upload waiting under this token, if this person's own session made it."""
    mine = request.session.get(_SESSION_KEY, "")
    if not mine or not secrets.compare_digest(mine.encode(), token.encode()):
        return None
    kept = PendingImport.objects.fresh().filter(user=request.user, token_hash=_hash(token))
    return kept.first()


def _forget(request: HttpRequest) -> None:
    PendingImport.objects.filter(user=request.user).delete()
    request.session.pop(_SESSION_KEY, None)


def _plan(request: HttpRequest, pending: PendingImport) -> importing.Plan:
    return importing.plan(
        request.user,
        request.profile.tzinfo,
        pending.nights,
        pending.episodes or None,
        pending.experiments or None,
    )


def _preview(
    request: HttpRequest,
    pending: PendingImport,
    form: ConfirmImportForm,
    plan: importing.Plan | None = None,
) -> HttpResponse:
    if plan is None:
        plan = _plan(request, pending)
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
        _forget(request)
        messages.info(request, "Import cancelled. Nothing was saved.")
        return redirect("journal:import")
    form = ConfirmImportForm(request.POST)
    # Checked again: the journal may have changed since the preview.
    plan = _plan(request, pending)
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
        _forget(request)
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
