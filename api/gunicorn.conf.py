"""gunicorn settings for serving ``api:create_app()`` (``gunicorn -c api/gunicorn.conf.py``).

Threaded workers (gthread) keep slow clients from starving the others: a connection that
sends nothing waits in the worker's poller without holding a thread, and every accepted
socket gets a kernel receive timeout (SO_RCVTIMEO, inherited from the listening socket), so
a client that sends part of a request and stalls frees its thread after
``TRIAGE_READ_TIMEOUT`` seconds instead of holding it until the worker is recycled.

No secrets in the access log: it shows the path without the query string (``%(U)s``, not the
request line ``%(r)s``), because a wall screen's first request carries ``?key=``; and neither
the Referer nor the Basic-auth user name.  Whether a request came over HTTPS, and from which
address, is the app's decision (``TRIAGE_PROXY_HOPS``, werkzeug's ProxyFix), so gunicorn's own
trust of X-Forwarded-Proto from 127.0.0.1 is switched off.
Each value can be overridden on the command line or through ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os
import secrets
import socket
import struct
from typing import Any

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("TRIAGE_THREADS", "64"))
# Seconds a worker may stay silent before the master restarts it.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Request line and header limits (gunicorn's defaults, stated so that they are visible).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
# Address, time, method, path (no query), protocol, status, bytes, user agent, seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
secure_scheme_headers: dict[str, str] = {}

_READ_TIMEOUT = float(os.environ.get("TRIAGE_READ_TIMEOUT", "5"))


def on_starting(server: Any) -> None:
    """Without TRIAGE_SECRET_KEY, make one in the master so that all workers share it."""
    if os.environ.get("TRIAGE_SECRET_KEY") or server.cfg.preload_app:
        return
    os.environ["TRIAGE_SECRET_KEY"] = secrets.token_urlsafe(32)
    server.log.warning(
        "TRIAGE_SECRET_KEY is not set: made one for this run; dashboard sessions end when "
        "gunicorn restarts (set it to keep them)"
    )


def post_worker_init(worker: Any) -> None:
    """Give the listening sockets a receive timeout that accepted connections inherit."""
    seconds = int(_READ_TIMEOUT)
    micros = int((_READ_TIMEOUT - seconds) * 1_000_000)
    value = struct.pack("ll", seconds, micros)
    for listener in worker.sockets:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
