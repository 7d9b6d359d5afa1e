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
        f"{date:%a} {date.day} {date:%b %y}</a></th>\n"
        f'  <td class="text-end">{cramps}</td>\n'
        f'  <td class="text-end">{worst}</td>\n'
        f'  <td class="text-end">{stretch}</td>\n'
        f'  <td class="text-end">{_drinks(caffeine, night.last_caffeine_at)}</td>\n'
        f'  <td class="text-end">{_drinks(alcohol, night.last_alcohol_at)}</td>\n'
        "</tr>"
    )


@register.simple_tag
def history_rows(nights: Iterable[Night]) -> SafeString:
    """A row for each night of the page.

    Each row links to Night.get_absolute_url(). Reversing a URL costs more than the rest
    of a row, so it is reversed for the first night only and the others' dates are put
    in its place: the URL holds the night's date as it is, once.
    """
    nights = list(nights)
    if not nights:
        return mark_safe("")
    first = nights[0]
    link = first.get_absolute_url().replace(first.date.isoformat(), "{date}")
    return mark_safe("\n".join(_row(n, link.format(date=n.date.isoformat())) for n in nights))
