"""Per-worker limits on key look-ups and request rates; they import nothing of the API."""

from __future__ import annotations

import threading
import time

from triage.store import ApiClientRecord, KeyStore, hash_key


class KeyCache:
    """Remembers valid keys for a few seconds so that most requests skip the database.

    A revoked key keeps working for at most ``ttl`` seconds in each worker.
    """

    def __init__(self, keys: KeyStore, ttl: float) -> None:
        self._keys = keys
        self._ttl = ttl
        self._entries: dict[str, tuple[ApiClientRecord, float]] = {}
        self._lock = threading.Lock()

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
