"""The rows of the weekly tables under the reports' charts, put together in Python.

    {% load week_rows %} ... <tbody>{% week_rows weeks "cramps" %}</tbody>

All time after five years is some 260 weeks in each of three tables. Through the
template language, looking up, formatting and escaping each value took about half of a
cold reports page; written here it takes a small part of that. Every value is a whole
number, a share, a number with one decimal or a date, so there is no text to escape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal.stats import Week
from journal.templatetags.report_format import num, share

register = template.Library()

# Each table's cells after the week's date, in the order of its header row.
_TABLES: dict[str, Callable[[Week], tuple[str, ...]]] = {
    "cramps": lambda w: (
        f"{w.logged} of {w.days_in_period}",
        f"{w.cramps}",
        num(w.cramps_per_night),
        share(w.cramp_free_share),
    ),
    "severity": lambda w: (
        num(w.mean_severity),
        "–" if w.worst_severity is None else f"{w.worst_severity}",
    ),
    "habits": lambda w: (
        share(w.stretch_share),
        share(w.late_caffeine_share),
        share(w.late_alcohol_share),
        num(w.mean_water),
        share(w.electrolytes_share),
        share(w.relaxation_share),
    ),
}


@register.simple_tag
def week_rows(weeks: Iterable[Week], table: str) -> SafeString:
    """A row for each week: its Monday ("7 Sep 2026"), then the table's cells."""
    cells = _TABLES[table]
    rows = (
        f'<tr><th scope="row">{w.start.day} {w.start:%b %Y}</th>'
        + "".join(f'<td class="text-end">{cell}</td>' for cell in cells(w))
        + "</tr>"
        for w in weeks
    )
    return mark_safe("".join(rows))  # numbers and dates only: nothing to escape
