"""The weekly tables' rows (journal/templatetags/week_rows.py) against the template loops
they replace: the same bytes for full weeks, thin weeks and weeks with nothing logged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.template import Context, Template

from journal.stats import Week
from journal.templatetags.week_rows import week_rows

# The template loops the tag replaced, kept as the reference.
TEMPLATE_LOOPS = {
    "cramps": '{% for w in weeks %}<tr><th scope="row">{{ w.start|date:"j M Y" }}</th>'
    '<td class="text-end">{{ w.logged }} of {{ w.days_in_period }}</td>'
    '<td class="text-end">{{ w.cramps }}</td><td class="text-end">{{ w.cramps_per_night|num }}</td>'
    '<td class="text-end">{{ w.cramp_free_share|share }}</td></tr>{% endfor %}',
    "severity": '{% for w in weeks %}<tr><th scope="row">{{ w.start|date:"j M Y" }}</th>'
    '<td class="text-end">{{ w.mean_severity|num }}</td>'
    '<td class="text-end">{{ w.worst_severity|default_if_none:"–" }}</td></tr>{% endfor %}',
    "habits": '{% for w in weeks %}<tr><th scope="row">{{ w.start|date:"j M Y" }}</th>'
    '<td class="text-end">{{ w.stretch_share|share }}</td>'
    '<td class="text-end">{{ w.late_caffeine_share|share }}</td>'
    '<td class="text-end">{{ w.late_alcohol_share|share }}</td>'
    '<td class="text-end">{{ w.mean_water|num }}</td>'
    '<td class="text-end">{{ w.electrolytes_share|share }}</td>'
    '<td class="text-end">{{ w.relaxation_share|share }}</td></tr>{% endfor %}',
}


def week(start: dt.date, logged: int, **values) -> Week:
    counts = {"start": start, "days_in_period": 7, "logged": logged, "cramps": 0, "cramp_nights": 0}
    nothing = {f.name: None for f in dataclasses.fields(Week) if f.name not in counts}
    return Week(**(counts | nothing | values))


WEEKS = [
    week(dt.date(2025, 12, 22), 1, days_in_period=3, cramps_per_night=0.0, cramp_free_share=1.0,
         stretch_share=0.0, mean_water=6.0, electrolytes_share=0.0, relaxation_share=0.0,
         late_caffeine_share=0.0, late_alcohol_share=0.0),
    week(dt.date(2025, 12, 29), 0),  # nothing logged: every value missing
    week(dt.date(2026, 1, 5), 7, cramps=9, cramp_nights=5, cramps_per_night=9 / 7,
         cramp_free_share=2 / 7, mean_severity=6.25, worst_severity=10, stretch_share=0.857,
         late_caffeine_share=0.5, late_alcohol_share=1 / 3, mean_water=4.333,
         electrolytes_share=0.125, relaxation_share=0.995),
]  # fmt: skip


@pytest.mark.parametrize("table", TEMPLATE_LOOPS)
def test_each_tables_rows_are_those_the_template_wrote(table):
    reference = Template("{% load report_format %}" + TEMPLATE_LOOPS[table])
    assert week_rows(WEEKS, table) == reference.render(Context({"weeks": WEEKS}))


def test_the_monday_is_written_in_full_and_a_missing_value_as_a_dash():
    rows = week_rows(WEEKS[1:2], "severity")
    assert rows == (
        '<tr><th scope="row">29 Dec 2025</th>'
        '<td class="text-end">–</td><td class="text-end">–</td></tr>'
    )


def test_no_weeks_no_rows():
    assert week_rows([], "cramps") == ""
