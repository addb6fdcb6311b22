"""Bulk imports of another system's complaints (an SP4N-LAPOR! export): one transaction.

A file is loaded whole or not at all.  A complaint already stored under the same
``(source, external_id)`` is not stored again; when the export says it moved on (a newer
LAPOR! Status), its state follows through the lifecycle's legal moves, each one an event, or
the row is refused.  Imported complaints carry their source's disposition as the OPD and no
prediction: no model decided them.  The new complaints of a file are linked to their
incidents in time order, inside the same transaction, as intake links one complaint
(:class:`triage.store.incident_queries.IncidentLinker`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from triage.casework.lifecycle import ADMIN, INITIAL, TRANSITIONS, State
from triage.errors import InputError
from triage.store.complaint_fields import check_identifier, masked
from triage.store.database import Database, StoreError
from triage.store.incident_queries import IncidentLinker, Prepared
from triage.store.schema import Complaint, ComplaintEvent, as_utc, utcnow
from triage.text.masking import mask_personal_data

# Ids looked up per query: well under every backend's limit of bound parameters.
_CHUNK = 500


@dataclass(frozen=True)
class ImportedComplaint:
    """A complaint as another system exported it; ``row`` is its row in the file.

    ``text``, ``title``, ``kecamatan`` and ``kelurahan`` are masked again before storing;
    ``state`` is a :class:`triage.casework.lifecycle.State` value and ``note`` says where it
    came from.
    """

    row: int
    external_id: str
    text: str
    title: str | None
    created_at: datetime
    kecamatan: str | None
    opd: str | None
    topic: str | None
    state: str
    note: str
    kelurahan: str | None = None

    def stored_text(self) -> str:
        """The text as the store keeps it (masked)."""
        return mask_personal_data(self.text)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: complaints added, stored ones moved on, stored ones left as they were."""

    added: int
    moved: int
    unchanged: int
    events: int


class ImportRowsError(InputError):
    """Rows the store refused (an illegal move, a label with personal data); nothing written.

    ``errors`` holds ``(row, message)`` pairs in file order.
    """

    def __init__(self, errors: Sequence[tuple[int, str]]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"row {row}: {message}" for row, message in self.errors[:5]))


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    return (values[start : start + size] for start in range(0, len(values), size))


def lifecycle_path(start: State, goal: State) -> tuple[State, ...] | None:
    """The shortest chain of legal (admin) moves from ``start`` to ``goal``, ``start``
    excluded; empty when they are the same, None when ``goal`` cannot be reached."""
    before: dict[State, State | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state is goal:
            path: list[State] = []
            step: State | None = state
            while step is not None and step is not start:
                path.append(step)
                step = before[step]
            return tuple(reversed(path))
        for (frm, to), roles in TRANSITIONS.items():
            if frm is state and ADMIN in roles and to not in before:
                before[to] = state
                queue.append(to)
    return None


class ImportStore(Database):
    """Writes of bulk imports into the store's tenant (see :meth:`Database.for_tenant`).

    Parameters
    ----------
    engine : Engine
        From :func:`triage.store.make_engine`.
    incidents : IncidentLinker, optional
        Links the new complaints of an import to their incidents (default windows and
        thresholds when omitted, as at intake).
    """

    def __init__(
        self, engine: Any, *, incidents: IncidentLinker | None = None, **kwargs: Any
    ) -> None:
        super().__init__(engine, **kwargs)
        self.incidents = incidents if incidents is not None else IncidentLinker()

    def import_complaints(
        self,
        source: str,
        complaints: Iterable[ImportedComplaint],
        *,
        actor: str = "import",
        channel: str | None = None,
    ) -> ImportSummary:
        """Store a file's complaints in the store's tenant in one transaction, or none.

        Parameters
        ----------
        source : str
            The source system ("lapor"); with each ``external_id`` the key of idempotence
            within the tenant (another tenant may hold the same ids).
        complaints : iterable of ImportedComplaint
            The file's rows, each ``external_id`` once.
        actor : str
            Who the lifecycle events name.
        channel : str, optional
            Stored as every new complaint's channel.

        Returns
        -------
        ImportSummary
            A second import of the same file adds and changes nothing.  The complaints
            added are linked to their incidents oldest first, each among the open complaints
            stored before it (earlier ones of the file included); every one gets its
            signature, so a closed one is seen as closed by later intakes.

        Raises
        ------
        ImportRowsError
            Naming every refused row.
        StoreError
            When the database fails (nothing is written).
        """
        check_identifier("source", source)
        items = list(complaints)
        now = utcnow()
        # The features cost more than the lookups: computed before the write transaction
        # (which holds the intake lock) for the rows not stored yet.
        prepared = self._prepare(source, items)
        with self.session(write=True) as session:
            stored = self._stored(session, source, items, lock=True)
            errors: list[tuple[int, str]] = []
            new: list[tuple[ImportedComplaint, tuple[State, ...]]] = []
            moves: list[tuple[int, State, tuple[State, ...], ImportedComplaint]] = []
            unchanged = 0
            for item in items:
                try:
                    for name, value in (("external_id", item.external_id), ("opd", item.opd)):
                        check_identifier(name, value)
                    check_identifier("topic", item.topic)
                except InputError as exc:
                    errors.append((item.row, str(exc)))
                    continue
                goal = State(item.state)
                if item.external_id not in stored:
                    new.append((item, lifecycle_path(INITIAL, goal) or ()))
                    continue
                complaint_id, state = stored[item.external_id]
                current = State(state)
                path = lifecycle_path(current, goal)
                if path is None:
                    errors.append(
                        (
                            item.row,
                            f"stored as {current.value}, which cannot become {goal.value} "
                            "by any legal move; nothing changed",
                        )
                    )
                elif path:
                    moves.append((complaint_id, current, path, item))
                else:
                    unchanged += 1
            if errors:
                raise ImportRowsError(errors)
            ids, events = self._add(session, self.tenant_id, source, channel, new, now, actor)
            self._link(session, [item for item, _ in new], ids, prepared)
            events += self._move(session, moves, now, actor)
        return ImportSummary(added=len(new), moved=len(moves), unchanged=unchanged, events=events)

    def _prepare(
        self, source: str, items: Sequence[ImportedComplaint]
    ) -> dict[str, Prepared | None]:
        """The incident features of the rows not stored yet, by external id."""
        with self.session() as session:
            stored = self._stored(session, source, items, lock=False)
        return {
            item.external_id: self._features(item)
            for item in items
            if item.external_id not in stored
        }

    def _stored(
        self, session: Any, source: str, items: Sequence[ImportedComplaint], *, lock: bool
    ) -> dict[str, tuple[int, str]]:
        """The id and state of each of ``items`` already stored, by external id (rows locked
        for the import's writes with ``lock``)."""
        stored: dict[str, tuple[int, str]] = {}
        for chunk in _chunks([item.external_id for item in items], _CHUNK):
            query = select(Complaint.id, Complaint.external_id, Complaint.state).where(
                Complaint.tenant_id == self.tenant_id,
                Complaint.source == source,
                Complaint.external_id.in_(chunk),
            )
            found = session.execute(query.with_for_update() if lock else query)
            stored.update({row.external_id: (row.id, row.state) for row in found})
        return stored

    def _features(self, item: ImportedComplaint) -> Prepared | None:
        return self.incidents.prepare(
            item.stored_text(), as_utc(item.created_at), masked(item.kelurahan), item.topic
        )

    def _link(
        self,
        session: Any,
        new: Sequence[ImportedComplaint],
        ids: Sequence[int],
        prepared: dict[str, Prepared | None],
    ) -> None:
        """Link the added complaints in time order (the file's order among equal times)."""
        order = sorted(range(len(new)), key=lambda i: (as_utc(new[i].created_at), new[i].row))
        # A row stored by another import since _prepare ran was not new there: computed here.
        for i in order:
            if new[i].external_id not in prepared:
                prepared[new[i].external_id] = self._features(new[i])
        self.incidents.link_stored(
            session, self.tenant_id, [(ids[i], prepared[new[i].external_id]) for i in order]
        )

    @staticmethod
    def _add(
        session: Any,
        tenant_id: int,
        source: str,
        channel: str | None,
        new: Sequence[tuple[ImportedComplaint, tuple[State, ...]]],
        now: datetime,
        actor: str,
    ) -> tuple[list[int], int]:
        """Insert the new complaints and their events: their ids (in order) and the events."""
        if not new:
            return [], 0
        values = [
            {
                "tenant_id": tenant_id,
                "source": source,
                "external_id": item.external_id,
                "channel": channel,
                "created_at": as_utc(item.created_at),
                "received_at": now,
                "kecamatan": masked(item.kecamatan),
                "kelurahan": masked(item.kelurahan),
                "place_known": None,
                "title": masked(item.title),
                "text": item.stored_text(),
                "raw_text": None,
                "status": "routed" if item.opd else "needs_review",
                "opd": item.opd,
                "topic": item.topic,
                "state": path[-1].value if path else INITIAL.value,
                "urgent": False,
                "urgency_reason": None,
                "missing": "",
            }
            for item, path in new
        ]
        ids = session.scalars(
            insert(Complaint).returning(Complaint.id, sort_by_parameter_order=True), values
        ).all()
        chains = [
            (complaint_id, INITIAL, path, item)
            for complaint_id, (item, path) in zip(ids, new, strict=True)
        ]
        return list(ids), _append_events(session, chains, {}, now, actor)

    @staticmethod
    def _move(
        session: Any,
        moves: Sequence[tuple[int, State, tuple[State, ...], ImportedComplaint]],
        now: datetime,
        actor: str,
    ) -> int:
        if not moves:
            return 0
        ids = [complaint_id for complaint_id, *_ in moves]
        last: dict[int, int] = {}
        for chunk in _chunks(ids, _CHUNK):
            found = session.execute(
                select(ComplaintEvent.complaint_id, func.max(ComplaintEvent.seq))
                .where(ComplaintEvent.complaint_id.in_(chunk))
                .group_by(ComplaintEvent.complaint_id)
            )
            last.update({complaint_id: seq for complaint_id, seq in found})
        for complaint_id, current, path, _item in moves:
            changed = session.execute(
                update(Complaint)
                .where(Complaint.id == complaint_id, Complaint.state == current.value)
                .values(state=path[-1].value)
                .execution_options(synchronize_session=False)
            )
            if getattr(changed, "rowcount", 1) != 1:
                raise StoreError(f"complaint {complaint_id} was moved meanwhile; import again")
        return _append_events(session, moves, last, now, actor)


def _append_events(
    session: Any,
    chains: Sequence[tuple[int, State, tuple[State, ...], ImportedComplaint]],
    last: dict[int, int],
    now: datetime,
    actor: str,
) -> int:
    """One event per move of each chain, numbered on from the complaint's last event."""
    rows = []
    for complaint_id, current, path, item in chains:
        seq = last.get(complaint_id, 0)
        before = current
        for state in path:
            seq += 1
            rows.append(
                {
                    "complaint_id": complaint_id,
                    "seq": seq,
                    "from_state": before.value,
                    "to_state": state.value,
                    "actor": actor,
                    "role": ADMIN,
                    "at": now,
                    "reason": masked(item.note),
                    "archive_reason": None,
                    "external_body": None,
                    "tanggapan": None,
                }
            )
            before = state
    if rows:
        session.execute(insert(ComplaintEvent), rows)
    return len(rows)
