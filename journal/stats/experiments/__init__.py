"""Planned self-experiments: which nights test a habit, what they showed, how long to run.

A design is a run of pairs of blocks of nights. In each pair one block is a "test"
block (do the thing) and the other a "usual" one, and which comes first is drawn at
random, with the draw's seed kept so anyone can re-derive the schedule from it.

Because the order within each pair is the only thing left to chance, the analysis is a
randomisation test over the orders that could have been drawn: if the habit made no
difference on any night, each of them was as likely as the one drawn, and the p-value
is the share that show a difference at least as large. That holds whatever the trend
in cramps and however alike neighbouring nights are. The 95% interval is every rate
ratio that test would not reject, assuming the habit multiplies the cramps of each
night by the same factor. Nights are compared by plan (intention to treat); a second,
per-protocol view counts only the nights that followed it.
"""

from journal.stats.experiments.analysis import (
    EXACT_UP_TO_PAIRS,
    Arm,
    Comparison,
    LoggedNight,
    Result,
    analyse,
    randomisation_p,
)
from journal.stats.experiments.options import CHOICES, OPTIONS, OWN, Option, option
from journal.stats.experiments.planning import (
    DEFAULT_DISPERSION,
    DEFAULT_RATE,
    PLANNED_POWER,
    PLANNED_RATIO,
    Rate,
    power,
    suggested_pairs,
)
from journal.stats.experiments.schedule import (
    BLOCK_NIGHTS,
    MAX_NIGHTS,
    MAX_WASH_IN,
    MIN_PAIRS,
    Design,
    PlannedNight,
)

__all__ = [
    "BLOCK_NIGHTS",
    "CHOICES",
    "DEFAULT_DISPERSION",
    "DEFAULT_RATE",
    "EXACT_UP_TO_PAIRS",
    "MAX_NIGHTS",
    "MAX_WASH_IN",
    "MIN_PAIRS",
    "OPTIONS",
    "OWN",
    "PLANNED_POWER",
    "PLANNED_RATIO",
    "Arm",
    "Comparison",
    "Design",
    "LoggedNight",
    "Option",
    "PlannedNight",
    "Rate",
    "Result",
    "analyse",
    "option",
    "power",
    "randomisation_p",
    "suggested_pairs",
]
