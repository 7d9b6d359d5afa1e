"""Where "all time" begins: a lone night far before the rest of a diary (a mistyped 1990
among nights from 2026, say) would squeeze every chart into a sliver at its far end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# A night with no other night within this many days of it is a lone night.
LONE_GAP_DAYS = 60
# More lone nights than this before the rest is a diary kept now and then, not a slip
# of the date: it is shown as it is.
MOST_LONE_NIGHTS = 5
# How many of a diary's first nights lone_early_nights() needs to see to decide.
FIRST_NIGHTS_NEEDED = MOST_LONE_NIGHTS + 2


@dataclass(frozen=True)
class LoneNights:
    nights: list[dt.date]  # the lone nights before regular logging, oldest first
    start: dt.date  # the first night of regular logging


def lone_early_nights(first_nights: Sequence[dt.date]) -> LoneNights | None:
    """The lone nights a diary begins with, and where its regular logging starts; None
    when it starts with the first night.

    ``first_nights`` are the diary's first nights in date order, at least the first
    FIRST_NIGHTS_NEEDED of them (more are not looked at). Regular logging starts with
    the first night that has another night within LONE_GAP_DAYS; each night before it
    is lone. A diary in which no two nights are that close has no regular logging to
    start at, so it too is shown as it is.
    """
    gaps = [(later - earlier).days for earlier, later in pairwise(first_nights)]
    for lone, gap in enumerate(gaps[: MOST_LONE_NIGHTS + 1]):
        if gap <= LONE_GAP_DAYS:
            return LoneNights(list(first_nights[:lone]), first_nights[lone]) if lone else None
    return None
