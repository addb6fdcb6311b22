"""``/healthz`` latency while stalled clients hold connections open, served by gunicorn.

Starts gunicorn on 127.0.0.1 (a free port) with ``api/gunicorn.conf.py`` (or sync workers,
for comparison), opens ``--stalled`` connections that send nothing (``silent``) or half a
request line and headers (``partial``, as a slow-loris client does), then times
``--probes`` health checks one after another, each on a new connection::

    .venv/bin/python benchmarks/bench_stalled.py --model-dir models/sample-default \\
        [--stalled 50] [--kind partial] [--workers sync|gthread]

Everything stays on loopback; every loop is bounded by its count and ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench_api import HOST, serve

CONFIG = Path(__file__).resolve().parent.parent / "api" / "gunicorn.conf.py"
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "


def stall(port: int, count: int, kind: str) -> list[socket.socket]:
    """Open ``count`` connections that never finish a request."""
    held = []
    for _ in range(count):
        client = socket.create_connection((HOST, port), timeout=5)
        if kind == "partial":
            client.sendall(PARTIAL)
        held.append(client)
    return held


def probe(port: int, timeout: float) -> float:
    """Seconds one ``GET /healthz`` takes on a new connection (``inf`` when it fails)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            return float("inf")
    except OSError:
        return float("inf")
    finally:
        connection.close()
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--stalled", type=int, default=50)
    parser.add_argument("--kind", choices=("silent", "partial"), default="partial")
    parser.add_argument("--workers", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--log", type=Path, help="keep gunicorn's log here")
    args = parser.parse_args(argv)

    if args.workers == "sync":
        options = ["--workers", "2", "--worker-class", "sync"]
    else:
        options = ["-c", str(CONFIG)]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = f"sqlite:///{tmp}/bench.db"
        from bench_api import admin_key

        admin_key(url)
        port, _ = stack.enter_context(
            serve(args.model_dir, url, 2, args.log or Path(tmp) / "gunicorn.log", options=options)
        )
        held = stall(port, args.stalled, args.kind)
        time.sleep(0.5)
        deadline = time.monotonic() + args.max_seconds
        latencies: list[float] = []
        while len(latencies) < args.probes and time.monotonic() < deadline:
            latencies.append(probe(port, timeout=max(1.0, deadline - time.monotonic())))
        for client in held:
            client.close()
    answered = [s for s in latencies if s != float("inf")]
    print("each:", " ".join(f"{s * 1000:.0f}" for s in latencies), "ms")
    print(
        f"{args.workers}, {args.stalled} {args.kind} connections: {len(answered)}/"
        f"{len(latencies)} health checks answered; "
        + (
            f"median {statistics.median(answered) * 1000:.1f} ms, max {max(answered) * 1000:.1f} ms"
            if answered
            else "none answered"
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
