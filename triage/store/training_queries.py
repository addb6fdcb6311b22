"""What retraining and drift read from the store: complaints with their first prediction and
latest correction, and the OPDs of the complaints waiting for review.

A place outside the tenant's gazetteer is never taught to a model: complaints whose place was
found unknown come without their location, and an area-office label named after an unknown
place ("Kecamatan Atlantis") comes as no label.

A complaint a reviewer found to be an external body's business ("bukan wewenang") has that
body's registry name as its corrected OPD ("PT PLN (Persero)"), so that a model retrained on
it learns the referral as a label; one corrected to "local" keeps its OPD.

Each function opens the store at a URL for one query and closes it again: the commands and
notebooks that call them hold no engine of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from triage.errors import InputError
from triage.routing.external_bodies import default_external_bodies
from triage.routing.labels import area_office
from triage.store.database import Database, StoreError
from triage.store.schema import DEFAULT_TENANT_ID, Complaint, Correction, Prediction


def stored_complaints(
    database_url: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    *,
    tenant_id: int = DEFAULT_TENANT_ID,
) -> pd.DataFrame:
    """A tenant's stored complaints with their first prediction and latest correction,
    oldest first.

    Parameters
    ----------
    database_url : str
        The store (see :func:`triage.store.make_engine`).
    tenant_id : int
        Whose complaints (default: the sample city's).
    since, until : datetime, optional
        Timezone-aware window on the complaint's creation time (``until`` exclusive).

    Returns
    -------
    DataFrame
        ``id, source, external_id, created_at`` (UTC) ``, channel, kecamatan, kelurahan,
        title, text, status, opd, topic`` (current labels) ``, predicted_opd, predicted_topic,
        opd_confidence, model_version, corrected_opd, corrected_topic, corrected_at,
        corrected_authority, place_known``; correction columns are empty for complaints
        nobody corrected.  ``corrected_authority`` is what the latest correction that said
        who holds the complaint said (``"local"`` or a body's key); where it names a body
        and no later correction named an OPD, ``corrected_opd`` is that body's registry name.
        Where ``place_known`` is False (the place is not in the gazetteer) ``kecamatan`` and
        ``kelurahan`` are empty, and so is every area-office label (``opd``,
        ``predicted_opd``, ``corrected_opd``); a corrected area office outside the gazetteer
        (sent with ``new_label``) is empty too.

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
    said = (
        select(func.max(Correction.id).label("cid"), Correction.complaint_id)
        .where(Correction.authority.is_not(None))
        .group_by(Correction.complaint_id)
        .subquery()
    )
    verdict = aliased(Correction)
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
            verdict.authority.label("corrected_authority"),
            Complaint.place_known,
            Correction.place_known.label("corrected_place_known"),
        )  # fmt: skip
        .outerjoin(first, first.c.complaint_id == Complaint.id)
        .outerjoin(Prediction, Prediction.id == first.c.pid)
        .outerjoin(last, last.c.complaint_id == Complaint.id)
        .outerjoin(Correction, Correction.id == last.c.cid)
        .outerjoin(said, said.c.complaint_id == Complaint.id)
        .outerjoin(verdict, verdict.id == said.c.cid)
        .where(Complaint.tenant_id == tenant_id)
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
    return _without_unknown_places(_referred(frame))


def _referred(frame: pd.DataFrame) -> pd.DataFrame:
    # The referral as a label: the body's name, as the evaluation counts an external
    # decision right when the complaint is labelled with it.
    bodies = default_external_bodies()
    names = frame["corrected_authority"].map(
        lambda key: bodies[key].name if isinstance(key, str) and key in bodies else None
    )
    # A reviewer who named a city agency after the referral took it back (an external
    # verdict clears the OPD, so a named one is later).
    referred = names.notna() & frame["corrected_opd"].isna()
    frame.loc[referred, "corrected_opd"] = names[referred]
    return frame


def _without_unknown_places(frame: pd.DataFrame) -> pd.DataFrame:
    # known_places() learns every place of the location columns and of area-office labels;
    # "is False" on purpose: NULL (not checked, older rows) is left as it was.
    unknown = frame["place_known"].map(lambda flag: flag is False or flag == 0)
    wrong_office = frame.pop("corrected_place_known").map(lambda flag: flag is False or flag == 0)
    frame["place_known"] = frame["place_known"].map(_flag).astype(object)
    frame.loc[unknown, ["kecamatan", "kelurahan"]] = None
    for column in ("opd", "predicted_opd", "corrected_opd"):
        offices = frame[column].map(_is_area_office)
        frame.loc[unknown & offices, column] = None
    frame.loc[wrong_office, "corrected_opd"] = None
    return frame


def _flag(value: object) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)  # type: ignore[call-overload]


def _is_area_office(label: object) -> bool:
    return isinstance(label, str) and area_office(label) is not None


def open_complaint_opds(database_url: str, *, tenant_id: int = DEFAULT_TENANT_ID) -> dict[str, int]:
    """OPDs of the tenant's complaints waiting for review (not yet corrected), with counts."""
    query = (
        select(Complaint.opd, func.count())
        .where(
            Complaint.tenant_id == tenant_id,
            Complaint.status == "needs_review",
            Complaint.opd.is_not(None),
        )
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
