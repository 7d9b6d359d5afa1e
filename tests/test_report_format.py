"""The reports' number formatting (journal/templatetags/report_format.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from journal.templatetags.report_format import bounds, change, compared, interval, time_before


@pytest.mark.parametrize(
    ("ratio", "said"),
    [
        (None, "–"),
        (1.0, "the same"),
        (0.62, "38% fewer"),
        (0.001, "over 99% fewer"),
        (1.5, "50% more"),
        (2.25, "2.2 times as many"),
    ],
)
def test_a_ratio_reads_as_a_change(ratio, said):
    assert change(ratio) == said


def test_a_comparison_reads_as_a_sentence():
    assert compared(0.62) == "38% fewer cramps per night than"
    assert compared(1.0) == "as many cramps per night as"
    assert compared(3.0) == "3.0 times as many cramps per night as"


@pytest.mark.parametrize(
    ("low", "high", "words", "numbers"),
    [
        (0.4, 0.9, "95% interval 60% fewer to 10% fewer", "0.40–0.90"),
        (None, 0.17, "95% interval: at least 83% fewer", "≤ 0.17"),
        (None, 1.5, "95% interval: anything up to 50% more", "≤ 1.50"),
        (1.3, None, "95% interval: at least 30% more", "≥ 1.30"),
        (0.4, None, "95% interval: 60% fewer or anything above, no upper limit yet", "≥ 0.40"),
        (None, None, "no limit either way yet", "unbounded so far"),
    ],
)
def test_an_interval_with_no_limit_on_a_side_says_so_the_right_way_round(low, high, words, numbers):
    estimate = SimpleNamespace(low=low, high=high)
    assert (interval(estimate), bounds(estimate)) == (words, numbers)


def test_a_time_before_reads_in_its_largest_unit():
    assert time_before(dt.date(1990, 3, 3), dt.date(2026, 9, 1)) == "36\xa0years"
    assert time_before(dt.date(2026, 6, 30), dt.date(2026, 9, 1)) == "2\xa0months"
