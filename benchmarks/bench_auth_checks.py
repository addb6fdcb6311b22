"""What the new checks cost per request: a dashboard session read, and the failure counter.

    .venv/bin/python benchmarks/bench_auth_checks.py

Prints microseconds per call of issuing and verifying a session token, and of the check an
address goes through before its key is looked up.  No database and no network.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from datetime import UTC, datetime

from api.limits import FailureLimiter, address_block
from api.sessions import SessionSigner
from triage.store import ApiClientRecord

CALLS = 20_000


def _micros(call: Callable[[], object]) -> float:
    # The best of five runs: the others measure whatever else the machine was doing.
    return min(timeit.repeat(call, number=CALLS, repeat=5)) / CALLS * 1e6


def main() -> None:
    signer = SessionSigner("s" * 32, 12 * 3600)
    client = ApiClientRecord(1, "wall-screen", "read", datetime.now(UTC), None)
    token = signer.issue(client)
    failures = FailureLimiter(10)
    for _ in range(10):
        failures.fail("192.0.2.1")
    print(f"session token: {len(token)} characters")
    print(f"issue a session: {_micros(lambda: signer.issue(client)):.1f} µs")
    print(f"verify a session: {_micros(lambda: signer.read(token)):.1f} µs")
    for name, address in (("IPv4", "192.0.2.1"), ("IPv6", "2001:db8::1")):
        check = _micros(lambda a=address: failures.wait(address_block(a)))
        print(f"failure check, {name}: {check:.1f} µs")


if __name__ == "__main__":
    main()
