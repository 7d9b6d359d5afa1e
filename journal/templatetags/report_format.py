"""Plain-language formatting of the reports' numbers."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """0.456 -> '46%'; None (nothing logged) -> '–'."""
    return "–" if value is None else f"{value * 100:.0f}%"


@register.filter
def num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@register.filter
def change(ratio: float | None) -> str:
    """A rate ratio as a change: 0.62 -> '38% fewer', 1.5 -> '50% more', and from
    twice on as a multiple, which reads more easily: 2.25 -> '2.3 times as many'."""
    if ratio is None:
        return "–"
    if abs(ratio - 1) < 0.005:
        return "the same"
    if ratio < 0.005:
        return "over 99% fewer"
    if ratio < 1:
        return f"{(1 - ratio) * 100:.0f}% fewer"
    if ratio >= 2:
        return f"{ratio:.1f} times as many"
    return f"{(ratio - 1) * 100:.0f}% more"


@register.filter
def compared(ratio: float | None) -> str:
    """The start of "… cramps per night than (as) …": '38% fewer cramps per night than',
    'as many cramps per night as', '2.3 times as many cramps per night as'."""
    said = change(ratio)
    if said == "the same":
        return "as many cramps per night as"
    return f"{said} cramps per night {'as' if said.endswith('as many') else 'than'}"


@register.filter
def interval(estimate) -> str:
    """An estimate's 95% interval of a ratio, in words, saying so where a side has no
    limit yet: with no lower limit and an upper one below 1, that is "at least 83%
    fewer"; with no upper limit and a lower one above 1, "at least 30% more"."""
    low, high = estimate.low, estimate.high
    if low is not None and high is not None:
        return f"95% interval {change(low)} to {change(high)}"
    if high is not None:
        return (
            f"95% interval: at least {change(high)}"
            if high < 1
            else f"95% interval: anything up to {change(high)}"
        )
    if low is not None:
        return (
            f"95% interval: at least {change(low)}"
            if low > 1
            else f"95% interval: {change(low)} or anything above, no upper limit yet"
        )
    return "no limit either way yet"


@register.filter
def bounds(estimate) -> str:
    """The same interval as numbers, for a clinician: '0.06–0.17', '≤ 0.17', '≥ 1.30'."""
    low, high = estimate.low, estimate.high
    if low is not None and high is not None:
        return f"{low:.2f}–{high:.2f}"
    if high is not None:
        return f"≤ {high:.2f}"
    if low is not None:
        return f"≥ {low:.2f}"
    return "unbounded so far"


@register.filter
def time_before(earlier: dt.date, later: dt.date) -> str:
    """How long before ``later`` ``earlier`` is, in its largest unit: '36 years', '2 months'."""
    return timesince(earlier, later, depth=1)
