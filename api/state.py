"""What a worker holds from start-up on: settings, the loaded model, stores, limiters, metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app

from api.config import Settings
from api.limits import FailureLimiter, KeyCache, RateLimiter
from api.metrics import Metrics
from api.sessions import SessionSigner
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import RoutingDecision
from triage.store import ComplaintStore, KeyStore, StatsStore


class RoutingModel(Protocol):
    """The part of :class:`triage.TriageModel` the service uses."""

    @property
    def version(self) -> str: ...

    @property
    def labels(self) -> dict[str, list[str]]: ...

    @property
    def metadata(self) -> Any: ...

    def decide(
        self,
        records: Sequence[Mapping[str, object]],
        *,
        authority: AuthoritySettings | None = None,
    ) -> list[RoutingDecision]: ...


@dataclass(frozen=True)
class Services:
    """Shared by every request of one worker."""

    settings: Settings
    model: RoutingModel
    complaints: ComplaintStore
    stats: StatsStore
    keys: KeyStore
    key_cache: KeyCache
    limiter: RateLimiter
    failures: FailureLimiter
    sessions: SessionSigner
    metrics: Metrics
    openapi: dict[str, Any]


def services() -> Services:
    """The services of the current application."""
    found: Services = current_app.extensions["triage"]
    return found
