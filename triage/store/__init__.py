"""The complaint store: SQLAlchemy tables and queries (SQLite by default, PostgreSQL in production).

Create the schema with :func:`upgrade` (``triage db upgrade``), then open one of the query
classes on a shared engine::

    engine = make_engine("sqlite:///var/triage.db")
    complaints = ComplaintStore(engine)                 # the default tenant's complaints
    theirs = complaints.for_tenant(tenants.get_tenant("surabaya").id)

Every query class works on one tenant's rows (``tenant_id``, default the sample city);
a row of another tenant is not found, as if it did not exist.
"""

from __future__ import annotations

# Imported here so that the alerts table is part of Base.metadata whenever the store is.
from triage.store.alerts import AlertStore
from triage.store.casework_queries import (
    CaseworkStore,
    ConcurrentTransitionError,
    EventRecord,
    Milestones,
    milestones,
)
from triage.store.complaints import (
    ComplaintPage,
    ComplaintRecord,
    ComplaintStore,
    CorrectionRecord,
    IncidentEntry,
    IncidentPage,
    NewComplaint,
    NewPrediction,
    PredictionRecord,
)
from triage.store.database import (
    DEFAULT_DATABASE_URL,
    Database,
    DuplicateError,
    NotFoundError,
    StoreError,
    current_revision,
    display_url,
    make_engine,
    upgrade,
)
from triage.store.incident_queries import ClusterMove, ClusterSize, IncidentLinker, IncidentStore
from triage.store.keys import ApiClientRecord, KeyStore, hash_key
from triage.store.schema import DEFAULT_TENANT, DEFAULT_TENANT_ID, ROLES, STATUSES, TENANT_LEVELS
from triage.store.stats import OpdStats, Stats, StatsStore
from triage.store.tenants import (
    TenantCounts,
    TenantRecord,
    TenantStore,
    UnknownTenantError,
    check_tenant_name,
)
from triage.store.training_queries import open_complaint_opds, stored_complaints
from triage.store.trend_queries import TrendStore

__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_TENANT",
    "DEFAULT_TENANT_ID",
    "ROLES",
    "STATUSES",
    "TENANT_LEVELS",
    "AlertStore",
    "CaseworkStore",
    "ConcurrentTransitionError",
    "EventRecord",
    "Milestones",
    "ApiClientRecord",
    "ClusterMove",
    "ClusterSize",
    "IncidentEntry",
    "IncidentLinker",
    "IncidentPage",
    "IncidentStore",
    "ComplaintPage",
    "ComplaintRecord",
    "ComplaintStore",
    "CorrectionRecord",
    "Database",
    "DuplicateError",
    "KeyStore",
    "NewComplaint",
    "NewPrediction",
    "NotFoundError",
    "OpdStats",
    "PredictionRecord",
    "Stats",
    "StatsStore",
    "StoreError",
    "TenantCounts",
    "TenantRecord",
    "TenantStore",
    "TrendStore",
    "UnknownTenantError",
    "check_tenant_name",
    "current_revision",
    "display_url",
    "hash_key",
    "make_engine",
    "milestones",
    "open_complaint_opds",
    "stored_complaints",
    "upgrade",
]
