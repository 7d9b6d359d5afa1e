"""CSV import: restore or move a journal from the files the export makes.

Upload, then a preview (kept in the session under a random token), then a confirmed
POST that validates everything again and writes it in one transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal import csvio
from journal.forms import MAX_EPISODES, EpisodeForm, NightForm
from journal.models import CrampEpisode, Night

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_BAD_ROWS_SHOWN = 1000
SKIP, REPLACE = "skip", "replace"
_SESSION_KEY = "journal_import"
_M = TypeVar("_M", bound=models.Model)


class ImportForm(forms.Form):
    nights = forms.FileField(
        label="Nights file",
        help_text="nightleg-nights-….csv from the Export page: one row per night.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    episodes = forms.FileField(
        label="Cramps file (optional)",
        required=False,
        help_text="nightleg-episodes-….csv from the same export: one row per cramp, matched "
        "to its night by night_date. Leave it out to import nights only.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def _text(self, name: str, read) -> str | None:
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 2**20:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // 2**20} MB. Split it by date and import each part."
            )
        try:
            text = csvio.decode(upload.read())
            read(text)  # a file without the right header fails here, before any preview
        except csvio.CsvError as e:
            raise forms.ValidationError(str(e)) from None
        return text

    def clean_nights(self) -> str | None:
        return self._text("nights", csvio.read_nights)

    def clean_episodes(self) -> str | None:
        return self._text("episodes", csvio.read_episodes)


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    on_existing = forms.ChoiceField(
        label="For the nights already in your journal",
        choices=[
            (SKIP, "Skip them: keep what your journal has, cramps included"),
            (REPLACE, "Replace them with the file’s version"),
        ],
        widget=forms.RadioSelect,
        initial=SKIP,
        required=False,
    )


@dataclass
class _BadRow:
    file: str
    line: int
    problems: list[str]


@dataclass
class _Plan:
    """What the files would add, checked row by row; nothing is written yet."""

    journal: dict[dt.date, Night]  # the person's nights in the files' span of dates
    has_episodes_file: bool
    nights: list[NightForm] = field(default_factory=list)
    episodes: list[tuple[dt.date, EpisodeForm]] = field(default_factory=list)
    bad_rows: list[_BadRow] = field(default_factory=list)

    @property
    def existing_dates(self) -> list[dt.date]:
        dates = {f.cleaned_data["date"] for f in self.nights} | {d for d, _ in self.episodes}
        return sorted(d for d in dates if d in self.journal)

    @property
    def ready(self) -> bool:
        return not self.bad_rows and bool(self.nights or self.episodes)

    def counts(self) -> dict[str, int]:
        old = self.journal
        return {
            "new_nights": sum(f.cleaned_data["date"] not in old for f in self.nights),
            "new_cramps": sum(d not in old for d, _ in self.episodes),
            "old_nights": sum(f.cleaned_data["date"] in old for f in self.nights),
            "old_cramps": sum(d in old for d, _ in self.episodes),
        }


def _problems(record_problems: dict[str, str], form: forms.Form) -> list[str]:
    """The row's problems as "column: message", the CSV's own before the form's."""
    problems = [m if c == "row" else f"{c}: {m}" for c, m in record_problems.items()]
    for name, errors in form.errors.items():
        if name in record_problems:
            continue  # e.g. a date csvio could not read: the form's "required" adds nothing
        prefix = "" if name == NON_FIELD_ERRORS else f"{name}: "
        problems += [prefix + strip_tags(e) for e in errors]
    return problems


def _without_constraint_queries(instance: _M) -> _M:
    """The instance, validated by its form without a query per CheckConstraint.

    Django checks each constraint with its own query: 6 per night and 4 per cramp,
    which made a year of rows take many seconds. Nothing is lost: the fields'
    validators and choices check the same ranges, and the database enforces the
    constraints again when the import is written, in one transaction.
    """
    instance.validate_constraints = lambda *args, **kwargs: None
    return instance


def _plan(user, tz, nights_text: str, episodes_text: str | None) -> _Plan:
    nights = csvio.read_nights(nights_text)
    episodes = csvio.read_episodes(episodes_text) if episodes_text else []
    dates = [r.date for r in (*nights, *episodes) if r.date]
    journal = {}
    if dates:
        span = Night.objects.for_user(user).between(min(dates), max(dates))
        journal = {night.date: night for night in span}
    plan = _Plan(journal=journal, has_episodes_file=episodes_text is not None)

    first_line: dict[dt.date, int] = {}
    for record in nights:
        if record.date in first_line:
            problems = [f"date: {record.date} is already on line {first_line[record.date]}."]
        else:
            if record.date:
                first_line[record.date] = record.line
            # An existing night is the instance, so the form's own clash check stays
            # quiet: existing dates are skipped or replaced as the person chooses.
            instance = _without_constraint_queries(journal.get(record.date) or Night(user=user))
            form = NightForm(record.data, instance=instance, user=user, tz=tz)
            problems = _problems(record.problems, form)
            if not problems:
                plan.nights.append(form)
        if problems:
            plan.bad_rows.append(_BadRow("nights", record.line, problems))

    valid_dates = {f.cleaned_data["date"] for f in plan.nights}
    per_night: Counter[dt.date] = Counter()
    for record in episodes:
        form = EpisodeForm(record.data, instance=_without_constraint_queries(CrampEpisode()))
        problems = _problems(record.problems, form)
        date = record.date
        per_night[date] += 1
        if date and per_night[date] > MAX_EPISODES:
            problems.append(
                f"night_date: more than {MAX_EPISODES} cramps for the night of {date}; "
                f"a night holds at most {MAX_EPISODES}."
            )
        if date and date not in valid_dates and date not in journal:
            if date in first_line:
                problems.append(
                    f"night_date: the night of {date} (nights file, line {first_line[date]}) "
                    "has problems of its own."
                )
            else:
                problems.append(
                    f"night_date: there’s no night of {date} in the nights file or in your journal."
                )
        if problems:
            plan.bad_rows.append(_BadRow("episodes", record.line, problems))
        else:
            plan.episodes.append((date, form))
    return plan


def _apply(plan: _Plan, user, mode: str) -> str:
    """Write the plan: all of it, or nothing if anything fails. Returns a summary."""
    existing = plan.existing_dates
    with transaction.atomic():
        targets = {d: plan.journal[d] for d in existing} if mode == REPLACE else {}
        new_nights = []
        for form in plan.nights:
            night = form.save(commit=False)
            night.user = user
            if night.date not in plan.journal:
                new_nights.append(night)
                targets[night.date] = night
            elif mode == REPLACE:
                night.save()
        Night.objects.bulk_create(new_nights)
        if mode == REPLACE and plan.has_episodes_file:
            # The file's cramps for those nights replace the journal's (none if it has none).
            CrampEpisode.objects.filter(night__in=[plan.journal[d] for d in existing]).delete()
        episodes = []
        for date, form in plan.episodes:
            if date in targets:
                episode = form.save(commit=False)
                episode.night = targets[date]
                episodes.append(episode)
        CrampEpisode.objects.bulk_create(episodes)

    counts = plan.counts()
    summary = f"Imported {_plural(counts['new_nights'], 'night')}"
    summary += f" and {_plural(counts['new_cramps'], 'cramp')}."
    if existing and mode == REPLACE:
        summary += f" Replaced {_plural(len(existing), 'night')} already in your journal."
    elif existing:
        summary += f" Left {_plural(len(existing), 'night')} already in your journal as they were."
    return summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class _Pending:
    token: str
    nights: str
    episodes: str | None
    names: list[str | None]


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
        "names": [f.name if f else None for f in map(form.files.get, ("nights", "episodes"))],
    }
    return token


def _pending(request: HttpRequest, token: str) -> _Pending | None:
    """The upload waiting under this token in this person's own session, if any."""
    kept = request.session.get(_SESSION_KEY)
    if not kept or kept["user"] != request.user.pk:
        return None
    if not secrets.compare_digest(kept["token"].encode(), token.encode()):
        return None
    return _Pending(token, _unpack(kept["nights"]), _unpack(kept["episodes"]), kept["names"])


def _preview(
    request: HttpRequest, pending: _Pending, form: ConfirmImportForm, plan: _Plan | None = None
) -> HttpResponse:
    if plan is None:
        plan = _plan(request.user, request.profile.tzinfo, pending.nights, pending.episodes)
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
    plan = _plan(request.user, request.profile.tzinfo, pending.nights, pending.episodes)
    if form.is_valid() and plan.ready:
        try:
            summary = _apply(plan, request.user, form.cleaned_data["on_existing"] or SKIP)
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
