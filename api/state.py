"""What a worker holds from start-up on: settings, the loaded model, stores, limiters, metrics.

The stores in :class:`Services` work on the default tenant; :func:`services` hands a request
the same services with its stores on the tenant of the caller's key (``g.tenant_id``, set by
:func:`api.auth.bind_tenant`), so that no view can read another tenant's rows by forgetting.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app, g

from api.config import Settings
from api.limits import FailureLimiter, KeyCache, RateLimiter
from api.metrics import Metrics
from api.sessions import SessionSigner
from triage.casework.sla import SlaPolicy
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import RoutingDecision
from triage.store import DEFAULT_TENANT_ID, ComplaintStore, KeyStore, StatsStore, TenantStore
from triage.tenants.gazetteer import Gazetteer
from triage.tenants.tenancy import tenant_gazetteer, tenant_settings


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
class TenantView:
    """What the service uses of one tenant, parsed once: its name, gazetteer and SLA."""

    id: int
    name: str
    gazetteer: Gazetteer | None
    sla: SlaPolicy


class TenantCache:
    """Each tenant's :class:`TenantView` for ``ttl`` seconds, so requests skip the database.

    The default tenant keeps the service's configured gazetteer and SLA
    (``TRIAGE_GAZETTEER``, ``TRIAGE_SLA_*``) unless its settings name an SLA.
    """

    def __init__(self, tenants: TenantStore, settings: Settings, ttl: float) -> None:
        self._tenants = tenants
        self._settings = settings
        self._ttl = ttl
        self._views: dict[int, tuple[TenantView, float]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: int) -> TenantView:
        """The tenant with this id (a key's tenant always exists: the foreign key)."""
        now = time.monotonic()
        with self._lock:
            entry = self._views.get(tenant_id)
        if entry is not None and entry[1] > now:
            return entry[0]
        record = self._tenants.get_tenant_by_id(tenant_id)
        own = tenant_settings(record)
        default = tenant_id == DEFAULT_TENANT_ID
        view = TenantView(
            id=record.id,
            name=record.name,
            gazetteer=self._settings.gazetteer if default else tenant_gazetteer(record),
            sla=own.sla if "sla" in record.settings or not default else self._settings.sla,
        )
        with self._lock:
            self._views[tenant_id] = (view, now + self._ttl)
        return view


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
    tenants: TenantCache

    @property
    def tenant(self) -> TenantView:
        """The tenant these services' stores work on."""
        return self.tenants.get(self.complaints.tenant_id)


def current_tenant_id() -> int:
    """The tenant of this request's caller (the default tenant before authentication)."""
    tenant_id: int = g.get("tenant_id", DEFAULT_TENANT_ID)
    return tenant_id


def services() -> Services:
    """The services of the current application, their stores on the caller's tenant."""
    found: Services = current_app.extensions["triage"]
    tenant_id = current_tenant_id()
    if tenant_id == found.complaints.tenant_id:
        return found
    scoped: Services | None = g.get("triage_services")
    if scoped is None or scoped.complaints.tenant_id != tenant_id:
        scoped = dataclasses.replace(
            found,
            complaints=found.complaints.for_tenant(tenant_id),
            stats=found.stats.for_tenant(tenant_id),
        )
        g.triage_services = scoped
    return scoped
