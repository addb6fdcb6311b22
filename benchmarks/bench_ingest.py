"""Concurrent, retried ingest into SQLite and PostgreSQL: every complaint stored exactly once.

Starts gunicorn on loopback (see bench_api.py) on a fresh database, then ``--clients``
threads send ``--complaints`` complaints to ``POST /v1/complaints``; ``--retry-share`` of
them are sent a second time right behind the first, so that two clients race on the same
(source, external id), as a connector retrying after a timeout does.  Then it checks, in the
responses and in the database itself, that each complaint was stored once (201 once, 200 for
the retry, the same id both times), that none is missing and that no request got a 5xx.

    .venv/bin/python benchmarks/bench_ingest.py [--backend sqlite|postgresql|both] \\
        --model-dir models/sample-default [--texts var/sample/complaints.csv]

PostgreSQL: the local server (trust auth, user postgres, database test) in a throw-away
schema that is dropped afterwards.  Bounded: each loop stops after its requests or
``--max-seconds``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench_api import admin_key, load_texts, request, run_threads, serve
from sqlalchemy import func, select

from triage.store import make_engine
from triage.store.database import scratch_schema
from triage.store.schema import Complaint

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """A fresh database URL of the given backend, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'ingest.db'}"
        return
    with scratch_schema(POSTGRES_URL, "bench_ingest") as url:
        yield url


def jobs(n: int, retry_share: float, texts: Sequence[str], seed: int) -> list[dict[str, str]]:
    """The request bodies in sending order; a retry follows its original immediately."""
    rnd = random.Random(seed)
    retried = set(rnd.sample(range(n), int(n * retry_share)))
    bodies: list[dict[str, str]] = []
    for i in range(n):
        body = {"source": "bench", "external_id": f"B-{i:06d}", "text": rnd.choice(texts)}
        bodies.append(body)
        if i in retried:
            bodies.append(dict(body))
    return bodies


def ingest(
    port: int,
    bodies: Sequence[dict[str, str]],
    clients: int,
    headers: dict[str, str],
    max_seconds: float,
) -> tuple[list[tuple[str, int, int | None]], float]:
    """Send every body from ``clients`` threads sharing one queue.

    Returns (external id, status, complaint id) per response and the wall time.
    """
    work: queue.SimpleQueue[dict[str, str]] = queue.SimpleQueue()
    for body in bodies:
        work.put(body)
    results: list[tuple[str, int, int | None]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        while time.monotonic() < deadline:
            try:
                body = work.get_nowait()
            except queue.Empty:
                return
            try:
                status, payload = request(port, "POST", "/v1/complaints", body, headers)
            except OSError:
                status, payload = 0, b""
            complaint_id = json.loads(payload).get("id") if status in (200, 201) else None
            with lock:
                results.append((body["external_id"], status, complaint_id))

    return results, run_threads(client, clients)


def verify(
    results: Sequence[tuple[str, int, int | None]], n: int, database_url: str
) -> dict[str, object]:
    """Check the responses and the stored rows; return the findings."""
    statuses = Counter(status for _, status, _ in results)
    ids_by_external: dict[str, set[int | None]] = {}
    created = Counter(external for external, status, _ in results if status == 201)
    for external, _, complaint_id in results:
        ids_by_external.setdefault(external, set()).add(complaint_id)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(func.count()).select_from(Complaint)).scalar_one()
            distinct = connection.execute(
                select(func.count(func.distinct(Complaint.external_id)))
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "requests": len(results),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for status, n in statuses.items() if status >= 500 or status == 0),
        "rows_stored": rows,
        "distinct_external_ids": distinct,
        "created_twice": sum(1 for count in created.values() if count > 1),
        "retries_with_another_id": sum(1 for ids in ids_by_external.values() if len(ids) > 1),
        "missing": n - distinct,
        "exactly_once": rows == distinct == n
        and all(count == 1 for count in created.values())
        and len(created) == n
        and all(len(ids) == 1 for ids in ids_by_external.values()),
    }


def run_backend(backend: str, args: argparse.Namespace, texts: Sequence[str]) -> dict[str, object]:
    """Serve on a fresh database of ``backend``, ingest, verify."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        headers = {"Authorization": f"Bearer {admin_key(url)}"}
        bodies = jobs(args.complaints, args.retry_share, texts, args.seed)
        with serve(args.model_dir, url, args.workers, Path(tmp) / "gunicorn.log") as (port, _):
            results, wall = ingest(port, bodies, args.clients, headers, args.max_seconds)
        findings = verify(results, args.complaints, url)
    return {
        "backend": backend,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "workers": args.workers,
        "clients": args.clients,
        "complaints": args.complaints,
        "retries": len(bodies) - args.complaints,
        "seconds": round(wall, 1),
        "requests_per_s": round(len(results) / wall, 1),
        **findings,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark on each backend and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--texts", type=Path, help="CSV with a text column")
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--retry-share", type=float, default=0.10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    texts = load_texts(args.texts)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    summaries = [run_backend(backend, args, texts) for backend in backends]
    print(json.dumps(summaries, indent=2))
    return 0 if all(s["exactly_once"] and not s["server_errors"] for s in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
