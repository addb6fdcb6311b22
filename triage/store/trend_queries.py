"""What trend work reads from the stored complaints: rows for spike detection and counts per
group value, bounded by local (Asia/Jakarta) days.

Spike detection (:func:`triage.store.alert_refresh.refresh_alerts`, ``GET /v1/trends``) and the
digest group complaints by the columns in :data:`GROUP_COLUMNS` and bound them by local days;
the helpers that check those arguments come first, then :class:`TrendStore`'s queries.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from triage.errors import InputError
from triage.periods import local_day_start
from triage.store.database import Database
from triage.store.schema import Complaint, Correction, as_utc

GROUP_COLUMNS = ("topic", "opd", "kecamatan")


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


class TrendStore(Database):
    """Complaint queries for spike detection, trend charts and the digest."""

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
        query = select(*columns, *([Complaint.text] if text else [])).where(
            Complaint.tenant_id == self.tenant_id
        )
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
            .where(
                Complaint.tenant_id == self.tenant_id,
                Complaint.created_at >= as_utc(start),
                Complaint.created_at < as_utc(end),
            )
            .group_by(value)
            .order_by(func.count().desc(), value)
        )
        with self.session() as session:
            rows = session.execute(query).all()
        return {name if name is not None else "(unknown)": int(n) for name, n in rows}

    def data_version(self) -> tuple[object, ...]:
        """A value that changes whenever a complaint or a correction is added or removed.

        Cheap enough to ask on every request: cached trend results are keyed by it.
        """
        # The newest correction of any tenant: a cheap over-approximation of this one's.
        query = select(
            func.count(Complaint.id),
            func.max(Complaint.id),
            select(func.max(Correction.id)).scalar_subquery(),
        ).where(Complaint.tenant_id == self.tenant_id)
        with self.session() as session:
            return tuple(session.execute(query).one())
