"""What a worker holds from start-up on: settings, the loaded model, stores, limiters, metrics.

The stores in :class:`Services` work on the default tenant; :func:`services` hands a request
the same services with its stores on the tenant of the caller's key (``g.tenant_id``, set by
:func:`api.auth.bind_tenant`), so that no view can read another tenant's rows by forgetting.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app, g

from api.config import Settings
from api.errors import ApiError
from api.limits import FailureLimiter, KeyCache, RateLimiter
from api.metrics import Metrics
from api.sessions import SessionSigner
from triage.casework.sla import SlaPolicy
from triage.errors import InputError, ModelError
from triage.model.triage_model import TriageModel
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import RoutingDecision
from triage.store import DEFAULT_TENANT_ID, ComplaintStore, KeyStore, StatsStore, TenantStore
from triage.tenants.gazetteer import Gazetteer
from triage.tenants.registry import AgencyRegistry
from triage.tenants.registry_routing import route_with_registry
from triage.tenants.tenancy import tenant_gazetteer, tenant_registry, tenant_settings


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
    # The tenant's own models (a model directory, or a directory of versions); None: the
    # service's model.
    models_dir: str | None = None
    # The agencies it routes to; a model with a registry layer routes any tenant but the
    # default one to these (RegistryRouted).
    registry: AgencyRegistry | None = None


class RegistryRouted:
    """A model routing to one tenant's registry through its registry layer.

    For a tenant whose agencies are not the ones the model's heads learnt: its decisions name
    the registry's agencies (:func:`triage.tenants.registry_routing.route_with_registry`).
    With a model without the layer every complaint is stored for review, saying why.
    """

    def __init__(self, model: RoutingModel, registry: AgencyRegistry, tenant: str) -> None:
        self._model = model
        self._registry = registry
        self._tenant = tenant
        self._unrouted = (
            f"model {model.version} has no registry layer to route to tenant {tenant}'s "
            "agencies: train one with `triage train --registry FILE` and serve it"
        )

    @property
    def version(self) -> str:
        return self._model.version

    @property
    def labels(self) -> dict[str, list[str]]:
        return {**self._model.labels, "opd": list(self._registry.names)}

    @property
    def metadata(self) -> Any:
        return self._model.metadata

    def decide(
        self,
        records: Sequence[Mapping[str, object]],
        *,
        authority: AuthoritySettings | None = None,
    ) -> list[RoutingDecision]:
        if not isinstance(self._model, TriageModel) or self._model.registry_layer is None:
            # Nothing can name this tenant's agencies yet: every complaint is stored and goes
            # to a person, with what "bukan wewenang" found (national bodies are the same for
            # every city) and why.
            return [
                dataclasses.replace(
                    decision,
                    opd=None,
                    opd_confidence=0.0,
                    topic=None,
                    topic_confidence=None,
                    needs_review=True,
                    alternatives=(),
                    topic_alternatives=(),
                    reasons=(*decision.reasons, self._unrouted),
                )
                for decision in self._model.decide(records, authority=authority)
            ]
        try:
            return route_with_registry(self._model, self._registry, records, authority=authority)
        except InputError as exc:
            raise ApiError(503, "model_unavailable", f"tenant {self._tenant}: {exc}") from None


class TenantModels:
    """The models tenants name in their settings, each loaded once per worker on first use.

    ``load`` takes a directory and returns a ready model (the service's own loader, with its
    hash and smoke checks).  A model promoted later in that directory is served after a
    restart; the service's own model follows promotions as before.
    """

    def __init__(self, load: Callable[[str], RoutingModel]) -> None:
        self._load = load
        self._models: dict[str, RoutingModel] = {}
        self._lock = threading.Lock()

    def get(self, directory: str) -> RoutingModel:
        """The model under ``directory``; a 503 when it cannot be loaded."""
        with self._lock:
            found = self._models.get(directory)
        if found is not None:
            return found
        try:
            model = self._load(directory)
        except ModelError as exc:
            # The tenant's setting is wrong, not the request: say so, without a traceback.
            raise ApiError(503, "model_unavailable", f"this tenant's model: {exc}") from None
        with self._lock:
            self._models.setdefault(directory, model)
            return self._models[directory]


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
            models_dir=None if default else own.models_dir,
            registry=None if default else tenant_registry(record),
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
    tenant_models: TenantModels

    @property
    def tenant(self) -> TenantView:
        """The tenant these services' stores work on."""
        return self.tenants.get(self.complaints.tenant_id)


def current_tenant_id() -> int:
    """The tenant of this request's caller (the default tenant before authentication)."""
    tenant_id: int = g.get("tenant_id", DEFAULT_TENANT_ID)
    return tenant_id


def app_services() -> Services:
    """The services of the current application as built, stores on the default tenant: for
    what belongs to the service rather than a tenant (metrics, the access log)."""
    found: Services = current_app.extensions["triage"]
    return found


def services() -> Services:
    """The services of the current application, their stores (and model) on the caller's
    tenant."""
    found = app_services()
    tenant_id = current_tenant_id()
    if tenant_id == found.complaints.tenant_id:
        return found
    scoped: Services | None = g.get("triage_services")
    if scoped is None or scoped.complaints.tenant_id != tenant_id:
        view = found.tenants.get(tenant_id)
        model = found.model if view.models_dir is None else found.tenant_models.get(view.models_dir)
        if view.registry is not None and (
            view.models_dir is None or getattr(model, "registry_layer", None) is not None
        ):
            # Another city's agencies: through the layer (a tenant's own model without one
            # was trained on its own labels and routes to them as it is).
            model = RegistryRouted(model, view.registry, view.name)
        scoped = dataclasses.replace(
            found,
            model=model,
            complaints=found.complaints.for_tenant(tenant_id),
            stats=found.stats.for_tenant(tenant_id),
        )
        g.triage_services = scoped
    return scoped
