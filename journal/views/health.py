"""/healthz: tells a load balancer or monitor whether this process can use its database."""

from __future__ import annotations

import logging

from django.db import Error, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from journal.log_privacy import database_problem

logger = logging.getLogger(__name__)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers and can take a write, 503 when not.

    No login and no data: monitors call it anonymously, and the body says nothing about
    the journal or the reason for a failure (that goes to the log).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            _write_probe(cursor)
    # django.db.Error covers OperationalError (cannot connect, read-only, disk full) and
    # InterfaceError (connection already gone) alike.
    except Error as exc:
        logger.warning(
            "Health check failed: the database %s: %s", database_problem(exc) or "failed", exc
        )
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok", content_type="text/plain")
    # A cached "ok" would hide an outage.
    response["Cache-Control"] = "no-store"
    return response


# A write that matches no row: a database that can't take writes (read-only file or
# mount, a PostgreSQL standby or read-only transaction) refuses it all the same, and
# nothing is left behind.
_PROBE = "UPDATE django_migrations SET app = app WHERE id = -1"


def _write_probe(cursor) -> None:
    if connection.vendor != "sqlite":
        cursor.execute(_PROBE)
        return
    # SQLite lets one writer in at a time: waiting for a long write (an import) would make
    # the health check as slow as it. Someone writing means writes work, so don't wait.
    timeout_ms = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        cursor.execute(_PROBE)
    except Error as exc:
        if "locked" not in str(exc):
            raise
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
