"""/healthz: tells a load balancer or monitor whether this process can reach its database."""

from __future__ import annotations

import logging

from django.db import Error, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers a query, 503 when it does not.

    No login and no data: monitors call it anonymously, and the body says nothing about
    the journal or the reason for a failure (that goes to the log).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    # django.db.Error covers OperationalError (cannot connect) and InterfaceError
    # (connection already gone) alike.
    except Error as exc:
        logger.warning("Health check failed: the database did not answer: %s", exc)
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok", content_type="text/plain")
    # A cached "ok" would hide an outage.
    response["Cache-Control"] = "no-store"
    return response
