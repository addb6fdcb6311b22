"""Stored spike alerts: the ``alerts`` table, listing and acknowledgement, and the complaint
queries that detection and the digest read.

Rows are written by :func:`triage.store.alert_refresh.refresh_alerts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
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
from sqlalchemy.orm import Mapped, mapped_column

from triage.detectors import STEP_DAYS
from triage.errors import InputError
from triage.store.database import Database, NotFoundError
from triage.store.schema import Base, Complaint, as_utc, utcnow
from triage.trends import TIMEZONE

ALERT_STATUSES = ("open", "acknowledged")
GROUP_COLUMNS = ("topic", "opd", "kecamatan")


class AlertRow(Base):
    """One alert: consecutive alarming periods of one group, as last detected."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("group_columns", "group_key", "freq", "start_date"),
        Index("ix_alerts_status_severity", "status", "severity"),
        Index("ix_alerts_end_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
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

    def to_dict(self, *, with_series: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings); the chart series only when asked."""
        data = asdict(self)
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


def _record(row: AlertRow) -> AlertRecord:
    columns = tuple(row.group_columns.split(","))
    values = row.group_key.split("|") if len(columns) > 1 else [row.group_key]
    return AlertRecord(
        id=row.id,
        group_columns=columns,
        group_key=row.group_key,
        group_values=dict(zip(columns, values, strict=False)),
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
    )


def parse_group(value: str) -> tuple[str, ...]:
    """``"topic,kecamatan"`` as a tuple of known, distinct group columns.

    Raises
    ------
    InputError
        For an empty, unknown or repeated column.
    """
    columns = tuple(part.strip() for part in value.split(","))
    unknown = [c for c in columns if c not in GROUP_COLUMNS]
    if not value.strip() or unknown:
        raise InputError(
            f"unknown group column(s) {unknown or [value]}; use any of {', '.join(GROUP_COLUMNS)}"
            " joined by commas"
        )
    if len(set(columns)) != len(columns):
        raise InputError(f"group column repeated in {value!r}")
    return columns


def local_day_start(day: date) -> datetime:
    """Midnight of ``day`` in Asia/Jakarta, as an aware UTC datetime."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def local_today() -> date:
    """Today's date in Asia/Jakarta."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def check_day(day: date, what: str) -> date:
    """``day`` if its year lies in 1970 to 9000, where moving by days and to UTC are safe."""
    if not 1970 <= day.year <= 9000:
        raise InputError(f"{what} must fall between 1970 and 9000, not {day}")
    return day


class AlertStore(Database):
    """Spike alerts computed from the stored complaints, and their acknowledgement."""

    def complaints_frame(self, until: date | None = None, *, text: bool = True) -> pd.DataFrame:
        """Stored complaints created before the end of local day ``until``, for detection.

        Returns
        -------
        DataFrame
            Columns ``id`` (str), ``created_at`` (aware UTC), ``topic``, ``opd``,
            ``kecamatan`` and, with ``text``, ``text``.
        """
        columns = [
            Complaint.id,
            Complaint.created_at,
            *(getattr(Complaint, c) for c in GROUP_COLUMNS),
        ]
        query = select(*columns, *([Complaint.text] if text else []))
        if until is not None:
            query = query.where(Complaint.created_at < local_day_start(until + timedelta(days=1)))
        with self.session() as session:
            rows = session.execute(query.order_by(Complaint.id)).all()
        names = ["id", "created_at", *GROUP_COLUMNS, *(["text"] if text else [])]
        frame = pd.DataFrame.from_records(rows, columns=names)
        frame["id"] = frame["id"].astype(str)
        frame["created_at"] = pd.to_datetime([as_utc(m) for m in frame["created_at"]], utc=True)
        return frame

    def counts_by(self, column: str, start: datetime, end: datetime) -> dict[str, int]:
        """Complaints created in ``[start, end)`` per value of a group column, most first.

        Missing values count as ``"(unknown)"``.

        Raises
        ------
        InputError
            For a column other than ``topic``, ``opd`` or ``kecamatan``.
        """
        if column not in GROUP_COLUMNS:
            raise InputError(f"unknown group column {column!r}")
        value = getattr(Complaint, column)
        query = (
            select(value, func.count())
            .where(Complaint.created_at >= as_utc(start), Complaint.created_at < as_utc(end))
            .group_by(value)
            .order_by(func.count().desc(), value)
        )
        with self.session() as session:
            rows = session.execute(query).all()
        return {name if name is not None else "(unknown)": int(n) for name, n in rows}

    def get(self, alert_id: int) -> AlertRecord:
        """The alert with this id.

        Raises
        ------
        NotFoundError
            When there is none.
        """
        with self.session() as session:
            row = session.get(AlertRow, alert_id)
            if row is None:
                raise NotFoundError(f"no alert with id {alert_id}")
            return _record(row)

    def list_page(
        self,
        status: str = "open",
        *,
        limit: int = 50,
        offset: int = 0,
        active_since: date | None = None,
        active_until: date | None = None,
    ) -> AlertPage:
        """Alerts of a status (``open``, ``acknowledged`` or ``all``), most severe first.

        Parameters
        ----------
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
        query = select(AlertRow)
        if status != "all":
            query = query.where(AlertRow.status == status)
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
            items = tuple(_record(row) for row in rows)
        return AlertPage(items=items, total=total, limit=limit, offset=offset)

    def acknowledge(self, alert_id: int, by: str, note: str | None = None) -> AlertRecord:
        """Mark an alert acknowledged; acknowledging it again changes nothing.

        Raises
        ------
        NotFoundError
            When there is no such alert.
        """
        with self.session(write=True) as session:
            row = session.get(AlertRow, alert_id)
            if row is None:
                raise NotFoundError(f"no alert with id {alert_id}")
            if row.status != "acknowledged":
                row.status = "acknowledged"
                row.acknowledged_by = by
                row.acknowledged_at = utcnow()
                row.note = note
                session.flush()
            return _record(row)
