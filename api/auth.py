"""API keys and roles: who may call what, and how often.

Failed keys are counted per client address (:class:`api.limits.FailureLimiter`); an address
over the limit gets 429 before its key is looked up, so guessing costs the database nothing.
A key found in the key cache still works from such an address (a valid client behind the same
NAT as a guesser), since checking it touches no database either.

The key decides the tenant: a client belongs to one tenant, and the cached client record
carries its id, so the tenant costs no query.  :func:`bind_tenant` puts it on ``g`` where
:func:`api.state.services` scopes the stores to it; there is no way for a request to name
another tenant.
"""

from __future__ import annotations

import functools
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import g, request

from api.errors import ApiError
from api.limits import address_block
from api.state import services
from triage.store import DEFAULT_TENANT_ID, ApiClientRecord, NotFoundError

_LIMITED: dict[str, frozenset[str]] = {
    "ingest": frozenset({"classify", "ingest"}),
    "review": frozenset({"classify", "ingest", "review", "read_complaints", "read_model"}),
    "read": frozenset({"read_complaints", "read_model", "read_stats", "read_metrics"}),
}
# What each role may do; "admin" may do everything any other role may.
PERMISSIONS: dict[str, frozenset[str]] = {
    **_LIMITED,
    "admin": frozenset().union(*_LIMITED.values()),
}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Caller:
    """The authenticated client of the current request, and the tenant its key serves."""

    name: str
    role: str
    tenant_id: int = DEFAULT_TENANT_ID

    @property
    def limit_key(self) -> str:
        """What the rate limit counts by: client names are unique per tenant only."""
        return f"{self.tenant_id}:{self.name}"


def bind_tenant(caller: Caller) -> Caller:
    """Make ``caller`` the request's caller, and its tenant the one every store works on."""
    g.caller = caller
    g.tenant_id = caller.tenant_id
    return caller


def caller_of(client: ApiClientRecord) -> Caller:
    """The caller holding a looked-up key."""
    return Caller(name=client.name, role=client.role, tenant_id=client.tenant_id)


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else None."""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class TooManyFailures(Exception):
    """This client address sent too many unknown keys; it may try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed API keys from this address; retry in {retry_after} s")
        self.retry_after = retry_after


def presented_key() -> str | None:
    """The key of the ``Authorization: Bearer`` or ``X-API-Key`` header, else None."""
    token = bearer_token(request.headers.get("Authorization", ""))
    return token or request.headers.get("X-API-Key", "").strip() or None


def check_key(key: str) -> ApiClientRecord | None:
    """The active client holding ``key``, or None (a failure counted against the address).

    Raises
    ------
    TooManyFailures
        When the address is over the failure limit and the key is not in the key cache.
    """
    state = services()
    known = state.key_cache.cached(key)
    if known is not None:
        return known
    address = address_block(request.remote_addr)
    wait = state.failures.wait(address)
    if wait > 0:
        raise TooManyFailures(max(1, math.ceil(wait)))
    try:
        return state.key_cache.lookup(key)
    except NotFoundError:
        state.failures.fail(address)
        return None


def failures_error(exc: TooManyFailures) -> ApiError:
    """The JSON 429 for an address over the failure limit."""
    return ApiError(429, "rate_limited", str(exc), {"Retry-After": str(exc.retry_after)})


def _authenticate() -> Caller:
    state = services()
    if not state.settings.auth:
        return Caller(name=f"anonymous@{request.remote_addr or 'local'}", role="admin")
    key = presented_key()
    if key is None:
        raise ApiError(
            401,
            "unauthorized",
            "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            {"WWW-Authenticate": 'Bearer realm="triase"'},
        )
    try:
        client = check_key(key)
    except TooManyFailures as exc:
        raise failures_error(exc) from None
    if client is None:
        raise ApiError(
            401,
            "unauthorized",
            "unknown or revoked API key",
            {"WWW-Authenticate": 'Bearer realm="triase", error="invalid_token"'},
        )
    return caller_of(client)


def authorize(permission: str) -> Caller:
    """Authenticate the request, check the caller's role, apply the rate limit."""
    caller = bind_tenant(_authenticate())
    if permission not in PERMISSIONS.get(caller.role, frozenset()):
        raise ApiError(
            403, "forbidden", f"role {caller.role!r} may not {permission.replace('_', ' ')}"
        )
    wait = services().limiter.check(caller.limit_key)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests for {caller.name!r}; retry in {math.ceil(wait)} s",
            {"Retry-After": str(math.ceil(wait))},
        )
    return caller


def authorize_metrics() -> None:
    """Let a scrape of /metrics through, or raise the 401, 403 or 429 :class:`ApiError`.

    Open with ``TRIAGE_AUTH=false`` or ``TRIAGE_METRICS_PUBLIC=true``; otherwise it needs
    the ``TRIAGE_METRICS_KEY`` as a bearer token, or an API key of role read or admin.
    """
    settings = services().settings
    if not settings.auth or settings.metrics_public:
        return
    token = presented_key()
    expected = settings.metrics_key
    if token and expected and hmac.compare_digest(token.encode(), expected.encode()):
        g.caller = Caller(name="metrics-key", role="metrics")
        return
    authorize("read_metrics")


def requires(permission: str) -> Callable[[F], F]:
    """Decorate a view: authenticate, check the caller's role, apply the rate limit."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authorize(permission)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def current_caller() -> Caller:
    """The caller authenticated by :func:`requires` for this request."""
    caller: Caller = g.caller
    return caller
