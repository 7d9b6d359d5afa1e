"""The history table's rows, put together in Python.

    {% load history_rows %} ... {% for night in page %}{{ night|history_row }}{% endfor %}

A page of the history is 30 rows of six cells. Through the template language each
value costs a few microseconds to look up, format and escape, and the table took
longer than the whole login page; written here it takes about a third of that.
Every value in a row is a number, a date or a time, so there is no text to escape.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal.models import Night

register = template.Library()


def _drinks(count: object, last_at: dt.time | None) -> str:
    if last_at is None:
        return f"{count}"
    return f'{count} <span class="text-body-secondary small">last {last_at:%H:%M}</span>'


@register.filter
def history_row(night: Night) -> SafeString:
    """One night: its date (a link to it), cramps, worst severity, stretching, drinks."""
    date = night.date
    cramps = night.n_cramps or '<span class="text-success">none</span>'
    worst = "–" if night.worst_cramp is None else f"{night.worst_cramp}/10"
    # Alcohol is in half drinks: 1.5 stays 1.5, 2.0 shows as 2.
    alcohol = format(night.alcohol_drinks.normalize(), "f")
    caffeine = _drinks(int(night.caffeine_drinks), night.last_caffeine_at)
    return mark_safe(
        f'<tr>\n  <th scope="row" class="text-nowrap"><a href="{night.get_absolute_url()}" '
        f'aria-label="{date:%A} {date.day} {date:%B %Y}, open to edit">'
        f"{date:%a} {date.day} {date:%b %y}</a></th>\n"
        f'  <td class="text-end">{cramps}</td>\n'
        f'  <td class="text-end">{worst}</td>\n'
        f'  <td class="text-end">{int(night.stretch_minutes)}</td>\n'
        f'  <td class="text-end">{caffeine}</td>\n'
        f'  <td class="text-end">{_drinks(alcohol, night.last_alcohol_at)}</td>\n'
        "</tr>"
    )
