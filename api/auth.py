"""API keys and roles: who may call what, and how often."""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import g, request

from api.errors import ApiError
from triage.store import ApiClientRecord, KeyStore, NotFoundError, hash_key

_LIMITED: dict[str, frozenset[str]] = {
    "ingest": frozenset({"classify", "ingest"}),
    "review": frozenset({"classify", "ingest", "review", "read_complaints", "read_model"}),
    "read": frozenset({"read_complaints", "read_model", "read_stats"}),
}
# What each role may do; "admin" may do everything any other role may.
PERMISSIONS: dict[str, frozenset[str]] = {
    **_LIMITED,
    "admin": frozenset().union(*_LIMITED.values()),
}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Caller:
    """The authenticated client of the current request."""

    name: str
    role: str


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


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = request.headers.get("X-API-Key", "").strip()
    return key or None


def _authenticate() -> Caller:
    from api.state import services

    state = services()
    if not state.settings.auth:
        return Caller(name=f"anonymous@{request.remote_addr or 'local'}", role="admin")
    key = _presented_key()
    if key is None:
        raise ApiError(
            401,
            "unauthorized",
            "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            {"WWW-Authenticate": 'Bearer realm="triase"'},
        )
    try:
        client = state.key_cache.lookup(key)
    except NotFoundError:
        raise ApiError(
            401,
            "unauthorized",
            "unknown or revoked API key",
            {"WWW-Authenticate": 'Bearer realm="triase", error="invalid_token"'},
        ) from None
    return Caller(name=client.name, role=client.role)


def requires(permission: str) -> Callable[[F], F]:
    """Decorate a view: authenticate, check the caller's role, apply the rate limit."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from api.state import services

            caller = _authenticate()
            g.caller = caller
            if permission not in PERMISSIONS.get(caller.role, frozenset()):
                raise ApiError(
                    403, "forbidden", f"role {caller.role!r} may not {permission.replace('_', ' ')}"
                )
            wait = services().limiter.check(caller.name)
            if wait > 0:
                raise ApiError(
                    429,
                    "rate_limited",
                    f"too many requests for {caller.name!r}; retry in {math.ceil(wait)} s",
                    {"Retry-After": str(math.ceil(wait))},
                )
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def current_caller() -> Caller:
    """The caller authenticated by :func:`requires` for this request."""
    caller: Caller = g.caller
    return caller
