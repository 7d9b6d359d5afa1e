"""Statistics for the reports: pure functions over plain data, no database, no HTTP.

Honesty rules that every function here keeps:
- A night that was not logged is missing. It never counts as a cramp-free night; weeks
  without a logged night have no value (None), not zero.
- A comparison says how sure it is (a 95% confidence interval) and draws no conclusion
  from fewer than MIN_NIGHTS_PER_GROUP nights on either side.
- Where a habit's timing is unknown (no bedtime, or no time for the last drink), that
  night is left out of that comparison, and the count left out is reported.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

# ---- Thresholds (shown on the reports page; change them here only) --------------------
STRETCH_MINUTES_THRESHOLD = 5  # "stretched" means at least this many minutes
CAFFEINE_WINDOW_HOURS = 6  # caffeine this close to bedtime counts as "late"
ALCOHOL_WINDOW_HOURS = 3  # alcohol this close to bedtime counts as "late"
WATER_GLASSES_THRESHOLD = 6  # "well hydrated" means at least this many glasses
MIN_NIGHTS_PER_GROUP = 7  # fewer nights than this on either side: no conclusion
CONFIDENCE = 0.95

# When to suggest seeing a clinician.
FREQUENT_CRAMP_NIGHTS_PER_WEEK = 3  # cramps on at least this many nights of a week...
FREQUENT_CONSECUTIVE_WEEKS = 2  # ...in this many consecutive weeks
SEVERE_EPISODE = 8  # any episode rated this or worse
LONG_EPISODE_MINUTES = 10  # any episode lasting this long or longer

# Verdicts.
FEWER = "fewer cramps"
MORE = "more cramps"
NO_CLEAR_DIFFERENCE = "no clear difference"
NOT_ENOUGH = "not enough nights yet"


@dataclass(frozen=True)
class NightData:
    """One logged night, reduced to what the statistics need."""

    date: dt.date
    cramps: int = 0
    severity_sum: int = 0  # sum of the night's episode severities
    severity_sq_sum: int = 0  # sum of their squares (for a variance)
    worst_severity: int | None = None
    longest_minutes: float | None = None  # longest episode, if any duration was given
    woke: int = 0  # episodes that woke the person
    bedtime: dt.time | None = None
    stretch_minutes: int = 0
    stretches: frozenset[str] = frozenset()  # model field names, e.g. "stretch_calf_wall"
    caffeine_drinks: int = 0
    last_caffeine_at: dt.time | None = None
    alcohol_drinks: float = 0.0
    last_alcohol_at: dt.time | None = None
    water_glasses: int = 0
    electrolytes: bool = False
    relaxed: bool = False  # any relaxation ticked, or relaxation minutes > 0
    sleep_quality: int | None = None


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday week of the period. Values are None when nothing was logged."""

    start: dt.date  # the Monday
    days_in_period: int  # 7, except possibly the first and last week of a period
    logged: int  # nights logged in this week (within the period)
    cramps: int
    cramps_per_night: float | None
    cramp_free_share: float | None
    cramp_nights: int  # nights with at least one cramp
    mean_severity: float | None  # mean over the week's episodes
    worst_severity: int | None
    stretch_share: float | None  # share of logged nights with >= 5 minutes of stretching
    late_caffeine_share: float | None  # of nights whose caffeine timing is known
    late_alcohol_share: float | None  # of nights whose alcohol timing is known
    mean_water: float | None
    electrolytes_share: float | None
    relaxation_share: float | None


@dataclass(frozen=True)
class Habit:
    key: str
    label: str  # e.g. "Stretched at least 5 minutes"
    yes_label: str  # e.g. "stretched ≥ 5 min"
    no_label: str  # e.g. "less or none"
    # True / False, or None when the night can't be classified (timing unknown).
    classify: Callable[[NightData], bool | None]

    def __reduce__(self) -> tuple[Callable[[str], Habit], tuple[str]]:
        """Pickled by key, so comparisons can be cached: classify is often a lambda.

        Only the habits in HABITS can be, and they come back as those very objects.
        """
        if _HABITS_BY_KEY.get(self.key) is not self:
            raise pickle.PicklingError(f"{self.key!r} is not one of HABITS")
        return habit, (self.key,)


@dataclass(frozen=True)
class Group:
    nights: int
    cramps: int

    @property
    def rate(self) -> float | None:
        return self.cramps / self.nights if self.nights else None


@dataclass(frozen=True)
class Comparison:
    habit: Habit
    yes: Group
    no: Group
    left_out: int  # nights whose timing was unknown
    ratio: float | None  # cramps per night with the habit / without it
    low: float | None  # 95% confidence interval of the ratio
    high: float | None
    verdict: str  # FEWER, MORE, NO_CLEAR_DIFFERENCE or NOT_ENOUGH


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Side:
    """One side of a before/after split."""

    nights: int
    cramps_per_night: Estimate
    cramp_free_share: Estimate
    mean_severity: Estimate
    episodes: int


@dataclass(frozen=True)
class BeforeAfter:
    split: dt.date  # first night of "after"
    before: Side
    after: Side
    ratio: float | None  # cramps per night after / before
    low: float | None
    high: float | None
    verdict: str


@dataclass(frozen=True)
class Flag:
    key: str  # "frequent", "severe" or "long"
    message: str
    dates: tuple[dt.date, ...] = field(default=())


# ---- Small pieces of arithmetic --------------------------------------------------------

# The two-sided 95% normal quantile, Φ⁻¹(0.975). Written out so no scipy is needed.
_Z = 1.959963984540054
# Exact Poisson upper 95% limit for a total of zero events: -ln(0.025) events.
_ZERO_EVENTS_UPPER = -math.log((1 - CONFIDENCE) / 2)
_SEVERITY_RANGE = (0, 10)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean_and_variance(values: Sequence[float]) -> tuple[float, float | None]:
    """Mean and sample variance (n - 1 denominator; None for a single value)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, None
    return mean, sum((x - mean) ** 2 for x in values) / (n - 1)


@dataclass(frozen=True)
class _LogRate:
    """A group's log cramps-per-night rate, the variance of that log, and how sure that
    variance is: its degrees of freedom, or None when it is the Poisson model's own."""

    log: float
    variance: float
    df: int | None


def _log_rate(counts: Sequence[int], extra: float = 0.0) -> _LogRate:
    """Log of the cramps-per-night rate, with a variance that is honest under overdispersion.

    The variance of a mean of n counts is v/n; on the log scale (delta method) it is
    v / (n m²). Real cramp counts are usually more spread out than a Poisson count
    (bad weeks and good weeks), so v is the observed sample variance s², but never less
    than the mean, the Poisson variance: a short, calm-looking diary must not make us
    surer than a Poisson count would. A single night has no s² and gets the Poisson one.

    ``extra`` (0 or 0.5) is added to the total when a group has no cramps at all, so that
    the log and its variance stay defined (see rate_ratio).
    """
    n = len(counts)
    mean, sample_variance = _mean_and_variance(counts)
    mean += extra / n
    if sample_variance is not None and sample_variance > mean:
        return _LogRate(math.log(mean), sample_variance / (n * mean**2), n - 1)
    return _LogRate(math.log(mean), 1 / (n * mean), None)


def _interval(log_value: float, parts: Sequence[_LogRate]) -> tuple[float, float, float]:
    """exp(log_value) with the interval exp(log_value ± q·se), se² the sum of the parts.

    A variance estimated from s² over a handful of nights is itself uncertain, and with
    the normal quantile q = 1.96 the interval for 7 against 7 overdispersed nights
    covered the truth only about 92-94% of the time (tests/test_stats.py simulates it).
    So q is Student's t quantile with Welch-Satterthwaite degrees of freedom, counting
    only the parts whose variance came from s²; Poisson-model variances are known and
    contribute none. With only Poisson parts q is 1.96. For long diaries t ≈ 1.96.
    """
    variance = sum(part.variance for part in parts)
    uncertainty = sum(part.variance**2 / part.df for part in parts if part.df)
    quantile = _t_quantile(variance**2 / uncertainty) if uncertainty else _Z
    half_width = quantile * math.sqrt(variance)
    return (
        math.exp(log_value),
        math.exp(log_value - half_width),
        math.exp(log_value + half_width),
    )


def _t_quantile(df: float) -> float:
    """Two-sided 95% quantile of Student's t for any real df > 0 (Welch df are fractional).

    Newton's method on the two-sided tail P(|T| > t) = I_x(df/2, 1/2), x = df/(df + t²),
    I the regularized incomplete beta function. The tail is convex and falling for t > 0,
    so starting left of the answer (at 1.96: t's tails are heavier than the normal's)
    every step stays left of it and the steps shrink steadily.
    """
    alpha = 1 - CONFIDENCE
    log_scale = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    t = _Z
    for _ in range(200):
        density = math.exp(log_scale - (df + 1) / 2 * math.log1p(t * t / df))
        step = (_t_tail(t, df) - alpha) / (2 * density)
        t += step
        if step < 1e-12 * t:
            break
    return t


def _t_tail(t: float, df: float) -> float:
    return _beta_regularized(df / 2, 0.5, df / (df + t * t))


def _beta_regularized(a: float, b: float, x: float) -> float:
    """I_x(a, b), by the continued fraction of Numerical Recipes (section 6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The fraction converges quickly only below this point; use the symmetry beyond it.
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The incomplete beta continued fraction, evaluated by the modified Lentz method."""
    tiny = 1e-300

    def nonzero(value: float) -> float:
        return value if abs(value) > tiny else tiny

    c = 1.0
    d = 1 / nonzero(1 - (a + b) * x / (a + 1))
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 / nonzero(1 + numerator * d)
            c = nonzero(1 + numerator / c)
            result *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return result


def _compare(
    counts: Sequence[int], baseline: Sequence[int]
) -> tuple[float | None, float | None, float | None, str]:
    """rate_ratio(counts, baseline) and its verdict, or no numbers at all (NOT_ENOUGH) when
    either side has fewer than MIN_NIGHTS_PER_GROUP nights."""
    if min(len(counts), len(baseline)) < MIN_NIGHTS_PER_GROUP:
        return None, None, None, NOT_ENOUGH
    ratio, low, high = rate_ratio(counts, baseline)
    return ratio, low, high, _verdict(low, high)


def _verdict(low: float, high: float) -> str:
    if high < 1:
        return FEWER
    if low > 1:
        return MORE
    return NO_CLEAR_DIFFERENCE


# ---- Weekly trends ---------------------------------------------------------------------


def _evening_minutes(t: dt.time) -> int:
    """Minutes since 06:00 on a clock that runs from the evening into the small hours.

    A night is dated by its evening, so 00:30 belongs after 20:00 of the same night, and
    anything from 06:00 onwards is that day's morning or afternoon.
    """
    return (t.hour * 60 + t.minute - 6 * 60) % (24 * 60)


def is_late(
    drinks: float, last_at: dt.time | None, bedtime: dt.time | None, hours: int
) -> bool | None:
    """Whether the last drink came within ``hours`` of bedtime; None if that is unknown.

    No drinks at all is known to be "not late" whatever the bedtime. A drink logged after
    bedtime (a nightcap after getting into bed) counts as late too.
    """
    if not drinks:
        return False
    if last_at is None or bedtime is None:
        return None
    return _evening_minutes(bedtime) - _evening_minutes(last_at) < hours * 60


def late_caffeine(night: NightData) -> bool | None:
    return is_late(
        night.caffeine_drinks, night.last_caffeine_at, night.bedtime, CAFFEINE_WINDOW_HOURS
    )


def late_alcohol(night: NightData) -> bool | None:
    return is_late(night.alcohol_drinks, night.last_alcohol_at, night.bedtime, ALCOHOL_WINDOW_HOURS)


def _stretched(night: NightData) -> bool:
    return night.stretch_minutes >= STRETCH_MINUTES_THRESHOLD


def _known_share(values: Iterable[bool | None]) -> float | None:
    known = [v for v in values if v is not None]
    return _share(sum(known), len(known))


def _week(monday: dt.date, days_in_period: int, nights: Sequence[NightData]) -> Week:
    logged = len(nights)
    cramps = sum(n.cramps for n in nights)
    severities = [n.worst_severity for n in nights if n.worst_severity is not None]
    return Week(
        start=monday,
        days_in_period=days_in_period,
        logged=logged,
        cramps=cramps,
        cramps_per_night=_share(cramps, logged),
        cramp_free_share=_share(sum(n.cramps == 0 for n in nights), logged),
        cramp_nights=sum(n.cramps > 0 for n in nights),
        mean_severity=_share(sum(n.severity_sum for n in nights), cramps),
        worst_severity=max(severities, default=None),
        stretch_share=_share(sum(_stretched(n) for n in nights), logged),
        late_caffeine_share=_known_share(late_caffeine(n) for n in nights),
        late_alcohol_share=_known_share(late_alcohol(n) for n in nights),
        mean_water=_share(sum(n.water_glasses for n in nights), logged),
        electrolytes_share=_share(sum(n.electrolytes for n in nights), logged),
        relaxation_share=_share(sum(n.relaxed for n in nights), logged),
    )


def weekly(nights: Sequence[NightData], start: dt.date, end: dt.date) -> list[Week]:
    """One Week per Monday-to-Sunday week overlapping [start, end], oldest first.

    Only nights inside the period count. A week with no logged night is a gap: its rates
    and shares are None, so a chart leaves a hole rather than drawing a good week.
    """
    by_monday: dict[dt.date, list[NightData]] = {}
    for night in nights:
        if start <= night.date <= end:
            monday = night.date - dt.timedelta(days=night.date.weekday())
            by_monday.setdefault(monday, []).append(night)

    weeks = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        days = (min(sunday, end) - max(monday, start)).days + 1
        weeks.append(_week(monday, days, by_monday.get(monday, [])))
        monday += dt.timedelta(days=7)
    return weeks


# ---- Which habits line up with fewer cramps --------------------------------------------

# The article's five stretches (labels as in journal.models.STRETCHES, which can't be
# imported here without Django).
_ARTICLE_STRETCHES = {
    "stretch_calf_wall": "Calf stretch against a wall",
    "stretch_calf_towel": "Towel calf stretch",
    "stretch_hamstring": "Hamstring stretch",
    "stretch_quadriceps": "Quadriceps stretch",
    "stretch_hip_flexor": "Hip flexor stretch",
}


def _did(stretch: str) -> Callable[[NightData], bool]:
    return lambda night: stretch in night.stretches


HABITS: list[Habit] = [
    Habit(
        "stretch",
        f"Stretched at least {STRETCH_MINUTES_THRESHOLD} minutes",
        f"stretched ≥ {STRETCH_MINUTES_THRESHOLD} min",
        "less or none",
        _stretched,
    ),
    *(
        Habit(key, label, "done", "not done", _did(key))
        for key, label in _ARTICLE_STRETCHES.items()
    ),
    Habit(
        "late_caffeine",
        f"Caffeine within {CAFFEINE_WINDOW_HOURS} hours of bedtime",
        "late caffeine",
        "none late",
        late_caffeine,
    ),
    Habit(
        "late_alcohol",
        f"Alcohol within {ALCOHOL_WINDOW_HOURS} hours of bedtime",
        "late alcohol",
        "none late",
        late_alcohol,
    ),
    Habit(
        "water",
        f"At least {WATER_GLASSES_THRESHOLD} glasses of water",
        f"≥ {WATER_GLASSES_THRESHOLD} glasses",
        "fewer",
        lambda night: night.water_glasses >= WATER_GLASSES_THRESHOLD,
    ),
    Habit(
        "electrolytes",
        "Electrolyte drink or supplement",
        "taken",
        "not taken",
        lambda night: night.electrolytes,
    ),
    Habit(
        "relaxation",
        "Relaxation before bed",
        "relaxed",
        "didn’t",
        lambda night: night.relaxed,
    ),
]


_HABITS_BY_KEY = {h.key: h for h in HABITS}


def habit(key: str) -> Habit:
    """One of HABITS by its key."""
    return _HABITS_BY_KEY[key]


def rate_ratio(
    yes_counts: Sequence[int], no_counts: Sequence[int]
) -> tuple[float | None, float | None, float | None]:
    """Cramps per night with the habit ÷ without it, and its 95% confidence interval.

    The method is a Poisson rate ratio on the log scale with a robust (quasi-Poisson)
    variance per group: se(log RR)² = v₁/(n₁m₁²) + v₀/(n₀m₀²), where m is the group's
    mean and v its sample variance, but never less than m (see _log_rate). The interval
    is exp(log RR ± q·se), where q is 1.96 or, when a group's spread was estimated from
    few nights, a slightly larger t quantile (see _interval).

    If either group has no cramps at all, 0.5 is added to both groups' totals (as in the
    Haldane correction for odds ratios) so the ratio and its interval stay finite; the
    ratio is then pulled a little towards 1 and the interval is wide, which is honest.

    Returns (None, None, None) when either group has no nights.
    """
    if not yes_counts or not no_counts:
        return None, None, None
    extra = 0.5 if sum(yes_counts) == 0 or sum(no_counts) == 0 else 0.0
    yes, no = _log_rate(yes_counts, extra), _log_rate(no_counts, extra)
    return _interval(yes.log - no.log, [yes, no])


def compare_habits(nights: Iterable[NightData]) -> list[Comparison]:
    """For each habit, cramps per night on nights with it against nights without it.

    Nights the habit can't classify (timing unknown) are left out and counted. No verdict
    and no ratio below MIN_NIGHTS_PER_GROUP nights on either side.
    """
    nights = list(nights)
    comparisons = []
    for habit in HABITS:
        split: dict[bool | None, list[int]] = {True: [], False: [], None: []}
        for night in nights:
            split[habit.classify(night)].append(night.cramps)
        yes, no = split[True], split[False]
        ratio, low, high, verdict = _compare(yes, no)
        comparisons.append(
            Comparison(
                habit=habit,
                yes=Group(len(yes), sum(yes)),
                no=Group(len(no), sum(no)),
                left_out=len(split[None]),
                ratio=ratio,
                low=low,
                high=high,
                verdict=verdict,
            )
        )
    return comparisons


# ---- Before and after a change ---------------------------------------------------------


def rate_estimate(counts: Sequence[int]) -> Estimate:
    """Cramps per night with a 95% interval, by the same robust log-scale method as
    rate_ratio on one group: exp(log m ± q·√(v / (n m²))), q as in _interval.

    With no cramps at all the rate is 0 and the interval runs from 0 to the exact Poisson
    upper limit, -ln(0.025) ≈ 3.69 cramps over the n nights.
    """
    n = len(counts)
    if n == 0:
        return Estimate(None, None, None)
    if sum(counts) == 0:
        return Estimate(0.0, 0.0, _ZERO_EVENTS_UPPER / n)
    rate = _log_rate(counts)
    return Estimate(*_interval(rate.log, [rate]))


def wilson(successes: int, trials: int) -> Estimate:
    """A share with its Wilson score interval, which stays inside [0, 1] and behaves at 0
    and 1 where the usual p ± 1.96·√(p(1-p)/n) does not (Newcombe 1998)."""
    if trials == 0:
        return Estimate(None, None, None)
    p = successes / trials
    z2 = _Z**2
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half_width = (_Z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials**2))
    return Estimate(p, max(0.0, centre - half_width), min(1.0, centre + half_width))


def _severity_estimate(nights: Sequence[NightData]) -> Estimate:
    """Mean severity over the episodes, with a normal-approximation interval from the
    episode-level variance (kept within the 0-10 scale); no interval below 2 episodes."""
    episodes = sum(n.cramps for n in nights)
    if episodes == 0:
        return Estimate(None, None, None)
    total = sum(n.severity_sum for n in nights)
    mean = total / episodes
    if episodes < 2:
        return Estimate(mean, None, None)
    squares = sum(n.severity_sq_sum for n in nights)
    variance = max(0.0, (squares - total**2 / episodes) / (episodes - 1))
    half_width = _Z * math.sqrt(variance / episodes)
    low, high = _SEVERITY_RANGE
    return Estimate(mean, max(low, mean - half_width), min(high, mean + half_width))


def _side(nights: Sequence[NightData]) -> Side:
    return Side(
        nights=len(nights),
        cramps_per_night=rate_estimate([n.cramps for n in nights]),
        cramp_free_share=wilson(sum(n.cramps == 0 for n in nights), len(nights)),
        mean_severity=_severity_estimate(nights),
        episodes=sum(n.cramps for n in nights),
    )


def before_after(nights: Sequence[NightData], split: dt.date) -> BeforeAfter:
    """Nights before ``split`` against nights on or after it (after ÷ before)."""
    before = [n for n in nights if n.date < split]
    after = [n for n in nights if n.date >= split]
    ratio, low, high, verdict = _compare([n.cramps for n in after], [n.cramps for n in before])
    return BeforeAfter(
        split=split,
        before=_side(before),
        after=_side(after),
        ratio=ratio,
        low=low,
        high=high,
        verdict=verdict,
    )


# ---- When to suggest seeing a clinician ------------------------------------------------

_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _frequent_weeks(weeks: Sequence[Week]) -> list[dt.date]:
    """Mondays of every run of FREQUENT_CONSECUTIVE_WEEKS or more back-to-back busy weeks."""
    mondays: list[dt.date] = []
    run: list[dt.date] = []
    for week in sorted(weeks, key=lambda w: w.start):
        if week.cramp_nights < FREQUENT_CRAMP_NIGHTS_PER_WEEK:
            run = []
            continue
        if run and week.start - run[-1] != dt.timedelta(days=7):
            run = []
        run.append(week.start)
        if len(run) == FREQUENT_CONSECUTIVE_WEEKS:
            mondays.extend(run)
        elif len(run) > FREQUENT_CONSECUTIVE_WEEKS:
            mondays.append(week.start)
    return mondays


def clinician_flags(nights: Sequence[NightData], weeks: Sequence[Week]) -> list[Flag]:
    """Patterns worth showing a clinician: frequent, severe or long cramps."""
    flags = []
    if mondays := _frequent_weeks(weeks):
        running = _WORDS.get(FREQUENT_CONSECUTIVE_WEEKS, str(FREQUENT_CONSECUTIVE_WEEKS))
        flags.append(
            Flag(
                "frequent",
                f"Cramps on {FREQUENT_CRAMP_NIGHTS_PER_WEEK} or more nights a week, "
                f"{running} weeks running.",
                tuple(mondays),
            )
        )
    ordered = sorted(nights, key=lambda n: n.date)
    if severe := [n.date for n in ordered if (n.worst_severity or 0) >= SEVERE_EPISODE]:
        flags.append(
            Flag(
                "severe",
                f"A cramp rated {SEVERE_EPISODE} out of 10 or worse, on {_nights(len(severe))}.",
                tuple(severe),
            )
        )
    if long := [n.date for n in ordered if (n.longest_minutes or 0) >= LONG_EPISODE_MINUTES]:
        flags.append(
            Flag(
                "long",
                f"A cramp lasting {LONG_EPISODE_MINUTES} minutes or longer, on "
                f"{_nights(len(long))}.",
                tuple(long),
            )
        )
    return flags


def _nights(count: int) -> str:
    return "1 night" if count == 1 else f"{count} nights"


# ---- The clinician summary -------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """``count`` of ``of`` (nights or episodes); ``unknown`` could not be judged at all."""

    count: int
    of: int
    unknown: int = 0

    @property
    def share(self) -> float | None:
        return _share(self.count, self.of)


@dataclass(frozen=True)
class Window:
    """Seven calendar nights of the diary, and the nights logged in them."""

    first: dt.date
    last: dt.date
    nights: int
    cramps: int

    @property
    def cramps_per_night(self) -> float | None:
        return _share(self.cramps, self.nights)


@dataclass(frozen=True)
class Summary:
    """The measures trials of nocturnal leg cramps report, over one period.

    Every rate is over logged nights only (a missing night is not a cramp-free one), and
    every measure keeps the count it rests on. Values are None when there is nothing to
    rest on, never 0 or NaN.
    """

    start: dt.date
    end: dt.date
    days: int  # nights in the period
    logged: int  # nights logged in it
    cramps: int  # episodes on the logged nights
    cramps_per_night: float | None
    cramps_per_week: float | None  # cramps / logged nights * 7
    cramp_free: Tally  # of logged nights
    cramp_nights: int  # nights with at least one cramp
    mean_severity: float | None  # over episodes, 0-10
    worst_severity: int | None
    median_duration: float | None  # minutes, over episodes with a duration
    timed_episodes: int  # episodes with a duration
    woken: Tally  # nights with at least one cramp that woke the person, of logged nights
    muscles: tuple[tuple[str, int], ...]  # (muscle, episodes), most first
    sides: tuple[tuple[str, int], ...]  # (side, episodes), most first
    located_episodes: int
    mean_sleep_quality: float | None  # 1-5
    sleep_rated: int  # nights with a sleep quality
    first_week: Window | None  # None unless the two weeks are separate
    last_week: Window | None
    stretched: Tally  # nights with >= STRETCH_MINUTES_THRESHOLD minutes, of logged nights
    stretch_minutes: float | None  # mean minutes on those nights
    late_caffeine: Tally  # of nights whose timing is known
    late_alcohol: Tally
    mean_water: float | None  # glasses per logged night
    electrolytes: Tally
    relaxation: Tally

    @property
    def logged_share(self) -> float | None:
        return _share(self.logged, self.days)


def _most_first(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0])))


def _median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _timing_tally(judged: Iterable[bool | None]) -> Tally:
    judged = list(judged)
    known = [j for j in judged if j is not None]
    return Tally(sum(known), len(known), unknown=len(judged) - len(known))


def _window(nights: Sequence[NightData], first: dt.date) -> Window:
    last = first + dt.timedelta(days=6)
    inside = [n for n in nights if first <= n.date <= last]
    return Window(first, last, len(inside), sum(n.cramps for n in inside))


def summary_measures(
    nights: Sequence[NightData],
    durations: Sequence[float],
    locations: dict[tuple[str, str], int],
    start: dt.date,
    end: dt.date,
) -> Summary:
    """The clinician summary of the nights in [start, end].

    ``durations`` are the minutes of every episode in the period that has one, and
    ``locations`` the number of episodes per (muscle, side): the caller fetches both for
    the same period as ``nights`` (nights outside it are ignored here).

    The change compares the first seven nights from the first logged night with the last
    seven up to the last logged night; two weeks that would overlap give no change.
    """
    nights = sorted((n for n in nights if start <= n.date <= end), key=lambda n: n.date)
    logged = len(nights)
    cramps = sum(n.cramps for n in nights)
    worst = [n.worst_severity for n in nights if n.worst_severity is not None]
    rated = [n.sleep_quality for n in nights if n.sleep_quality is not None]
    stretch = [n.stretch_minutes for n in nights if _stretched(n)]
    muscles: dict[str, int] = {}
    sides: dict[str, int] = {}
    for (muscle, side), count in locations.items():
        muscles[muscle] = muscles.get(muscle, 0) + count
        sides[side] = sides.get(side, 0) + count

    first_week = last_week = None
    if nights and (nights[-1].date - nights[0].date).days >= 13:
        first_week = _window(nights, nights[0].date)
        last_week = _window(nights, nights[-1].date - dt.timedelta(days=6))

    def tally(test: Callable[[NightData], bool]) -> Tally:
        return Tally(sum(bool(test(n)) for n in nights), logged)

    return Summary(
        start=start,
        end=end,
        days=(end - start).days + 1,
        logged=logged,
        cramps=cramps,
        cramps_per_night=_share(cramps, logged),
        cramps_per_week=_share(cramps * 7, logged),
        cramp_free=tally(lambda n: n.cramps == 0),
        cramp_nights=sum(n.cramps > 0 for n in nights),
        mean_severity=_share(sum(n.severity_sum for n in nights), cramps),
        worst_severity=max(worst, default=None),
        median_duration=_median(durations),
        timed_episodes=len(durations),
        woken=tally(lambda n: n.woke > 0),
        muscles=_most_first(muscles),
        sides=_most_first(sides),
        located_episodes=sum(locations.values()),
        mean_sleep_quality=_share(sum(rated), len(rated)),
        sleep_rated=len(rated),
        first_week=first_week,
        last_week=last_week,
        stretched=tally(_stretched),
        stretch_minutes=_share(sum(stretch), len(stretch)),
        late_caffeine=_timing_tally(late_caffeine(n) for n in nights),
        late_alcohol=_timing_tally(late_alcohol(n) for n in nights),
        mean_water=_share(sum(n.water_glasses for n in nights), logged),
        electrolytes=tally(lambda n: n.electrolytes),
        relaxation=tally(lambda n: n.relaxed),
    )
