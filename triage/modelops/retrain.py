"""Retraining from the complaint store: stored complaints with the admins' corrections applied.

Which stored complaints count as labelled:

- every complaint an admin corrected or confirmed: the latest correction's labels win over
  the model's prediction, and nothing the model predicts later overrides them;
- complaints the model routed on its own (status ``routed``: its confidence passed the
  threshold chosen for the target accuracy) that nobody corrected.  Corrections alone are
  a biased sample (only the hard cases reach the review queue) and too few to retrain on;
  the confident auto-routed ones carry the easy, frequent cases.  ``corrected_only`` turns
  them off, ``min_confidence`` raises their bar.
- complaints still waiting for review are not labelled and are left out.

Texts come from the store's masked column (never ``raw_text``) and are masked again, in case
rows were loaded around the API.  Rows with the same text, title and labels are kept once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.errors import InputError
from triage.periods import LOCAL_TIME
from triage.store import Database, StoreError
from triage.store.schema import Complaint, Correction, Prediction
from triage.text.normalization import mask_if_text, mask_personal_data

TRAINING_COLUMNS = ("created_at", "kecamatan", "kelurahan", "title", "text", "opd", "topic")
# What training_set_from_store reports to its ``progress`` callback, in this order.
STORE_STAGES: tuple[str, ...] = ("read the store", "build the training set")
_RELATIVE = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.I)


@dataclass(frozen=True)
class RetrainingSet:
    """A training table built from the store, and where its rows came from."""

    frame: pd.DataFrame
    stored: int
    corrected: int
    auto_routed: int
    unlabelled: int
    duplicates: int

    def summary(self) -> dict[str, int]:
        """Counts for logs and the model card."""
        return {
            "stored": self.stored,
            "corrected": self.corrected,
            "auto_routed": self.auto_routed,
            "unlabelled": self.unlabelled,
            "duplicates": self.duplicates,
            "rows": len(self.frame),
        }


def parse_since(text: str, now: dt.datetime | None = None, *, flag: str = "--since") -> dt.datetime:
    """A window bound: ``30d`` / ``8w`` before ``now``, or a date (Asia/Jakarta midnight).

    Raises
    ------
    InputError
        When ``text`` is neither; the message names the option ``flag``.
    """
    now = now or dt.datetime.now(dt.UTC)
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return now - dt.timedelta(days=amount * (7 if unit == "w" else 1))
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not a date (use YYYY-MM-DD, or e.g. 30d for the last 30 days)"
        ) from None
    return dt.datetime.combine(day, dt.time(), LOCAL_TIME).astimezone(dt.UTC)


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


def build_training_set(
    stored: pd.DataFrame, *, corrected_only: bool = False, min_confidence: float = 0.0
) -> RetrainingSet:
    """The labelled rows of :func:`stored_complaints`, corrections applied, deduplicated.

    Parameters
    ----------
    stored : DataFrame
        As returned by :func:`stored_complaints`.
    corrected_only : bool
        Leave out auto-routed complaints nobody corrected.
    min_confidence : float
        Minimum OPD confidence of an uncorrected auto-routed complaint.

    Returns
    -------
    RetrainingSet
        ``frame`` has the columns of :data:`TRAINING_COLUMNS`, oldest first.
    """
    corrected = stored["corrected_at"].notna()
    auto = (
        ~corrected
        & (stored["status"] == "routed")
        & stored["opd"].notna()
        & (stored["opd_confidence"].fillna(0) >= min_confidence)
    )
    if corrected_only:
        auto &= False
    labelled = stored[corrected | auto].copy()
    fixed = corrected[corrected | auto]
    # The admin's verdict, not the prediction, for every corrected row.
    labelled.loc[fixed, "opd"] = labelled.loc[fixed, "corrected_opd"]
    labelled.loc[fixed, "topic"] = labelled.loc[fixed, "corrected_topic"]
    labelled["text"] = labelled["text"].fillna("").map(mask_personal_data)
    # A missing title is None, as the store gives it, also where pandas hands over NaN.
    labelled["title"] = labelled["title"].map(_text_or_none).map(mask_if_text)
    before = len(labelled)
    keys = ["text", "title", "opd", "topic"]
    labelled = labelled.drop_duplicates(subset=keys, keep="last")
    frame = labelled.loc[:, list(TRAINING_COLUMNS)].reset_index(drop=True)
    # Local time without offset, as in the complaint files, so that both concatenate and sort.
    local = frame["created_at"].dt.tz_convert(LOCAL_TIME)
    frame["created_at"] = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return RetrainingSet(
        frame=frame,
        stored=len(stored),
        corrected=int(corrected.sum()),
        auto_routed=int(auto.sum()),
        unlabelled=int(len(stored) - (corrected | auto).sum()),
        duplicates=before - len(labelled),
    )


def training_set_from_store(
    database_url: str,
    since: dt.datetime | None = None,
    *,
    corrected_only: bool = False,
    min_confidence: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> RetrainingSet:
    """Read the store and build the training set (see :func:`build_training_set`).

    ``progress``, if given, is called with each stage of :data:`STORE_STAGES` as it starts.

    Raises
    ------
    InputError
        When the store holds no labelled complaint in the window.
    StoreError
        When the database cannot be read.
    """
    report = progress or _ignore
    report(STORE_STAGES[0])
    stored = stored_complaints(database_url, since)
    report(STORE_STAGES[1])
    found = build_training_set(stored, corrected_only=corrected_only, min_confidence=min_confidence)
    if found.frame.empty:
        window = f" since {since:%Y-%m-%d}" if since else ""
        raise InputError(
            f"the store holds no labelled complaints{window} ({found.stored} stored, "
            f"{found.unlabelled} waiting for review)"
        )
    return found


def open_complaint_opds(database_url: str) -> dict[str, int]:
    """OPDs of the complaints waiting for review (not yet corrected), with their counts."""
    query = (
        select(Complaint.opd, func.count())
        .where(Complaint.status == "needs_review", Complaint.opd.is_not(None))
        .group_by(Complaint.opd)
    )
    with _session(database_url) as session:
        return {str(opd): int(n) for opd, n in session.execute(query).all()}


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _ignore(stage: str) -> None:
    """No progress to report to."""


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
