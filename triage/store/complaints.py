"""Complaints, their predictions and corrections: idempotent ingest, review queue, feedback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from triage.casework.lifecycle import State
from triage.errors import InputError
from triage.routing.external_bodies import default_external_bodies
from triage.store.complaint_fields import check_identifier, differences, masked
from triage.store.database import Database, DuplicateError, NotFoundError, StoreError
from triage.store.incident_queries import IncidentLinker
from triage.store.incident_queue import INCIDENT_KEY, incident_keys, listed
from triage.store.schema import (
    INITIAL_STATE,
    STATUSES,
    Complaint,
    Correction,
    Prediction,
    as_utc,
    utcnow,
)
from triage.text.normalization import mask_personal_data


def authority_choices() -> tuple[str, ...]:
    """What a correction may say about the authority: ``"local"``, then the registry's keys."""
    return ("local", *default_external_bodies())


R = TypeVar("R")
STATES = tuple(state.value for state in State)


@dataclass(frozen=True)
class NewComplaint:
    """A complaint as a source system sends it; its free text (text, title, places, channel)
    is masked before it is stored, and ``source`` and ``external_id`` must hold no personal
    data.  ``place_known`` says whether the place is in the tenant's gazetteer (None: not
    checked)."""

    source: str
    external_id: str
    text: str
    title: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    channel: str | None = None
    created_at: datetime | None = None
    place_known: bool | None = None
    # Found at intake by triage.casework (urgency, completeness); not compared on a retry.
    urgent: bool = False
    urgency_reason: str | None = None
    missing: tuple[str, ...] = ()

    def stored_fields(self) -> dict[str, object]:
        """The compared fields as the store keeps them: masked, times in UTC."""
        return {
            "text": mask_personal_data(self.text),
            "title": masked(self.title),
            "kecamatan": masked(self.kecamatan),
            "kelurahan": masked(self.kelurahan),
            "channel": masked(self.channel),
            "created_at": as_utc(self.created_at) if self.created_at else None,
        }

    def differences(self, stored: ComplaintRecord) -> tuple[str, ...]:
        """The fields (names only) in which this complaint differs from the one ``stored``
        under the same ``(source, external_id)``, compared on the masked values; an absent
        ``created_at`` is not compared."""
        return differences(self.stored_fields(), asdict(stored))


@dataclass(frozen=True)
class NewPrediction:
    """A model's routing decision about to be stored."""

    model_version: str
    opd: str | None
    opd_confidence: float
    topic: str | None
    topic_confidence: float | None
    needs_review: bool
    latency_ms: float
    # Keyword-only, so that records adding fields after these need no defaults.
    authority: str = field(default="local", kw_only=True)
    external_body: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class PredictionRecord(NewPrediction):
    """A stored prediction."""

    created_at: datetime


@dataclass(frozen=True)
class CorrectionRecord:
    """A stored correction."""

    id: int
    corrected_by: str
    created_at: datetime
    old_opd: str | None
    new_opd: str | None
    old_topic: str | None
    new_topic: str | None
    new_label: bool
    reason: str | None
    place_known: bool | None = None
    authority: str | None = None


@dataclass(frozen=True)
class ComplaintRecord:
    """A stored complaint with its latest prediction and all corrections, oldest first."""

    id: int
    source: str
    external_id: str
    channel: str | None
    created_at: datetime
    received_at: datetime
    kecamatan: str | None
    kelurahan: str | None
    place_known: bool | None
    title: str | None
    text: str
    status: str
    opd: str | None
    topic: str | None
    prediction: PredictionRecord | None
    corrections: tuple[CorrectionRecord, ...] = field(default_factory=tuple)
    state: str = INITIAL_STATE
    urgent: bool = False
    urgency_reason: str | None = None
    missing: tuple[str, ...] = ()
    incident_id: int | None = None
    duplicate_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings)."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class ComplaintPage:
    """One page of a complaint listing."""

    items: tuple[ComplaintRecord, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class IncidentEntry:
    """One incident of the queue: its first complaint and the other complaints listed."""

    first: ComplaintRecord
    members: tuple[ComplaintRecord, ...]


@dataclass(frozen=True)
class IncidentPage:
    """One page of the review queue by incident (``total`` counts incidents)."""

    items: tuple[IncidentEntry, ...]
    total: int
    limit: int
    offset: int


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _from_row(cls: type[R], row: object, **computed: object) -> R:
    """A record dataclass filled from the ORM row's attributes of the same names."""
    values: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        if item.name in computed:
            values[item.name] = computed[item.name]
            continue
        value = getattr(row, item.name)
        values[item.name] = as_utc(value) if isinstance(value, datetime) else value
    return cls(**values)


def _record(row: Complaint) -> ComplaintRecord:
    prediction = _from_row(PredictionRecord, row.predictions[-1]) if row.predictions else None
    return _from_row(
        ComplaintRecord,
        row,
        prediction=prediction,
        corrections=tuple(_from_row(CorrectionRecord, c) for c in row.corrections),
        missing=tuple(item for item in (row.missing or "").split(",") if item),
    )


_LOAD = (selectinload(Complaint.predictions), selectinload(Complaint.corrections))
# The review queue: urgent complaints first, then oldest first.
_QUEUE_ORDER = (Complaint.urgent.desc(), Complaint.created_at, Complaint.id)


class ComplaintStore(Database):
    """Queries on complaints.

    Parameters
    ----------
    engine : Engine
        From :func:`triage.store.make_engine`.
    keep_raw_text : bool
        Also store the unmasked text (off by default: the masked text is enough to retrain,
        and unmasked text holds citizens' phone and NIK numbers).
    incidents : IncidentLinker, optional
        Links each complaint :meth:`add` stores to the earlier open ones of its incident
        (default windows and thresholds when omitted).
    """

    def __init__(
        self,
        engine: Any,
        *,
        keep_raw_text: bool = False,
        incidents: IncidentLinker | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(engine, **kwargs)
        self.keep_raw_text = keep_raw_text
        self.incidents = incidents if incidents is not None else IncidentLinker()

    def get(self, complaint_id: int) -> ComplaintRecord:
        """The tenant's complaint with this id.

        Raises
        ------
        NotFoundError
            When there is none (or another tenant's: its existence is not revealed).
        """
        with self.session() as session:
            row = self._own(session, complaint_id)
            return _record(row)

    def _own(self, session: Session, complaint_id: int) -> Complaint:
        row = session.get(Complaint, complaint_id, options=_LOAD)
        if row is None or row.tenant_id != self.tenant_id:
            raise NotFoundError(f"no complaint with id {complaint_id}")
        return row

    def find(self, source: str, external_id: str) -> ComplaintRecord | None:
        """The complaint a source system sent under ``external_id``, or None if not yet seen."""
        with self.session() as session:
            return self._find(session, source, external_id)

    def _find(self, session: Session, source: str, external_id: str) -> ComplaintRecord | None:
        row = session.scalars(
            select(Complaint)
            .where(
                Complaint.tenant_id == self.tenant_id,
                Complaint.source == source,
                Complaint.external_id == external_id,
            )
            .options(*_LOAD)
        ).one_or_none()
        return None if row is None else _record(row)

    def add(self, new: NewComplaint, prediction: NewPrediction) -> tuple[ComplaintRecord, bool]:
        """Store a complaint and its prediction unless the source already sent it.

        Parameters
        ----------
        new : NewComplaint
            The complaint; its text and title are masked with
            :func:`triage.text.mask_personal_data` before storing.
        prediction : NewPrediction
            The routing decision made for it.

        Returns
        -------
        (ComplaintRecord, bool)
            The stored complaint and True, or the complaint stored earlier under the same
            ``(source, external_id)`` and False; a concurrent duplicate loses the race on the
            unique constraint and gets the winner's row.  A new complaint carries its
            ``incident_id`` and ``duplicate_of`` (see :class:`IncidentLinker`).

        Raises
        ------
        InputError
            When the text is empty.
        StoreError
            When the database fails.
        """
        row = self._row(new, prediction, utcnow())
        # Computed before the write transaction, which holds the intake lock.
        features = self.incidents.prepare(row.text, row.created_at, row.kelurahan, row.topic)
        try:
            with self._unique_write() as session:
                session.add(row)
                session.flush()
                self.incidents.link(session, row, features)
                return _record(row), True
        except DuplicateError:
            pass
        with self.session() as session:
            existing = self._find(session, new.source, new.external_id)
        if existing is None:
            # The constraint that failed was not the (source, external_id) one.
            raise StoreError("complaint could not be stored (integrity error)")
        return existing, False

    def add_many(self, complaints: Iterable[tuple[NewComplaint, NewPrediction]]) -> int:
        """Store complaints and their predictions in one transaction (a bulk import).

        Unlike :meth:`add`, a complaint the source already sent is an error, not a no-op:
        a bulk import loads complaints the store has not seen.  The complaints are linked to
        their incidents as :meth:`add` links one, oldest first, in the same transaction.

        Returns
        -------
        int
            Complaints stored.

        Raises
        ------
        InputError
            When a text is empty; nothing is stored.
        DuplicateError
            When a ``(source, external_id)`` is already stored; nothing is stored.
        StoreError
            When the database fails.
        """
        now = utcnow()
        rows = []
        for new, prediction in complaints:
            try:
                rows.append(self._row(new, prediction, now))
            except InputError as exc:
                # Masked: the id may be the very field refused for holding personal data.
                shown = mask_personal_data(new.external_id)
                raise InputError(f"complaint {shown!r}: {exc}") from None
        # Computed before the write transaction, as in add(); linked oldest first.
        order = sorted(range(len(rows)), key=lambda i: (as_utc(rows[i].created_at), i))
        features = [
            self.incidents.prepare(row.text, row.created_at, row.kelurahan, row.topic)
            for row in rows
        ]
        with self._unique_write() as session:
            session.add_all(rows)
            session.flush()
            self.incidents.link_stored(
                session, self.tenant_id, [(rows[i].id, features[i]) for i in order]
            )
        return len(rows)

    def _row(self, new: NewComplaint, prediction: NewPrediction, now: datetime) -> Complaint:
        if not new.text.strip():
            raise InputError("complaint text is empty")
        check_identifier("source", new.source)
        check_identifier("external_id", new.external_id)
        stored = new.stored_fields()
        row = Complaint(
            tenant_id=self.tenant_id,
            source=new.source,
            external_id=new.external_id,
            channel=stored["channel"],
            created_at=as_utc(new.created_at) if new.created_at else now,
            received_at=now,
            kecamatan=stored["kecamatan"],
            kelurahan=stored["kelurahan"],
            place_known=new.place_known,
            title=stored["title"],
            text=stored["text"],
            raw_text=new.text if self.keep_raw_text else None,
            status="needs_review" if prediction.needs_review else "routed",
            opd=prediction.opd,
            topic=prediction.topic,
            state=INITIAL_STATE,
            urgent=new.urgent,
            urgency_reason=masked(new.urgency_reason),
            missing=",".join(new.missing),
            corrections=[],  # known empty: spares a lazy SELECT when the record is built
        )
        row.predictions.append(Prediction(**asdict(prediction), created_at=now))
        return row

    def list_page(
        self,
        *,
        status: str | None = None,
        opd: str | None = None,
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> ComplaintPage:
        """The review queue: urgent complaints first, then oldest first; filtered by status,
        current OPD and lifecycle state.

        Raises
        ------
        InputError
            For an unknown status or state, or a negative limit or offset.
        """
        filters = self._queue_filters(limit, offset, status=status, opd=opd, state=state)
        query = select(Complaint).where(*filters)
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(*_QUEUE_ORDER).limit(limit).offset(offset).options(*_LOAD)
            ).all()
            items = tuple(_record(row) for row in rows)
        return ComplaintPage(items=items, total=total, limit=limit, offset=offset)

    def list_incident_page(
        self, *, limit: int = 50, offset: int = 0, **filters: str | None
    ) -> IncidentPage:
        """The review queue by incident: each incident holding a complaint the filters
        (``status``, ``opd``, ``state``, as :meth:`list_page`) list, its first complaint with
        the others nested, a page of incidents at a time.

        Sorted as :meth:`list_page`: an incident is as urgent as its most urgent listed
        complaint and as old as its oldest open one.  The first complaint is shown even when
        the filters would not list it (the cluster action is taken there); without ``state``
        the members that have ended are left out.  A complaint never looked up is an
        incident of its own.

        Raises
        ------
        InputError
            As :meth:`list_page`.
        """
        conditions = listed(self._queue_filters(limit, offset, **filters), filters.get("state"))
        with self.session() as session:
            total, keys = incident_keys(session, conditions, limit, offset)
            firsts = session.scalars(
                select(Complaint)
                .where(Complaint.id.in_(keys), Complaint.tenant_id == self.tenant_id)
                .options(*_LOAD)
            ).all()
            members = session.scalars(
                select(Complaint)
                .where(*conditions, INCIDENT_KEY.in_(keys), Complaint.id != INCIDENT_KEY)
                .order_by(*_QUEUE_ORDER)
                .options(*_LOAD)
            ).all()
            by_id = {row.id: _record(row) for row in firsts}
            nested: dict[int, list[ComplaintRecord]] = {key: [] for key in keys}
            for row in members:
                nested[row.incident_id or row.id].append(_record(row))
        items = tuple(IncidentEntry(by_id[key], tuple(nested[key])) for key in keys if key in by_id)
        return IncidentPage(items=items, total=total, limit=limit, offset=offset)

    def _queue_filters(
        self,
        limit: int,
        offset: int,
        *,
        status: str | None = None,
        opd: str | None = None,
        state: str | None = None,
    ) -> list[Any]:
        if status is not None and status not in STATUSES:
            raise InputError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        if state is not None and state not in STATES:
            raise InputError(f"unknown state {state!r}; expected one of {', '.join(STATES)}")
        if limit < 1 or offset < 0:
            raise InputError("limit must be at least 1 and offset at least 0")
        conditions: list[Any] = [Complaint.tenant_id == self.tenant_id]
        if status is not None:
            conditions.append(Complaint.status == status)
        if opd is not None:
            conditions.append(Complaint.opd == opd)
        if state is not None:
            conditions.append(Complaint.state == state)
        return conditions

    def correct(
        self,
        complaint_id: int,
        *,
        corrected_by: str,
        opd: str | None = None,
        topic: str | None = None,
        new_label: bool = False,
        reason: str | None = None,
        place_known: bool | None = None,
        authority: str | None = None,
    ) -> ComplaintRecord:
        """Record an admin's labels for a complaint; the complaint's status becomes corrected.

        A correction that repeats the predicted label is a confirmation and counts as a
        correct prediction in the live accuracy.  ``reason`` and ``corrected_by`` are masked;
        ``place_known`` is False when ``opd`` names an area office outside the gazetteer.
        ``authority`` is ``"local"`` or the registry key of the external body the complaint
        belongs to; an external one routes the complaint to no city agency (its OPD is
        cleared), so it cannot come with an OPD.

        Raises
        ------
        InputError
            When neither an OPD, a topic nor an authority is given, an external authority
            comes with an OPD, or a label holds personal data.
        NotFoundError
            When there is no such complaint.
        """
        if opd is None and topic is None and authority is None:
            raise InputError("a correction needs an opd, a topic or an authority")
        if authority is not None and authority not in authority_choices():
            raise InputError(
                f"authority {authority!r} is neither 'local' nor a key of the external bodies' "
                f"registry ({', '.join(authority_choices()[1:])})"
            )
        external = authority is not None and authority != "local"
        if external and opd is not None:
            raise InputError(
                f"authority {authority!r} sends the complaint to that body, not to an opd; "
                "send one of them"
            )
        check_identifier("opd", opd)
        check_identifier("topic", topic)
        with self.session(write=True) as session:
            row = self._own(session, complaint_id)
            row.corrections.append(
                Correction(
                    corrected_by=mask_personal_data(corrected_by),
                    created_at=utcnow(),
                    old_opd=row.opd,
                    new_opd=opd if opd is not None else row.opd,
                    old_topic=row.topic,
                    new_topic=topic if topic is not None else row.topic,
                    new_label=new_label,
                    reason=masked(reason),
                    place_known=place_known,
                    authority=authority,
                )
            )
            if external:
                # Another body's business: no city agency holds it any more.
                row.opd = None
                row.corrections[-1].new_opd = None
            if opd is not None:
                row.opd = opd
            if topic is not None:
                row.topic = topic
            row.status = "corrected"
            session.flush()
            return _record(row)
