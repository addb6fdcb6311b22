"""What retraining and drift read from the store: complaints with their first prediction and
latest correction, and the OPDs of the complaints waiting for review.

Each function opens the store at a URL for one query and closes it again: the commands and
notebooks that call them hold no engine of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.errors import InputError
from triage.store.database import Database, StoreError
from triage.store.schema import Complaint, Correction, Prediction


def stored_complaints(
    database_url: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> pd.DataFrame:
    """Stored complaints with their first prediction and latest correction, oldest first.

    Parameters
    ----------
    database_url : str
        The store (see :func:`triage.store.make_engine`).
    since, until : datetime, optional
        Timezone-aware window on the complaint's creation time (``until`` exclusive).

    Returns
    -------
    DataFrame
        ``id, source, external_id, created_at`` (UTC) ``, channel, kecamatan, kelurahan,
        title, text, status, opd, topic`` (current labels) ``, predicted_opd, predicted_topic,
        opd_confidence, model_version, corrected_opd, corrected_topic, corrected_at``;
        correction columns are empty for complaints nobody corrected.

    Raises
    ------
    StoreError
        When the database cannot be read (unreachable, or not migrated: run
        ``triage db upgrade``).
    """
    first = (
        select(func.min(Prediction.id).label("pid"), Prediction.complaint_id)
        .group_by(Prediction.complaint_id)
        .subquery()
    )
    last = (
        select(func.max(Correction.id).label("cid"), Correction.complaint_id)
        .group_by(Correction.complaint_id)
        .subquery()
    )
    query = (
        select(
            Complaint.id,
            Complaint.source,
            Complaint.external_id,
            Complaint.created_at,
            Complaint.channel,
            Complaint.kecamatan,
            Complaint.kelurahan,
            Complaint.title,
            Complaint.text,
            Complaint.status,
            Complaint.opd,
            Complaint.topic,
            Prediction.opd.label("predicted_opd"),
            Prediction.topic.label("predicted_topic"),
            Prediction.opd_confidence,
            Prediction.model_version,
            Correction.new_opd.label("corrected_opd"),
            Correction.new_topic.label("corrected_topic"),
            Correction.created_at.label("corrected_at"),
        )  # fmt: skip
        .outerjoin(first, first.c.complaint_id == Complaint.id)
        .outerjoin(Prediction, Prediction.id == first.c.pid)
        .outerjoin(last, last.c.complaint_id == Complaint.id)
        .outerjoin(Correction, Correction.id == last.c.cid)
        .order_by(Complaint.created_at, Complaint.id)
    )
    for bound in (since, until):
        if bound is not None and bound.tzinfo is None:
            raise InputError("window bounds must carry a timezone")
    if since is not None:
        query = query.where(Complaint.created_at >= since.astimezone(dt.UTC))
    if until is not None:
        query = query.where(Complaint.created_at < until.astimezone(dt.UTC))
    with _session(database_url) as session:
        result = session.execute(query)
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in ("created_at", "corrected_at"):
        # SQLite hands back naive UTC times; PostgreSQL aware ones.
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def open_complaint_opds(database_url: str) -> dict[str, int]:
    """OPDs of the complaints waiting for review (not yet corrected), with their counts."""
    query = (
        select(Complaint.opd, func.count())
        .where(Complaint.status == "needs_review", Complaint.opd.is_not(None))
        .group_by(Complaint.opd)
    )
    with _session(database_url) as session:
        return {str(opd): int(n) for opd, n in session.execute(query).all()}


@contextmanager
def _session(database_url: str) -> Iterator[Session]:
    """A read session on a store opened for one query, with a hint when a read fails."""
    database = Database.from_url(database_url, must_exist=True)
    try:
        with database.session() as session:
            yield session
    except StoreError as exc:
        raise StoreError(f"{exc} (is the store migrated? run `triage db upgrade`)") from exc
    finally:
        database.dispose()
