"""API keys and roles: who may call what, and how often."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import g, request

from api.errors import ApiError
from api.state import services
from triage.store import NotFoundError

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


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else None."""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _presented_key() -> str | None:
    token = bearer_token(request.headers.get("Authorization", ""))
    return token or request.headers.get("X-API-Key", "").strip() or None


def _authenticate() -> Caller:
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
