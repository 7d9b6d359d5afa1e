"""The month calendar of History and Reports: what each day's cell shows, and where a tap
on it goes. Plain dates and counts in, plain data out, no database and no HTTP;
templates/journal/_month_calendar.html draws it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypedDict

from django.urls import reverse

from journal.stats.flags import SEVERE_EPISODE

# A night's colour is set by its worst cramp. The top band starts where the reports
# suggest seeing a clinician, so a marked night there is one the notice counts too.
MILD_UP_TO = 3
SEVERE_FROM = SEVERE_EPISODE
# The key under a calendar: each kind of cell, what it shows and what that means.
KEY = (
    ("free", "✓", "no cramps"),
    ("mild", "2", f"cramps (the number), the worst rated 0 to {MILD_UP_TO}"),
    ("moderate", "2", f"the worst rated {MILD_UP_TO + 1} to {SEVERE_FROM - 1}"),
    ("severe", "2!", f"the worst rated {SEVERE_FROM} or more"),
    ("missing", "–", "not logged: open it to log it"),
)
# The reports weeks run Monday to Sunday; so does every calendar.
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


class Day(TypedDict):
    """One cell. ``kind`` is the CSS class's ending: free, mild, moderate or severe (logged),
    missing (not logged), or inert (to come, or outside the days shown).

    A dict rather than a class: the template looks up its values some 200 times a month,
    and a dict's are the quickest it finds."""

    date: dt.date
    day: int  # the day of the month
    kind: str
    mark: str  # under the day number: the number of cramps, a tick or a dash
    label: str  # the cell's words for a screen reader: "12 Nov: 2 cramps, worst 7"
    href: str  # where a tap goes; none for an inert day
    current: bool  # the latest night that can be logged


def _day(
    date: dt.date, kind: str, mark: str = "", label: str = "", href: str = "", current=False
) -> Day:
    return Day(
        date=date, day=date.day, kind=kind, mark=mark, label=label, href=href, current=current
    )


@dataclass(frozen=True)
class Month:
    first: dt.date  # its first day
    weeks: list[list[Day | None]]  # Monday first; None for days of the months around it

    @property
    def title(self) -> str:
        return f"{self.first:%B %Y}"


def first_of(date: dt.date) -> dt.date:
    return date.replace(day=1)


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_of(first: dt.date) -> dt.date:
    return add_months(first, 1) - dt.timedelta(days=1)


def parse_month(text: str | None, *, earliest: dt.date, latest: dt.date) -> dt.date:
    """The month asked for as "2026-11", as its first day; anything else, or a month
    outside earliest's to latest's, is latest's month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        asked = dt.date(year, month, 1)
    except ValueError:
        return first_of(latest)
    return asked if first_of(earliest) <= asked <= latest else first_of(latest)


def month_count(start: dt.date, end: dt.date) -> int:
    """How many months the days from start to end touch (both included)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def last_months(start: dt.date, end: dt.date, most: int) -> list[dt.date]:
    """The first days of the months from start's to end's, oldest first: the last
    ``most`` of them at most."""
    count = min(month_count(start, end), most)
    return [add_months(first_of(end), -n) for n in reversed(range(count))]


def night_links() -> dict[str, str]:
    """Where a calendar day leads, each with a {date} to fill in: ``edit_link`` for a
    logged night, ``log_link`` for one not logged. Reversed once per page, not per day."""
    sample = dt.date(2000, 1, 1)
    edit = reverse("journal:night-edit", args=[sample]).replace(sample.isoformat(), "{date}")
    return {"edit_link": edit, "log_link": reverse("journal:night-new") + "?date={date}"}


def _logged(date: dt.date, cramps: int, worst: int | None, href: str, current: bool) -> Day:
    day = f"{date.day} {date:%b}"
    if not cramps:
        return _day(date, "free", "✓", f"{day}: no cramps", href, current)
    kind = "mild" if worst <= MILD_UP_TO else "severe" if worst >= SEVERE_FROM else "moderate"
    mark = f"{cramps}!" if kind == "severe" else str(cramps)
    label = f"{day}: {cramps} cramp{'s' if cramps > 1 else ''}, worst {worst}"
    return _day(date, kind, mark, label, href, current)


def _days(
    first: dt.date,
    nights: Mapping[dt.date, tuple[int, int | None]],
    shown: tuple[dt.date, dt.date],
    latest: dt.date,
    edit_link: str,
    log_link: str,
) -> Iterator[Day | None]:
    start, end = shown
    for date in _WEEKS.itermonthdates(first.year, first.month):
        iso, current = date.isoformat(), date == latest
        if date.month != first.month:
            yield None
        elif not start <= date <= end or date > latest:
            yield _day(date, "inert")
        elif date in nights:
            yield _logged(date, *nights[date], edit_link.format(date=iso), current)
        else:
            label = f"{date.day} {date:%b}: not logged, log it"
            yield _day(date, "missing", "–", label, log_link.format(date=iso), current)


def month_grid(
    first: dt.date,
    nights: Mapping[dt.date, tuple[int, int | None]],
    *,
    shown: tuple[dt.date, dt.date],
    latest: dt.date,
    edit_link: str,
    log_link: str,
) -> Month:
    """The month that begins on ``first``, a row for each week.

    ``nights`` holds each logged night's number of cramps and worst severity (None
    without cramps). A day in ``shown`` (the period, both ends included) up to
    ``latest``, the latest night that can be logged, links to its night: ``edit_link``
    when logged, ``log_link`` when not, each with a {date} to fill in; ``latest`` is
    marked as the current day. Other days are inert: a night yet to come can't be
    logged, and a day outside the period isn't part of what the page shows.
    """
    days = list(_days(first, nights, shown, latest, edit_link, log_link))
    return Month(first, [days[i : i + 7] for i in range(0, len(days), 7)])
