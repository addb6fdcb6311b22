"""Incidents and duplicates: link a new complaint to the earlier open ones it repeats.

Two relations, both only towards earlier complaints that are still open:

* a **duplicate** is the same complaint sent again — near-identical text (MinHash Jaccard of
  word shingles at least ``duplicate_threshold``) or the same reporter with similar text,
  within ``duplicate_window``;
* an **incident** is one event told by several citizens in their own words (one pothole, one
  fallen tree): the same kelurahan, the same street or alley when both name one, the same
  problem (the same topic when both have one, similar words otherwise) and close in time (a
  window per topic).

Lookups never scan the whole index: duplicates come from a MinHash LSH (hash buckets), and
incidents from the open complaints of one kelurahan inside the window.  Complaints older
than the longest window are evicted, so memory follows the intake rate, not the history.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from triage.casework.incidents_text import problem_words, shingles, street_names
from triage.errors import InputError
from triage.periods import LOCAL_TIME

__all__ = ["Candidate", "Features", "IncidentIndex", "Link"]


@dataclass(frozen=True)
class Link:
    """How a new complaint relates to the earlier ones.

    Attributes
    ----------
    incident : str
        Id of the first complaint of its incident; its own id when it starts one.
    duplicate_of : str or None
        Id of the original complaint when this one is the same complaint sent again.
    reason : str
        Why, in words an analyst can check ("new", "duplicate: text 0.94 after 0:03:00", ...).
    matched : str or None
        The earlier complaint it was linked through (``None`` when new).
    """

    incident: str
    duplicate_of: str | None
    reason: str
    matched: str | None = None


@dataclass(frozen=True)
class Features:
    """What a complaint is compared on; built by :meth:`IncidentIndex.features`.

    ``when`` is in seconds since the epoch; ``place``, ``topic`` and ``reporter`` are folded
    (lower case, single spaces); ``hashvalues`` is the MinHash of its word shingles.
    """

    when: float
    place: str | None
    topic: str | None
    reporter: str | None
    streets: frozenset[str]
    words: frozenset[str]
    hashvalues: np.ndarray


@dataclass(frozen=True)
class Candidate:
    """An earlier open complaint a lookup found: its features, its incident and original."""

    id: str
    features: Features
    incident: str
    original: str


@dataclass
class _Entry:
    id: str
    features: Features
    minhash: MinHash
    incident: str
    original: str
    in_lsh: bool = field(default=True)


class IncidentIndex:
    """An in-memory index of the open complaints of the last days, for intake lookups.

    Parameters
    ----------
    duplicate_window : timedelta
        How long after a complaint the same text counts as sent again (default 24 hours).
    incident_window : timedelta
        How long an open complaint absorbs other reports of its incident (default 3 days).
    windows : mapping of str to timedelta, optional
        Incident windows per topic (a blocked drain lasts longer than a traffic jam); topics
        not named use ``incident_window``.
    duplicate_threshold : float
        Estimated Jaccard similarity of word shingles from which texts are the same (0.8).
    reporter_threshold : float
        The lower similarity that suffices when both complaints have the same reporter (0.5).
    problem_threshold : float
        Jaccard similarity of content words from which two texts tell the same problem, when
        no street is named by both (0.3).
    street_threshold : float
        The lower similarity that suffices on one named street when a topic is missing (0.15).
    num_perm : int
        MinHash permutations (64: a standard error of about 0.05 on the similarity).
    seed : int
        MinHash seed; indexes compare only with their own.

    Notes
    -----
    Complaints must arrive roughly in time order, as at intake; one older than the newest
    by more than the longest window cannot be judged and raises :class:`InputError`.
    """

    def __init__(
        self,
        *,
        duplicate_window: timedelta = timedelta(hours=24),
        incident_window: timedelta = timedelta(days=3),
        windows: Mapping[str, timedelta] | None = None,
        duplicate_threshold: float = 0.8,
        reporter_threshold: float = 0.5,
        problem_threshold: float = 0.3,
        street_threshold: float = 0.15,
        num_perm: int = 64,
        seed: int = 1,
    ) -> None:
        self.windows = dict(windows or {})
        # Topics are compared folded (see _key).
        self._windows = {_key(topic): window for topic, window in self.windows.items()}
        for name, value in [
            ("duplicate_window", duplicate_window),
            ("incident_window", incident_window),
            *((f"windows[{topic!r}]", window) for topic, window in self.windows.items()),
        ]:
            if value <= timedelta(0):
                raise InputError(f"{name} must be positive, got {value}")
        for name, share in [
            ("duplicate_threshold", duplicate_threshold),
            ("reporter_threshold", reporter_threshold),
            ("problem_threshold", problem_threshold),
            ("street_threshold", street_threshold),
        ]:
            if not 0 < share <= 1:
                raise InputError(f"{name} must be above 0 and at most 1, got {share}")
        if num_perm < 16:
            raise InputError(f"num_perm must be at least 16, got {num_perm}")
        self.duplicate_window = duplicate_window
        self.incident_window = incident_window
        self.duplicate_threshold = duplicate_threshold
        self.reporter_threshold = reporter_threshold
        self.problem_threshold = problem_threshold
        self.street_threshold = street_threshold
        self.num_perm = num_perm
        self.seed = seed
        self._template = MinHash(num_perm=num_perm, seed=seed)
        # The LSH finds candidates from the lower of the two text thresholds; each candidate
        # is then checked against the threshold that applies to it.
        self._lsh = MinHashLSH(threshold=self.lowest_duplicate_similarity, num_perm=num_perm)
        self._entries: dict[str, _Entry] = {}
        # Kelurahan -> topic (None when unknown) -> ids: a complaint with a topic is compared
        # only with those of its topic and those without one.
        self._by_place: dict[str, dict[str | None, dict[str, None]]] = {}
        self._by_reporter: dict[str, dict[str, None]] = {}
        # Original id -> ids of its open duplicates.
        self._copies: dict[str, dict[str, None]] = {}
        # Ids in arrival order, for eviction from the LSH and from the whole index.
        self._lsh_order: deque[tuple[float, str]] = deque()
        self._order: deque[tuple[float, str]] = deque()
        self._newest = float("-inf")
        longest = max([incident_window, duplicate_window, *self.windows.values()])
        self._horizon = longest.total_seconds()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, complaint_id: object) -> bool:
        return complaint_id in self._entries

    def add(
        self,
        complaint_id: str,
        text: str,
        created_at: datetime,
        *,
        kelurahan: str | None = None,
        topic: str | None = None,
        reporter: str | None = None,
        status: str = "open",
    ) -> Link:
        """Link a new complaint to the earlier open ones, then index it.

        Parameters
        ----------
        complaint_id : str
            Unique id; adding an id twice raises.
        text : str
            The complaint as written.
        created_at : datetime
            When it was received; a naive time is Asia/Jakarta local time.
        kelurahan, topic, reporter : str, optional
            The place, the problem and who sent it, when known.  Without a kelurahan the
            complaint can be a duplicate but never part of an incident.
        status : str
            ``"open"`` (indexed for later complaints) or ``"closed"`` (linked, not indexed).

        Returns
        -------
        Link

        Raises
        ------
        InputError
            For an id already indexed, a text without words, an unknown status or a time
            older than the index's horizon.
        """
        if status not in ("open", "closed"):
            raise InputError(f"status must be 'open' or 'closed', not {status!r}")
        complaint_id = str(complaint_id)
        if complaint_id in self._entries:
            raise InputError(f"complaint {complaint_id!r} is already in the index")
        when = _seconds(created_at)
        if when < self._newest - self._horizon:
            raise InputError(
                f"complaint {complaint_id!r} is older than the index's horizon "
                f"({self._horizon / 3600:g} hours before the newest complaint)"
            )
        self._newest = max(self._newest, when)
        self._evict()
        minhash = self._minhash(text)
        features = self._features(text, when, kelurahan, topic, reporter, minhash)
        link = self.match(
            complaint_id,
            features,
            duplicates=self._duplicate_candidates(features, minhash),
            incidents=self._incident_candidates(features),
        )
        entry = _Entry(
            id=complaint_id,
            features=features,
            minhash=minhash,
            incident=link.incident,
            original=link.duplicate_of or complaint_id,
        )
        if status == "open":
            self._store(entry)
        return link

    def features(
        self,
        text: str,
        created_at: datetime,
        *,
        kelurahan: str | None = None,
        topic: str | None = None,
        reporter: str | None = None,
    ) -> Features:
        """What a complaint is compared on, for a lookup outside this index (the store's).

        Raises
        ------
        InputError
            For a text without words or a ``created_at`` that is no datetime.
        """
        minhash = self._minhash(text)
        return self._features(text, _seconds(created_at), kelurahan, topic, reporter, minhash)

    def match(
        self,
        complaint_id: str,
        features: Features,
        *,
        duplicates: Iterable[Candidate] = (),
        incidents: Iterable[Candidate] = (),
    ) -> Link:
        """Judge a new complaint against earlier open ones found by some blocking.

        ``duplicates`` are checked as the same complaint sent again (text similarity within
        ``duplicate_window``); ``incidents`` also, then as one incident (place, street, topic,
        words, the topic's window).  Candidates that do not qualify are ignored, so a caller
        may pass more than needed; the best qualifying one wins.
        """
        complaint_id = str(complaint_id)
        by_id = {c.id: c for c in duplicates if c.id != complaint_id}
        nearby = [c for c in incidents if c.id != complaint_id]
        by_id.update((c.id, c) for c in nearby)
        link = self._duplicate(features, by_id.values()) or self._incident(features, nearby)
        return link or Link(incident=complaint_id, duplicate_of=None, reason="new")

    def close(self, complaint_id: str) -> bool:
        """Take a closed or resolved complaint out: it absorbs no later complaint.

        Returns whether it was in the index (an evicted or unknown id is not an error).
        """
        entry = self._entries.pop(str(complaint_id), None)
        if entry is None:
            return False
        self._forget(entry)
        # Its copies are the same complaint: closed with it.
        for copy_id in self._copies.pop(entry.id, ()):
            copy = self._entries.pop(copy_id, None)
            if copy is not None:
                self._forget(copy)
        return True

    def _minhash(self, text: str) -> MinHash:
        minhash = self._template.copy()
        minhash.update_batch(shingles(text))
        return minhash

    def _features(
        self,
        text: str,
        when: float,
        kelurahan: str | None,
        topic: str | None,
        reporter: str | None,
        minhash: MinHash,
    ) -> Features:
        streets = street_names(text)
        return Features(
            when=when,
            place=_key(kelurahan),
            topic=_key(topic),
            reporter=_key(reporter),
            streets=streets,
            words=problem_words(text, streets),
            hashvalues=minhash.hashvalues,
        )

    def _candidate(self, entry: _Entry) -> Candidate:
        return Candidate(entry.id, entry.features, entry.incident, entry.original)

    def _duplicate_candidates(self, features: Features, minhash: MinHash) -> list[Candidate]:
        found = dict.fromkeys(self._lsh.query(minhash))
        if features.reporter is not None:
            found.update(dict.fromkeys(self._by_reporter.get(features.reporter, ())))
        return [self._candidate(self._entries[other_id]) for other_id in found]

    def _incident_candidates(self, features: Features) -> list[Candidate]:
        if features.place is None:
            return []
        topics = self._by_place.get(features.place, {})
        if features.topic is None:
            blocks = list(topics.values())
        else:
            blocks = [topics.get(features.topic, {}), topics.get(None, {})]
        return [self._candidate(self._entries[i]) for block in blocks for i in block]

    def _duplicate(self, new: Features, candidates: Iterable[Candidate]) -> Link | None:
        window = self.duplicate_window.total_seconds()
        recent = [c for c in candidates if 0 <= new.when - c.features.when <= window]
        if not recent:
            return None
        # One comparison for all candidates: the share of equal MinHash values estimates the
        # Jaccard similarity of the shingle sets.
        shared = np.stack([c.features.hashvalues for c in recent]) == new.hashvalues
        similarities = shared.mean(axis=1)
        best: tuple[float, Candidate] | None = None
        for other, similarity in zip(recent, similarities.tolist(), strict=True):
            needed = (
                self.reporter_threshold
                if _same_reporter(new, other.features)
                else self.duplicate_threshold
            )
            if similarity >= needed and (best is None or similarity > best[0]):
                best = (similarity, other)
        if best is None:
            return None
        similarity, other = best
        by = "same reporter, text" if _same_reporter(new, other.features) else "text"
        return Link(
            incident=other.incident,
            duplicate_of=other.original,
            reason=f"duplicate: {by} {similarity:.2f} after {_age(new.when - other.features.when)}",
            matched=other.id,
        )

    def _incident(self, new: Features, candidates: Iterable[Candidate]) -> Link | None:
        if new.place is None:
            return None
        best: tuple[float, Candidate, str] | None = None
        for other in candidates:
            if other.features.place != new.place:
                continue
            if new.topic is not None and other.features.topic not in (new.topic, None):
                continue
            age = new.when - other.features.when
            if not 0 <= age <= self._window(other.features.topic, new.topic):
                continue
            judged = self._same_incident(new, other.features)
            if judged is not None and (best is None or judged[0] > best[0]):
                best = (judged[0], other, judged[1])
        if best is None:
            return None
        _, other, why = best
        return Link(
            incident=other.incident,
            duplicate_of=None,
            reason=f"incident: {why} after {_age(new.when - other.features.when)}",
            matched=other.id,
        )

    def _same_incident(self, new: Features, other: Features) -> tuple[float, str] | None:
        """(score, reason) when the two tell one incident of one place, else None."""
        street = None
        if new.streets and other.streets:
            street = _shared_street(new.streets, other.streets)
            if street is None:
                return None  # two named streets that differ: two places
        both_topics = new.topic is not None and other.topic is not None
        if both_topics and new.topic != other.topic:
            return None  # the same street with another problem
        similarity = _jaccard(new.words, other.words)
        if street is not None and both_topics:
            return 1.0 + similarity, f"same {street!r}, same topic, words {similarity:.2f}"
        if similarity < (self.street_threshold if street else self.problem_threshold):
            return None
        where = f"same {street!r}" if street else "same kelurahan"
        what = "same topic" if both_topics else "similar problem"
        return (0.5 if street else 0.0) + similarity, f"{where}, {what}, words {similarity:.2f}"

    @property
    def lowest_duplicate_similarity(self) -> float:
        """The lowest MinHash similarity at which two texts may be one complaint sent again:
        the lower of the two text thresholds."""
        return min(self.duplicate_threshold, self.reporter_threshold)

    def worth_judging(
        self,
        new: Features,
        *,
        when: float,
        place: str | None,
        topic: str | None,
        streets: Iterable[str],
        similarity: float,
    ) -> bool:
        """Whether :meth:`match` could link ``new`` to an earlier complaint, judged on what a
        store keeps before its word set is built: its time, place, topic, streets and
        MinHash ``similarity`` to ``new``.

        False only for a complaint that ``match`` would reject, so a lookup may skip building
        its :class:`Candidate` (most of a kelurahan's complaints name another street).
        """
        age = new.when - when
        if age < 0:
            return False
        if (
            age <= self.duplicate_window.total_seconds()
            and similarity >= self.lowest_duplicate_similarity
        ):
            return True  # perhaps the same complaint sent again
        if new.place is None or place != new.place:
            return False
        if new.topic is not None and topic not in (new.topic, None):
            return False
        if age > self._window(topic, new.topic):
            return False
        theirs = frozenset(streets)
        # Two named streets that differ are two places (as in _same_incident).
        return not (new.streets and theirs and _shared_street(new.streets, theirs) is None)

    def bands(self, features: Features) -> list[int]:
        """The MinHash LSH band keys of a complaint (the index's own bands), as signed 64-bit
        integers for a store's band table: near-identical texts share at least one with high
        probability, unrelated texts almost never.  Stable across processes."""
        values = np.asarray(features.hashvalues, dtype="<u4")
        return [
            int.from_bytes(
                hashlib.blake2b(
                    bytes([number]) + values[start:end].tobytes(), digest_size=8
                ).digest(),
                "little",
                signed=True,
            )
            for number, (start, end) in enumerate(self._lsh.hashranges)
        ]

    def horizon(self) -> timedelta:
        """The longest window: how far back a lookup needs earlier complaints."""
        return timedelta(seconds=self._horizon)

    def _window(self, *topics: str | None) -> float:
        known = [self._windows[t] for t in topics if t is not None and t in self._windows]
        return max(known, default=self.incident_window).total_seconds()

    def _store(self, entry: _Entry) -> None:
        self._entries[entry.id] = entry
        self._lsh.insert(entry.id, entry.minhash)
        self._lsh_order.append((entry.features.when, entry.id))
        self._order.append((entry.features.when, entry.id))
        place, topic, reporter = entry.features.place, entry.features.topic, entry.features.reporter
        if place is not None:
            topics = self._by_place.setdefault(place, {})
            topics.setdefault(topic, {})[entry.id] = None
        if reporter is not None:
            self._by_reporter.setdefault(reporter, {})[entry.id] = None
        if entry.original != entry.id:
            self._copies.setdefault(entry.original, {})[entry.id] = None

    def _forget(self, entry: _Entry) -> None:
        if entry.in_lsh:
            self._lsh.remove(entry.id)
            entry.in_lsh = False
        place, topic = entry.features.place, entry.features.topic
        if place is not None and place in self._by_place:
            topics = self._by_place[place]
            topics.get(topic, {}).pop(entry.id, None)
            if not topics.get(topic, True):
                del topics[topic]
            if not topics:
                del self._by_place[place]
        tables = (
            (self._by_reporter, entry.features.reporter),
            (self._copies, entry.original),
        )
        for table, key in tables:
            if key is not None and key in table:
                table[key].pop(entry.id, None)
                if not table[key]:
                    del table[key]

    def _evict(self) -> None:
        # Only for duplicates does the LSH hold a complaint; after that window it is dropped
        # there, and after the longest window from the index altogether.
        lsh_limit = self._newest - self.duplicate_window.total_seconds()
        while self._lsh_order and self._lsh_order[0][0] < lsh_limit:
            _, old_id = self._lsh_order.popleft()
            entry = self._entries.get(old_id)
            if entry is not None and entry.in_lsh:
                self._lsh.remove(old_id)
                entry.in_lsh = False
        limit = self._newest - self._horizon
        while self._order and self._order[0][0] < limit:
            _, old_id = self._order.popleft()
            entry = self._entries.pop(old_id, None)
            if entry is not None:
                self._forget(entry)


def _same_reporter(a: Features, b: Features) -> bool:
    return a.reporter is not None and a.reporter == b.reporter


def _seconds(when: datetime) -> float:
    if not isinstance(when, datetime):
        raise InputError(f"created_at must be a datetime, not {type(when).__name__}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=LOCAL_TIME)
    return when.timestamp()


def _key(value: str | None) -> str | None:
    """Places, topics and reporters compared without case or surrounding spaces."""
    if value is None:
        return None
    folded = " ".join(str(value).lower().split())
    return folded or None


def _shared_street(ours: frozenset[str], theirs: frozenset[str]) -> str | None:
    """A street both name; "gang lebar" and "gang lebar 3" are one (the longer is precise)."""
    for a in ours:
        for b in theirs:
            short, long_ = sorted((a.split(), b.split()), key=len)
            if long_[: len(short)] == short:
                return " ".join(long_)
    return None


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _age(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))
