"""gunicorn settings for `make serve` and deploy/nightleg.service: gunicorn -c this-file.

BIND, PORT, WEB_CONCURRENCY (workers) and WEB_THREADS (threads in each) come from the
environment. The access log shows the address the proxy forwarded and hides
password-reset tokens (see journal.addresses).
"""

from __future__ import annotations

import os

from gunicorn.glogging import Logger

from journal.addresses import hide_secrets

bind = f"{os.environ.get('BIND', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
# Threads, so that a long request (the largest import the app accepts takes about 25 s to
# check, and as long again to confirm) holds one thread rather than a whole worker. A
# worker takes no more connections than it has threads: one whose threads are all busy
# leaves new requests to the others instead of queueing them behind the long ones.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_connections = threads
keepalive = 0  # the proxy in front opens a connection per request anyway
# A gthread worker keeps telling the arbiter it is alive while its threads work, so this
# only catches a worker that hangs; the proxy's own timeout bounds a request.
timeout = 120
# Recycle workers now and then, so that no long-lived process keeps growing.
max_requests = 1000
max_requests_jitter = 100
# gunicorn's control socket (~/.gunicorn/gunicorn.ctl) is unused, and shared per user.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s fwd=%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = hide_secrets(atoms[key])
        return atoms


logger_class = AccessLogger
