"""A logging filter that keeps journal data out of error logs.

When a request fails, Django logs the traceback on "django.request". Exception messages
can quote what was being saved (PostgreSQL's "Failing row contains (…)" lists every
column, notes included), so this filter keeps the traceback's files, lines and exception
types, and replaces each message with a note that it was hidden: for a database error,
with a fixed phrase saying what went wrong ("the database is read-only"). Request lines lose any
password-reset token.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback

from journal.addresses import hide_secrets

HIDDEN = "(message hidden: it may contain journal data)"

# What the database said, in words an operator can act on. Only these fixed phrases are
# logged, never the message itself. SQLite says it in its message; PostgreSQL gives a
# SQLSTATE code (psycopg's .sqlstate).
_SQLITE_PROBLEMS = {
    "readonly database": "is read-only",
    "disk is full": "is out of disk space (disk full)",
    "database is locked": "is locked by another write that took too long",
    "unable to open database file": "file can't be opened",
    "disk i/o error": "had a disk I/O error",
}
_POSTGRES_PROBLEMS = {
    "25006": "is read-only",
    "53100": "is out of disk space (disk full)",
    "53200": "is out of memory",
    "53300": "has too many connections",
    "57P01": "was shut down",
    "57P03": "is starting up or shutting down",
    "08001": "can't be reached",
    "08006": "connection was lost",
}


class HideExceptionText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_secrets(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrubbed_traceback(record.exc_info[1])
            record.exc_info = None
        return True


def database_problem(exc: BaseException) -> str | None:
    """What was wrong with the database, if this exception (or one it came from) says."""
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return None
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if code in _POSTGRES_PROBLEMS:
            return _POSTGRES_PROBLEMS[code]
        # Only SQLite's own errors are read: another's message may quote a person's data.
        if isinstance(current, sqlite3.Error):
            text = str(current).lower()
            for words, problem in _SQLITE_PROBLEMS.items():
                if words in text:
                    return problem
        current = current.__cause__ or current.__context__
    return None


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
        problem = database_problem(current)
        detail += f" [the database {problem}]" if problem else ""
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
