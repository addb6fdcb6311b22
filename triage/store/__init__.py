"""The complaint store: SQLAlchemy tables and queries (SQLite by default, PostgreSQL in production).

Create the schema with :func:`upgrade` (``triage db upgrade``), then open one of the query
classes on a shared engine::

    engine = make_engine("sqlite:///var/triage.db")
    complaints = ComplaintStore(engine)
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
from triage.store.schema import ROLES, STATUSES
from triage.store.stats import OpdStats, Stats, StatsStore
from triage.store.training_queries import open_complaint_opds, stored_complaints
from triage.store.trend_queries import TrendStore

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ROLES",
    "STATUSES",
    "AlertStore",
    "CaseworkStore",
    "ConcurrentTransitionError",
    "EventRecord",
    "Milestones",
    "ApiClientRecord",
    "ClusterMove",
    "ClusterSize",
    "IncidentLinker",
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
    "TrendStore",
    "current_revision",
    "display_url",
    "hash_key",
    "make_engine",
    "milestones",
    "open_complaint_opds",
    "stored_complaints",
    "upgrade",
]
