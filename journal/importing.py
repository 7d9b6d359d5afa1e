"""Importing CSV files into a journal: check every row, then write all of it or nothing.

No HTTP here: the view keeps the upload between preview and confirm and calls plan()
and apply().
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from journal import csvio
from journal.dates import local_today
from journal.forms import (
    MAX_EPISODES,
    REPLACE,
    EpisodeForm,
    ImportedExperimentForm,
    NightForm,
    rebound,
)
from journal.models import NIGHT_FIELDS, CrampEpisode, Experiment, Night


@dataclass
class BadRow:
    file: str
    line: int
    problems: list[str]


@dataclass
class Plan:
    """What the files would add, checked row by row; nothing is written yet."""

    journal: dict[dt.date, Night]  # the person's nights in the files' span of dates
    has_episodes_file: bool
    # The valid rows as unsaved instances (the forms that checked them are let go: a
    # long journal's forms hold millions of objects for the garbage collector to walk).
    nights: list[Night] = field(default_factory=list)
    episodes: list[tuple[dt.date, CrampEpisode]] = field(default_factory=list)
    experiments: list[ImportedExperimentForm] = field(default_factory=list)  # new ones
    known_experiments: int = 0  # in the file and already in the journal: left as they are
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def existing_dates(self) -> list[dt.date]:
        dates = {n.date for n in self.nights} | {d for d, _ in self.episodes}
        return sorted(d for d in dates if d in self.journal)

    @property
    def ready(self) -> bool:
        return not self.bad_rows and bool(self.nights or self.episodes or self.experiments)

    def counts(self) -> dict[str, int]:
        old = self.journal
        return {
            "new_nights": sum(n.date not in old for n in self.nights),
            "new_cramps": sum(d not in old for d, _ in self.episodes),
            "old_nights": sum(n.date in old for n in self.nights),
            "old_cramps": sum(d in old for d, _ in self.episodes),
        }


def _problems(
    record_problems: dict[str, str], form: forms.Form, columns: dict[str, str] | None = None
) -> list[str]:
    """The row's problems as "column: message", the CSV's own before the form's.

    ``columns`` names the file's column for a form field where the two differ."""
    columns = columns or {}
    problems = [m if c == "row" else f"{c}: {m}" for c, m in record_problems.items()]
    for name, errors in form.errors.items():
        if name in record_problems:
            continue  # e.g. a date csvio could not read: the form's "required" adds nothing
        prefix = "" if name == NON_FIELD_ERRORS else f"{columns.get(name, name)}: "
        problems += [prefix + strip_tags(e) for e in errors]
    return problems


def _plan_experiments(plan: Plan, user, tonight: dt.date, text: str) -> None:
    """Check the experiments file's rows: each a valid plan, none overlapping another,
    and at most one still running or to come, as when planning one.

    An experiment already in the journal (the same thing tested, first night and seed)
    is left as it is.
    """
    journal = list(Experiment.objects.for_user(user))
    known = {(e.habit, e.own_label, e.start, e.seed) for e in journal}
    taken = [(e, "your journal") for e in journal]
    for record in csvio.read_experiments(text):
        form = ImportedExperimentForm(record.data, instance=Experiment(user=user), tonight=tonight)
        problems = _problems(record.problems, form, csvio.EXPERIMENT_COLUMN_OF)
        if not problems:
            new = form.save(commit=False)
            if (new.habit, new.own_label, new.start, new.seed) in known:
                plan.known_experiments += 1
                continue
            problems = _clashes(new, taken, tonight)
        if problems:
            plan.bad_rows.append(BadRow("experiments", record.line, problems))
        else:
            plan.experiments.append(form)
            taken.append((new, f"this file (line {record.line})"))


def _clashes(new: Experiment, taken: list[tuple[Experiment, str]], tonight: dt.date) -> list[str]:
    for other, where in taken:
        if new.start <= other.last_counted and other.start <= new.last_counted:
            return [
                f"first_night: its nights overlap an experiment in {where} ({other.start} "
                f"to {other.last_counted}); experiments run one at a time."
            ]
        if not new.is_over(tonight) and not other.is_over(tonight):
            return [
                f"first_night: an experiment in {where} is still running or to come; "
                "experiments run one at a time."
            ]
    return []


def plan(
    user, tz, nights_text: str, episodes_text: str | None, experiments_text: str | None = None
) -> Plan:
    nights = csvio.read_nights(nights_text)
    episodes = csvio.read_episodes(episodes_text) if episodes_text else []
    dates = [r.date for r in (*nights, *episodes) if r.date]
    journal = {}
    if dates:
        span = Night.objects.for_user(user).between(min(dates), max(dates))
        journal = {night.date: night for night in span}
    plan = Plan(journal=journal, has_episodes_file=episodes_text is not None)

    # The person's nights in the file's span are read above, so the form need not look
    # for a clash row by row: existing dates are skipped or replaced as the person
    # chooses, with the night as the form's instance.
    night_form = NightForm(user=user, tz=tz, check_clash=False)
    first_line: dict[dt.date, int] = {}
    for record in nights:
        if record.date in first_line:
            problems = [f"date: {record.date} is already on line {first_line[record.date]}."]
        else:
            if record.date:
                first_line[record.date] = record.line
            instance = journal.get(record.date) or Night(user=user)
            form = rebound(night_form, record.data, instance)
            problems = _problems(record.problems, form)
            if not problems:
                plan.nights.append(form.save(commit=False))
        if problems:
            plan.bad_rows.append(BadRow("nights", record.line, problems))

    valid_dates = {n.date for n in plan.nights}
    per_night: Counter[dt.date] = Counter()
    episode_form = EpisodeForm()
    for record in episodes:
        form = rebound(episode_form, record.data, CrampEpisode())
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
            plan.bad_rows.append(BadRow("episodes", record.line, problems))
        else:
            plan.episodes.append((date, form.save(commit=False)))
    if experiments_text:
        _plan_experiments(plan, user, local_today(tz), experiments_text)
    return plan


def apply(plan: Plan, user, mode: str) -> str:
    """Write the plan: all of it, or nothing if anything fails. Returns a summary."""
    existing = plan.existing_dates
    with transaction.atomic():
        targets = {d: plan.journal[d] for d in existing} if mode == REPLACE else {}
        new_nights, replaced = [], []
        for night in plan.nights:
            night.user = user
            if night.date not in plan.journal:
                new_nights.append(night)
                targets[night.date] = night
            elif mode == REPLACE:
                replaced.append(night)
        Night.objects.bulk_create(new_nights)
        Night.objects.bulk_update(replaced, [*NIGHT_FIELDS[1:], "experiment_done"])
        if mode == REPLACE and plan.has_episodes_file:
            # The file's cramps for those nights replace the journal's (none if it has none).
            CrampEpisode.objects.filter(night__in=[plan.journal[d] for d in existing]).delete()
        if mode == REPLACE:
            # Each replaced night is a new version (bulk_update leaves updated_at alone):
            # an edit page opened before can't save over it.
            ids = [plan.journal[d].pk for d in existing]
            Night.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        episodes = []
        for date, episode in plan.episodes:
            if date in targets:
                episode.night = targets[date]
                episodes.append(episode)
        CrampEpisode.objects.bulk_create(episodes)
        experiments = [form.save(commit=False) for form in plan.experiments]
        Experiment.objects.bulk_create(experiments)

    counts = plan.counts()
    summary = f"Imported {_plural(counts['new_nights'], 'night')}"
    summary += f" and {_plural(counts['new_cramps'], 'cramp')}."
    if experiments:
        summary += f" Restored {_plural(len(experiments), 'experiment')}."
    if existing and mode == REPLACE:
        summary += f" Replaced {_plural(len(existing), 'night')} already in your journal."
    elif existing:
        summary += f" Left {_plural(len(existing), 'night')} already in your journal as they were."
    return summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
