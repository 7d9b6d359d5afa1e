"""Tests for journal.stats.

Expected values are worked out by hand (the arithmetic is in the comments and written
out with math.log/exp, not taken from the code), taken from published tables, or come
from simulations with a planted effect where the true answer is known (the larger
simulations are in tests/test_stats_simulations.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from journal.stats import (
    FEWER,
    HABITS,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    Comparison,
    NightData,
    Week,
    before_after,
    clinician_flags,
    compare_habits,
    cramp_trend,
    logging_gaps,
    rate_estimate,
    rates,
    weekly,
    wilson,
)
from journal.stats.habits import holm

Z = 1.959964  # normal quantile for a two-sided 95% interval, from a table
HABIT = {habit.key: habit for habit in HABITS}
MONDAY = dt.date(2026, 3, 2)


def day(offset: int) -> dt.date:
    """The date `offset` days after Monday 2 March 2026."""
    return MONDAY + dt.timedelta(days=offset)


def at(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def cramp_nights(counts: list[int], first: int = 0) -> list[NightData]:
    """One night per count, on consecutive days."""
    return [NightData(date=day(first + i), cramps=c) for i, c in enumerate(counts)]


def test_the_calendar_fixture_starts_on_a_monday():
    assert MONDAY.weekday() == 0


# ---- weekly() --------------------------------------------------------------------------


def test_weekly_summarises_a_diary_with_a_partial_first_week_and_a_gap_week():
    start, end = day(2), day(19)  # Wednesday 4 March to Saturday 21 March
    nights = [
        # Outside the period: must be ignored.
        NightData(date=day(1), cramps=5, severity_sum=50, worst_severity=10),
        NightData(date=day(20), cramps=5, severity_sum=50, worst_severity=10),
        # Week 1 (from Monday 2 March; in the period Wed-Sun, 5 days).
        NightData(
            date=day(2),
            cramps=2,
            severity_sum=4 + 6,
            severity_sq_sum=16 + 36,
            worst_severity=6,
            bedtime=at("00:30"),
            stretch_minutes=10,
            caffeine_drinks=1,
            last_caffeine_at=at("20:00"),  # 4.5 h before a past-midnight bedtime: late
            water_glasses=8,
            electrolytes=True,
            relaxed=True,
        ),
        NightData(
            date=day(3),
            bedtime=at("23:00"),
            stretch_minutes=5,  # exactly the threshold: counts as stretched
            caffeine_drinks=2,
            last_caffeine_at=at("08:00"),  # morning coffee: not late
            alcohol_drinks=1.0,
            last_alcohol_at=at("22:00"),  # 1 h before bed: late
            water_glasses=4,
        ),
        NightData(
            date=day(5),
            cramps=1,
            severity_sum=9,
            severity_sq_sum=81,
            worst_severity=9,
            bedtime=at("22:30"),
            stretch_minutes=4,
            caffeine_drinks=1,  # no time given: timing unknown
            alcohol_drinks=2.0,
            last_alcohol_at=at("18:00"),  # 4.5 h before bed: not late
            water_glasses=6,
            relaxed=True,
        ),
        # Week 2 (from Monday 9 March): nothing logged.
        # Week 3 (from Monday 16 March; the period ends on Saturday, 6 days).
        NightData(date=day(14), water_glasses=3),
        NightData(date=day(19), water_glasses=5),
    ]
    gap = dict.fromkeys(
        (
            "cramps_per_night",
            "cramp_free_share",
            "mean_severity",
            "worst_severity",
            "stretch_share",
            "late_caffeine_share",
            "late_alcohol_share",
            "mean_water",
            "electrolytes_share",
            "relaxation_share",
        )
    )
    expected = [
        {
            "start": day(0),
            "days_in_period": 5,
            "logged": 3,
            "cramps": 3,
            "cramps_per_night": 3 / 3,
            "cramp_free_share": 1 / 3,
            "cramp_nights": 2,
            "mean_severity": (4 + 6 + 9) / 3,
            "worst_severity": 9,
            "stretch_share": 2 / 3,
            "late_caffeine_share": 1 / 2,  # late, not late, unknown
            "late_alcohol_share": 1 / 3,  # none (known not late), late, not late
            "mean_water": (8 + 4 + 6) / 3,
            "electrolytes_share": 1 / 3,
            "relaxation_share": 2 / 3,
        },
        {"start": day(7), "days_in_period": 7, "logged": 0, "cramps": 0, "cramp_nights": 0} | gap,
        {
            "start": day(14),
            "days_in_period": 6,
            "logged": 2,
            "cramps": 0,
            "cramps_per_night": 0.0,
            "cramp_free_share": 1.0,
            "cramp_nights": 0,
            "mean_severity": None,  # no episodes, so no mean
            "worst_severity": None,
            "stretch_share": 0.0,
            "late_caffeine_share": 0.0,  # no caffeine: known not late
            "late_alcohol_share": 0.0,
            "mean_water": 4.0,
            "electrolytes_share": 0.0,
            "relaxation_share": 0.0,
        },
    ]

    weeks = weekly(nights, start, end)

    assert [dataclasses.asdict(week) for week in weeks] == [pytest.approx(e) for e in expected]


def test_missing_nights_never_count_as_cramp_free():
    nights = [NightData(date=day(0), cramps=1), NightData(date=day(3), cramps=1)]

    (week,) = weekly(nights, day(0), day(6))

    assert (week.days_in_period, week.logged) == (7, 2)
    assert week.cramps_per_night == 1.0
    assert week.cramp_free_share == 0.0


def test_a_week_with_nothing_logged_is_a_gap_not_a_good_week():
    (week,) = weekly([], day(0), day(6))

    assert week == Week(
        start=day(0),
        days_in_period=7,
        logged=0,
        cramps=0,
        cramps_per_night=None,
        cramp_free_share=None,
        cramp_nights=0,
        mean_severity=None,
        worst_severity=None,
        stretch_share=None,
        late_caffeine_share=None,
        late_alcohol_share=None,
        mean_water=None,
        electrolytes_share=None,
        relaxation_share=None,
    )


def test_weekly_starts_on_the_monday_on_or_before_the_start():
    assert [w.start for w in weekly([], day(6), day(8))] == [day(0), day(7)]
    assert [w.start for w in weekly([], day(7), day(7))] == [day(7)]
    assert [w.days_in_period for w in weekly([], day(6), day(8))] == [1, 2]


def test_late_shares_leave_out_nights_whose_timing_is_unknown():
    nights = [
        NightData(date=day(0), caffeine_drinks=1, last_caffeine_at=at("21:00")),  # no bedtime
        NightData(date=day(1), caffeine_drinks=1, bedtime=at("22:00")),  # no drink time
    ]

    (week,) = weekly(nights, day(0), day(6))

    assert week.logged == 2
    assert week.late_caffeine_share is None


# ---- Habits and their timing rules -----------------------------------------------------


def test_comparisons_go_to_plain_data_and_back_with_their_habits_by_key():
    nights = [NightData(date=day(i), cramps=i % 3, stretch_minutes=10 * (i % 2)) for i in range(40)]
    comparisons = compare_habits(nights)

    plain = [c.as_plain() for c in comparisons]
    back = [Comparison.from_plain(p) for p in plain]

    assert back == comparisons
    assert all(a.habit is b.habit for a, b in zip(back, comparisons, strict=True))
    assert plain[0]["habit"] == "stretch"
    assert pickle.loads(pickle.dumps(plain)) == plain  # nothing of ours inside
    assert len({habit.key for habit in HABITS}) == len(HABITS)  # keys name one habit each


def test_habits_come_in_the_agreed_order():
    assert [habit.key for habit in HABITS] == [
        "stretch",
        "stretch_calf_wall",
        "stretch_calf_towel",
        "stretch_hamstring",
        "stretch_quadriceps",
        "stretch_hip_flexor",
        "late_caffeine",
        "late_alcohol",
        "water",
        "electrolytes",
        "relaxation",
    ]
    assert HABIT["stretch_calf_wall"].label == "Calf stretch against a wall"


@pytest.mark.parametrize(
    ("last", "bedtime", "late"),
    [
        ("20:00", "00:30", True),  # 4 h 30 before a past-midnight bedtime
        ("17:30", "00:30", False),  # 7 h before it
        ("08:00", "23:00", False),  # the morning's coffee
        ("17:00", "23:00", False),  # exactly 6 h: not within the window
        ("17:01", "23:00", True),  # 5 h 59 min
        ("23:30", "22:00", True),  # after going to bed
        ("01:00", "00:30", True),  # after a past-midnight bedtime
        ("00:10", "00:30", True),  # 20 minutes before a past-midnight bedtime
        ("05:30", "22:00", False),  # the coffee on waking that morning, 16½ h before
        ("05:59", "23:30", False),
        ("05:30", "00:30", True),  # after a past-midnight bedtime: in the night
        ("23:00", "06:30", False),  # 7½ h before going to bed after a night shift
        ("05:30", "06:30", True),
    ],
)
def test_caffeine_is_late_within_six_hours_of_bedtime(last, bedtime, late):
    night = NightData(
        date=day(0), caffeine_drinks=1, last_caffeine_at=at(last), bedtime=at(bedtime)
    )

    assert HABIT["late_caffeine"].classify(night) is late


@pytest.mark.parametrize(
    ("last", "bedtime", "late"),
    [
        ("20:30", "23:30", False),  # exactly 3 h
        ("21:00", "23:30", True),
        ("22:30", "01:00", True),  # past midnight
        ("19:00", "01:00", False),
    ],
)
def test_alcohol_is_late_within_three_hours_of_bedtime(last, bedtime, late):
    night = NightData(
        date=day(0), alcohol_drinks=0.5, last_alcohol_at=at(last), bedtime=at(bedtime)
    )

    assert HABIT["late_alcohol"].classify(night) is late


def test_no_drinks_is_known_not_late_even_without_a_bedtime():
    night = NightData(date=day(0))

    assert HABIT["late_caffeine"].classify(night) is False
    assert HABIT["late_alcohol"].classify(night) is False


@pytest.mark.parametrize(
    "night",
    [
        NightData(date=day(0), caffeine_drinks=2, alcohol_drinks=1.0, bedtime=at("23:00")),
        NightData(
            date=day(0),
            caffeine_drinks=2,
            last_caffeine_at=at("21:00"),
            alcohol_drinks=1.0,
            last_alcohol_at=at("21:00"),
        ),
    ],
    ids=["no drink time", "no bedtime"],
)
def test_drinks_without_a_time_or_bedtime_have_unknown_timing(night):
    assert HABIT["late_caffeine"].classify(night) is None
    assert HABIT["late_alcohol"].classify(night) is None


def test_the_other_habits_follow_their_thresholds():
    yes = NightData(
        date=day(0),
        stretch_minutes=5,
        stretches=frozenset({"stretch_hamstring"}),
        water_glasses=6,
        electrolytes=True,
        relaxed=True,
    )
    no = NightData(date=day(0), stretch_minutes=4, water_glasses=5)

    for key in ("stretch", "stretch_hamstring", "water", "electrolytes", "relaxation"):
        assert (HABIT[key].classify(yes), HABIT[key].classify(no)) == (True, False), key
    assert HABIT["stretch_calf_wall"].classify(yes) is False


# ---- rates -----------------------------------------------------------------------------


def test_cr2_with_every_night_its_own_cluster_is_welchs_variance_and_degrees_of_freedom():
    # With an intercept and a yes/no column, the Poisson fit's means are the two groups'
    # means, every night's leverage is 1/n of its group, and CR2's variance of the log
    # ratio becomes s₁²/(n₁m₁²) + s₀²/(n₀m₀²), the sample variances over n - 1. Bell
    # and McCaffrey's degrees of freedom are Welch-Satterthwaite's, worked out under the
    # working model (Poisson: the variance is the mean), as in their paper's section 3
    # and Imbens & Kolesár (2016) for least squares.
    yes = [0, 0, 0, 1, 1, 3, 5]  # m = 10/7, Σx² = 36, s² = (36 - 100/7)/6 = 76/21
    no = [0, 1, 2, 2, 4, 6, 10, 3]  # m = 28/8 = 3.5, Σx² = 170, s² = (170 - 98)/7 = 72/7
    X = np.column_stack([np.r_[np.ones(7), np.zeros(8)], np.ones(15)])
    y = np.array(yes + no, float)
    mu = np.r_[np.full(7, 10 / 7), np.full(8, 3.5)]
    part_yes = (76 / 21) / (7 * (10 / 7) ** 2)
    part_no = (72 / 7) / (8 * 3.5**2)
    poisson_yes, poisson_no = 1 / 10, 1 / 28  # m/(n m²) = 1/(n m): one over the total
    welch = (poisson_yes + poisson_no) ** 2 / (poisson_yes**2 / 6 + poisson_no**2 / 7)

    variance, df, poisson = rates._cr2(X, y, mu, np.arange(15), 0)

    assert variance == pytest.approx(part_yes + part_no, rel=1e-9)
    assert df == pytest.approx(welch, rel=1e-9)
    assert poisson == pytest.approx(poisson_yes + poisson_no, rel=1e-9)


def test_a_ratio_over_time_finds_a_planted_ratio_in_a_long_diary():
    rng = np.random.default_rng(11)
    exposed = rng.random(2000) < 0.5
    counts = rng.poisson(np.where(exposed, 1.2, 2.0))

    fitted = rates.ratio_over_time(counts, exposed, np.arange(2000))

    assert fitted.low < 0.6 < fitted.high
    assert fitted.ratio == pytest.approx(0.6, rel=0.05)
    assert fitted.p < 1e-6


def test_a_habit_that_only_changed_with_time_cant_be_told_apart_from_it():
    # Seven nights with it on one day's worth of time and seven without on another:
    # the habit is the time trend itself.
    days = [0] * 7 + [100] * 7
    assert rates.ratio_over_time([0] * 7 + [3] * 7, [True] * 7 + [False] * 7, days) is None


def test_no_interval_is_less_than_half_as_wide_as_a_poisson_counts():
    # Every night without stretching has exactly one cramp and every night with it none:
    # the spread is nil, but 20 cramps are not certainty. With half a cramp added to
    # each group (0.5 and 20.5), the Poisson variance of the log ratio is 1/0.5 + 1/20.5.
    nights = [
        NightData(date=day(i), cramps=i % 2, stretch_minutes=10 * (1 - i % 2)) for i in range(40)
    ]

    (stretch, *_) = compare_habits(nights)

    assert stretch.ratio == pytest.approx(0.5 / 20.5)
    half_width = math.log(stretch.high / stretch.ratio)
    assert half_width >= Z * math.sqrt(1 / 0.5 + 1 / 20.5) / 2
    assert stretch.verdict == FEWER


def test_rate_estimate_of_one_group_is_the_robust_log_interval():
    counts = [0, 0, 8, 0, 0, 6, 0]  # m = 2; s² = (64 + 36 - 28)/6 = 12 > m; se² = 12/(7·4)
    t6 = 2.446912  # Student's t, 6 degrees of freedom, from a table

    estimate = rate_estimate(counts)

    assert estimate.value == pytest.approx(2.0)
    assert estimate.low == pytest.approx(2 * math.exp(-t6 * math.sqrt(3 / 7)), rel=1e-6)
    assert estimate.high == pytest.approx(2 * math.exp(t6 * math.sqrt(3 / 7)), rel=1e-6)


# ---- compare_habits() ------------------------------------------------------------------


def stretch_diary(stretched: list[int], not_stretched: list[int]) -> list[NightData]:
    """Stretching nights and the others, taking turns night by night while both last."""
    nights, day_number = [], 0
    for i in range(max(len(stretched), len(not_stretched))):
        for counts, minutes in ((stretched, 10), (not_stretched, 0)):
            if i < len(counts):
                nights.append(
                    NightData(date=day(day_number), cramps=counts[i], stretch_minutes=minutes)
                )
                day_number += 1
    return nights


def test_a_habit_with_fewer_than_seven_nights_on_one_side_gets_no_verdict():
    (stretch, *_) = compare_habits(stretch_diary([0] * 6, [4] * 30))

    assert stretch.verdict == NOT_ENOUGH
    assert (stretch.yes.nights, stretch.no.nights) == (6, 30)
    assert (stretch.ratio, stretch.low, stretch.high, stretch.p) == (None, None, None, None)


def test_more_cramps_with_a_habit_says_more_cramps():
    (stretch, *_) = compare_habits(
        stretch_diary([3, 4, 3, 2, 3, 4, 3, 3], [0, 1, 0, 0, 1, 0, 0, 0])
    )

    assert stretch.low > 1
    assert stretch.verdict == MORE


def test_similar_nights_show_no_clear_difference():
    (stretch, *_) = compare_habits(stretch_diary([1, 2, 0, 1] * 3, [2, 0, 1, 1] * 3))

    assert stretch.ratio == pytest.approx(1.0, abs=0.15)
    assert stretch.verdict == NO_CLEAR_DIFFERENCE


def test_the_verdicts_follow_holms_adjustment_across_the_rows():
    rng = np.random.default_rng(5)
    nights = [
        NightData(
            date=day(i),
            cramps=int(rng.poisson(0.8 if i % 2 else 2.0)),  # stretching helps...
            stretch_minutes=10 * (i % 2),
            water_glasses=int(rng.integers(0, 12)),  # ...nothing else does
            electrolytes=bool(rng.random() < 0.5),
            relaxed=bool(rng.random() < 0.5),
        )
        for i in range(120)
    ]

    comparisons = compare_habits(nights)

    tested = [c for c in comparisons if c.p is not None]
    assert len(tested) == 4  # stretch, water, electrolytes, relaxation (the rest: no nights)
    # Holm by hand: sort the p-values, multiply the k-th smallest by (m - k + 1), carry
    # the largest so far forward.
    ordered = sorted(tested, key=lambda c: c.p)
    running = 0.0
    for k, c in enumerate(ordered):
        running = max(running, min(1.0, c.p * (len(ordered) - k)))
        assert c.p_adjusted == pytest.approx(running)
        assert (c.verdict in (FEWER, MORE)) == (running < 0.05)
    assert comparisons[0].verdict == FEWER


def test_holm_matches_statsmodels():
    p = [0.01, 0.04, 0.03, 0.5, 0.002, 0.2, 0.04]
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1].tolist())


def test_a_row_whose_own_interval_leaves_out_1_can_still_be_no_clear_difference():
    # Eleven rows at once: one that alone would be clear at 5% may not survive Holm.
    rng = np.random.default_rng(2)
    for _ in range(200):
        nights = [
            NightData(
                date=day(i),
                cramps=int(rng.poisson(2)),
                stretch_minutes=10 * int(rng.random() < 0.5),
                water_glasses=int(rng.integers(0, 12)),
                electrolytes=bool(rng.random() < 0.5),
                relaxed=bool(rng.random() < 0.5),
            )
            for i in range(84)
        ]
        found = [c for c in compare_habits(nights) if c.p is not None and c.p < 0.05]
        if found and found[0].p_adjusted >= 0.05:
            break
    else:
        pytest.fail("no such row in 200 diaries")
    (row, *_) = found
    assert row.high < 1 or row.low > 1
    assert row.verdict == NO_CLEAR_DIFFERENCE


def test_a_named_stretch_is_compared_among_stretching_nights_only():
    # Stretching halves the cramps; the calf-wall stretch adds nothing of its own.
    nights = []
    for i in range(60):
        stretched = i % 2 == 0
        wall = stretched and i % 4 == 0
        nights.append(
            NightData(
                date=day(i),
                cramps=1 if stretched else 2,
                stretch_minutes=10 if stretched else 0,
                stretches=frozenset({"stretch_calf_wall"}) if wall else frozenset(),
            )
        )

    comparisons = {c.habit.key: c for c in compare_habits(nights)}

    wall = comparisons["stretch_calf_wall"]
    assert (wall.yes.nights, wall.no.nights) == (15, 15)  # the 30 stretching nights
    assert wall.ratio == pytest.approx(1.0)
    assert wall.verdict == NO_CLEAR_DIFFERENCE
    assert comparisons["stretch"].verdict == FEWER


def test_a_promising_row_points_to_the_experiment_that_tests_it():
    def row(key: str, ratio: float, verdict: str = NO_CLEAR_DIFFERENCE) -> Comparison:
        return Comparison(HABIT[key], None, None, 0, ratio, 0.1, 3.0, 0.2, 0.9, verdict)

    assert row("stretch", 0.7).promising
    assert not row("stretch", 0.9).promising
    assert not row("stretch", 0.5, FEWER).promising  # already clear
    # Late caffeine looks harmful: avoiding it is what would help.
    assert row("late_caffeine", 1.4).promising
    assert not row("late_caffeine", 0.7).promising
    assert HABIT["late_caffeine"].experiment == "no_late_caffeine"


def test_nights_with_unknown_timing_are_left_out_and_counted():
    late = NightData(
        date=day(0), caffeine_drinks=1, last_caffeine_at=at("21:00"), bedtime=at("22:00")
    )
    early = NightData(
        date=day(1), caffeine_drinks=1, last_caffeine_at=at("09:00"), bedtime=at("22:00")
    )
    none = NightData(date=day(2))
    unknown = NightData(date=day(3), caffeine_drinks=1, bedtime=at("22:00"), cramps=4)

    comparisons = {c.habit.key: c for c in compare_habits([late, early, none, unknown, unknown])}

    caffeine = comparisons["late_caffeine"]
    assert (caffeine.yes.nights, caffeine.no.nights, caffeine.left_out) == (1, 2, 2)
    assert caffeine.no.cramps == 0
    assert comparisons["stretch"].left_out == 0


# ---- What the table's reader should know -----------------------------------------------


def test_a_clear_easing_over_the_period_is_reported():
    rng = np.random.default_rng(3)
    nights = [NightData(date=day(i), cramps=int(rng.poisson(3 - 2 * i / 83))) for i in range(84)]

    trend = cramp_trend(nights)

    assert trend.easing
    # Truth: from 3 to 1 over 12 weeks, log-linear about (1/3)^(1/3) ≈ 0.69 per 4 weeks.
    assert trend.low < 0.69 < trend.high


def test_a_steady_diary_reports_no_trend():
    rng = np.random.default_rng(4)
    assert (
        cramp_trend([NightData(date=day(i), cramps=int(rng.poisson(2))) for i in range(84)]) is None
    )


def test_a_short_diary_reports_no_trend():
    assert cramp_trend([NightData(date=day(i), cramps=3 - i // 7) for i in range(21)]) is None


def test_gaps_after_bad_nights_are_noticed():
    # A bad night (3 cramps) every fourth night, and the night after it never logged.
    nights = [
        NightData(date=day(i), cramps=3 if i % 4 == 0 else 0) for i in range(80) if i % 4 != 1
    ]

    gaps = logging_gaps(nights, end=day(79))

    assert (gaps.after_bad, gaps.bad) == (20, 20)
    assert gaps.after_other == 0


def test_gaps_that_fall_anywhere_raise_no_warning():
    rng = np.random.default_rng(8)
    logged = [i for i in range(120) if rng.random() < 0.8]
    nights = [NightData(date=day(i), cramps=int(rng.poisson(1.5))) for i in logged]
    assert logging_gaps(nights, end=day(119)) is None


# ---- Wilson interval -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombes_published_values(successes, trials, low, high):
    share = wilson(successes, trials)

    assert share.value == pytest.approx(successes / trials)
    assert share.low == pytest.approx(low, abs=6e-5)
    assert share.high == pytest.approx(high, abs=6e-5)


# ---- before_after() --------------------------------------------------------------------


def test_before_after_compares_the_two_sides_by_hand():
    split = day(7)
    # Before: 14 cramps on 7 nights, 8 rated 5 on night 3 and 6 rated 7 on night 6.
    before = [NightData(date=day(i)) for i in range(7)]
    before[2] = NightData(date=day(2), cramps=8, severity_sum=40, severity_sq_sum=200)
    before[5] = NightData(date=day(5), cramps=6, severity_sum=42, severity_sq_sum=294)
    # After (from the split day on): 7 cramps on 7 nights, half the rate night by night.
    after = [NightData(date=day(7 + i)) for i in range(7)]
    after[2] = NightData(date=day(9), cramps=4, severity_sum=10, severity_sq_sum=26)  # 2,2,3,3
    after[5] = NightData(date=day(12), cramps=3, severity_sum=7, severity_sq_sum=17)  # 2,3,2

    result = before_after(before + after, split)

    # Cramps per night, after: counts 0,0,4,0,0,3,0; m = 1; s² = (16 + 9 - 7)/6 = 3 > m,
    # so the log-scale se is √(3/(7·1²)) with t(0.975, 6) = 2.446912.
    t6 = 2.446912
    after_rate = result.after.cramps_per_night
    assert after_rate.value == pytest.approx(1.0)
    assert after_rate.low == pytest.approx(math.exp(-t6 * math.sqrt(3 / 7)), rel=1e-5)
    assert after_rate.high == pytest.approx(math.exp(t6 * math.sqrt(3 / 7)), rel=1e-5)
    # Before: 0,0,8,0,0,6,0; m = 2; s² = (64 + 36 - 28)/6 = 12; se² = 12/(7·4) = 3/7.
    before_rate = result.before.cramps_per_night
    assert before_rate.value == pytest.approx(2.0)
    assert before_rate.high == pytest.approx(2 * math.exp(t6 * math.sqrt(3 / 7)), rel=1e-5)
    # Both sides 5 of 7 nights cramp-free. Wilson by hand: centre (p + z²/2n)/(1 + z²/n),
    # half-width z/(1 + z²/n)·√(p(1-p)/n + z²/4n²).
    p, n = 5 / 7, 7
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    for side in (result.before, result.after):
        assert side.nights == 7
        assert side.cramp_free_share.value == pytest.approx(5 / 7)
        assert side.cramp_free_share.low == pytest.approx(centre - half, rel=1e-5)
        assert side.cramp_free_share.high == pytest.approx(centre + half, rel=1e-5)
    # Severity, before: 14 episodes, mean 82/14; variance (494 - 82²/14)/13.
    mean = 82 / 14
    se = math.sqrt((494 - 82**2 / 14) / 13 / 14)
    assert result.before.episodes == 14
    assert result.before.mean_severity.value == pytest.approx(mean)
    assert result.before.mean_severity.low == pytest.approx(mean - Z * se, rel=1e-5)
    assert result.before.mean_severity.high == pytest.approx(mean + Z * se, rel=1e-5)
    # Severity, after: 7 episodes, mean 17/7; variance (43 - 17²/7)/6 = 2/7.
    mean = 17 / 7
    se = math.sqrt(2 / 7 / 7)
    assert result.after.episodes == 7
    assert result.after.mean_severity.low == pytest.approx(mean - Z * se, rel=1e-5)
    # The verdict allows for a trend across the 14 nights, so it is no clear difference.
    assert result.verdict == NO_CLEAR_DIFFERENCE
    assert result.low < 0.5 < result.high


def test_before_after_shows_zero_cramps_with_the_exact_poisson_upper_limit():
    nights = cramp_nights([2] * 7 + [0] * 7)

    result = before_after(nights, day(7))

    # No events in 7 nights: the exact 95% upper limit is -ln(0.025) = 3.689 events.
    rate = result.after.cramps_per_night
    assert (rate.value, rate.low) == (0.0, 0.0)
    assert rate.high == pytest.approx(3.688879 / 7, rel=1e-6)
    # Two cramps every night: Poisson variance, se² = 1/(7·2).
    rate = result.before.cramps_per_night
    assert rate.low == pytest.approx(2 * math.exp(-Z * math.sqrt(1 / 14)), rel=1e-5)
    assert result.after.mean_severity.value is None


def test_before_after_allows_for_a_trend_that_was_already_there():
    # Cramps ease steadily from 5 to 1 a night over 16 weeks, give or take one a night;
    # nothing happens at week 10.
    nights = [NightData(date=day(i), cramps=round(5 - 4 * i / 111) + i % 3 - 1) for i in range(112)]

    result = before_after(nights, day(70))

    assert result.after.cramps_per_night.value < result.before.cramps_per_night.value / 1.5
    assert result.verdict != FEWER
    assert result.trend_before is not None
    assert result.trend_before.easing
    assert result.uninterpretable


def test_before_after_finds_a_real_drop_in_a_steady_diary():
    rng = np.random.default_rng(7)
    nights = [
        NightData(date=day(i), cramps=int(rng.poisson(3 if i < 42 else 1))) for i in range(84)
    ]

    result = before_after(nights, day(42))

    assert result.verdict == FEWER
    assert result.low < 1 / 3 < result.high
    assert not result.uninterpretable


def test_before_after_needs_seven_nights_on_each_side():
    nights = cramp_nights([2] * 7 + [0] * 6)

    result = before_after(nights, day(7))

    assert (result.before.nights, result.after.nights) == (7, 6)
    assert result.verdict == NOT_ENOUGH
    assert result.ratio is None


def test_mean_severity_has_no_interval_from_a_single_episode():
    nights = [NightData(date=day(0), cramps=1, severity_sum=6, severity_sq_sum=36)]

    side = before_after(nights, day(0)).after

    assert (side.mean_severity.value, side.mean_severity.low) == (6.0, None)


# ---- clinician_flags() -----------------------------------------------------------------


def busy_weeks(*cramp_nights_per_week: int) -> list[NightData]:
    """Consecutive weeks from MONDAY with the given number of nights with a cramp."""
    return [
        NightData(date=day(7 * week + i), cramps=1)
        for week, count in enumerate(cramp_nights_per_week)
        for i in range(count)
    ]


def flags_for(nights: list[NightData], weeks: int = 4) -> dict:
    found = clinician_flags(nights, weekly(nights, day(0), day(7 * weeks - 1)))
    return {flag.key: flag for flag in found}


def test_cramps_on_three_nights_two_weeks_running_are_flagged():
    flag = flags_for(busy_weeks(1, 3, 3, 0))["frequent"]

    assert flag.message == "Cramps on 3 or more nights a week, two weeks running."
    assert flag.dates == (day(7), day(14))


def test_two_busy_weeks_apart_or_one_just_below_are_not_flagged():
    assert "frequent" not in flags_for(busy_weeks(3, 2, 3, 0))
    assert "frequent" not in flags_for(busy_weeks(3, 0, 3, 0))


def test_a_longer_busy_run_lists_every_week():
    assert flags_for(busy_weeks(4, 3, 7, 0))["frequent"].dates == (day(0), day(7), day(14))


def test_a_cramp_rated_eight_is_flagged_and_seven_is_not():
    nights = [
        NightData(date=day(0), cramps=1, worst_severity=7),
        NightData(date=day(1), cramps=1, worst_severity=8),
    ]

    flag = flags_for(nights)["severe"]

    assert flag.dates == (day(1),)
    assert "8" in flag.message
    assert "severe" not in flags_for(nights[:1])


def test_a_cramp_of_ten_minutes_is_flagged_and_just_under_is_not():
    nights = [
        NightData(date=day(0), cramps=1, longest_minutes=9.9),
        NightData(date=day(2), cramps=1, longest_minutes=10.0),
    ]

    flag = flags_for(nights)["long"]

    assert flag.dates == (day(2),)
    assert "10 minutes" in flag.message
    assert "long" not in flags_for(nights[:1])


def test_a_quiet_diary_raises_no_flags():
    assert clinician_flags([], weekly([], day(0), day(27))) == []


# ---- summary_measures() ----------------------------------------------------------------


def summarise(nights, durations=(), locations=None, start=None, end=None):
    """summary_measures over the nights, by default over day(0) to day(20) (21 nights)."""
    from journal.stats import summary_measures  # added after this file's imports

    start = day(0) if start is None else start
    end = day(20) if end is None else end
    return summary_measures(nights, list(durations), dict(locations or {}), start, end)


def test_summary_measures_a_three_week_diary():
    nights = [
        # Outside the period: must be ignored.
        NightData(date=day(-1), cramps=9, severity_sum=90, worst_severity=10, woke=9),
        NightData(
            date=day(0),
            cramps=3,
            severity_sum=2 + 5 + 9,
            worst_severity=9,
            woke=2,
            bedtime=at("23:00"),
            caffeine_drinks=2,
            last_caffeine_at=at("18:00"),  # 5 h before bed: late
            water_glasses=4,
            sleep_quality=1,
        ),
        NightData(
            date=day(1),
            bedtime=at("23:00"),
            stretch_minutes=6,
            alcohol_drinks=1.0,
            last_alcohol_at=at("20:00"),  # exactly 3 h before: not late
            water_glasses=8,
            relaxed=True,
            sleep_quality=4,
        ),
        NightData(
            date=day(9),
            cramps=1,
            severity_sum=4,
            worst_severity=4,
            stretch_minutes=4,  # under 5 minutes: not "stretched"
            caffeine_drinks=1,
            last_caffeine_at=at("21:00"),  # no bedtime: unknown
            water_glasses=6,
            electrolytes=True,
        ),
        NightData(
            date=day(15),
            cramps=2,
            severity_sum=3 + 3,
            worst_severity=3,
            woke=1,
            bedtime=at("00:30"),
            stretch_minutes=12,
            alcohol_drinks=2.0,
            last_alcohol_at=at("22:00"),  # 2.5 h before a past-midnight bedtime: late
            water_glasses=5,
            sleep_quality=3,
        ),
        NightData(date=day(16), water_glasses=7, relaxed=True),
        NightData(date=day(20), stretch_minutes=20, water_glasses=6, electrolytes=True),
    ]
    s = summarise(
        nights,
        durations=[4.0, 0.5, 1.5, 2.5],  # one of the six episodes has no duration
        locations={
            ("calf", "left"): 3,
            ("calf", "right"): 1,
            ("foot", "left"): 1,
            ("calf", "both"): 1,
        },
    )

    # 21 nights in the period, 6 logged (day -1 is outside it).
    assert (s.days, s.logged) == (21, 6)
    assert s.logged_share == pytest.approx(6 / 21)
    # 3 + 0 + 1 + 2 + 0 + 0 = 6 cramps on 6 nights: 1 a night, 1 * 7 = 7 a week.
    assert (s.cramps, s.cramps_per_night, s.cramps_per_week) == (6, 1.0, 7.0)
    # Cramp-free: days 1, 16 and 20; cramps on days 0, 9 and 15.
    assert (s.cramp_free.count, s.cramp_free.of, s.cramp_free.share) == (3, 6, 0.5)
    assert s.cramp_nights == 3
    # Severity: (16 + 4 + 6) / 6 episodes = 26 / 6; the worst is 9 (not day -1's 10).
    assert s.mean_severity == pytest.approx(26 / 6)
    assert s.worst_severity == 9
    # Durations 0.5 1.5 | 2.5 4.0: the median is (1.5 + 2.5) / 2 = 2.0, from 4 episodes.
    assert (s.median_duration, s.timed_episodes) == (2.0, 4)
    # Woken on days 0 and 15: 2 of 6 nights (counted per night, not per episode).
    assert (s.woken.count, s.woken.of) == (2, 6)
    # Calf 3 + 1 + 1 = 5, foot 1; left 3 + 1 = 4, right 1, both 1 (ties by name).
    assert s.muscles == (("calf", 5), ("foot", 1))
    assert s.sides == (("left", 4), ("both", 1), ("right", 1))
    assert s.located_episodes == 6
    # Sleep rated on days 0, 1 and 15: (1 + 4 + 3) / 3.
    assert (s.mean_sleep_quality, s.sleep_rated) == (pytest.approx(8 / 3), 3)
    # Stretched >= 5 minutes on days 1 (6), 15 (12), 20 (20): 3 of 6, a mean of 38 / 3.
    assert (s.stretched.count, s.stretched.of) == (3, 6)
    assert s.stretch_minutes == pytest.approx(38 / 3)
    # Caffeine: late on day 0; day 9 unknown; the 4 nights without any are known not late.
    assert (s.late_caffeine.count, s.late_caffeine.of, s.late_caffeine.unknown) == (1, 5, 1)
    # Alcohol: not late on day 1, late on day 15, none on the other 4 nights.
    assert (s.late_alcohol.count, s.late_alcohol.of, s.late_alcohol.unknown) == (1, 6, 0)
    # Water: (4 + 8 + 6 + 5 + 7 + 6) / 6 = 36 / 6.
    assert s.mean_water == 6.0
    # Electrolytes on days 9 and 20; relaxation on days 1 and 16.
    assert (s.electrolytes.count, s.relaxation.count) == (2, 2)
    # First logged night day 0: days 0-6 hold days 0 and 1, 3 cramps. Last logged night
    # day 20: days 14-20 hold days 15, 16 and 20, 2 cramps.
    assert (s.first_week.first, s.first_week.last) == (day(0), day(6))
    assert (s.first_week.nights, s.first_week.cramps, s.first_week.cramps_per_night) == (2, 3, 1.5)
    assert (s.last_week.first, s.last_week.last) == (day(14), day(20))
    assert (s.last_week.nights, s.last_week.cramps) == (3, 2)
    assert s.last_week.cramps_per_night == pytest.approx(2 / 3)


def test_summary_of_a_period_with_nothing_logged_has_no_values_not_zeros():
    s = summarise([NightData(date=day(30), cramps=2)])  # outside the period only

    assert (s.days, s.logged, s.cramps) == (21, 0, 0)
    for value in (
        s.cramps_per_night,
        s.cramps_per_week,
        s.cramp_free.share,
        s.mean_severity,
        s.worst_severity,
        s.median_duration,
        s.woken.share,
        s.mean_sleep_quality,
        s.stretch_minutes,
        s.late_caffeine.share,
        s.late_alcohol.share,
        s.mean_water,
        s.electrolytes.share,
        s.relaxation.share,
        s.first_week,
        s.last_week,
    ):
        assert value is None
    assert s.logged_share == 0
    assert (s.muscles, s.sides, s.timed_episodes, s.sleep_rated) == ((), (), 0, 0)


def test_summary_of_cramp_free_nights_has_a_rate_of_zero_and_no_severity():
    s = summarise(cramp_nights([0, 0, 0]))

    assert (s.cramps_per_night, s.cramps_per_week, s.cramp_free.share) == (0.0, 0.0, 1.0)
    assert (s.mean_severity, s.worst_severity, s.median_duration) == (None, None, None)


def test_cramps_per_week_counts_only_logged_nights():
    # 2 cramps on each of 3 nights logged in a 3-week period: 6 / 3 * 7 = 14 a week, not
    # 6 / 21 * 7 = 2, which would count the 18 unlogged nights as cramp-free.
    s = summarise(cramp_nights([2, 2, 2], first=7))

    assert s.cramps_per_week == 14.0


def test_the_median_of_an_odd_number_of_durations_is_the_middle_one():
    assert summarise(cramp_nights([3]), durations=[10.0, 0.5, 2.0]).median_duration == 2.0


@pytest.mark.parametrize(
    ("last_offset", "separate"),
    # Day 0 is a Monday: days 0-6 are its week, day 7 the next Monday's, as in the
    # reports' weekly table.
    [(6, False), (7, True)],
)
def test_the_change_compares_monday_to_sunday_weeks(last_offset, separate):
    s = summarise([NightData(date=day(0), cramps=1), NightData(date=day(last_offset))])

    assert (s.first_week is not None, s.last_week is not None) == (separate, separate)
    if separate:
        assert (s.first_week.cramps_per_night, s.last_week.cramps_per_night) == (1.0, 0.0)


def test_a_habit_taken_up_once_and_kept_cant_be_told_apart_from_time():
    # Stretching from day 42 on, every night: that is a before and after, not a habit
    # that comes and goes, and the time trend can take up any such change.
    nights = [
        NightData(date=day(i), cramps=2 if i < 42 else 1, stretch_minutes=10 * (i >= 42))
        for i in range(84)
    ]

    (stretch, *_) = compare_habits(nights)

    assert stretch.tied_to_time
    assert (stretch.ratio, stretch.p, stretch.verdict) == (None, None, NOT_ENOUGH)


def test_a_count_left_blank_is_left_out_not_counted_as_zero():
    # Seven stretching nights with no cramps, seven without stretching with two each, and
    # seven where the stretching box was left blank, with three cramps each.
    known = [
        NightData(date=day(i), stretch_minutes=10 * (i % 2), cramps=2 * (1 - i % 2))
        for i in range(14)
    ]
    blank = [NightData(date=day(14 + i), stretch_minutes=None, cramps=3) for i in range(7)]
    row = next(c for c in compare_habits(known + blank) if c.habit.key == "stretch")
    assert (row.yes.nights, row.no.nights, row.left_out) == (7, 7, 7)
    assert row.no.cramps == 14, "the blank nights are not among the nights without stretching"

    nights = [
        NightData(date=day(0), water_glasses=8, caffeine_drinks=None, relaxed=None),
        NightData(date=day(1), water_glasses=None, caffeine_drinks=0, relaxed=True),
    ]
    (week,) = weekly(nights, day(0), day(6))
    assert week.mean_water == 8.0, "not (8 + 0) / 2"
    assert week.late_caffeine_share == 0.0  # the one night that says
    assert week.relaxation_share == 1.0
    assert week.stretch_share == 0.0  # both nights default to 0 minutes: known, not done


def test_the_change_weeks_stay_inside_the_period():
    # A period from Wednesday (day 2) to the next week's Friday (day 11).
    nights = [NightData(date=day(2), cramps=2), NightData(date=day(9), cramps=1)]
    s = summarise(nights, start=day(2), end=day(11))
    assert (s.first_week.first, s.first_week.last) == (day(2), day(6))
    assert (s.last_week.first, s.last_week.last) == (day(7), day(11))
