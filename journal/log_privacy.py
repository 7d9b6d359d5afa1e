"""A logging filter that keeps journal data out of error logs.

When a request fails, Django logs the traceback on "django.request". Exception messages
can quote what was being saved (PostgreSQL's "Failing row contains (…)" lists every
column, notes included), so this filter keeps the traceback's files, lines and exception
types, and replaces each message with a note that it was hidden. Request lines lose any
password-reset token.
"""

from __future__ import annotations

import logging
import traceback

from journal.addresses import hide_secrets

HIDDEN = "(message hidden: it may contain journal data)"


class HideExceptionText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_secrets(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrubbed_traceback(record.exc_info[1])
            record.exc_info = None
        return True


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of exc and of the exceptions it came from, without their messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        frames = "".join(traceback.format_tb(current.__traceback__))
        constraint = getattr(getattr(current, "diag", None), "constraint_name", None)
        detail = f" (constraint {constraint})" if constraint else ""
        parts.append(
            f"Traceback (most recent call last):\n{frames}"
            f"{kind.__module__}.{kind.__qualname__}{detail}: {HIDDEN}"
        )
        cause = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        if cause is not None:
            parts.append("\nThe above exception led to the following one:\n")
        current = cause
    # Most recent last, as Python prints chains.
    return "\n".join(reversed(parts)).strip()
