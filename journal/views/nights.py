from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal import months
from journal.dates import last_night, latest_loggable_night, this_evening
from journal.forms import EpisodeFormSet, NightForm, version_of
from journal.models import (
    EARLIEST_DATE,
    HABIT_FIELDS,
    TESTED_FIELDS,
    CrampEpisode,
    Evening,
    Experiment,
    Night,
    SentKey,
    covering,
)
from journal.offline import is_shell, offline_shell, sent_key

NIGHTS_PER_PAGE = 30
CALENDAR_CACHE_SECONDS = 7 * 24 * 3600  # its key holds all it shows: never stale
# What the history table shows: reading only these keeps a page of nights cheap.
HISTORY_COLUMNS = (
    "date",
    "stretch_minutes",
    "caffeine_drinks",
    "last_caffeine_at",
    "alcohol_drinks",
    "last_alcohol_at",
)
EPISODES_PREFIX = "episodes"


def _nice(date: dt.date) -> str:
    return date.strftime("%a %-d %b %Y")


def _cramp_cards(
    request: HttpRequest, night: Night, data: QueryDict | None = None
) -> BaseInlineFormSet:
    """The night's cramp cards, where a new card starts with the muscle and side of the
    person's last logged cramp (journal.forms.EpisodeForm)."""
    last = CrampEpisode.objects.for_user(request.user).latest_first().first()
    return EpisodeFormSet(data, instance=night, prefix=EPISODES_PREFIX, form_kwargs={"last": last})


def _save_night(
    request: HttpRequest,
    form: NightForm,
    formset,
    experiments: list[Experiment],
    key: uuid.UUID | None = None,
) -> Night | None:
    """Validate the night and its episodes together; save all of it or nothing."""
    if "no_cramps" in request.POST and any(f.has_changed() for f in formset.extra_forms):
        form.add_error(
            None,
            "You pressed “No cramps” but filled in a cramp. Press “Save night” to keep it, "
            "or clear the cramp first.",
        )
    quick = "no_cramps" in request.POST
    if not (
        form.is_valid() and formset.is_valid() and _fits_the_experiment(form, experiments, quick)
    ):
        return None
    try:
        with transaction.atomic():
            night = form.save(commit=False)
            if night.pk and _changed_since(night.pk, request.POST):
                raise Conflict
            night.user = request.user
            night.save()
            formset.instance = night
            formset.save()
            if key:
                SentKey.objects.get_or_create(user=request.user, key=key, defaults={"night": night})
    except IntegrityError:
        # Two tabs saving the same night at once: the database's unique rule caught it.
        form.add_error("date", "This night was just logged from somewhere else; reload it.")
        return None
    return night


class Conflict(Exception):
    """The night was saved somewhere else after this page was opened."""


def _stale(night: Night, data: QueryDict) -> bool:
    """Whether the page was opened on another version of the night than ``night``. A page
    without the version (opened before pages carried it) is not checked."""
    return "seen" in data and data["seen"] != version_of(night)


def _changed_since(pk: int, data: QueryDict) -> bool:
    """_stale, for the night as saved now: locks its row until the transaction ends, so
    that the check and the write that follows it are one step."""
    current = Night.objects.select_for_update().filter(pk=pk).first()
    return current is None or _stale(current, data)


def _count(data: QueryDict, key: str) -> int:
    try:
        return max(0, min(int(data.get(key) or 0), EpisodeFormSet.absolute_max))
    except ValueError:
        return 0


def _rebased(data: QueryDict, night: Night) -> tuple[QueryDict, int]:
    """What the person typed, as a form of the night as it is saved now: the current
    version, and each cramp card whose cramp was removed meanwhile moved after the others
    as a new cramp (unless it was ticked for removal here too). Returns that and how many
    cards were moved."""
    prefix = f"{EPISODES_PREFIX}-"
    kept = {str(pk) for pk in night.episodes.values_list("pk", flat=True)}
    total = _count(data, f"{prefix}TOTAL_FORMS")
    initial = min(_count(data, f"{prefix}INITIAL_FORMS"), total)
    cards: list[dict[str, list[str]]] = [{} for _ in range(total)]
    rebased = QueryDict(mutable=True)
    for key in data:
        # A new card's "initial-episodes-3-side" (what it started with) moves with it.
        card_key = key.removeprefix("initial-")
        index, _, name = card_key.removeprefix(prefix).partition("-")
        if not card_key.startswith(prefix):
            rebased.setlist(key, data.getlist(key))
        elif index.isdigit() and int(index) < total and name:
            cards[int(index)][name if key == card_key else f"initial-{name}"] = data.getlist(key)
    existing = [c for c in cards[:initial] if c.get("id", [""])[0] in kept]
    moved = [
        c | {"id": [""]}
        for c in cards[:initial]
        if c.get("id", [""])[0] not in kept and not c.get("DELETE", [""])[0]
    ]
    ordered = existing + moved + cards[initial:]
    for i, card in enumerate(ordered):
        for name, values in card.items():
            field = name.removeprefix("initial-")
            started = "initial-" if field != name else ""
            rebased.setlist(f"{started}{prefix}{i}-{field}", values)
    rebased["seen"] = version_of(night)
    rebased[f"{prefix}TOTAL_FORMS"] = str(len(ordered))
    rebased[f"{prefix}INITIAL_FORMS"] = str(len(existing))
    rebased[f"{prefix}MIN_NUM_FORMS"] = data.get(f"{prefix}MIN_NUM_FORMS", "0")
    rebased[f"{prefix}MAX_NUM_FORMS"] = data.get(f"{prefix}MAX_NUM_FORMS", "1000")
    return rebased, len(moved)


def _fits_the_experiment(form: NightForm, experiments: list[Experiment], quick: bool) -> bool:
    """The answer to an experiment's question belongs to its nights only, and must not
    contradict what the rest of the log says was done (say, "yes, I stretched" with no
    minutes of stretching): one of the two is a slip, and only the person knows which.

    The one-press "No cramps — save" (``quick``) needs the answer: what is tested isn't
    filled in from the night before, so without it the night would read as not done.
    """
    night = form.instance
    experiment = covering(experiments, night.date)
    if experiment is None:
        night.experiment_done = None
        return True
    option = experiment.option
    if quick and night.experiment_done is None:
        form.add_error("experiment_done", f"Answer “{option.question}” first, then save.")
        return False
    logged = option.logged(night.as_night_data()) if option.logged else None
    if night.experiment_done is None or logged is None or logged == night.experiment_done:
        return True
    said, shows = ("yes", "you didn’t") if night.experiment_done else ("no", "you did")
    form.add_error(
        "experiment_done",
        f"You answered “{said}” to “{option.question}”, but what you logged below shows "
        f"{shows}. Change whichever is wrong.",
    )
    return False


def _night_page(
    request: HttpRequest, form, formset, experiments: list[Experiment], **extra
) -> HttpResponse:
    """The night form, with the experiment's question when the night is one of its own."""
    date = form.instance.date if form.instance.pk else _date_of(form)
    experiment = covering(experiments, date) if date else None
    context = {"form": form, "formset": formset, "last_cramp": formset.form_kwargs["last"]}
    context |= extra
    if request.method == "POST":
        context["idempotency_key"] = sent_key(request.POST)
    if experiment:
        field = form.fields["experiment_done"]
        context |= {
            "experiment": experiment,
            "planned": experiment.design.night(date),
            "answer": field.to_python(form["experiment_done"].value()),
        }
    # What tonight is, when logging last night (not an earlier one, which would be
    # a second, confusing experiment box).
    if extra.get("creating") and date == last_night(request.profile.tzinfo):
        context |= _tonight(request, experiments, after=date)
    return render(request, "journal/night_form.html", context)


def _tonight(
    request: HttpRequest, experiments: list[Experiment] | None = None, after: dt.date | None = None
) -> dict:
    """The running experiment's plan for tonight, for the pages that show it.

    Tonight is the night under way, or about to begin (journal.dates.this_evening); on
    the morning log, at least the night after the one logged: an early riser at 05:30
    is told about the coming evening, not the night just ended.
    """
    tonight = this_evening(request.profile.tzinfo)
    if after is not None:
        tonight = max(tonight, after + dt.timedelta(days=1))
    if experiments is None:
        experiments = list(Experiment.objects.for_user(request.user))
    experiment = covering(experiments, tonight)
    if experiment is None or experiment.stopped_after:
        return {}
    return {"tonight_experiment": experiment, "tonight": experiment.design.night(tonight)}


def _date_of(form: NightForm) -> dt.date | None:
    """The date the form is for: what was posted, else its initial value."""
    value = form["date"].value()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    logged = (
        Night.objects.for_user(request.user)
        .filter(date=last_night(request.profile.tzinfo))
        .exists()
    )
    return redirect("journal:history" if logged else "journal:night-new")


@login_required
@offline_shell
@never_cache
@require_http_methods(["GET", "POST"])
def night_new(request: HttpRequest) -> HttpResponse:
    tz = request.profile.tzinfo
    nights = Night.objects.for_user(request.user)
    experiments = list(Experiment.objects.for_user(request.user))
    if request.method == "POST":
        key = sent_key(request.POST)
        sent = SentKey.objects.filter(user=request.user, key=key).select_related("night")
        if key and (earlier := sent.first()):
            # Sent again (the phone never heard back): the night saved then is the answer.
            messages.success(request, f"Saved the night of {_nice(earlier.night.date)}.")
            return redirect("journal:history")
        form = NightForm(request.POST, user=request.user, tz=tz)
        clash = nights.filter(date=_date_of(form)).first() if key and _date_of(form) else None
        if clash:
            # Saved on this phone while the night was logged elsewhere: show both, as
            # for an edit made meanwhile, and overwrite neither.
            return _conflict(request, clash, experiments)
        formset = _cramp_cards(request, form.instance, request.POST)
        night = _save_night(request, form, formset, experiments, key)
        if night:
            saved = f"Saved the night of {_nice(night.date)}."
            # History, where this lands, doesn't ask about experiments: the message says.
            if tonight := _tonight(request, experiments, after=night.date):
                option, planned = tonight["tonight_experiment"].option, tonight["tonight"]
                saved += f" Tonight: {option.test_short if planned.test else option.usual_short}."
            messages.success(request, saved)
            return redirect("journal:history")
        return _night_page(request, form, formset, experiments, creating=True)

    try:
        date = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        date = last_night(tz)
    if nights.filter(date=date).exists() and not is_shell(request):
        messages.info(request, f"You already logged the night of {_nice(date)}. Here it is.")
        return redirect("journal:night-edit", date=date)

    initial: dict = {"date": date}
    # Habits carry forward, never back: an earlier night is not filled from a later one.
    # What an experiment tests doesn't: the night before may have had the other plan.
    previous = nights.filter(date__lt=date).first()
    experiment = covering(experiments, date)
    tested = TESTED_FIELDS[experiment.habit] if experiment else ()
    if previous:
        initial |= {name: getattr(previous, name) for name in HABIT_FIELDS if name not in tested}
    # What the person recorded that evening (the bedtime routine) is this night's own, so
    # it goes over what carries over, experiment or not.
    evening = Evening.objects.for_user(request.user).filter(date=date).first()
    from_evening = evening.morning_initial() if evening else {}
    initial |= from_evening
    form = NightForm(initial=initial, user=request.user, tz=tz)
    formset = _cramp_cards(request, form.instance)
    return _night_page(
        request,
        form,
        formset,
        experiments,
        creating=True,
        previous=previous,
        not_carried=bool(previous and tested),
        offline_shell=is_shell(request),
        from_evening=bool(from_evening),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def night_edit(request: HttpRequest, date: dt.date) -> HttpResponse:
    night = get_object_or_404(Night, user=request.user, date=date)
    tz = request.profile.tzinfo
    experiments = list(Experiment.objects.for_user(request.user))
    if request.method == "POST":
        if _stale(night, request.POST):
            return _conflict(request, night, experiments)
        form = NightForm(request.POST, instance=night, user=request.user, tz=tz)
        formset = _cramp_cards(request, night, request.POST)
        try:
            saved = _save_night(request, form, formset, experiments, sent_key(request.POST))
        except Conflict:
            return _conflict(request, get_object_or_404(Night, pk=night.pk), experiments)
        if saved:
            messages.success(request, f"Updated the night of {_nice(saved.date)}.")
            return redirect("journal:history")
    else:
        form = NightForm(instance=night, user=request.user, tz=tz)
        formset = _cramp_cards(request, night)
    return _night_page(request, form, formset, experiments, night=night)


def _conflict(request: HttpRequest, night: Night, experiments: list[Experiment]) -> HttpResponse:
    """The page again, with what the person typed on top of the night as saved now, and
    what differs between the two; nothing is saved until they press Save again."""
    data, moved = _rebased(request.POST, night)
    form = NightForm(data, instance=night, user=request.user, tz=request.profile.tzinfo)
    formset = _cramp_cards(request, night, data)
    conflict = {
        "differs": [form[name].label for name in form.changed_data if name != "seen"],
        "cramps_changed": any(f.has_changed() for f in formset.forms),
        "moved": moved,
    }
    response = _night_page(request, form, formset, experiments, night=night, conflict=conflict)
    response.status_code = 409
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def night_delete(request: HttpRequest, date: dt.date) -> HttpResponse:
    night = get_object_or_404(Night, user=request.user, date=date)
    if request.method == "POST":
        night.delete()
        messages.success(request, f"Deleted the night of {_nice(date)}.")
        return redirect("journal:history")
    return render(request, "journal/night_confirm_delete.html", {"night": night})


@login_required
@never_cache
def history(request: HttpRequest) -> HttpResponse:
    nights = Night.objects.for_user(request.user).only(*HISTORY_COLUMNS).order_by("-date")
    page = Paginator(nights, NIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = page.object_list.with_cramp_summary()
    tz = request.profile.tzinfo
    # The night above this page's first, so that nights not logged there show too: on
    # the first page, the one after last night (nothing above it to miss).
    if page.number == 1:
        newer = last_night(tz) + dt.timedelta(days=1)
    else:
        newer = nights.values_list("date", flat=True)[page.start_index() - 2]
    links = months.night_links()
    context = {
        "page": page,
        "newer": newer,
        "last_night": last_night(tz),
        "today": latest_loggable_night(tz),
        "log_link": links["log_link"],
    }
    if page.paginator.count:
        context |= _calendar(request, page, newer, context["today"], links)
    return render(request, "journal/history.html", context)


def _calendar(
    request: HttpRequest, page: Page, newer: dt.date, latest: dt.date, links: dict[str, str]
) -> dict:
    """History's month calendar: the month asked for (?month=2026-11), else the latest
    night's; previous and next months up to that one. The months' names and parameters
    are written here: the template's date filter would take longer than the calendar."""
    first = months.parse_month(request.GET.get("month"), earliest=EARLIEST_DATE, latest=latest)
    nights = _cramps_in_month(request.user, first, page, newer)

    def link(month: dt.date) -> dict:
        return {"param": f"{month:%Y-%m}", "name": f"{month:%b}", "year": month.year}

    previous, following = months.add_months(first, -1), months.add_months(first, 1)
    return {
        "month": link(first) | {"title": f"{first:%B %Y}"},
        "calendar": _calendar_html(request.user, first, nights, latest, links),
        "previous_month": link(previous) if previous >= months.first_of(EARLIEST_DATE) else None,
        "next_month": link(following) if following <= latest else None,
        "month_asked": "month" in request.GET,
    }


def _cramps_in_month(
    user, first: dt.date, page: Page, newer: dt.date
) -> dict[dt.date, tuple[int, int | None]]:
    """Each logged night of the month that begins on ``first``: its cramps, its worst.

    The page holds every night logged from its oldest (from the first ever, on the last
    page) to ``newer`` (to the latest, on the first page). When that spans the month, as
    on the usual visit (this month, first page), its nights are used: another query
    would cost a tenth of the page. Otherwise the database counts them, in one query.
    """
    last = months.last_of(first)
    oldest = page.object_list[-1].date if page.has_next() else EARLIEST_DATE
    if oldest <= first and (page.number == 1 or last < newer):
        return {
            night.date: (night.n_cramps, night.worst_cramp)
            for night in page.object_list
            if first <= night.date <= last
        }
    return Night.objects.for_user(user).between(first, last).cramps_by_date()


def _calendar_html(
    user,
    first: dt.date,
    nights: dict[dt.date, tuple[int, int | None]],
    latest: dt.date,
    links: dict[str, str],
) -> SafeString:
    """The month drawn, with its key, cached by all that it shows: the month, the latest
    night and each logged night's cramps. Drawing a month through the template takes
    about a third of the rest of the page; with the nights in the key, any change to
    them draws it again, and nothing else can change it."""
    shown = repr(sorted(nights.items())).encode()
    key = f"calendar:{user.pk}:{first}:{latest}:{hashlib.sha256(shown).hexdigest()[:16]}"

    def draw() -> str:
        month = months.month_grid(
            first, nights, shown=(EARLIEST_DATE, latest), latest=latest, **links
        )
        context = {"month": month, "caption_hidden": True, "calendar_key": months.KEY}
        return render_to_string("journal/_month_calendar.html", context) + render_to_string(
            "journal/_calendar_key.html", context
        )

    return mark_safe(cache.get_or_set(key, draw, CALENDAR_CACHE_SECONDS))  # our template's
