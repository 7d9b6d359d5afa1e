"""Plain-language formatting of the reports' numbers."""

from __future__ import annotations

from django import template

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
    """A rate ratio as a change: 0.62 -> '38% fewer', 1.5 -> '50% more'."""
    if ratio is None:
        return "–"
    if abs(ratio - 1) < 0.005:
        return "the same"
    if ratio < 1:
        return f"{(1 - ratio) * 100:.0f}% fewer"
    return f"{(ratio - 1) * 100:.0f}% more"


@register.filter
def times(ratio: float | None) -> str:
    """0.618 -> '0.62×'."""
    return "–" if ratio is None else f"{ratio:.2f}×"
