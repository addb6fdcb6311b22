"""Stored spike alerts: the ``alerts`` table, its records, listing and acknowledgement.

Rows and their relations are written by :func:`triage.store.alert_refresh.refresh_alerts`
(whose docstring states which alert is the headline).  An alert with a ``headline_id`` is shown
under that headline: listings for managers (``headlines=True``) give one item per headline with
its related alerts, and acknowledging a headline acknowledges the open alerts under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from triage.errors import InputError
from triage.periods import STEP_DAYS
from triage.store.database import Database, NotFoundError
from triage.store.schema import DEFAULT_TENANT_ID, Base, as_utc, utcnow

ALERT_STATUSES = ("open", "acknowledged")


class AlertRow(Base):
    """One alert: consecutive alarming periods of one group, as last detected."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_columns", "group_key", "freq", "start_date"),
        Index("ix_alerts_status_severity", "status", "severity"),
        Index("ix_alerts_end_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # As for complaints: a default for raw inserts only; refresh_alerts names the tenant.
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), default=DEFAULT_TENANT_ID)
    group_columns: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(512))
    freq: Mapped[str] = mapped_column(String(1))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    periods: Mapped[int] = mapped_column(Integer)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    upperbound: Mapped[float] = mapped_column(Float)
    severity: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    last_year: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    summary_id: Mapped[str] = mapped_column(Text)
    top_words: Mapped[list[str]] = mapped_column(JSON)
    example_ids: Mapped[list[str]] = mapped_column(JSON)
    # {"dates", "observed", "expected", "upperbound", "alarm"}: the chart, as detected.
    series: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    acknowledged_by: Mapped[str | None] = mapped_column(String(255))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The headline this alert is shown under (None: it is a headline itself), as "context" or
    # "where", with the share of the broader alert's rise that the narrower one accounts for.
    headline_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), index=True
    )
    relation: Mapped[str | None] = mapped_column(String(8))
    share: Mapped[float | None] = mapped_column(Float)


@dataclass(frozen=True)
class RelatedAlert:
    """An alert shown under a headline.

    ``relation`` is ``"context"`` (a broader count that the headline's spike lifts, such as
    the city-wide count of a topic) or ``"where"`` (one of the places a broad headline's rise
    happened in).  ``share`` is the part of the broader alert's excess over expected that the
    narrower one accounts for, at most 1.
    """

    id: int
    relation: str
    share: float | None
    group_columns: tuple[str, ...]
    group_key: str
    group_values: dict[str, str]
    start: date
    end: date
    observed: float
    expected: float
    severity: float
    status: str
    summary: str
    summary_id: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["group_columns"] = list(self.group_columns)
        return data


@dataclass(frozen=True)
class AlertRecord:
    """A stored alert; ``group_values`` pairs each group column with its value."""

    id: int
    group_columns: tuple[str, ...]
    group_key: str
    group_values: dict[str, str]
    freq: str
    start: date
    end: date
    periods: int
    observed: float
    expected: float
    upperbound: float
    severity: float
    score: float
    last_year: float | None
    method: str
    reason: str
    summary: str
    summary_id: str
    top_words: tuple[str, ...]
    example_ids: tuple[str, ...]
    status: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    series: dict[str, Any]
    headline_id: int | None = None
    relation: str | None = None
    share: float | None = None
    # The alerts shown under this one, most excess first (filled for headlines when listed
    # with ``headlines=True`` and by ``get``).
    related: tuple[RelatedAlert, ...] = ()

    def to_dict(self, *, with_series: bool = False, with_related: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings); the chart series and the related alerts
        only when asked."""
        data = asdict(self)
        data["related"] = [related.to_dict() for related in self.related]
        if not with_related:
            del data["related"]
        for name in ("start", "end"):
            data[name] = data[name].isoformat()
        for name in ("created_at", "updated_at", "acknowledged_at"):
            data[name] = None if data[name] is None else as_utc(data[name]).isoformat()
        data["group_columns"] = list(self.group_columns)
        data["top_words"] = list(self.top_words)
        data["example_ids"] = list(self.example_ids)
        if not with_series:
            del data["series"]
        return data


@dataclass(frozen=True)
class AlertPage:
    """One page of an alert listing, most severe first."""

    items: tuple[AlertRecord, ...]
    total: int
    limit: int
    offset: int


def group_values(group_columns: str, group_key: str) -> dict[str, str]:
    """The stored ``"topic,kecamatan"`` and ``"Banjir|Coblong"`` as ``{column: value}``."""
    columns = group_columns.split(",")
    values = group_key.split("|") if len(columns) > 1 else [group_key]
    return dict(zip(columns, values, strict=False))


def _related(row: AlertRow) -> RelatedAlert:
    record = _record(row)
    values = {field.name: getattr(record, field.name) for field in fields(RelatedAlert)}
    return RelatedAlert(**{**values, "relation": record.relation or "context"})


def _record(row: AlertRow, related: Sequence[AlertRow] = ()) -> AlertRecord:
    return AlertRecord(
        id=row.id,
        group_columns=tuple(row.group_columns.split(",")),
        group_key=row.group_key,
        group_values=group_values(row.group_columns, row.group_key),
        freq=row.freq,
        start=row.start_date,
        end=row.end_date,
        periods=row.periods,
        observed=row.observed,
        expected=row.expected,
        upperbound=row.upperbound,
        severity=row.severity,
        score=row.score,
        last_year=row.last_year,
        method=row.method,
        reason=row.reason,
        summary=row.summary,
        summary_id=row.summary_id,
        top_words=tuple(row.top_words),
        example_ids=tuple(row.example_ids),
        status=row.status,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=None if row.acknowledged_at is None else as_utc(row.acknowledged_at),
        note=row.note,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        series=dict(row.series),
        headline_id=row.headline_id,
        relation=row.relation,
        share=row.share,
        related=tuple(_related(child) for child in related),
    )


def _children(session: Session, ids: Sequence[int]) -> dict[int, list[AlertRow]]:
    """The alerts shown under each of the headlines ``ids``, most excess first."""
    found: dict[int, list[AlertRow]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(AlertRow)
        .where(AlertRow.headline_id.in_(ids))
        .order_by((AlertRow.observed - AlertRow.expected).desc(), AlertRow.id)
    ).all()
    for row in rows:
        if row.headline_id is not None:
            found[row.headline_id].append(row)
    return found


class AlertStore(Database):
    """Reading the stored spike alerts, and their acknowledgement."""

    def get(self, alert_id: int) -> AlertRecord:
        """The alert with this id, with the alerts shown under it.

        Raises
        ------
        NotFoundError
            When there is none.
        """
        with self.session() as session:
            row = self._own(session, alert_id)
            return _record(row, _children(session, [row.id])[row.id])

    def _own(self, session: Session, alert_id: int) -> AlertRow:
        row = session.get(AlertRow, alert_id)
        # Another tenant's alert is not found, as if it did not exist.
        if row is None or row.tenant_id != self.tenant_id:
            raise NotFoundError(f"no alert with id {alert_id}")
        return row

    def list_page(
        self,
        status: str = "open",
        *,
        limit: int = 50,
        offset: int = 0,
        active_since: date | None = None,
        active_until: date | None = None,
        headlines: bool = False,
    ) -> AlertPage:
        """Alerts of a status (``open``, ``acknowledged`` or ``all``), most severe first.

        Parameters
        ----------
        headlines : bool
            List headline alerts only, each with the alerts shown under it (``related``), as
            a manager reads them.  With a status, an alert under a headline of the other status
            is listed by itself: an open alert folded under an acknowledged headline appeared
            after that acknowledgement, so it is news.  Default: every alert, none related.
        active_since : date, optional
            Only alerts whose last period (day or week) ends on or after this day.
        active_until : date, optional
            Only alerts whose first period starts on or before this day.

        Raises
        ------
        InputError
            For an unknown status or a bad limit or offset.
        """
        if status not in (*ALERT_STATUSES, "all"):
            raise InputError(f"unknown status {status!r}; use open, acknowledged or all")
        if limit < 1 or offset < 0:
            raise InputError("limit must be at least 1 and offset at least 0")
        query = select(AlertRow).where(AlertRow.tenant_id == self.tenant_id)
        if status != "all":
            query = query.where(AlertRow.status == status)
        if headlines and status == "all":
            query = query.where(AlertRow.headline_id.is_(None))
        elif headlines:
            headline = aliased(AlertRow)
            query = query.outerjoin(headline, AlertRow.headline_id == headline.id).where(
                or_(AlertRow.headline_id.is_(None), headline.status != status)
            )
        if active_since is not None:
            query = query.where(
                or_(
                    *(
                        and_(
                            AlertRow.freq == freq,
                            AlertRow.end_date > active_since - timedelta(days),
                        )
                        for freq, days in STEP_DAYS.items()
                    )
                )
            )
        if active_until is not None:
            query = query.where(AlertRow.start_date <= active_until)
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(AlertRow.severity.desc(), AlertRow.id).limit(limit).offset(offset)
            ).all()
            children = _children(session, [row.id for row in rows]) if headlines else {}
            items = tuple(_record(row, children.get(row.id, ())) for row in rows)
        return AlertPage(items=items, total=total, limit=limit, offset=offset)

    def acknowledge(self, alert_id: int, by: str, note: str | None = None) -> AlertRecord:
        """Mark an alert and the open alerts shown under it acknowledged.

        Acknowledging again leaves the alert's first acknowledgement unchanged, but still
        acknowledges alerts folded under it since (a spike that spread to another place).
        The alerts under it are noted as acknowledged with this one.

        Raises
        ------
        NotFoundError
            When there is no such alert.
        """
        with self.session(write=True) as session:
            row = self._own(session, alert_id)
            now = utcnow()
            if row.status != "acknowledged":
                row.status = "acknowledged"
                row.acknowledged_by = by
                row.acknowledged_at = now
                row.note = note
            children = _children(session, [row.id])[row.id]
            for child in children:
                if child.status != "acknowledged":
                    child.status = "acknowledged"
                    child.acknowledged_by = by
                    child.acknowledged_at = now
                    child.note = f"acknowledged with alert #{row.id}" + (
                        f": {row.note}" if row.note else ""
                    )
            session.flush()
            return _record(row, children)
