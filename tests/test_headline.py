"""journal.stats.headline: the reports' headline says no more than the table."""

from __future__ import annotations

import dataclasses

from journal.stats import FEWER, MORE, NO_CLEAR_DIFFERENCE, NOT_ENOUGH, Comparison, Group, headline
from journal.stats import habit as habit_of


def row(key: str, verdict: str, ratio: float | None = None, p_adjusted: float | None = None):
    return Comparison(
        habit=habit_of(key),
        yes=Group(20, 20),
        no=Group(20, 30),
        left_out=0,
        ratio=ratio,
        low=None if ratio is None else ratio * 0.8,
        high=None if ratio is None else ratio * 1.25,
        p=p_adjusted,
        p_adjusted=p_adjusted,
        verdict=verdict,
    )


def test_the_clearest_verdict_leads_and_the_others_are_counted():
    rows = [
        row("water", NO_CLEAR_DIFFERENCE, 0.9, 0.6),
        row("late_caffeine", MORE, 1.6, 0.03),
        row("stretch", FEWER, 0.5, 0.001),
    ]
    h = headline(rows)
    assert h.clearest.habit.key == "stretch"
    assert h.also_clear == 1
    assert h.worth_testing is None


def test_with_nothing_clear_it_names_the_most_promising_row_to_test():
    rows = [
        row("water", NO_CLEAR_DIFFERENCE, 0.75, 0.3),
        row("late_caffeine", NO_CLEAR_DIFFERENCE, 1.6, 0.2),  # helpful way: 1 / 1.6 = 0.63
        row("electrolytes", NO_CLEAR_DIFFERENCE, 1.1, 0.8),
        row("stretch_hamstring", NO_CLEAR_DIFFERENCE, 0.4, 0.2),  # no experiment of its own
    ]
    h = headline(rows)
    assert (h.clearest, h.also_clear) == (None, 0)
    assert h.worth_testing.habit.key == "late_caffeine"


def test_nothing_to_say_says_nothing_more():
    h = headline([row("stretch", NOT_ENOUGH), row("water", NO_CLEAR_DIFFERENCE, 1.05, 0.9)])
    assert h == headline([]) == type(h)(None, 0, None)


def test_a_habit_tied_to_time_is_never_the_headline():
    tied = dataclasses.replace(row("stretch", FEWER, 0.5, 0.001), tied_to_time=True)
    assert headline([tied]).clearest is None
