"""Per-request cost of validating a request against its declared model, in process.

Times, with ``timeit``, the checks a view runs before any work: a typical
``POST /v1/complaints`` body (JSON already parsed, as Flask caches it per request) and a
``GET /v1/trends`` query, each inside a Flask request context, through the same
``api.validation.parse_body`` / ``parse_query`` the views call.

    .venv/bin/python benchmarks/bench_validation.py [--number 20000] [--repeat 5]
        [--baseline GIT_REF]

``--baseline`` also times the hand-written checks of an earlier commit (``api/validation.py``
read with ``git show``; the trends query's day, group and frequency checks as ``api/trends.py``
made them there), for the same requests.  Reports the best of ``--repeat`` runs in
microseconds per call.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import timeit
import types
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, request

from api.config import DEFAULTS, load_settings
from api.requests import ComplaintCreate, TrendsQuery
from api.validation import parse_body, parse_query
from triage.store.trend_queries import parse_group

ROOT = Path(__file__).resolve().parents[1]
BODY = {
    "source": "lapor",
    "external_id": "2024-000123",
    "text": "Lampu penerangan jalan di depan sekolah mati sejak tiga hari, mohon segera "
    "diperbaiki karena rawan kecelakaan pada malam hari.",
    "title": "Lampu jalan mati",
    "kecamatan": "Tegalsari",
    "kelurahan": "Dr. Soetomo",
    "channel": "web",
    "created_at": "2024-03-01T08:15:00+07:00",
}
QUERY = {"group": "topic,kecamatan", "freq": "W", "from": "2024-01-01", "to": "2024-03-31"}


def _app() -> Flask:
    app = Flask("bench")
    # parse_body and parse_query read only the settings of the app's services.
    app.extensions["triage"] = types.SimpleNamespace(settings=load_settings(DEFAULTS))
    return app


def _best(call: Callable[[], object], number: int, repeat: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1e6


def _old_module(ref: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:api/validation.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_validation")
    exec(compile(source, f"{ref}:api/validation.py", "exec"), module.__dict__)
    return module


def _old_checks(old: Any, zone: Any) -> tuple[Callable[[], object], Callable[[], object]]:
    def body() -> object:
        sent = old.json_object()
        fields = (*old.COMPLAINT_FIELDS, "source", "external_id", "channel", "created_at")
        old.check_fields(sent, fields)
        old.string(sent, "source", required=True, max_length=64)
        old.string(sent, "external_id", required=True, max_length=128)
        old.complaint_fields(sent, 20_000)
        old.string(sent, "channel", max_length=64)
        return old.timestamp(sent, "created_at", zone)

    def day(raw: str | None) -> date | None:
        if raw is None:
            return None
        if not old.DATE.fullmatch(raw):
            raise ValueError(raw)
        found = date.fromisoformat(raw)
        if not old.MIN_YEAR <= found.year <= old.MAX_YEAR:
            raise ValueError(raw)
        return found

    def query() -> object:
        old.check_fields(request.args, ("group", "freq", "from", "to", "limit"), where="query")
        parse_group(request.args.get("group", "topic"))
        if request.args.get("freq", "W") not in ("W", "D"):
            raise ValueError("freq")
        old.int_arg("limit", 20, 1, 100)
        return day(request.args.get("to")), day(request.args.get("from"))

    return body, query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", help="git ref whose hand-written checks to time too")
    args = parser.parse_args(argv)
    app = _app()
    rows: list[tuple[str, str, float]] = []
    with app.test_request_context("/v1/complaints", method="POST", json=BODY):
        micros = _best(lambda: parse_body(ComplaintCreate), args.number, args.repeat)
        rows.append(("complaint body", "declared", micros))
    with app.test_request_context("/v1/trends", query_string=QUERY):
        micros = _best(lambda: parse_query(TrendsQuery), args.number, args.repeat)
        rows.append(("trends query", "declared", micros))
    if args.baseline:
        body, query = _old_checks(_old_module(args.baseline), load_settings(DEFAULTS).timezone)
        with app.test_request_context("/v1/complaints", method="POST", json=BODY):
            rows.append(("complaint body", args.baseline, _best(body, args.number, args.repeat)))
        with app.test_request_context("/v1/trends", query_string=QUERY):
            rows.append(("trends query", args.baseline, _best(query, args.number, args.repeat)))
    print(f"{'request':<16} {'checks':<12} {'µs per call':>12}")
    for request_name, checks, micros in rows:
        print(f"{request_name:<16} {checks:<12} {micros:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
