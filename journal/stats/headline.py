"""The reports' headline: what the habit table says, in one or two plain sentences.

Built from the table's own rows, so it can't say more than they do: the clearest verdict
(the smallest Holm-adjusted p-value) and how many others there are; with none, that
nothing stands out, and the row most worth testing with a planned experiment, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journal.stats.habits import Comparison
from journal.stats.nights import FEWER, MORE


@dataclass(frozen=True)
class Headline:
    clearest: Comparison | None  # the row with a verdict that is clearest
    also_clear: int  # other rows with a verdict
    worth_testing: Comparison | None  # with no verdict at all: the most promising row


def headline(comparisons: Sequence[Comparison]) -> Headline:
    clear = sorted(
        (c for c in comparisons if c.verdict in (FEWER, MORE) and not c.tied_to_time),
        key=lambda c: c.p_adjusted if c.p_adjusted is not None else 1.0,
    )
    if clear:
        return Headline(clear[0], len(clear) - 1, None)
    promising = [c for c in comparisons if c.worth_testing]
    # The estimate furthest the helpful way first; one taken up only once has none.
    promising.sort(key=lambda c: _helpful(c) if c.ratio is not None else 1.0)
    return Headline(None, 0, promising[0] if promising else None)


def _helpful(c: Comparison) -> float:
    return c.ratio if c.habit.experiment_does_it else 1 / c.ratio
