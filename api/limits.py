"""Per-worker limits on key look-ups and request rates; they import nothing of the API."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque

from triage.store import ApiClientRecord, KeyStore, hash_key


class KeyCache:
    """Remembers valid keys for a few seconds so that most requests skip the database.

    A cached client record carries its tenant, so resolving the tenant costs no query.

    A revoked key keeps working for at most ``ttl`` seconds in each worker.
    """

    def __init__(self, keys: KeyStore, ttl: float) -> None:
        self._keys = keys
        self._ttl = ttl
        self._entries: dict[str, tuple[ApiClientRecord, float]] = {}
        self._clients: tuple[dict[int, ApiClientRecord], float] = ({}, 0.0)
        self._lock = threading.Lock()

    def cached(self, key: str) -> ApiClientRecord | None:
        """The client for ``key`` if a look-up within ``ttl`` found it, without the database."""
        with self._lock:
            entry = self._entries.get(hash_key(key))
        return entry[0] if entry is not None and entry[1] > time.monotonic() else None

    def client(self, client_id: int) -> ApiClientRecord | None:
        """The active client with this id, from a list of clients at most ``ttl`` seconds old.

        Dashboard sessions carry a client id, not the key, and end within ``ttl`` of a revocation.
        """
        now = time.monotonic()
        with self._lock:
            clients, expires = self._clients
        if expires <= now:
            # The client table is small (one row per caller), so one query serves all sessions.
            # Of every tenant: the record carries the tenant the session's key serves.
            clients = {c.id: c for c in self._keys.all_clients() if c.active}
            with self._lock:
                self._clients = (clients, now + self._ttl)
        return clients.get(client_id)

    def lookup(self, key: str) -> ApiClientRecord:
        """The active client for ``key``; raise NotFoundError when there is none."""
        digest = hash_key(key)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
        if entry is not None and entry[1] > now:
            return entry[0]
        client = self._keys.authenticate(key)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (client, now + self._ttl)
        return client


class RateLimiter:
    """A token bucket per caller: ``per_minute`` sustained, ``burst`` at once; 0 disables it.

    Buckets live in each worker process, so with N gunicorn workers a caller may reach up to
    N times the limit when its requests spread over them.
    """

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, name: str) -> float:
        """Take a token for ``name``; return 0, or the seconds to wait when the bucket is empty."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(name, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[name] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[name] = (tokens - 1.0, now)
            return 0.0


def address_block(address: str | None) -> str:
    """The unit failures are counted by: an IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 host usually holds a whole /64, so counting single addresses would not limit it.
    """
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class FailureLimiter:
    """At most ``per_minute`` failed key attempts per address in any 60 s; 0 disables it.

    Checked before a key is looked up, so that guessing keys costs the database nothing once
    an address is over the limit.  Like :class:`RateLimiter` it lives in each worker: with N
    workers an address may get up to N times the limit.
    """

    WINDOW = 60.0
    MAX_ADDRESSES = 10_000

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, address: str) -> float:
        """0 when ``address`` may try a key, else the seconds until it may try again."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            failures = self._failures.get(address)
            if failures is None or len(failures) < self.per_minute:
                return 0.0
            return max(0.0, failures[0] + self.WINDOW - now)

    def fail(self, address: str) -> None:
        """Count one failed attempt from ``address``."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if address not in self._failures and len(self._failures) >= self.MAX_ADDRESSES:
                self._forget(now)
            # A bounded log: only the last ``per_minute`` failures decide the wait.
            failures = self._failures.setdefault(address, deque(maxlen=self.per_minute))
            failures.append(now)

    def _forget(self, now: float) -> None:
        stale = [a for a, f in self._failures.items() if f[-1] + self.WINDOW <= now]
        for address in stale:
            del self._failures[address]
        if len(self._failures) >= self.MAX_ADDRESSES:
            self._failures.clear()
