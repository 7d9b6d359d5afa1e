"""The history table's rows, put together in Python.

    {% load history_rows %} ... {% history_rows page %}

A page of the history is 30 rows of six cells. Through the template language each
value costs a few microseconds to look up, format and escape, and the table took
longer than the whole login page; written here it takes about a third of that.
Every value in a row is a number, a date or a time, so there is no text to escape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal.models import Night

register = template.Library()


# Each cell's own label, shown (and read out) only where the table is shown as a card per
# night on a phone, without its header row: static/css/nightleg.css.
_LABELS = tuple(
    f'<span class="cell-label">{label} </span>'
    for label in ("Cramps", "Worst", "Stretch (min)", "Caffeine", "Alcohol")
)


def _drinks(count: object, last_at: dt.time | None) -> str:
    if last_at is None:
        return f"{count}"
    return f'{count} <span class="text-body-secondary small">last {last_at:%H:%M}</span>'


def _row(night: Night, link: str) -> str:
    """One night: its date (a link to it), cramps, worst severity, stretching, drinks."""
    date = night.date
    cramps = night.n_cramps or '<span class="text-success">none</span>'
    worst = "–" if night.worst_cramp is None else f"{night.worst_cramp}/10"
    # Alcohol is in half drinks: 1.5 stays 1.5, 2.0 shows as 2.
    alcohol = "–" if night.alcohol_drinks is None else format(night.alcohol_drinks.normalize(), "f")
    caffeine = "–" if night.caffeine_drinks is None else int(night.caffeine_drinks)
    stretch = "–" if night.stretch_minutes is None else int(night.stretch_minutes)
    return (
        f'<tr>\n  <th scope="row" class="text-nowrap"><a href="{link}" '
        f'aria-label="{date:%A} {date.day} {date:%B %Y}, open to edit">'
        f"{_day(date)}</a></th>\n"
        f'  <td class="text-end">{_LABELS[0]}{cramps}</td>\n'
        f'  <td class="text-end">{_LABELS[1]}{worst}</td>\n'
        f'  <td class="text-end">{_LABELS[2]}{stretch}</td>\n'
        f'  <td class="text-end">{_LABELS[3]}{_drinks(caffeine, night.last_caffeine_at)}</td>\n'
        f'  <td class="text-end">{_LABELS[4]}{_drinks(alcohol, night.last_alcohol_at)}</td>\n'
        "</tr>"
    )


# Up to this many nights in a row without a log get a row each; a longer gap, one row.
_MISSING_ROWS_UP_TO = 3


def _day(date: dt.date) -> str:
    return f"{date:%a} {date.day} {date:%b %y}"


def _missing_row(label: str, text: str, link: str, action: str) -> str:
    return (
        f'<tr class="missing-night">\n  <th scope="row" class="text-nowrap fw-normal '
        f'text-body-secondary">{label}</th>\n  <td colspan="5" class="text-body-secondary">'
        f'{text} — <a href="{link}">{action}</a></td>\n</tr>'
    )


def _missing(newer: dt.date, older: dt.date, link: str) -> list[str]:
    """Rows for the nights strictly between two dates, not logged, newest first: each one
    a way to log it."""
    gap = (newer - older).days - 1
    if gap <= 0:
        return []
    newest = newer - dt.timedelta(days=1)
    if gap <= _MISSING_ROWS_UP_TO:
        days = [newest - dt.timedelta(days=n) for n in range(gap)]
        return [
            _missing_row(_day(d), "not logged", link.format(date=d.isoformat()), "log it")
            for d in days
        ]
    label = f"{_day(older + dt.timedelta(days=1))} – {_day(newest)}"
    latest = link.format(date=newest.isoformat())
    return [_missing_row(label, f"{gap} nights not logged", latest, "log the latest")]


@register.simple_tag
def history_rows(
    nights: Iterable[Night], newer: dt.date | None = None, log_link: str = ""
) -> SafeString:
    """A row for each night of the page, and for the nights not logged between them.

    ``newer`` is the night just above the page (the night after last night's date on
    the first page, or the last night of the page before), so that a gap at the top is
    shown too; ``log_link`` is the morning log's address with a {date} to fill in.

    Each row links to Night.get_absolute_url(). Reversing a URL costs more than the rest
    of a row, so it is reversed for the first night only and the others' dates are put
    in its place: the URL holds the night's date as it is, once.
    """
    nights = list(nights)
    if not nights:
        return mark_safe("")
    first = nights[0]
    link = first.get_absolute_url().replace(first.date.isoformat(), "{date}")
    rows: list[str] = []
    above = newer
    for night in nights:
        if above is not None and log_link:
            rows += _missing(above, night.date, log_link)
        rows.append(_row(night, link.format(date=night.date.isoformat())))
        above = night.date
    return mark_safe("\n".join(rows))
