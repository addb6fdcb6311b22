"""A complaint's life in the store: its append-only events and the one way to add one.

:meth:`CaseworkStore.transition` reads the history, checks the move with
:func:`triage.casework.lifecycle.apply`, appends the event and sets the complaint's state in
one transaction.  Two reviewers moving the same complaint at once must not both succeed from
the same state: on PostgreSQL the complaint row is locked (``SELECT ... FOR UPDATE``); on
SQLite the write transaction starts with ``BEGIN IMMEDIATE``, which serialises writers.  The
``UPDATE ... WHERE state = <the state read>`` and the unique ``(complaint_id, seq)`` catch any
writer that got past both, so the history stays one consistent chain.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.casework.lifecycle import ArchiveReason, Event, State, Transition, apply
from triage.errors import TransitionError
from triage.store.complaint_fields import masked
from triage.store.database import Database, NotFoundError, StoreError
from triage.store.schema import Complaint, ComplaintEvent, as_utc, utcnow
from triage.text.masking import mask_personal_data


class ConcurrentTransitionError(TransitionError):
    """Another transition of the same complaint was committed first; read it and retry."""


@dataclass(frozen=True)
class EventRecord:
    """A stored event: the lifecycle event with its complaint and place in the history."""

    complaint_id: int
    seq: int
    from_state: str
    to_state: str
    actor: str
    role: str
    at: datetime
    reason: str | None
    archive_reason: str | None
    external_body: str | None
    tanggapan: str | None

    def to_event(self) -> Event:
        """The :class:`triage.casework.lifecycle.Event` this row records."""
        return Event(
            actor=self.actor,
            role=self.role,
            at=self.at,
            from_state=State(self.from_state),
            to_state=State(self.to_state),
            why=self.reason or "",
            tanggapan=self.tanggapan,
            archive_reason=ArchiveReason(self.archive_reason) if self.archive_reason else None,
            body=self.external_body,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the time as ISO 8601)."""
        values = asdict(self)
        values["at"] = as_utc(self.at).isoformat()
        return values


def _record(row: ComplaintEvent) -> EventRecord:
    return EventRecord(
        complaint_id=row.complaint_id,
        seq=row.seq,
        from_state=row.from_state,
        to_state=row.to_state,
        actor=row.actor,
        role=row.role,
        at=as_utc(row.at),
        reason=row.reason,
        archive_reason=row.archive_reason,
        external_body=row.external_body,
        tanggapan=row.tanggapan,
    )


class CaseworkStore(Database):
    """Events of complaints, and transitions between lifecycle states."""

    def events(self, complaint_id: int) -> tuple[EventRecord, ...]:
        """The complaint's events, oldest first.

        Raises
        ------
        NotFoundError
            When there is no such complaint.
        """
        with self.session() as session:
            row = session.get(Complaint, complaint_id)
            if row is None or row.tenant_id != self.tenant_id:
                raise NotFoundError(f"no complaint with id {complaint_id}")
            return self._history(session, complaint_id)

    def histories(self, complaint_ids: Iterable[int]) -> dict[int, tuple[EventRecord, ...]]:
        """The events of several complaints at once (a page of the queue), by complaint id."""
        ids = sorted(set(complaint_ids))
        found: dict[int, list[EventRecord]] = {complaint_id: [] for complaint_id in ids}
        if not ids:
            return {}
        with self.session() as session:
            rows = session.scalars(
                select(ComplaintEvent)
                .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
                .where(ComplaintEvent.complaint_id.in_(ids), Complaint.tenant_id == self.tenant_id)
                .order_by(ComplaintEvent.complaint_id, ComplaintEvent.seq)
            ).all()
            for row in rows:
                found[row.complaint_id].append(_record(row))
        return {complaint_id: tuple(events) for complaint_id, events in found.items()}

    def compliance_frame(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> pd.DataFrame:
        """One row per complaint received in ``[start, end)`` with the columns
        :func:`triage.casework.compliance.compliance_by_month` reads: id, agency (the current
        OPD, "(none)" when there is none), received_at and the milestones (NaT when not yet).
        """
        where = [Complaint.tenant_id == self.tenant_id]
        if start is not None:
            where.append(Complaint.received_at >= as_utc(start))
        if end is not None:
            where.append(Complaint.received_at < as_utc(end))
        query = select(Complaint.id, Complaint.opd, Complaint.received_at).where(*where)
        # Joined on the same range rather than an IN list of ids, which has a length limit.
        event_query = (
            select(ComplaintEvent)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(*where)
            .order_by(ComplaintEvent.complaint_id, ComplaintEvent.seq)
        )
        histories: dict[int, list[EventRecord]] = {}
        with self.session() as session:
            complaints = session.execute(query.order_by(Complaint.id)).all()
            for event in session.scalars(event_query):
                histories.setdefault(event.complaint_id, []).append(_record(event))
        rows = []
        for row in complaints:
            done = milestones(histories.get(row.id, ()))
            rows.append(
                {
                    "id": row.id,
                    "agency": row.opd or "(none)",
                    "received_at": as_utc(row.received_at),
                    **{name: getattr(done, name) for name in MILESTONE_COLUMNS},
                }
            )
        columns = ["id", "agency", "received_at", *MILESTONE_COLUMNS]
        frame = pd.DataFrame(rows, columns=columns)
        for column in ("received_at", *MILESTONE_COLUMNS):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    @staticmethod
    def _history(session: Session, complaint_id: int) -> tuple[EventRecord, ...]:
        rows = session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint_id)
            .order_by(ComplaintEvent.seq)
        ).all()
        return tuple(_record(row) for row in rows)

    def transition(
        self,
        complaint_id: int,
        *,
        to_state: str,
        actor: str,
        role: str,
        at: datetime | None = None,
        reason: str | None = None,
        archive_reason: str | None = None,
        external_body: str | None = None,
        tanggapan: str | None = None,
        known_bodies: Collection[str] | None = None,
    ) -> EventRecord:
        """Move a complaint to ``to_state`` and record the event, atomically.

        Parameters
        ----------
        complaint_id : int
            The complaint.
        to_state : str
            A :class:`triage.casework.lifecycle.State` value.
        actor, role : str
            Who moves it (an API key's name) and that key's role.
        at : datetime, optional
            When; now when omitted.
        reason, tanggapan : str, optional
            The note and the answer for the reporter; both masked with
            :func:`triage.text.mask_personal_data` before the check and the store.
        archive_reason, external_body : str, optional
            Needed when archiving and when handing over (``dialihkan``).
        known_bodies : collection of str, optional
            The tenant's external body keys; any well-formed key when None.  Keys are
            compared and stored in lower case ("pln" for the registry's "PLN").

        Returns
        -------
        EventRecord
            The stored event.

        Raises
        ------
        NotFoundError
            When there is no such complaint.
        TransitionError
            An illegal move (see :func:`triage.casework.lifecycle.apply`);
            :class:`ConcurrentTransitionError` when another move won the race.
        RoleError
            The role may not make this move.
        StoreError
            When the database fails.
        """
        move = Transition(
            to_state=to_state,
            actor=mask_personal_data(actor),
            role=role,
            at=as_utc(at) if at is not None else utcnow(),
            why=masked(reason) or "",
            tanggapan=masked(tanggapan),
            archive_reason=archive_reason,
            # The lifecycle takes lower-case body keys; the registry spells them "PLN".
            body=external_body.strip().lower() if external_body else external_body,
        )
        if known_bodies is not None:
            known_bodies = frozenset(key.lower() for key in known_bodies)
        try:
            with self.session(write=True) as session:
                return self._transition(session, complaint_id, move, known_bodies)
        except StoreError as exc:
            # The unique (complaint_id, seq): another writer appended the same step first.
            if isinstance(exc.__cause__, IntegrityError):
                raise self._lost_race(complaint_id) from None
            raise

    def _transition(
        self,
        session: Session,
        complaint_id: int,
        move: Transition,
        known_bodies: Collection[str] | None,
    ) -> EventRecord:
        row = session.scalars(
            select(Complaint)
            .where(Complaint.id == complaint_id, Complaint.tenant_id == self.tenant_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no complaint with id {complaint_id}")
        history = self._history(session, complaint_id)
        event = apply([e.to_event() for e in history], move, known_bodies=known_bodies)
        if event.from_state.value != row.state:
            # The column and the history disagree only if someone wrote one without the other.
            raise TransitionError(
                f"complaint {complaint_id} is {row.state} but its history ends at "
                f"{event.from_state.value}",
                row.state,
                (),
            )
        changed = session.execute(
            update(Complaint)
            .where(Complaint.id == complaint_id, Complaint.state == event.from_state.value)
            .values(state=event.to_state.value)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 1) != 1:
            raise self._lost_race(complaint_id)
        stored = ComplaintEvent(
            complaint_id=complaint_id,
            seq=len(history) + 1,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            actor=event.actor,
            role=event.role,
            at=event.at,
            reason=event.why or None,
            archive_reason=event.archive_reason.value if event.archive_reason else None,
            external_body=event.body,
            tanggapan=event.tanggapan,
        )
        session.add(stored)
        session.flush()
        return _record(stored)

    @staticmethod
    def _lost_race(complaint_id: int) -> ConcurrentTransitionError:
        return ConcurrentTransitionError(
            f"complaint {complaint_id} was moved by someone else meanwhile; "
            "read its events and try again",
            None,
            (),
        )


MILESTONE_COLUMNS = ("verified_at", "disposed_at", "followed_up_at", "resolved_at")
# States that end a complaint's life: every clock still running stops at the move there.
FINAL_STATES = frozenset({"selesai", "diarsipkan", "dialihkan", "ditutup_sistem"})


@dataclass(frozen=True)
class Milestones:
    """When each SLA clock's step was first done (None: not yet), read from the events."""

    verified_at: datetime | None
    disposed_at: datetime | None
    followed_up_at: datetime | None
    resolved_at: datetime | None


def milestones(events: Iterable[EventRecord]) -> Milestones:
    """The first verification, disposition, follow-up and closing in a history.

    Archiving, handing over or closing a complaint also ends the verification, follow-up
    and resolution clocks still running at that moment (nobody owes a follow-up on a
    complaint that is not the city's to answer); only a real disposition counts as one.
    """
    verified = disposed = followed = resolved = None
    for event in events:
        final = event.to_state in FINAL_STATES
        if verified is None and (event.to_state == "terverifikasi" or final):
            verified = event.at
        if disposed is None and event.to_state == "terdisposisi":
            disposed = event.at
        if followed is None and (event.to_state == "ditindaklanjuti" or final):
            followed = event.at
        if resolved is None and final:
            resolved = event.at
    return Milestones(verified, disposed, followed, resolved)
