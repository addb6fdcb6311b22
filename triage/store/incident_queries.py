"""Incidents in the store: the intake lookup, cluster sizes for the queue, cluster actions.

The lookup runs inside the intake's write transaction, against the store, so that it sees
what every worker and every earlier process stored (no per-process index to rebuild):

* ``incident_signatures`` keeps, per complaint, what :class:`IncidentIndex.match` compares
  (folded kelurahan and topic, streets, content words, the MinHash of its shingles); an index
  on ``(place, created_at)`` gives the open complaints of one kelurahan inside the window.
* ``incident_bands`` keeps the MinHash LSH band keys of the complaints of the last
  ``duplicate_window`` (older rows are pruned at intake): the same text sent again from
  another or no kelurahan is found through a shared band, never by a scan.

Two intakes at once must not both miss each other: on SQLite the write transaction starts
with ``BEGIN IMMEDIATE`` (writers run one at a time); on PostgreSQL the lookup takes a
transaction-level advisory lock, so intakes link one after the other while the rest of
the service reads on.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from triage.casework.incidents import Candidate, Features, IncidentIndex, Link
from triage.casework.lifecycle import Transition
from triage.errors import InputError, TransitionError
from triage.store.casework_queries import FINAL_STATES, CaseworkStore, EventRecord
from triage.store.complaint_fields import masked
from triage.store.database import NotFoundError
from triage.store.schema import Base, Complaint, as_utc, utcnow
from triage.text.masking import mask_personal_data

# Any constant: the one advisory lock PostgreSQL intakes take while they link.
_PG_LOCK = 0x7472_6961_6765
# Band rows are kept this long past the duplicate window, for complaints sent a little late.
_BAND_SLACK = timedelta(days=1)
_PRUNE_BATCH = 500
# A bulk link prunes the bands when its complaints' times have moved on this far.
_BULK_PRUNE_STEP = timedelta(hours=12)
# The cluster actions: what resolving or archiving a cluster's first complaint may extend.
CLUSTER_STATES = ("selesai", "diarsipkan")


class IncidentSignature(Base):
    """What a complaint is compared on at intake (derived from its stored text)."""

    __tablename__ = "incident_signatures"
    __table_args__ = (Index("ix_incident_signatures_place_created_at", "place", "created_at"),)

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True
    )
    # Kelurahan and topic folded (lower case, single spaces); NULL when unknown.
    place: Mapped[str | None] = mapped_column(String(128))
    topic: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    streets: Mapped[str] = mapped_column(Text)  # "|"-separated
    words: Mapped[str] = mapped_column(Text)  # space-separated stems
    minhash: Mapped[bytes] = mapped_column(LargeBinary)  # little-endian uint32 per permutation


class IncidentBand(Base):
    """One MinHash LSH band key of a recent complaint."""

    __tablename__ = "incident_bands"
    __table_args__ = (Index("ix_incident_bands_band_created_at", "band", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    band: Mapped[int] = mapped_column(BigInteger)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Prepared:
    """A complaint's features, computed before the intake's transaction begins."""

    features: Features
    bands: tuple[int, ...]


class IncidentLinker:
    """Links each stored complaint to the earlier open ones of its incident, at intake.

    Parameters
    ----------
    index : IncidentIndex, optional
        Its windows and thresholds judge the candidates (its in-memory index stays empty).
    """

    def __init__(self, index: IncidentIndex | None = None) -> None:
        self.index = index if index is not None else IncidentIndex()

    def prepare(
        self, text_: str, created_at: datetime, kelurahan: str | None, topic: str | None
    ) -> Prepared | None:
        """The features of a complaint, or None when its text has no words to compare."""
        try:
            features = self.index.features(text_, created_at, kelurahan=kelurahan, topic=topic)
        except InputError:
            return None
        return Prepared(features, tuple(self.index.bands(features)))

    def link(self, session: Session, row: Complaint, prepared: Prepared | None) -> Link | None:
        """Find ``row``'s incident and store its signature, inside the intake's transaction.

        ``row`` must be flushed (it has its id).  Sets ``row.incident_id`` (its own id when it
        starts an incident) and ``row.duplicate_of``.
        """
        (found,) = self.link_stored(session, row.tenant_id, [(row.id, prepared)])
        incident, original, link = found
        # Written by link_stored; the row object learns the values without a second UPDATE.
        set_committed_value(row, "incident_id", incident)
        set_committed_value(row, "duplicate_of", original)
        return link

    def link_stored(
        self,
        session: Session,
        tenant_id: int,
        complaints: Sequence[tuple[int, Prepared | None]],
    ) -> list[tuple[int, int | None, Link | None]]:
        """Link complaints already written in this transaction, one after the other, as
        intake would have (a bulk import passes them oldest first).

        Each is looked up among the open, signed complaints of ``tenant_id`` — those linked
        before it in this call included — then its link and signature are written, so a
        complaint closed when it is stored is signed but never a candidate.

        Returns
        -------
        list of (incident_id, duplicate_of, Link or None)
            In the order given; the link is None for a text with no words to compare (it
            starts its own incident).
        """
        if session.get_bind().dialect.name == "postgresql":
            if any(prepared is not None for _, prepared in complaints):
                # Once per transaction: the lock is held until it ends.
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            if len(complaints) > 1:
                # The signatures grow from none while a bulk links: a generic plan made for
                # the first few (a scan) would be kept for all of them (10 ms each at 8,000).
                session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        connection = session.connection()
        done: list[tuple[int, int | None, Link | None]] = []
        pruned: datetime | None = None
        for complaint_id, prepared in complaints:
            if prepared is None:
                connection.execute(
                    _SET_LINK,
                    {"complaint": complaint_id, "incident": complaint_id, "original": None},
                )
                done.append((complaint_id, None, None))
                continue
            found = self.lookup(session, prepared, tenant_id)
            link = self.index.match(str(complaint_id), prepared.features, **found)
            incident = int(link.incident)
            original = int(link.duplicate_of) if link.duplicate_of else None
            connection.execute(
                _SET_LINK, {"complaint": complaint_id, "incident": incident, "original": original}
            )
            self._store(session, complaint_id, prepared)
            done.append((incident, original, link))
            # Bands only find duplicates inside the duplicate window: older ones go, so that
            # the table holds about two days of intake whatever the history.
            limit = self._band_limit(prepared)
            if len(complaints) == 1:
                # At intake, a batch at a time: no intake waits for a backlog of old rows.
                connection.execute(_PRUNE, {"limit": limit})
            elif pruned is None or limit - pruned >= _BULK_PRUNE_STEP:
                # In bulk, all at once and seldom: rows deleted earlier in the transaction stay
                # in the index until it commits, and a prune per complaint would walk them all
                # again each time (minutes for 8,000 complaints on PostgreSQL).
                connection.execute(_PRUNE_ALL, {"limit": limit})
                pruned = limit
        return done

    def _band_limit(self, prepared: Prepared) -> datetime:
        created_at = datetime.fromtimestamp(prepared.features.when, UTC)
        return created_at - self.index.duplicate_window - _BAND_SLACK

    def lookup(
        self, session: Session, prepared: Prepared, tenant_id: int
    ) -> dict[str, list[Candidate]]:
        """The open candidates of ``tenant_id``'s complaints: by shared LSH band (duplicates)
        and by kelurahan (incidents), read in one statement."""
        features = prepared.features
        place, topic = features.place is not None, features.topic is not None
        statement = _candidates_query(len(prepared.bands), place, place and topic)
        if statement is None:
            return {"duplicates": [], "incidents": []}
        now = datetime.fromtimestamp(features.when, UTC)
        values: dict[str, Any] = {"tenant": tenant_id}
        values.update((f"band{number}", band) for number, band in enumerate(prepared.bands))
        if features.place is not None:
            values.update(place=features.place, since=now - self.index.horizon(), now=now)
            if features.topic is not None:
                values["topic"] = features.topic
        # On the session's connection, in its transaction: no ORM flush, prepared statements.
        rows = session.connection().execute(statement, values).all()
        return self._judged(features, rows)

    def _judged(self, features: Features, rows: Sequence[Any]) -> dict[str, list[Candidate]]:
        """The rows that :meth:`IncidentIndex.match` could link, as candidates: the MinHash
        similarity of all of them in one comparison, then only the rows worth judging are
        built (most of a kelurahan's complaints name another street)."""
        result: dict[str, list[Candidate]] = {"duplicates": [], "incidents": []}
        if not rows:
            return result
        values = np.frombuffer(b"".join(r.minhash for r in rows), dtype="<u4")
        similarities = (values.reshape(len(rows), -1) == features.hashvalues).mean(axis=1)
        lowest = self.index.lowest_duplicate_similarity
        for row, similarity in zip(rows, similarities.tolist(), strict=True):
            when = as_utc(row.created_at).timestamp()
            if row.by_band:
                # Only the time and MinHash of a band hit are read: the match compares
                # nothing else for a duplicate (a kelurahan's own come with the place rows).
                if similarity >= lowest:
                    result["duplicates"].append(_candidate(row, when, whole=False))
            elif self.index.worth_judging(
                features,
                when=when,
                place=row.place,
                topic=row.topic,
                streets=row.streets.split("|") if row.streets else (),
                similarity=similarity,
            ):
                result["incidents"].append(_candidate(row, when))
        return result

    def _store(self, session: Session, complaint_id: int, prepared: Prepared) -> None:
        features = prepared.features
        created_at = datetime.fromtimestamp(features.when, UTC)
        connection = session.connection()
        connection.execute(insert(IncidentSignature), signature_row(complaint_id, features))
        if prepared.bands:
            connection.execute(
                insert(IncidentBand),
                [
                    {"band": band, "complaint_id": complaint_id, "created_at": created_at}
                    for band in prepared.bands
                ],
            )


def signature_row(complaint_id: int, features: Features) -> dict[str, Any]:
    """The ``incident_signatures`` row of a complaint (for intake and bulk loads)."""
    return {
        "complaint_id": complaint_id,
        "place": features.place,
        "topic": features.topic,
        "created_at": datetime.fromtimestamp(features.when, UTC),
        "streets": "|".join(sorted(features.streets)),
        "words": " ".join(sorted(features.words)),
        "minhash": np.asarray(features.hashvalues, dtype="<u4").tobytes(),
    }


_COLUMNS = (
    IncidentSignature.complaint_id,
    IncidentSignature.created_at,
    IncidentSignature.place,
    IncidentSignature.topic,
    IncidentSignature.streets,
    IncidentSignature.words,
    IncidentSignature.minhash,
    Complaint.incident_id,
    Complaint.duplicate_of,
)


_SET_LINK = (
    update(Complaint)
    .where(Complaint.id == bindparam("complaint"))
    .values(incident_id=bindparam("incident"), duplicate_of=bindparam("original"))
    .execution_options(synchronize_session=False)
)
# The final states as literals: constants of this code, so the statement is rendered once
# (no list expanded at each execution) and a prepared statement's generic plan sees them.
_STILL_OPEN = Complaint.state.not_in([literal_column(f"'{s}'") for s in sorted(FINAL_STATES)])
# Complaints of another tenant are never candidates (kelurahan names repeat across cities).
_SAME_TENANT = Complaint.tenant_id == bindparam("tenant")
_CANDIDATES = (
    select(*_COLUMNS)
    .join(Complaint, Complaint.id == IncidentSignature.complaint_id)
    .where(_SAME_TENANT, _STILL_OPEN)
)
# Incident candidates: the open complaints of one kelurahan inside the longest window.
_BY_PLACE = _CANDIDATES.add_columns(literal_column("0").label("by_band")).where(
    IncidentSignature.place == bindparam("place"),
    IncidentSignature.created_at >= bindparam("since"),
    IncidentSignature.created_at <= bindparam("now"),
)
# A complaint with a topic is compared with those of its topic and those without one.
_BY_PLACE_TOPIC = _BY_PLACE.where(
    or_(IncidentSignature.topic == bindparam("topic"), IncidentSignature.topic.is_(None))
)


@cache
def _candidates_query(bands: int, place: bool, topic: bool) -> Any:
    """The statement reading a complaint's candidates (its ``bands`` band keys, its
    kelurahan, its topic), in one round trip while the intake lock is held; None when
    nothing can match."""
    parts = []
    if bands:
        # Duplicate candidates from any or no kelurahan: the complaints sharing a band, by
        # the band index and then by primary key.  No time condition: with one,
        # PostgreSQL's generic plan for the prepared statement scanned the time index
        # (15 ms at 1M); pruning keeps two days of bands, and the match checks the window.
        # One parameter per band (their number is the index's), not a list to expand.
        keys = [bindparam(f"band{number}", type_=BigInteger) for number in range(bands)]
        hits = select(IncidentBand.complaint_id).where(IncidentBand.band.in_(keys))
        parts.append(
            _CANDIDATES.add_columns(literal_column("1").label("by_band")).where(
                IncidentSignature.complaint_id.in_(hits)
            )
        )
    if place:
        parts.append(_BY_PLACE_TOPIC if topic else _BY_PLACE)
    if len(parts) > 1:
        return union_all(*parts)
    return parts[0] if parts else None


_PRUNE = (
    delete(IncidentBand)
    .where(
        IncidentBand.id.in_(
            select(IncidentBand.id)
            .where(IncidentBand.created_at < bindparam("limit"))
            .limit(_PRUNE_BATCH)
            .scalar_subquery()
        )
    )
    .execution_options(synchronize_session=False)
)
_PRUNE_ALL = (
    delete(IncidentBand)
    .where(IncidentBand.created_at < bindparam("limit"))
    .execution_options(synchronize_session=False)
)


def _candidate(row: Any, when: float, *, whole: bool = True) -> Candidate:
    """A candidate from a row; not ``whole``: only its time and MinHash (a band hit)."""
    complaint_id = row.complaint_id
    streets = row.streets.split("|") if whole and row.streets else ()
    return Candidate(
        id=str(complaint_id),
        features=Features(
            when=when,
            place=row.place if whole else None,
            topic=row.topic if whole else None,
            reporter=None,
            streets=frozenset(streets),
            words=frozenset(row.words.split()) if whole else frozenset(),
            hashvalues=np.frombuffer(row.minhash, dtype="<u4"),
        ),
        incident=str(row.incident_id or complaint_id),
        original=str(row.duplicate_of or complaint_id),
    )


@dataclass(frozen=True)
class ClusterSize:
    """How many complaints an incident holds, and how many of them are still open."""

    size: int
    open: int


@dataclass(frozen=True)
class ClusterMove:
    """What a cluster action did: the events (the first complaint's first) and the members
    skipped because they had already ended (id and state)."""

    events: tuple[EventRecord, ...]
    skipped: tuple[tuple[int, str], ...]


class IncidentStore(CaseworkStore):
    """Incidents as the queue and the reviewers see them."""

    def cluster_sizes(self, incident_ids: Iterable[int]) -> dict[int, ClusterSize]:
        """Size and open members of each incident (its first complaint's id) asked for."""
        ids = sorted(set(incident_ids))
        if not ids:
            return {}
        still_open = case((Complaint.state.not_in(FINAL_STATES), 1), else_=0)
        query = (
            select(Complaint.incident_id, func.count(), func.sum(still_open))
            .where(Complaint.incident_id.in_(ids), Complaint.tenant_id == self.tenant_id)
            .group_by(Complaint.incident_id)
        )
        with self.session() as session:
            rows = session.execute(query).all()
        return {int(i): ClusterSize(int(n), int(o or 0)) for i, n, o in rows}

    def open_members(self, first_id: int) -> tuple[int, ...]:
        """The other open complaints of the incident ``first_id`` starts, oldest id first."""
        with self.session() as session:
            return self._members(session, first_id, open_only=True)

    @staticmethod
    def _members(session: Session, first_id: int, *, open_only: bool) -> tuple[int, ...]:
        query = select(Complaint.id).where(
            Complaint.incident_id == first_id,
            Complaint.id != first_id,
        )
        if open_only:
            query = query.where(Complaint.state.not_in(FINAL_STATES))
        return tuple(session.scalars(query.order_by(Complaint.id)))

    def transition_cluster(
        self,
        first_id: int,
        *,
        to_state: str,
        actor: str,
        role: str,
        reason: str | None = None,
        archive_reason: str | None = None,
        tanggapan: str | None = None,
        known_bodies: Collection[str] | None = None,
    ) -> ClusterMove:
        """Move an incident's first complaint and every open member to ``to_state``, with an
        event for each, in one transaction: all of them or, on any illegal move, none.

        Raises
        ------
        NotFoundError
            When there is no such complaint.
        TransitionError
            ``to_state`` is not selesai or diarsipkan, the complaint belongs to an incident
            started by another one (act on that one), or a move is illegal for the first or
            for a member (the message names it); nothing is written.  :class:`RoleError`
            when the role may not make it.
        """
        if to_state not in CLUSTER_STATES:
            raise TransitionError(
                f"a whole incident can only be moved to {' or '.join(CLUSTER_STATES)}, "
                f"not {to_state!r}",
                None,
                CLUSTER_STATES,
            )
        move = Transition(
            to_state=to_state,
            actor=mask_personal_data(actor),
            role=role,
            at=utcnow(),
            why=masked(reason) or "",
            tanggapan=masked(tanggapan),
            archive_reason=archive_reason,
        )
        bodies = frozenset(k.lower() for k in known_bodies) if known_bodies is not None else None
        with self.session(write=True) as session:
            first = session.get(Complaint, first_id)
            # Another tenant's complaint is not found, as if it did not exist.
            if first is None or first.tenant_id != self.tenant_id:
                raise NotFoundError(f"no complaint with id {first_id}")
            if first.incident_id not in (None, first_id):
                raise TransitionError(
                    f"complaint {first_id} belongs to the incident of complaint "
                    f"{first.incident_id}; move that one with its cluster",
                    first.state,
                    (),
                )
            events = [self._transition(session, first_id, move, bodies)]
            skipped: list[tuple[int, str]] = []
            for member in self._members(session, first_id, open_only=False):
                state = session.scalar(
                    select(Complaint.state).where(Complaint.id == member).with_for_update()
                )
                if state in FINAL_STATES:
                    skipped.append((member, str(state)))
                    continue
                try:
                    events.append(self._transition(session, member, move, bodies))
                except TransitionError as exc:
                    raise type(exc)(
                        f"complaint {member} of the incident of complaint {first_id}: {exc}; "
                        "nothing was moved",
                        exc.current,
                        exc.allowed,
                    ) from None
        return ClusterMove(tuple(events), tuple(skipped))


__all__: Sequence[str] = (
    "CLUSTER_STATES",
    "ClusterMove",
    "ClusterSize",
    "IncidentBand",
    "IncidentLinker",
    "IncidentSignature",
    "IncidentStore",
    "Prepared",
    "signature_row",
)
