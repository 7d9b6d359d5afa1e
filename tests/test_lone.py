"""Where "all time" begins: lone nights far before the rest (journal/stats/lone.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.stats import FIRST_NIGHTS_NEEDED, LoneNights, lone_early_nights

SEP_1 = dt.date(2026, 9, 1)


def _nights(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range(count)]


def test_a_diary_of_one_night_starts_with_it():
    assert lone_early_nights([SEP_1]) is None


def test_an_empty_diary_has_no_lone_night():
    assert lone_early_nights([]) is None


def test_two_close_nights_are_regular_logging():
    assert lone_early_nights([SEP_1, SEP_1 + dt.timedelta(days=3)]) is None


def test_a_lone_night_far_before_the_rest_is_found():
    typo = dt.date(1990, 3, 3)
    assert lone_early_nights([typo, *_nights(SEP_1, 30)]) == LoneNights([typo], SEP_1)


def test_a_night_is_lone_only_with_no_other_within_sixty_days():
    assert lone_early_nights([SEP_1 - dt.timedelta(days=60), *_nights(SEP_1, 5)]) is None
    early = SEP_1 - dt.timedelta(days=61)
    assert lone_early_nights([early, *_nights(SEP_1, 5)]) == LoneNights([early], SEP_1)


def test_several_lone_early_nights_are_all_found():
    typos = [dt.date(1990, 3, 3), dt.date(2001, 6, 1), dt.date(2016, 9, 1)]
    assert lone_early_nights([*typos, *_nights(SEP_1, 30)]) == LoneNights(typos, SEP_1)


def test_several_early_nights_close_together_are_logging_of_their_own():
    assert lone_early_nights([*_nights(dt.date(2024, 3, 1), 3), *_nights(SEP_1, 30)]) is None


def test_a_lone_night_before_a_short_spell_of_logging_is_found():
    typo = dt.date(1990, 3, 3)
    assert lone_early_nights([typo, SEP_1, SEP_1 + dt.timedelta(days=1)]) == LoneNights(
        [typo], SEP_1
    )


def test_nights_all_far_apart_have_no_rest_to_start_at():
    every_quarter = [dt.date(2024 + n // 4, 1 + 3 * (n % 4), 1) for n in range(10)]
    assert lone_early_nights(every_quarter) is None


@pytest.mark.parametrize(("lone", "found"), [(5, True), (6, False)])
def test_more_than_five_lone_nights_are_a_diary_kept_now_and_then(lone, found):
    sparse = [dt.date(2020 + n, 1, 1) for n in range(lone)]
    result = lone_early_nights([*sparse, *_nights(SEP_1, 30)])
    assert result == (LoneNights(sparse, SEP_1) if found else None)


def test_the_first_nights_needed_decide_as_the_whole_diary_does():
    sparse = [dt.date(2020 + n, 1, 1) for n in range(5)]
    diary = [*sparse, *_nights(SEP_1, 300)]
    assert lone_early_nights(diary[:FIRST_NIGHTS_NEEDED]) == lone_early_nights(diary)
