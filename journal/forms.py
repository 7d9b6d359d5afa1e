from __future__ import annotations

import copy as _copy
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.forms import inlineformset_factory
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from journal import auth, csvio, stats
from journal import reminders as reminder_schedule
from journal.dates import EVENING_STARTS, latest_loggable_night
from journal.models import (
    EARLIEST_DATE,
    EPISODE_FIELDS,
    EVENING_DRINK_FIELDS,
    EXPERIMENT_NIGHT_FIELDS,
    MAX_DRINKS,
    MAX_GLASSES,
    MAX_MINUTES,
    MAX_SEVERITY,
    NIGHT_FIELDS,
    ROUTINE_STRETCHES,
    STRETCHES,
    CrampEpisode,
    Evening,
    Experiment,
    Night,
    Profile,
    Reminder,
    ShareLink,
    Side,
)
from journal.stats import experiments as planning

MAX_EPISODES = 30
_Form = TypeVar("_Form", bound=forms.ModelForm)
# Counts that may be left blank: blank is "not measured" (None), never zero.
_OPTIONAL_COUNTS = [
    "stretch_minutes",
    "caffeine_drinks",
    "alcohol_drinks",
    "water_glasses",
    "relaxation_minutes",
]


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _number_input(low: int, high: int, step: str = "1") -> forms.NumberInput:
    return forms.NumberInput(
        attrs={
            "min": low,
            "max": high,
            "step": step,
            "inputmode": "decimal" if step != "1" else "numeric",
        }
    )


def _without_constraint_queries(form: forms.ModelForm) -> None:
    """Validate the form's row without a query per CheckConstraint.

    Django checks each constraint with a query of its own: 6 per night and 4 per cramp,
    so saving a night with two cramps cost 14 queries, and importing a year of rows
    many seconds. Nothing is lost: the fields' validators and choices check the same
    ranges (tests/test_models.py holds each constraint against them), and the database
    enforces the constraints again when the row is written.
    """
    form.instance.validate_constraints = lambda *args, **kwargs: None


def rebound(form: _Form, data: dict[str, str], instance) -> _Form:
    """``form`` bound to another row's ``data`` and ``instance``, sharing its fields.

    Building a form deep-copies every field and widget, which was half of what import
    spent on each row. Checking a row reads the fields and never changes them, so the
    rows of one file can share the fields of one form. Only for forms that are checked,
    not rendered.
    """
    copy = _copy.copy(form)
    copy.data, copy.files, copy.is_bound = data, {}, True
    copy.instance = instance
    copy._errors = None
    copy._bound_fields_cache = {}
    _without_constraint_queries(copy)
    return copy


def _range_message(label: str, low: int, high: int, unit: str) -> dict[str, str]:
    text = f"{label} must be between {low} and {high} {unit}."
    return {"min_value": text, "max_value": text}


def version_of(night: Night) -> str:
    """The saved night's version: its last change, which every save and update moves."""
    return night.updated_at.isoformat() if night.pk else ""


class NightForm(forms.ModelForm):
    # Shown only on an experiment's nights (the page asks it in the experiment's words).
    experiment_done = forms.NullBooleanField(
        required=False,
        widget=forms.RadioSelect(choices=[("true", "Yes"), ("false", "No")]),
    )
    # The version of the night the page was opened on, carried back on save: a save
    # from a page opened before someone else's save is refused (journal.views.nights).
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Night
        fields = [*NIGHT_FIELDS, *EXPERIMENT_NIGHT_FIELDS]
        labels = {
            "date": "Night of",
            "stretch_minutes": "Stretching (minutes)",
            "caffeine_drinks": "Caffeinated drinks",
            "last_caffeine_at": "Last caffeine at",
            "alcohol_drinks": "Alcohol (standard drinks)",
            "last_alcohol_at": "Last alcohol at",
            "water_glasses": "Water (glasses)",
            "electrolytes": "Electrolyte drink or supplement",
            "relaxation_minutes": "Relaxation (minutes)",
            "sleep_quality": "How did you sleep?",
        }
        help_texts = {
            "date": "The evening the night began.",
            "bedtime": "Lets the reports tell whether drinks were close to bedtime.",
            "alcohol_drinks": "One standard drink is a small glass of wine, a half pint of beer "
            "or a single measure of spirits.",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "bedtime": _time_input(),
            "last_caffeine_at": _time_input(),
            "last_alcohol_at": _time_input(),
            "stretch_minutes": _number_input(0, MAX_MINUTES),
            "caffeine_drinks": _number_input(0, MAX_DRINKS),
            "alcohol_drinks": _number_input(0, MAX_DRINKS, step="0.5"),
            "water_glasses": _number_input(0, MAX_GLASSES),
            "relaxation_minutes": _number_input(0, MAX_MINUTES),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "date": {"invalid": "Enter the date as YYYY-MM-DD."},
            "bedtime": {"invalid": "Enter bedtime as a time such as 22:30."},
            "last_caffeine_at": {"invalid": "Enter a time such as 15:00."},
            "last_alcohol_at": {"invalid": "Enter a time such as 20:00."},
            "stretch_minutes": _range_message("Stretching", 0, MAX_MINUTES, "minutes"),
            "relaxation_minutes": _range_message("Relaxation", 0, MAX_MINUTES, "minutes"),
            "caffeine_drinks": _range_message("Caffeinated drinks", 0, MAX_DRINKS, "drinks"),
            "alcohol_drinks": {
                **_range_message("Alcohol", 0, MAX_DRINKS, "standard drinks"),
                "max_decimal_places": "Use whole or half drinks, such as 1.5.",
            },
            "water_glasses": _range_message("Water", 0, MAX_GLASSES, "glasses"),
        }

    def __init__(
        self, *args, user: User, tz: zoneinfo.ZoneInfo, check_clash: bool = True, **kwargs
    ) -> None:
        """``check_clash=False`` when the caller already knows the person's nights on the
        date (import reads them once for the whole file, instead of a query per row)."""
        super().__init__(*args, **kwargs)
        _without_constraint_queries(self)
        self.user = user
        self.tz = tz
        self.check_clash = check_clash
        self.fields["seen"].initial = version_of(self.instance)
        if not self.instance.pk:
            # A new night's counts start blank, not at the model's default of 0: a night
            # saved untouched has measured nothing (what carries over is given as initial).
            given = kwargs.get("initial") or {}
            for name in _OPTIONAL_COUNTS:
                if name not in given:
                    self.initial[name] = None
        self.fields["date"].widget.attrs["max"] = latest_loggable_night(tz).isoformat()
        self.fields["sleep_quality"].choices = [
            ("", "—"),
            *self.fields["sleep_quality"].choices[1:],
        ]

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        # A night already logged stays editable after a move to a time zone further west,
        # where its date may lie in the future for a few hours.
        already_logged = self.instance.pk and date == self.instance.date
        if date > latest_loggable_night(self.tz) and not already_logged:
            raise forms.ValidationError(
                "That night hasn’t happened yet: a night can be logged from "
                f"{EVENING_STARTS:%H:%M} on its evening."
            )
        if date < EARLIEST_DATE:
            raise forms.ValidationError(f"Choose a date from {EARLIEST_DATE:%Y} onwards.")
        if self.check_clash and self._clashes(date):
            url = reverse("journal:night-edit", args=[date.isoformat()])
            raise forms.ValidationError(
                format_html(
                    'You already logged the night of {}. <a href="{}">Open it to change it</a>.',
                    date.strftime("%-d %b %Y"),
                    url,
                )
            )
        return date

    def _clashes(self, date: dt.date) -> bool:
        return (
            Night.objects.for_user(self.user)
            .filter(date=date)
            .exclude(pk=self.instance.pk)
            .exists()
        )

    def clean(self) -> dict:
        data = super().clean()
        # A time for the last drink means nothing when there was no drink: drop it rather
        # than complain, since it was most likely carried over from the night before.
        if data.get("caffeine_drinks") == 0:
            data["last_caffeine_at"] = None
        if data.get("alcohol_drinks") == 0:
            data["last_alcohol_at"] = None
        return data


class EpisodeForm(forms.ModelForm):
    class Meta:
        model = CrampEpisode
        fields = list(EPISODE_FIELDS)
        labels = {
            "at": "About when",
            "severity": "Severity (0–10)",
            "duration_minutes": "Minutes",
            "woke_me": "Woke me up",
        }
        help_texts = {"duration_minutes": ""}
        # Radio groups rather than a number box and lists: one tap each on a phone. The
        # severity field stays an IntegerField, so a CSV import checks "5" as before.
        widgets = {
            "at": _time_input(),
            "muscle": forms.RadioSelect,
            "side": forms.RadioSelect,
            "severity": forms.RadioSelect(choices=[(n, str(n)) for n in range(MAX_SEVERITY + 1)]),
            "duration_minutes": _number_input(0, MAX_MINUTES, step="0.5"),
        }
        error_messages = {
            "at": {"invalid": "Enter a time such as 03:15."},
            "side": {"required": "Choose which side."},
            "severity": {
                "required": "Rate how bad it was, from 0 to 10.",
                **_range_message("Severity", 0, MAX_SEVERITY, ""),
            },
            "duration_minutes": {
                **_range_message("Duration", 0, MAX_MINUTES, "minutes"),
                "max_decimal_places": "Use at most one decimal place (0.5 is half a minute).",
            },
        }

    def __init__(self, *args, last: CrampEpisode | None = None, **kwargs) -> None:
        """``last``: the person's last logged cramp, whose muscle and side a new card
        starts with (cramps tend to come back in the same place)."""
        super().__init__(*args, **kwargs)
        _without_constraint_queries(self)
        # "Severity must be between 0 and 10 ." reads badly; trim the empty unit.
        for key in ("min_value", "max_value"):
            msg = self.fields["severity"].error_messages[key]
            self.fields["severity"].error_messages[key] = msg.replace(" .", ".")
        self.fields["side"].choices = Side.choices  # a radio group needs no "choose" item
        if not self.instance.pk:
            if last is not None:
                self.initial |= {"muscle": last.muscle, "side": last.side}
            # A card left as it was is ignored: compared with what it started with on the
            # page, which it sends back (initial-…), since the last cramp may have changed
            # meanwhile in another tab. Without it, the last cramp as it is now.
            for name in ("muscle", "side"):
                shown = self.data.get(self.add_initial_prefix(name)) if self.is_bound else None
                if shown is not None:
                    self.initial[name] = shown
        # Lets the page's script reset a removed card to what the server treats as blank
        # (an unchanged new card is ignored), and tell such a card from a filled one.
        for name in ("muscle", "side"):
            start = self.get_initial_for_field(self.fields[name], name)
            self.fields[name].widget.attrs["data-blank"] = start or ""
        for name in ("muscle", "side", "severity"):
            self.fields[name].widget.attrs["class"] = "btn-check"


class _EpisodeFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this cramp"


EpisodeFormSet = inlineformset_factory(
    Night,
    CrampEpisode,
    form=EpisodeForm,
    formset=_EpisodeFormSet,
    extra=3,
    max_num=MAX_EPISODES,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=_time_zone_choices)

    class Meta:
        model = Profile
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "Shown on your reports instead of your username."}


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional. Only used if you need to reset your password."
    )
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices,
        initial="UTC",
        help_text="Used to work out which night is “last night”.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            Profile.objects.update_or_create(
                user=user, defaults={"time_zone": self.cleaned_data["time_zone"]}
            )
        return user


PERIOD_CHOICES = [
    ("4", "Last 4 weeks"),
    ("12", "Last 12 weeks"),
    ("26", "Last 26 weeks"),
    ("52", "Last 52 weeks"),
    ("all", "All time"),
    ("custom", "Custom dates"),
]
DEFAULT_PERIOD = "12"


class ReportForm(forms.Form):
    """The reports' period (a preset or custom dates) and an optional before/after date.

    Read from the query string, so every chart URL can carry the same parameters.
    """

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False, initial=DEFAULT_PERIOD)
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    split = forms.DateField(
        label="Compare before and after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For example, the day you started a stretching routine.",
    )

    def __init__(
        self,
        data,
        *,
        last_night: dt.date,
        first_nights: Sequence[dt.date] = (),
        default: str = DEFAULT_PERIOD,
    ) -> None:
        """``first_nights``: the diary's first nights in date order, for "all time" (at
        least stats.FIRST_NIGHTS_NEEDED of them, or all when there are fewer)."""
        super().__init__(data)
        self.last_night = last_night
        # All time starts where regular logging does, past any lone night far before it.
        self.lone = stats.lone_early_nights(first_nights)
        self.first_logged = self.lone.start if self.lone else next(iter(first_nights), None)
        self.default = default

    def clean(self) -> dict:
        data = super().clean()
        period = data.get("period") or self.default
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Choose both a start and an end date.")
            if start > end:
                raise forms.ValidationError("The start date must be on or before the end date.")
            if start < EARLIEST_DATE:
                self.add_error("start", f"The start date must be in {EARLIEST_DATE:%Y} or later.")
            if end > self.last_night + dt.timedelta(days=1):
                self.add_error("end", "The end date can’t be in the future.")
        data["period"] = period
        return data

    @property
    def default_label(self) -> str:
        return dict(PERIOD_CHOICES)[self.default]

    @property
    def period_in_use(self) -> str:
        """The period in use: the chosen one, or the default when the choice is invalid."""
        return self.cleaned_data["period"] if self.is_valid() else self.default

    @property
    def lone_in_use(self) -> stats.LoneNights | None:
        """The lone nights left out of the period: only "all time" leaves them out."""
        return self.lone if self.period_in_use == "all" else None

    @property
    def range(self) -> tuple[dt.date, dt.date]:
        """The first and last night of the chosen period (the default one if invalid)."""
        period = self.period_in_use
        end = self.last_night
        if period == "custom":
            return self.cleaned_data["start"], self.cleaned_data["end"]
        if period == "all":
            return min(self.first_logged or end, end), end
        return end - dt.timedelta(weeks=int(period)) + dt.timedelta(days=1), end

    def query(self) -> str:
        """The period as a query string, for chart URLs and links."""
        start, end = self.range
        period = self.period_in_use
        if period == "custom":
            return f"period=custom&start={start.isoformat()}&end={end.isoformat()}"
        return f"period={period}"


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it’s you.",
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        _check_current_password(
            self.request,
            self.request.user,
            password,
            wrong="That isn’t your password. Nothing was deleted.",
            paused_ending=" Nothing was deleted.",
        )
        return password


def _check_current_password(
    request: HttpRequest, user: User, password: str, *, wrong: str, paused_ending: str = ""
) -> None:
    """The signed-in person's current password, checked and throttled like a sign-in."""
    try:
        right = auth.check_current_password(request, user, password)
    except auth.Paused as e:
        raise forms.ValidationError(f"{e}{paused_ending}", code="paused") from None
    if not right:
        raise forms.ValidationError(wrong, code="password_incorrect")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the current password checked and throttled like a sign-in."""

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        wrong = self.error_messages["password_incorrect"]
        _check_current_password(self.request, self.user, password, wrong=wrong)
        return password


# ---- Import ------------------------------------------------------------------------------
# Enough for 100,000 cramps (about 5 MB) or 20,000 nights with long notes.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SKIP, REPLACE = "skip", "replace"


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
    experiments = forms.FileField(
        label="Experiments file (optional)",
        required=False,
        help_text="nightleg-experiments.csv from the Export page: your planned experiments. "
        "Their nights’ plans and answers come from the nights file.",
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

    def clean_experiments(self) -> str | None:
        return self._text("experiments", csvio.read_experiments)


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


# ---- Experiments -------------------------------------------------------------------------
MAX_DAYS_AHEAD = 14  # an experiment can be planned to start up to two weeks ahead
MAX_WEEKS = planning.MAX_NIGHTS // 7
MIN_WEEKS = -(-planning.MIN_PAIRS * 2 * min(planning.BLOCK_NIGHTS) // 7)  # 1-night blocks


def pairs_in(weeks: int, block_nights: int) -> int:
    """The pairs of blocks that fit in so many weeks."""
    return weeks * 7 // (2 * block_nights)


def least_weeks(block_nights: int) -> int:
    """The fewest weeks that hold MIN_PAIRS pairs of such blocks."""
    return -(-planning.MIN_PAIRS * 2 * block_nights // 7)


def _nights(n: int) -> str:
    return f"{n} night" if n == 1 else f"{n} nights"


def _check_design(form: forms.ModelForm, data: dict) -> None:
    """What the database's constraints on an experiment ask, as errors on the form."""
    habit = data.get("habit")
    if habit == planning.OWN and not data.get("own_label"):
        form.add_error("own_label", "Give the thing you want to test a short name.")
    elif habit and habit != planning.OWN:
        data["own_label"] = ""
    block, wash_in = data.get("block_nights"), data.get("wash_in")
    if block and wash_in is not None and wash_in >= block:
        form.add_error("wash_in", "Leave at least one night of each block to count.")


class ExperimentForm(forms.ModelForm):
    """A plan: what to test, in blocks of how many nights, for how long, from when.

    The seed is drawn by the view when the plan is started, never taken from the form.
    """

    weeks = forms.IntegerField(
        label="How long (weeks)",
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        widget=_number_input(MIN_WEEKS, MAX_WEEKS),
        error_messages={
            "min_value": f"Choose between {MIN_WEEKS} and {MAX_WEEKS} weeks.",
            "max_value": f"Choose between {MIN_WEEKS} and {MAX_WEEKS} weeks.",
            "required": "Choose how many weeks to run it for.",
        },
    )

    class Meta:
        model = Experiment
        fields = ["habit", "own_label", "block_nights", "wash_in", "start"]
        labels = {
            "habit": "What to test",
            "own_label": "Your own thing to test",
            "block_nights": "Nights in a row of each kind",
            "wash_in": "Nights left out at the start of each block",
            "start": "First night",
        }
        help_texts = {
            "own_label": "A short name, such as “magnesium tablet”. While the experiment runs, "
            "the morning log asks whether you had it.",
            "block_nights": "Shorter blocks give a surer answer in the same time, if the thing "
            "you test works the same night.",
            "wash_in": "For something that takes a night or two to work or wear off.",
            "start": "Tonight, or up to two weeks ahead.",
        }
        widgets = {
            "habit": forms.RadioSelect,
            "block_nights": forms.Select(choices=[(n, _nights(n)) for n in planning.BLOCK_NIGHTS]),
            "wash_in": forms.Select(
                choices=[(n, _nights(n) if n else "None") for n in range(planning.MAX_WASH_IN + 1)]
            ),
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user: User, tonight: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_constraint_queries(self)
        self.user = user
        self.tonight = tonight
        self.fields["habit"].choices = planning.CHOICES  # no empty "---------" radio
        self.fields["start"].widget.attrs.update(
            min=tonight.isoformat(),
            max=(tonight + dt.timedelta(days=MAX_DAYS_AHEAD)).isoformat(),
        )
        self.fields["own_label"].widget.attrs["maxlength"] = self.fields["own_label"].max_length

    def clean_own_label(self) -> str:
        return " ".join(self.cleaned_data.get("own_label", "").split())

    def clean_start(self) -> dt.date:
        start = self.cleaned_data["start"]
        if start < self.tonight:
            raise forms.ValidationError(
                "An experiment starts tonight or later: nights already past weren’t planned."
            )
        if start > self.tonight + dt.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError("Start within the next two weeks.")
        return start

    def clean(self) -> dict:
        data = super().clean()
        _check_design(self, data)
        block, weeks = data.get("block_nights"), data.get("weeks")
        if block and weeks:
            data["pairs"] = pairs_in(weeks, block)
            if data["pairs"] < planning.MIN_PAIRS:
                self.add_error(
                    "weeks",
                    f"With {_nights(block)} in a block, an experiment needs at least "
                    f"{least_weeks(block)} weeks: {planning.MIN_PAIRS} pairs of blocks are "
                    "the fewest that can show a clear difference.",
                )
        start = data.get("start")
        for other in Experiment.objects.for_user(self.user):
            if not other.is_over(self.tonight) or (start and start <= other.last_counted):
                raise forms.ValidationError(
                    f"“{other.option.label}” is still running. Finish or stop it before "
                    "starting another: one experiment at a time keeps each answer clear."
                )
        return data

    def save(self, commit: bool = True) -> Experiment:
        self.instance.pairs = self.cleaned_data["pairs"]
        return super().save(commit=commit)


class ImportedExperimentForm(forms.ModelForm):
    """An experiment restored from an experiments file: its plan exactly as it was.

    ``tonight`` bounds its first night as the planner does (never after two weeks
    ahead), and no journal goes back before EARLIEST_DATE.
    """

    class Meta:
        model = Experiment
        fields = [
            "habit",
            "own_label",
            "start",
            "block_nights",
            "pairs",
            "wash_in",
            "seed",
            "stopped_after",
        ]

    def __init__(self, *args, tonight: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_constraint_queries(self)
        self.tonight = tonight
        self.fields["wash_in"].required = False

    def clean_start(self) -> dt.date:
        start = self.cleaned_data["start"]
        latest = self.tonight + dt.timedelta(days=MAX_DAYS_AHEAD)
        if not EARLIEST_DATE <= start <= latest:
            raise forms.ValidationError(
                f"The first night must be between {EARLIEST_DATE} and {latest}."
            )
        return start

    def clean_own_label(self) -> str:
        return " ".join(self.cleaned_data.get("own_label", "").split())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("wash_in") is None:
            data["wash_in"] = 0
        _check_design(self, data)
        block, pairs, start = data.get("block_nights"), data.get("pairs"), data.get("start")
        if block and pairs and pairs * 2 * block > planning.MAX_NIGHTS:
            self.add_error("pairs", f"An experiment has at most {planning.MAX_NIGHTS} nights.")
            return data
        stopped = data.get("stopped_after")
        if stopped and start and block and pairs:
            end = start + dt.timedelta(days=pairs * 2 * block - 1)
            last = min(end, self.tonight - dt.timedelta(days=1))  # a stop is in the past
            if not start <= stopped <= last:
                self.add_error("stopped_after", f"It must be between the first night and {last}.")
        return data


class ShareForm(forms.Form):
    """How long a clinician's read-only link lasts, for the period the summary showed."""

    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=ShareLink.MIN_DAYS,
        max_value=ShareLink.MAX_DAYS,
        initial=ShareLink.DEFAULT_DAYS,
        help_text=f"From {ShareLink.MIN_DAYS} to {ShareLink.MAX_DAYS} days. You can revoke it "
        "in Settings at any time.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    start = forms.DateField(widget=forms.HiddenInput)
    end = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args, last_night: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.last_night = last_night

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and not EARLIEST_DATE <= start <= end <= self.last_night + dt.timedelta(1):
            raise forms.ValidationError(
                "That period can’t be shared. Choose it again on the summary page."
            )
        return data


class ReminderForm(forms.ModelForm):
    """The morning reminder, and the email address it goes to (the account's own)."""

    days = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=list(enumerate(reminder_schedule.DAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="On these mornings",
    )
    email = forms.EmailField(
        required=False,
        label="Email address",
        help_text="Reminders go here. It is also where a forgotten-password link is sent.",
    )

    class Meta:
        model = Reminder
        fields = ["enabled", "at", "channel"]  # and days, a bit mask the form can't map
        labels = {"enabled": "Remind me to log last night", "at": "At (your time)"}
        widgets = {"at": _time_input(), "channel": forms.RadioSelect}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["channel"].label = "By"
        self.fields["email"].initial = user.email
        self.initial["days"] = reminder_schedule.days_of(self.instance.days)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("enabled"):
            if not data.get("days"):
                self.add_error("days", "Choose at least one morning.")
            if not data.get("email"):
                self.add_error("email", "Reminders need an email address to go to.")
        return data

    def save(self, commit: bool = True) -> Reminder:
        reminder = super().save(commit=False)
        reminder.user = self.user
        reminder.days = reminder_schedule.days_mask(self.cleaned_data["days"])
        if commit:
            reminder.save()
            if self.cleaned_data["email"] != self.user.email:
                self.user.email = self.cleaned_data["email"]
                self.user.save(update_fields=["email"])
        return reminder


class RoutineDoneForm(forms.Form):
    """A finished guided routine, as its page's script sends it (perhaps late: offline)."""

    # How long a save may arrive after the routine: offline overnight, sent next morning.
    LATE = dt.timedelta(hours=36)
    EARLY = dt.timedelta(minutes=10)  # a phone's clock a little ahead of the server's

    run = forms.UUIDField()
    seconds = forms.IntegerField(min_value=1, max_value=MAX_MINUTES * 60)
    stretches = forms.MultipleChoiceField(
        choices=[(name, label) for name, label in STRETCHES if name in ROUTINE_STRETCHES]
    )
    finished_at = forms.DateTimeField()

    def clean_finished_at(self) -> dt.datetime:
        at = self.cleaned_data["finished_at"]
        now = timezone.now()
        if not now - self.LATE <= at <= now + self.EARLY:
            raise forms.ValidationError("That routine’s time is too far from now to save.")
        return at


class EveningDrinksForm(forms.ModelForm):
    """Tonight’s caffeine and alcohol, answered after the routine: optional, each."""

    class Meta:
        model = Evening
        fields = list(EVENING_DRINK_FIELDS)
        labels = NightForm.Meta.labels
        help_texts = {"alcohol_drinks": NightForm.Meta.help_texts["alcohol_drinks"]}
        widgets = {
            "last_caffeine_at": _time_input(),
            "last_alcohol_at": _time_input(),
            "caffeine_drinks": _number_input(0, MAX_DRINKS),
            "alcohol_drinks": _number_input(0, MAX_DRINKS, step="0.5"),
        }
        error_messages = {
            name: NightForm.Meta.error_messages[name] for name in EVENING_DRINK_FIELDS
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("caffeine_drinks") == 0:
            data["last_caffeine_at"] = None
        if data.get("alcohol_drinks") == 0:
            data["last_alcohol_at"] = None
        return data
