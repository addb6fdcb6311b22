"""gunicorn settings for serving ``api:create_app()`` (``gunicorn -c api/gunicorn.conf.py``).

Threaded workers (gthread) keep slow clients from starving the others: a connection that
sends nothing waits in the worker's poller without holding a thread, and every accepted
socket gets a kernel receive timeout (SO_RCVTIMEO, inherited from the listening socket), so
a client that sends part of a request and stalls frees its thread after
``TRIAGE_READ_TIMEOUT`` seconds instead of holding it until the worker is recycled.
Each value can be overridden on the command line or through ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os
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

_READ_TIMEOUT = float(os.environ.get("TRIAGE_READ_TIMEOUT", "5"))


def post_worker_init(worker: Any) -> None:
    """Give the listening sockets a receive timeout that accepted connections inherit."""
    seconds = int(_READ_TIMEOUT)
    micros = int((_READ_TIMEOUT - seconds) * 1_000_000)
    value = struct.pack("ll", seconds, micros)
    for listener in worker.sockets:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
