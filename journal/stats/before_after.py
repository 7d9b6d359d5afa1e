"""Before and after a change: did cramps differ from the day something started?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from journal.stats import rates
from journal.stats.habits import Trend, cramp_trend
from journal.stats.nights import (
    CONFIDENCE,
    FEWER,
    MIN_NIGHTS_PER_GROUP,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    NightData,
)
from journal.stats.rates import Estimate


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
    # Cramps per night after ÷ before, allowing for a steady trend over the whole period:
    # the jump at the split beyond that trend, not the two halves' means.
    ratio: float | None
    low: float | None
    high: float | None
    verdict: str
    trend_before: Trend | None  # cramps were already clearly changing before the split
    tied_to_time: bool  # enough nights, but the split can't be told apart from the trend

    @property
    def uninterpretable(self) -> bool:
        """The trend, not the change, could explain the difference."""
        return self.trend_before is not None or self.tied_to_time


def _side(nights: Sequence[NightData]) -> Side:
    episodes = sum(n.cramps for n in nights)
    return Side(
        nights=len(nights),
        cramps_per_night=rates.rate_estimate([n.cramps for n in nights]),
        cramp_free_share=rates.wilson(sum(n.cramps == 0 for n in nights), len(nights)),
        mean_severity=rates.mean_severity(
            episodes, sum(n.severity_sum for n in nights), sum(n.severity_sq_sum for n in nights)
        ),
        episodes=episodes,
    )


def before_after(nights: Sequence[NightData], split: dt.date) -> BeforeAfter:
    """Nights before ``split`` against nights on or after it (after ÷ before)."""
    nights = sorted(nights, key=lambda n: n.date)
    before = [n for n in nights if n.date < split]
    after = [n for n in nights if n.date >= split]
    fitted = None
    enough = min(len(before), len(after)) >= MIN_NIGHTS_PER_GROUP
    if enough:
        fitted = rates.ratio_over_time(
            [n.cramps for n in nights],
            [n.date >= split for n in nights],
            [n.date.toordinal() for n in nights],
            bends=False,
        )
    verdict = NOT_ENOUGH
    if fitted:
        verdict = NO_CLEAR_DIFFERENCE
        if fitted.p < 1 - CONFIDENCE:
            verdict = FEWER if fitted.ratio < 1 else MORE
    return BeforeAfter(
        split=split,
        before=_side(before),
        after=_side(after),
        ratio=fitted.ratio if fitted else None,
        low=fitted.low if fitted else None,
        high=fitted.high if fitted else None,
        verdict=verdict,
        trend_before=cramp_trend(before),
        tied_to_time=enough and fitted is None,
    )
