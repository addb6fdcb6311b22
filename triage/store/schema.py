"""The complaint store's tables: tenants, complaints, predictions, corrections and API clients.

Every per-tenant row carries ``tenant_id``: complaints, API clients and alerts.  Predictions,
corrections and events belong to a complaint and are scoped through it.

Times are stored in UTC.  SQLite drops the offset, so readers treat naive values as UTC
(see :func:`as_utc`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("routed", "needs_review", "corrected")
INITIAL_STATE = "belum_terverifikasi"
ROLES = ("ingest", "review", "read", "admin")
TENANT_LEVELS = ("kota", "kabupaten", "provinsi")
# Migration 0008 creates the sample city with this id, so that every store opened without a
# tenant (existing callers, notebooks, the workbench) works on it.
DEFAULT_TENANT_ID = 1
DEFAULT_TENANT = "bandung"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Attach UTC to a naive time read back from SQLite; convert aware times to UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tenant(Base):
    """One government (kota, kabupaten or provinsi): its registries, settings and rows."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A slug, [a-z0-9-]+: what operators type after --tenant.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(16))
    # The agency registry as its admin wrote it (triage.tenants.registry), with its digest.
    registry_csv: Mapped[str] = mapped_column(Text)
    registry_digest: Mapped[str] = mapped_column(String(64))
    # kecamatan,kelurahan (triage.tenants.gazetteer); NULL: no places to vet against.
    gazetteer_csv: Mapped[str | None] = mapped_column(Text)
    # Per-tenant settings as JSON text (SLA working days, spike sensitivity, models dir).
    settings: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Complaint(Base):
    """One complaint as received from a source system (LAPOR!, WhatsApp bot, web form)."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "external_id"),
        Index("ix_complaints_status_created_at", "status", "created_at"),
        Index("ix_complaints_created_at", "created_at"),
        Index("ix_complaints_opd_status", "opd", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The default applies only to raw inserts (seeds, fixtures): the store's writers always
    # name the tenant.  The database itself has no default.
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), default=DEFAULT_TENANT_ID)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kecamatan: Mapped[str | None] = mapped_column(String(128))
    kelurahan: Mapped[str | None] = mapped_column(String(128))
    # Whether kecamatan and kelurahan are places of the tenant's gazetteer; NULL when nobody
    # checked (rows stored before the check, bulk imports).  An unknown place is kept as sent
    # (masked) but never taught to a model.
    place_known: Mapped[bool | None] = mapped_column(Boolean)
    title: Mapped[str | None] = mapped_column(Text)
    # Personal data (phones, NIK, e-mails, URLs) masked; raw_text only when the operator
    # explicitly allows storing it.
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    opd: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(255))
    # Where the complaint stands in its life (triage.casework.lifecycle.State); the events
    # table holds how it got there.  Kept here too so that the queue filters without a join.
    state: Mapped[str] = mapped_column(
        String(32), default=INITIAL_STATE, server_default=INITIAL_STATE, index=True
    )
    # Found at intake: an emergency for 112 (and why), and what the reporter must still say
    # (comma-separated items of triage.casework.completeness; empty when nothing is missing).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    urgency_reason: Mapped[str | None] = mapped_column(Text)
    missing: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Found at intake (triage.store.incident_queries): the id of the first complaint of its
    # incident (its own when it starts one), and the original when it is the same complaint
    # sent again.  NULL when never looked up (stored before 0009, bulk imports).
    incident_id: Mapped[int | None] = mapped_column(Integer, index=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer)

    predictions: Mapped[list[Prediction]] = relationship(
        back_populates="complaint", order_by="Prediction.id"
    )
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="complaint", order_by="Correction.id"
    )


class Prediction(Base):
    """What a model version decided for a complaint."""

    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    model_version: Mapped[str] = mapped_column(String(128))
    opd: Mapped[str | None] = mapped_column(String(255))
    opd_confidence: Mapped[float] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(255))
    topic_confidence: Mapped[float | None] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    latency_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "bukan wewenang": "external" with the registry key of the body it belongs to.
    authority: Mapped[str] = mapped_column(String(8), default="local", server_default="local")
    external_body: Mapped[str] = mapped_column(String(64), default="", server_default="")

    complaint: Mapped[Complaint] = relationship(back_populates="predictions")


class Correction(Base):
    """An admin's verdict on a complaint's labels; each one is a training example."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    corrected_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    old_opd: Mapped[str | None] = mapped_column(String(255))
    new_opd: Mapped[str | None] = mapped_column(String(255))
    old_topic: Mapped[str | None] = mapped_column(String(255))
    new_topic: Mapped[str | None] = mapped_column(String(255))
    new_label: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    # False when new_opd is an area office named after a place outside the gazetteer (allowed
    # with new_label): retraining leaves that label out.  NULL when nobody checked.
    place_known: Mapped[bool | None] = mapped_column(Boolean)
    # The reviewer's "bukan wewenang" verdict: "local" or an external body's registry key;
    # NULL when the correction said nothing about it.
    authority: Mapped[str | None] = mapped_column(String(64))

    complaint: Mapped[Complaint] = relationship(back_populates="corrections")


class ApiClient(Base):
    """A caller of the HTTP API; only the sha256 of its key is kept."""

    __tablename__ = "api_clients"
    # Names are unique within a tenant; a key belongs to exactly one tenant.
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), default=DEFAULT_TENANT_ID)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ComplaintEvent(Base):
    """One move of a complaint between lifecycle states; rows are only ever appended."""

    __tablename__ = "complaint_events"
    __table_args__ = (UniqueConstraint("complaint_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    # 1, 2, 3... per complaint: the unique pair makes a second writer of the same step fail.
    seq: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Free text, masked: the verifier's note and what the reporter is told.
    reason: Mapped[str | None] = mapped_column(Text)
    archive_reason: Mapped[str | None] = mapped_column(String(32))
    external_body: Mapped[str | None] = mapped_column(String(64))
    tanggapan: Mapped[str | None] = mapped_column(Text)
