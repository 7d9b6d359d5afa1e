"""Light or dark: the person's choice for this browser, kept in a cookie.

A cookie rather than a profile field because the choice belongs to the screen (a phone
read in bed at night, a desktop by day) and the sign-in page needs it too. "auto"
follows the device's setting (prefers-color-scheme), which static/js/theme.js applies
before the page is drawn; the server only knows an explicit choice.
"""

from __future__ import annotations

from django.http import HttpRequest

COOKIE = "theme"
CHOICES = {"auto": "Same as this device", "light": "Light", "dark": "Dark"}
MAX_AGE = 365 * 24 * 3600  # a year: a preference, not a secret


def theme_of(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(COOKIE, "auto")
    return chosen if chosen in CHOICES else "auto"


def appearance(request: HttpRequest) -> dict[str, object]:
    """Context processor: the chosen theme, the choices for the menu's switch, and the
    next one in turn for its one-button form on a wide screen."""
    theme = theme_of(request)
    order = list(CHOICES)
    following = order[(order.index(theme) + 1) % len(order)]
    return {
        "theme": theme,
        "theme_label": CHOICES[theme],
        "theme_choices": CHOICES,
        "next_theme": following,
        "next_theme_label": CHOICES[following],
    }
