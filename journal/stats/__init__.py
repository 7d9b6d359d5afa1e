"""Statistics for the reports and experiments: pure functions over plain data, no
database, no HTTP. The modules, by topic:

- nights: a logged night as plain data, the thresholds and the verdicts
- rates: rates, shares and rate ratios with their intervals (the models)
- weekly: week-by-week trends
- habits: which habits line up with fewer cramps, across the whole table
- before_after: before and after a date
- flags: when to suggest seeing a clinician
- summary: the measures of the clinician summary
- lone: where "all time" begins, past a lone night far before the rest
- experiments: planned self-experiments, their analysis and planning

Honesty rules that every function here keeps:
- A night that was not logged is missing. It never counts as a cramp-free night; weeks
  without a logged night have no value (None), not zero.
- A comparison says how sure it is (a 95% confidence interval) and draws no conclusion
  from fewer than MIN_NIGHTS_PER_GROUP nights on either side.
- Where a habit's timing is unknown (no bedtime, or no time for the last drink), that
  night is left out of that comparison, and the count left out is reported.
"""

from journal.stats.before_after import BeforeAfter, Side, before_after
from journal.stats.flags import (
    FREQUENT_CONSECUTIVE_WEEKS,
    FREQUENT_CRAMP_NIGHTS_PER_WEEK,
    LONG_EPISODE_MINUTES,
    SEVERE_EPISODE,
    Flag,
    clinician_flags,
)
from journal.stats.habits import (
    HABITS,
    PROMISING_RATIO,
    Comparison,
    Group,
    Habit,
    LoggingGaps,
    Trend,
    compare_habits,
    cramp_trend,
    habit,
    logging_gaps,
)
from journal.stats.headline import Headline, headline
from journal.stats.lone import FIRST_NIGHTS_NEEDED, LONE_GAP_DAYS, LoneNights, lone_early_nights
from journal.stats.nights import (
    ALCOHOL_WINDOW_HOURS,
    CAFFEINE_WINDOW_HOURS,
    CONFIDENCE,
    FEWER,
    MIN_NIGHTS_PER_GROUP,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    STRETCH_MINUTES_THRESHOLD,
    WATER_GLASSES_THRESHOLD,
    NightData,
    is_late,
    late_alcohol,
    late_caffeine,
)
from journal.stats.rates import Estimate, rate_estimate, wilson
from journal.stats.summary import Summary, Tally, Window, summary_measures
from journal.stats.weekly import Week, weekly

__all__ = [
    "ALCOHOL_WINDOW_HOURS",
    "CAFFEINE_WINDOW_HOURS",
    "CONFIDENCE",
    "FEWER",
    "FIRST_NIGHTS_NEEDED",
    "FREQUENT_CONSECUTIVE_WEEKS",
    "FREQUENT_CRAMP_NIGHTS_PER_WEEK",
    "HABITS",
    "LONE_GAP_DAYS",
    "LONG_EPISODE_MINUTES",
    "MIN_NIGHTS_PER_GROUP",
    "MORE",
    "NOT_ENOUGH",
    "NO_CLEAR_DIFFERENCE",
    "PROMISING_RATIO",
    "SEVERE_EPISODE",
    "STRETCH_MINUTES_THRESHOLD",
    "WATER_GLASSES_THRESHOLD",
    "BeforeAfter",
    "Comparison",
    "Estimate",
    "Flag",
    "Group",
    "Habit",
    "Headline",
    "LoggingGaps",
    "LoneNights",
    "NightData",
    "Side",
    "Summary",
    "Tally",
    "Trend",
    "Week",
    "Window",
    "before_after",
    "clinician_flags",
    "compare_habits",
    "cramp_trend",
    "habit",
    "headline",
    "is_late",
    "late_alcohol",
    "late_caffeine",
    "logging_gaps",
    "lone_early_nights",
    "rate_estimate",
    "summary_measures",
    "weekly",
    "wilson",
]
