from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from itertools import compress

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from journal import reminders as schedule
from journal.stats import NightData
from journal.stats import experiments as planning
from journal.stats.nights import relaxed

# Limits shared by the database constraints and the forms.
MAX_MINUTES = 600
MAX_DRINKS = 30
MAX_GLASSES = 40
MAX_SEVERITY = 10
MAX_NOTES = 2000
MAX_OWN_LABEL = 40
# No diary goes back further; also keeps a mistyped year from making a 2,000-year report.
EARLIEST_DATE = dt.date(1990, 1, 1)


def _range(low: int | Decimal, high: int | Decimal) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _in_range(field: str, low: int | Decimal, high: int | Decimal) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"%(class)s_{field}_range",
    )


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="Used to work out which night is “last night”.",
    )

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @classmethod
    def for_user(cls, user) -> Profile:
        profile, _ = cls.objects.get_or_create(user=user)
        return profile


class SleepQuality(models.IntegerChoices):
    VERY_POOR = 1, "Very poor"
    POOR = 2, "Poor"
    FAIR = 3, "Fair"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


# (model field, label) for each stretch; the first five are the article's.
STRETCHES = [
    ("stretch_calf_wall", "Calf stretch against a wall"),
    ("stretch_calf_towel", "Towel calf stretch"),
    ("stretch_hamstring", "Hamstring stretch"),
    ("stretch_quadriceps", "Quadriceps stretch"),
    ("stretch_hip_flexor", "Hip flexor stretch"),
    ("stretch_other", "Another stretch"),
]
RELAXATIONS = [
    ("relax_breathing", "Deep breathing"),
    ("relax_meditation", "Meditation"),
    ("relax_other", "Other relaxation"),
]
# Everything about the evening that usually repeats night to night: the morning log
# pre-fills these from the person's most recent night.
HABIT_FIELDS = (
    "bedtime",
    "stretch_minutes",
    *(name for name, _ in STRETCHES),
    "caffeine_drinks",
    "last_caffeine_at",
    "alcohol_drinks",
    "last_alcohol_at",
    "water_glasses",
    "electrolytes",
    *(name for name, _ in RELAXATIONS),
    "relaxation_minutes",
)
# The fields each experiment tests: while it runs, the morning log doesn't fill them in
# from the night before, which may have had the other plan.
TESTED_FIELDS = {
    "stretch": ("stretch_minutes", *(name for name, _ in STRETCHES)),
    "no_late_caffeine": ("caffeine_drinks", "last_caffeine_at"),
    "no_late_alcohol": ("alcohol_drinks", "last_alcohol_at"),
    "electrolytes": ("electrolytes",),
    "relaxation": (*(name for name, _ in RELAXATIONS), "relaxation_minutes"),
    "water": ("water_glasses",),
    "own": (),
}
# What a person records about a night, in the order the form and the CSV files use.
NIGHT_FIELDS = ("date", *HABIT_FIELDS, "sleep_quality", "notes")
# Asked only on the nights of an experiment; last in the CSV files, added after the rest.
EXPERIMENT_NIGHT_FIELDS = ("experiment_done",)
EPISODE_FIELDS = ("at", "muscle", "side", "severity", "duration_minutes", "woke_me")


class NightQuerySet(models.QuerySet):
    def for_user(self, user) -> NightQuerySet:
        return self.filter(user=user)

    def between(self, start: dt.date | None, end: dt.date | None) -> NightQuerySet:
        qs = self
        if start is not None:
            qs = qs.filter(date__gte=start)
        if end is not None:
            qs = qs.filter(date__lte=end)
        return qs

    def with_cramp_summary(self) -> list[Night]:
        """These nights, each with n_cramps and worst_cramp: its episodes' count and worst
        severity (None without episodes).

        Two queries, the nights and then only their episodes' severities: the database
        never looks at other nights' episodes, so a page of 30 nights costs the same
        after five years as in the first week.
        """
        nights = list(self)
        severities: dict[int, list[int]] = {night.pk: [] for night in nights}
        if nights:
            episodes = CrampEpisode.objects.filter(night__in=list(severities)).order_by()
            for night_id, severity in episodes.values_list("night_id", "severity"):
                severities[night_id].append(severity)
        for night in nights:
            found = severities[night.pk]
            night.n_cramps, night.worst_cramp = len(found), max(found, default=None)
        return nights

    def cramps_by_date(self) -> dict[dt.date, tuple[int, int | None]]:
        """Each of these nights' number of cramps and worst severity (None without
        cramps), by date, counted by the database in one query: for a month calendar."""
        rows = (
            self.order_by()
            .values_list("date")
            .annotate(n=Count("episodes"), worst=Max("episodes__severity"))
        )
        return {date: (n, worst) for date, n, worst in rows}

    def data_version(self) -> str:
        """A token that changes whenever any of these nights or their episodes change.

        Adding or deleting a night or an episode moves a count or a highest id; editing a
        night moves updated_at, and the night form (like the admin) saves the night
        whenever one of its episodes is edited.

        Every cached chart and page is looked up by it, so it must stay cheap: with the
        index on (user, updated_at) the database answers it from indexes alone.
        """
        agg = self.order_by().aggregate(
            n=Count("id", distinct=True),
            top=Max("id"),
            last=Max("updated_at"),
            n_episodes=Count("episodes"),
            top_episode=Max("episodes__id"),
        )
        last = agg["last"].timestamp() if agg["last"] else 0
        return f"{agg['n']}-{agg['top']}-{last:.6f}-{agg['n_episodes']}-{agg['top_episode']}"

    def stats_data(self) -> list[NightData]:
        """Every night as plain data for journal.stats, oldest first, in two queries.

        First the nights' episodes summed up per night, then the nights. Grouping the
        nights together with their episodes in one query makes the database group by
        every night column and sort the groups again by date, which took most of the
        time; kept apart, the nights come in date order from the (user, date) index
        and only the episodes are grouped. Tuples of just the needed columns rather
        than model instances: five years of nights is some 1,600 rows.
        """
        stretches = [name for name, _ in STRETCHES]
        relaxations = [name for name, _ in RELAXATIONS]
        severity = F("severity")
        episodes = (
            CrampEpisode.objects.filter(night__in=self.order_by().values("pk"))
            .order_by()
            .values("night_id")
            .annotate(
                n=Count("id"),
                severity_sum=Sum(severity),
                severity_sq_sum=Sum(severity * severity),
                worst=Max(severity),
                longest=Max("duration_minutes"),
                woke=Count("id", filter=Q(woke_me=True)),
            )
            .values_list(
                "night_id", "n", "severity_sum", "severity_sq_sum", "worst", "longest", "woke"
            )
        )
        no_episodes = (0, 0, 0, None, None, 0)
        per_night = {night_id: summary for night_id, *summary in episodes}
        rows = self.order_by("date").values_list(
            "pk",
            "date",
            "bedtime",
            "stretch_minutes",
            "caffeine_drinks",
            "last_caffeine_at",
            "alcohol_drinks",
            "last_alcohol_at",
            "water_glasses",
            "electrolytes",
            "relaxation_minutes",
            "sleep_quality",
            "experiment_done",
            *stretches,
            *relaxations,
        )
        nights = []
        for (
            pk,
            date,
            bedtime,
            stretch_minutes,
            caffeine,
            last_caffeine,
            alcohol,
            last_alcohol,
            water,
            electrolytes,
            relaxation_minutes,
            sleep_quality,
            experiment_done,
            *done,  # the stretches, then the relaxations, as flags
        ) in rows:
            cramps, severity_sum, severity_sq_sum, worst, longest, woke = per_night.get(
                pk, no_episodes
            )
            nights.append(
                NightData(
                    date=date,
                    cramps=cramps,
                    severity_sum=severity_sum,
                    severity_sq_sum=severity_sq_sum,
                    worst_severity=worst,
                    longest_minutes=float(longest) if longest is not None else None,
                    woke=woke,
                    bedtime=bedtime,
                    stretch_minutes=stretch_minutes,
                    stretches=frozenset(compress(stretches, done)),
                    caffeine_drinks=caffeine,
                    last_caffeine_at=last_caffeine,
                    alcohol_drinks=None if alcohol is None else float(alcohol),
                    last_alcohol_at=last_alcohol,
                    water_glasses=water,
                    electrolytes=electrolytes,
                    relaxed=relaxed(relaxation_minutes, any(done[len(stretches) :])),
                    sleep_quality=sleep_quality,
                    experiment_done=experiment_done,
                )
            )
        return nights


class Night(models.Model):
    """One logged night, dated by the evening it began."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nights"
    )
    date = models.DateField(help_text="The evening the night began.")
    bedtime = models.TimeField(null=True, blank=True)

    # The counts are None when left blank on the form: not measured, which the reports
    # leave out rather than count as zero (a night created in code still defaults to 0).
    stretch_minutes = models.PositiveSmallIntegerField(
        "stretching (minutes)", default=0, null=True, blank=True, validators=_range(0, MAX_MINUTES)
    )
    stretch_calf_wall = models.BooleanField(STRETCHES[0][1], default=False)
    stretch_calf_towel = models.BooleanField(STRETCHES[1][1], default=False)
    stretch_hamstring = models.BooleanField(STRETCHES[2][1], default=False)
    stretch_quadriceps = models.BooleanField(STRETCHES[3][1], default=False)
    stretch_hip_flexor = models.BooleanField(STRETCHES[4][1], default=False)
    stretch_other = models.BooleanField(STRETCHES[5][1], default=False)

    caffeine_drinks = models.PositiveSmallIntegerField(
        "caffeinated drinks", default=0, null=True, blank=True, validators=_range(0, MAX_DRINKS)
    )
    last_caffeine_at = models.TimeField("time of the last one", null=True, blank=True)
    alcohol_drinks = models.DecimalField(
        "alcoholic drinks (standard drinks)",
        max_digits=3,
        decimal_places=1,
        default=Decimal(0),
        null=True,
        blank=True,
        validators=_range(Decimal(0), Decimal(MAX_DRINKS)),
    )
    last_alcohol_at = models.TimeField("time of the last one", null=True, blank=True)
    water_glasses = models.PositiveSmallIntegerField(
        "water (glasses)", default=0, null=True, blank=True, validators=_range(0, MAX_GLASSES)
    )
    electrolytes = models.BooleanField("electrolyte drink or supplement", default=False)

    relax_breathing = models.BooleanField(RELAXATIONS[0][1], default=False)
    relax_meditation = models.BooleanField(RELAXATIONS[1][1], default=False)
    relax_other = models.BooleanField(RELAXATIONS[2][1], default=False)
    relaxation_minutes = models.PositiveSmallIntegerField(
        "relaxation (minutes)", default=0, null=True, blank=True, validators=_range(0, MAX_MINUTES)
    )

    sleep_quality = models.PositiveSmallIntegerField(choices=SleepQuality, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=MAX_NOTES)
    # On a night of an experiment: did the person do what it tests (whatever the plan)?
    experiment_done = models.BooleanField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NightQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        indexes = [
            # NightQuerySet.data_version() reads a person's latest change from here.
            models.Index(fields=["user", "updated_at"], name="night_user_updated"),
        ]
        constraints = [
            # Also the index every per-person date range query uses.
            models.UniqueConstraint(fields=["user", "date"], name="one_night_per_user_per_date"),
            _in_range("stretch_minutes", 0, MAX_MINUTES),
            _in_range("caffeine_drinks", 0, MAX_DRINKS),
            _in_range("alcohol_drinks", 0, MAX_DRINKS),
            _in_range("water_glasses", 0, MAX_GLASSES),
            _in_range("relaxation_minutes", 0, MAX_MINUTES),
            models.CheckConstraint(
                condition=Q(sleep_quality__isnull=True)
                | Q(sleep_quality__gte=1, sleep_quality__lte=5),
                name="%(class)s_sleep_quality_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Night of {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("journal:night-edit", args=[self.date.isoformat()])

    def as_night_data(self) -> NightData:
        """This night's evening as plain data for journal.stats (cramps aside)."""
        return NightData(
            date=self.date,
            bedtime=self.bedtime,
            stretch_minutes=self.stretch_minutes,
            stretches=frozenset(name for name, _ in STRETCHES if getattr(self, name)),
            caffeine_drinks=self.caffeine_drinks,
            last_caffeine_at=self.last_caffeine_at,
            alcohol_drinks=None if self.alcohol_drinks is None else float(self.alcohol_drinks),
            last_alcohol_at=self.last_alcohol_at,
            water_glasses=self.water_glasses,
            electrolytes=self.electrolytes,
            relaxed=relaxed(
                self.relaxation_minutes, any(getattr(self, name) for name, _ in RELAXATIONS)
            ),
            sleep_quality=self.sleep_quality,
            experiment_done=self.experiment_done,
        )

    @property
    def cramp_count(self) -> int:
        # Uses the annotation when the queryset has one, else counts.
        annotated = getattr(self, "n_cramps", None)
        return annotated if annotated is not None else self.episodes.count()

    @property
    def is_cramp_free(self) -> bool:
        return self.cramp_count == 0


class Muscle(models.TextChoices):
    CALF = "calf", "Calf"
    FOOT = "foot", "Foot"
    SHIN = "shin", "Shin"
    HAMSTRING = "hamstring", "Back of thigh"
    QUADRICEPS = "quadriceps", "Front of thigh"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class CrampEpisodeQuerySet(models.QuerySet):
    def for_user(self, user) -> CrampEpisodeQuerySet:
        return self.filter(night__user=user)

    def latest_first(self) -> CrampEpisodeQuerySet:
        """Newest night first, and within a night the last card as the page shows them
        (the reverse of Meta.ordering): .first() is the cramp logged last."""
        return self.order_by("-night__date", F("at").desc(nulls_first=True), "-id")


class CrampEpisode(models.Model):
    night = models.ForeignKey(Night, on_delete=models.CASCADE, related_name="episodes")
    at = models.TimeField("about when", null=True, blank=True)
    muscle = models.CharField(max_length=12, choices=Muscle, default=Muscle.CALF)
    side = models.CharField(max_length=5, choices=Side)
    severity = models.PositiveSmallIntegerField(
        "severity (0–10)", validators=_range(0, MAX_SEVERITY)
    )
    duration_minutes = models.DecimalField(
        "duration (minutes)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(Decimal(0), Decimal(MAX_MINUTES)),
        help_text="0.5 is half a minute.",
    )
    woke_me = models.BooleanField("woke me up", default=False)

    objects = CrampEpisodeQuerySet.as_manager()

    class Meta:
        # Cramps with no time last, as in the CSV export, on SQLite (which puts NULLs
        # first) and PostgreSQL (last) alike.
        ordering = [F("at").asc(nulls_last=True), "id"]
        constraints = [
            _in_range("severity", 0, MAX_SEVERITY),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=0, duration_minutes__lte=MAX_MINUTES),
                name="%(class)s_duration_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(muscle__in=Muscle.values), name="%(class)s_muscle_valid"
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="%(class)s_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.get_muscle_display().lower()}, {self.severity}/10"


class SentKey(models.Model):
    """A morning log's idempotency key, made in the browser when the form was filled in:
    the phone may send a night saved offline again (it never heard back, or two tabs
    sent it at once), and the key makes a repeat find the night instead of a second
    save. A night may have several (the other device's, then this one's on a conflict)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_keys"
    )
    key = models.UUIDField()
    night = models.ForeignKey(Night, on_delete=models.CASCADE, related_name="sent_keys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_night_per_sent_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} for {self.night}"


class ExperimentQuerySet(models.QuerySet):
    def for_user(self, user) -> ExperimentQuerySet:
        return self.filter(user=user)

    def covering(self, date: dt.date) -> Experiment | None:
        """The experiment that counts the night of ``date``, if any (one at a time)."""
        return covering(self, date)

    def plans(self) -> dict[dt.date, tuple[str, str]]:
        """Each counted night of these experiments: (the experiment, "test" or "usual")."""
        plans = {}
        for experiment in self:
            label = experiment.option.label
            for night in experiment.design.schedule():
                if night.date <= experiment.last_counted:
                    plans[night.date] = (label, "test" if night.test else "usual")
        return plans

    def with_results(self, last_night: dt.date) -> list[tuple[Experiment, planning.Result]]:
        """These experiments (one person's) with their results so far, their nights read
        in one query."""
        experiments = list(self)
        if not experiments:
            return []
        nights = Night.objects.filter(user_id=experiments[0].user_id).between(
            min(e.start for e in experiments), max(e.last_counted for e in experiments)
        )
        logged = _logged(nights)
        return [
            (e, e.result(last_night, [n for n in logged if e.start <= n.date <= e.last_counted]))
            for e in experiments
        ]

    def data_version(self) -> str:
        """Changes whenever one of these experiments is added, stopped or deleted."""
        agg = self.order_by().aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"))
        last = agg["last"].timestamp() if agg["last"] else 0
        return f"{agg['n']}-{agg['top']}-{last:.6f}"


def covering(experiments: Iterable[Experiment], date: dt.date) -> Experiment | None:
    """Of these experiments (one person's, fetched once), the one counting ``date``."""
    return next((e for e in experiments if e.start <= date <= e.last_counted), None)


class Experiment(models.Model):
    """A planned self-experiment: blocks of test and usual nights in a drawn order."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments"
    )
    habit = models.CharField(
        "what to test",
        max_length=20,
        choices=planning.CHOICES,
    )
    own_label = models.CharField(
        "your own thing to test",
        max_length=MAX_OWN_LABEL,
        blank=True,
        help_text="A short name, such as “magnesium tablet”.",
    )
    start = models.DateField("first night")
    block_nights = models.PositiveSmallIntegerField(
        "nights in a block",
        validators=_range(min(planning.BLOCK_NIGHTS), max(planning.BLOCK_NIGHTS)),
    )
    pairs = models.PositiveSmallIntegerField(
        "pairs of blocks", validators=_range(planning.MIN_PAIRS, planning.MAX_NIGHTS // 2)
    )
    wash_in = models.PositiveSmallIntegerField(
        "wash-in nights", default=0, validators=_range(0, planning.MAX_WASH_IN)
    )
    seed = models.PositiveBigIntegerField(help_text="The random draw’s seed.")
    stopped_after = models.DateField(
        null=True, blank=True, help_text="The last night counted, when stopped early."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [
            _in_range("block_nights", min(planning.BLOCK_NIGHTS), max(planning.BLOCK_NIGHTS)),
            _in_range("pairs", planning.MIN_PAIRS, planning.MAX_NIGHTS // 2),
            _in_range("wash_in", 0, planning.MAX_WASH_IN),
            models.CheckConstraint(
                condition=LessThanOrEqual(F("pairs") * F("block_nights") * 2, planning.MAX_NIGHTS),
                name="%(class)s_at_most_max_nights",
            ),
            models.CheckConstraint(
                condition=Q(wash_in__lt=F("block_nights")),
                name="%(class)s_wash_in_within_block",
            ),
            models.CheckConstraint(
                condition=Q(habit__in=list(planning.OPTIONS)), name="%(class)s_habit_valid"
            ),
            models.CheckConstraint(
                condition=(Q(habit=planning.OWN) & ~Q(own_label=""))
                | (~Q(habit=planning.OWN) & Q(own_label="")),
                name="%(class)s_own_label_only_for_own",
            ),
            models.CheckConstraint(
                condition=Q(stopped_after__isnull=True) | Q(stopped_after__gte=F("start")),
                name="%(class)s_stopped_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option.label}, from {self.start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("journal:experiment", args=[self.pk])

    @property
    def option(self) -> planning.Option:
        return planning.option(self.habit, self.own_label)

    @property
    def design(self) -> planning.Design:
        return planning.Design(self.start, self.block_nights, self.pairs, self.wash_in, self.seed)

    @property
    def end(self) -> dt.date:
        """The schedule's last night."""
        return self.design.end

    @property
    def last_counted(self) -> dt.date:
        """The last night that can count: the schedule's end, or where it was stopped."""
        return self.stopped_after or self.end

    def is_over(self, tonight: dt.date) -> bool:
        """Finished or stopped by tonight: a new experiment may start."""
        return self.stopped_after is not None or self.end < tonight

    def forget_answers(self, after: dt.date | None = None) -> None:
        """Clear the answers to this experiment's question from its nights (those after
        ``after`` only, when it stops early), which would otherwise read as answers to
        the next one's. updated_at moves with them, so the data version does too."""
        first = self.start if after is None else after + dt.timedelta(days=1)
        last = self.end if after is not None else self.last_counted
        Night.objects.for_user(self.user).between(first, last).exclude(experiment_done=None).update(
            experiment_done=None, updated_at=timezone.now()
        )

    def logged_nights(self) -> list[planning.LoggedNight]:
        """The experiment's nights in the diary, as plain data for the analysis."""
        return _logged(Night.objects.for_user(self.user).between(self.start, self.last_counted))

    def result(
        self, last_night: dt.date, logged: list[planning.LoggedNight] | None = None
    ) -> planning.Result:
        """The result so far (interim until the schedule is complete)."""
        if logged is None:
            logged = self.logged_nights()
        return planning.analyse(self.design, logged, min(self.last_counted, last_night))


def _logged(nights: NightQuerySet) -> list[planning.LoggedNight]:
    """Nights as the experiments' analysis needs them, with their cramps summed."""
    rows = (
        nights.annotate(
            n=Count("episodes"),
            severity_sum=Sum("episodes__severity", default=0),
            severity_sq_sum=Sum(F("episodes__severity") * F("episodes__severity"), default=0),
        )
        .order_by("date")
        .values_list("date", "n", "severity_sum", "severity_sq_sum", "experiment_done")
    )
    return [planning.LoggedNight(*row) for row in rows]


class PendingImportQuerySet(models.QuerySet):
    def fresh(self) -> PendingImportQuerySet:
        return self.filter(created__gte=timezone.now() - PendingImport.KEPT_FOR)

    def expired(self) -> PendingImportQuerySet:
        return self.filter(created__lt=timezone.now() - PendingImport.KEPT_FOR)


class PendingImport(models.Model):
    """Files uploaded for import, waiting for the person to confirm what the preview shows.

    Here rather than in the session, which every request of that session reads. One per
    person: a new upload replaces it; confirming, cancelling, signing out and deleting the
    account remove it, and after KEPT_FOR it is no longer offered (and is deleted).
    Only the session that uploaded it holds its token, and only a hash of that is kept here.
    """

    KEPT_FOR = dt.timedelta(hours=24)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_import"
    )
    token_hash = models.CharField(max_length=64)
    nights = models.TextField()
    episodes = models.TextField(blank=True)  # blank: no such file was uploaded
    experiments = models.TextField(blank=True)
    # The files' names as uploaded (None for a file not given), to show on the preview.
    names = models.JSONField()
    created = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    def __str__(self) -> str:
        return f"import waiting since {self.created:%Y-%m-%d %H:%M}"


class ShareLinkQuerySet(models.QuerySet):
    def for_user(self, user) -> ShareLinkQuerySet:
        return self.filter(user=user)

    def active(self) -> ShareLinkQuerySet:
        """Neither revoked nor expired (a password change is checked per link: is_open)."""
        return self.filter(revoked_at__isnull=True, expires__gt=timezone.now())


class ShareLink(models.Model):
    """A read-only link to one period of a person's clinician summary (journal.sharing).

    Only a hash of the link's token is kept, so the database alone cannot open it.
    ``password_check`` is a keyed hash of the person's password hash when the link was
    made: a new password (changed or reset) stops every older link.
    """

    MIN_DAYS, DEFAULT_DAYS, MAX_DAYS = 1, 7, 90

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    password_check = models.CharField(max_length=64)
    start = models.DateField()
    end = models.DateField()
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened = models.DateTimeField(null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="sharelink_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(expires__gt=F("created")), name="sharelink_expires_after_created"
            ),
        ]

    def __str__(self) -> str:
        return f"summary {self.start} to {self.end}, until {self.expires:%Y-%m-%d %H:%M}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"


class ReminderQuerySet(models.QuerySet):
    def due(self, now: dt.datetime) -> ReminderQuerySet:
        return self.filter(enabled=True, next_due__lte=now)


class Reminder(models.Model):
    """A person's morning reminder to log last night: when, on which days, and how.

    next_due is the moment (UTC) of the next attempt and `night` the night it asks about;
    a failed attempt moves next_due by the back-off but keeps the night. send_reminders
    keeps both up to date; the settings page sets them when the schedule changes.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder"
    )
    enabled = models.BooleanField(default=False)
    at = models.TimeField("time", default=schedule.DEFAULT_TIME)
    days = models.PositiveSmallIntegerField(default=schedule.EVERY_DAY)  # bit 0 is Monday
    channel = models.CharField(
        max_length=16, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    next_due = models.DateTimeField(null=True, blank=True, db_index=True)
    night = models.DateField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)  # in a row, for the back-off

    objects = ReminderQuerySet.as_manager()

    class Meta:
        constraints = [_in_range("days", 0, schedule.EVERY_DAY)]

    def __str__(self) -> str:
        return f"reminder at {self.at:%H:%M} for {self.user}"

    def schedule_next(self, after: dt.datetime, tz: zoneinfo.ZoneInfo) -> None:
        """Point next_due and night at the first chosen morning after `after`."""
        due = schedule.next_due(after, self.at, self.days, tz)
        self.next_due, self.night = (due.at, due.night) if due else (None, None)
        self.failures = 0


class ReminderSent(models.Model):
    """A reminder that went out: at most one per person and night, which the database
    enforces, so even two senders racing can't record a second one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    night = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "night"], name="one_reminder_per_night")
        ]

    def __str__(self) -> str:
        return f"reminder for the night of {self.night} to {self.user}"


# The stretches the guided routine leads, in its order: the article's five.
ROUTINE_STRETCHES = tuple(name for name, _ in STRETCHES[:5])
# The evening's answers that the morning log of its night starts from.
EVENING_DRINK_FIELDS = ("caffeine_drinks", "last_caffeine_at", "alcohol_drinks", "last_alcohol_at")


def whole_minutes(seconds: int) -> int:
    """Rounded up: 6 minutes 15 seconds of stretching is 7, never shown as less."""
    return -(-seconds // 60)


class EveningQuerySet(models.QuerySet):
    def for_user(self, user) -> EveningQuerySet:
        return self.filter(user=user)


class Evening(models.Model):
    """What a person recorded on an evening before logging its night: the guided
    routine's stretching and the drinks answered after it.

    Not a Night: a night saved in the evening would read as logged (the calendar, the
    statistics would count it as cramp-free, a reminder would skip it) before it has
    happened. The morning log of the same date starts from it instead.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evenings"
    )
    date = models.DateField(help_text="The evening, as the night that follows it is dated.")
    # Seconds, not minutes: two routines of 6½ minutes are 13 minutes, not 14. None: no
    # routine done this evening (only the drinks answered).
    stretch_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=_range(0, MAX_MINUTES * 60)
    )
    stretch_calf_wall = models.BooleanField(STRETCHES[0][1], default=False)
    stretch_calf_towel = models.BooleanField(STRETCHES[1][1], default=False)
    stretch_hamstring = models.BooleanField(STRETCHES[2][1], default=False)
    stretch_quadriceps = models.BooleanField(STRETCHES[3][1], default=False)
    stretch_hip_flexor = models.BooleanField(STRETCHES[4][1], default=False)
    # None: not answered, so the morning log keeps what it would have shown.
    caffeine_drinks = models.PositiveSmallIntegerField(
        "caffeinated drinks", null=True, blank=True, validators=_range(0, MAX_DRINKS)
    )
    last_caffeine_at = models.TimeField("time of the last one", null=True, blank=True)
    alcohol_drinks = models.DecimalField(
        "alcoholic drinks (standard drinks)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(Decimal(0), Decimal(MAX_DRINKS)),
    )
    last_alcohol_at = models.TimeField("time of the last one", null=True, blank=True)
    # The routines already counted, by the id each run of the page draws: a save sent
    # again (the phone was offline, or the answer was lost) is not added twice.
    runs = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EveningQuerySet.as_manager()

    MAX_RUNS = 20  # a bound on the list above; nobody does the routine 20 times a night

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_evening_per_user_per_date"),
            _in_range("stretch_seconds", 0, MAX_MINUTES * 60),
            _in_range("caffeine_drinks", 0, MAX_DRINKS),
            _in_range("alcohol_drinks", 0, MAX_DRINKS),
        ]

    def __str__(self) -> str:
        return f"Evening of {self.date:%Y-%m-%d}"

    @property
    def stretch_minutes(self) -> int | None:
        return None if self.stretch_seconds is None else whole_minutes(self.stretch_seconds)

    @property
    def stretches_done(self) -> list[str]:
        return [name for name in ROUTINE_STRETCHES if getattr(self, name)]

    def add_routine(self, run: str, seconds: int, done: Iterable[str], at: dt.datetime) -> bool:
        """Count one finished routine; False if this run was already counted.

        A second routine on the same evening adds its time and stretches: both were done.
        """
        if run in self.runs or len(self.runs) >= self.MAX_RUNS:
            return False
        self.runs = [*self.runs, run]
        self.stretch_seconds = min((self.stretch_seconds or 0) + seconds, MAX_MINUTES * 60)
        for name in done:
            setattr(self, name, True)
        self.done_at = at
        return True

    def morning_initial(self) -> dict:
        """What the morning log of this night starts with, over what carries over from
        the night before: the routine's stretching (the whole of it: minutes and which
        stretches, no others) and each drinks answer given."""
        initial: dict = {}
        if self.stretch_seconds is not None:
            initial["stretch_minutes"] = self.stretch_minutes
            initial |= {name: getattr(self, name, False) for name, _ in STRETCHES}
        for name in EVENING_DRINK_FIELDS:
            if getattr(self, name) is not None:
                initial[name] = getattr(self, name)
        # A drinks count of 0 has no time of the last one, whatever the night before had.
        for count, last in (
            ("caffeine_drinks", "last_caffeine_at"),
            ("alcohol_drinks", "last_alcohol_at"),
        ):
            if initial.get(count) == 0:
                initial[last] = None
        return initial
