"""The states of a complaint in SP4N-LAPOR!, who may move it between them, and its events.

A complaint's history is a tuple of :class:`Event`, oldest first; it is never edited, only
extended by :func:`apply`. Its current state is the last event's ``to_state`` (a complaint
with no events has just been received: ``belum_terverifikasi``). Roles are the API key roles:
``review`` (the verifiers and dispatchers) and ``admin`` (who may also undo and close).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from triage.errors import RoleError, TransitionError


class State(StrEnum):
    """Where a complaint stands."""

    BELUM_TERVERIFIKASI = "belum_terverifikasi"
    MENUNGGU_KELENGKAPAN = "menunggu_kelengkapan"
    TERVERIFIKASI = "terverifikasi"
    TERDISPOSISI = "terdisposisi"
    DITINDAKLANJUTI = "ditindaklanjuti"
    SELESAI = "selesai"
    DIARSIPKAN = "diarsipkan"
    DIALIHKAN = "dialihkan"
    DITUTUP_SISTEM = "ditutup_sistem"


class ArchiveReason(StrEnum):
    """Why a complaint is archived without follow-up (the verifier's fixed list)."""

    SARA = "sara"
    TANPA_BUKTI = "tanpa_bukti"
    TIDAK_JELAS = "tidak_jelas"
    BUKAN_PENGADUAN = "bukan_pengaduan"
    DUPLIKAT = "duplikat"


INITIAL = State.BELUM_TERVERIFIKASI
REVIEW, ADMIN = "review", "admin"
_BOTH = frozenset({REVIEW, ADMIN})
_ADMIN = frozenset({ADMIN})
S = State

# (from, to) -> roles that may make the move. Closing by the system (the reporter did not
# answer in time) and undoing an archive or a completion are admin moves: they run from the
# operators' jobs or need a second look, not from a verifier's queue.
TRANSITIONS: dict[tuple[State, State], frozenset[str]] = {
    (S.BELUM_TERVERIFIKASI, S.TERVERIFIKASI): _BOTH,
    (S.BELUM_TERVERIFIKASI, S.MENUNGGU_KELENGKAPAN): _BOTH,
    (S.BELUM_TERVERIFIKASI, S.DIARSIPKAN): _BOTH,
    (S.BELUM_TERVERIFIKASI, S.DIALIHKAN): _BOTH,
    (S.MENUNGGU_KELENGKAPAN, S.BELUM_TERVERIFIKASI): _BOTH,
    (S.MENUNGGU_KELENGKAPAN, S.DIARSIPKAN): _BOTH,
    (S.MENUNGGU_KELENGKAPAN, S.DITUTUP_SISTEM): _ADMIN,
    (S.TERVERIFIKASI, S.TERDISPOSISI): _BOTH,
    (S.TERVERIFIKASI, S.DIALIHKAN): _BOTH,
    (S.TERVERIFIKASI, S.DIARSIPKAN): _BOTH,
    # An agency may send a wrong disposition back to the verifier.
    (S.TERDISPOSISI, S.TERVERIFIKASI): _BOTH,
    (S.TERDISPOSISI, S.DITINDAKLANJUTI): _BOTH,
    (S.TERDISPOSISI, S.DIALIHKAN): _BOTH,
    (S.DITINDAKLANJUTI, S.SELESAI): _BOTH,
    (S.DITINDAKLANJUTI, S.DITUTUP_SISTEM): _ADMIN,
    # A reporter who is not satisfied reopens the follow-up; an archive can be undone.
    (S.SELESAI, S.DITINDAKLANJUTI): _ADMIN,
    (S.DIARSIPKAN, S.BELUM_TERVERIFIKASI): _ADMIN,
}

# The reporter is told something on these moves, so a response text is required.
NEEDS_TANGGAPAN = frozenset({S.MENUNGGU_KELENGKAPAN, S.DITINDAKLANJUTI, S.SELESAI, S.DIALIHKAN})
_BODY_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# The error factory apply() hands its helpers, so that every error names the legal next states.
_Fail = Callable[[str], TransitionError]


@dataclass(frozen=True)
class Transition:
    """A request to move a complaint: to which state, by whom, when and why."""

    to_state: State | str
    actor: str
    role: str
    at: datetime
    why: str = ""
    tanggapan: str | None = None
    archive_reason: ArchiveReason | str | None = None
    body: str | None = None


@dataclass(frozen=True)
class Event:
    """One move of a complaint, as it is kept: who, when, from, to, why, what the reporter saw."""

    actor: str
    role: str
    at: datetime
    from_state: State
    to_state: State
    why: str
    tanggapan: str | None = None
    archive_reason: ArchiveReason | None = None
    body: str | None = None


def allowed_next(state: State, role: str | None = None) -> tuple[State, ...]:
    """The states that may follow ``state`` (for ``role`` only, when one is given)."""
    return tuple(
        to
        for (frm, to), roles in TRANSITIONS.items()
        if frm is state and (role is None or role in roles)
    )


def current_state(history: Sequence[Event]) -> State:
    """The state a complaint with this history is in."""
    return history[-1].to_state if history else INITIAL


def parse_state(value: State | str, current: State | None = None) -> State:
    """``value`` as a State; raise TransitionError naming the known states otherwise."""
    try:
        return State(value)
    except ValueError:
        known = tuple(s.value for s in (allowed_next(current) if current else State))
        raise TransitionError(
            f"unknown state {value!r}; known: {', '.join(s.value for s in State)}",
            current.value if current else None,
            known,
        ) from None


def apply(
    history: Sequence[Event],
    transition: Transition,
    *,
    known_bodies: Collection[str] | None = None,
) -> Event:
    """Check one transition against a complaint's history and return the event it makes.

    Parameters
    ----------
    history : sequence of Event
        The complaint's events so far, oldest first (empty for a new complaint).
    transition : Transition
        The requested move.
    known_bodies : collection of str, optional
        Keys of the external bodies a complaint may be handed to (``dialihkan``); when None,
        any well-formed key is accepted.

    Returns
    -------
    Event
        The new event; append it to the history to record the move.

    Raises
    ------
    TransitionError
        Unknown state, a state that may not follow the current one, an archive without a
        reason from :class:`ArchiveReason`, a hand-over without a body key, a missing
        ``tanggapan`` or a time before the last event. ``allowed`` lists the legal next states.
    RoleError
        The move is legal but ``transition.role`` may not make it.
    """
    current = current_state(history)
    target = parse_state(transition.to_state, current)
    allowed = allowed_next(current)

    def fail(message: str, error: type[TransitionError] = TransitionError) -> TransitionError:
        return error(message, current.value, tuple(s.value for s in allowed))

    roles = TRANSITIONS.get((current, target))
    if roles is None:
        legal = ", ".join(s.value for s in allowed) or "none"
        raise fail(f"a complaint {current.value} cannot become {target.value}; next: {legal}")
    if transition.role not in roles:
        raise fail(
            f"role {transition.role!r} may not move a complaint from {current.value} to "
            f"{target.value}; roles that may: {', '.join(sorted(roles))}",
            RoleError,
        )
    if not transition.actor.strip():
        raise fail("a transition needs the actor who makes it")
    if history and transition.at < history[-1].at:
        raise fail(f"a transition at {transition.at} is earlier than the last event")
    if target in NEEDS_TANGGAPAN and not (transition.tanggapan or "").strip():
        raise fail(f"moving to {target.value} needs a tanggapan for the reporter")
    reason = _archive_reason(transition, target, fail)
    body = _body(transition, target, known_bodies, fail)
    return Event(
        actor=transition.actor.strip(),
        role=transition.role,
        at=transition.at,
        from_state=current,
        to_state=target,
        why=transition.why.strip(),
        tanggapan=(transition.tanggapan or "").strip() or None,
        archive_reason=reason,
        body=body,
    )


def _archive_reason(transition: Transition, target: State, fail: _Fail) -> ArchiveReason | None:
    if target is not S.DIARSIPKAN:
        if transition.archive_reason is not None:
            raise fail("an archive reason is only given when archiving")
        return None
    if transition.archive_reason is None:
        raise fail(f"archiving needs a reason: {', '.join(r.value for r in ArchiveReason)}")
    try:
        return ArchiveReason(transition.archive_reason)
    except ValueError:
        raise fail(
            f"unknown archive reason {transition.archive_reason!r}; "
            f"use one of {', '.join(r.value for r in ArchiveReason)}"
        ) from None


def _body(
    transition: Transition, target: State, known: Collection[str] | None, fail: _Fail
) -> str | None:
    if target is not S.DIALIHKAN:
        if transition.body is not None:
            raise fail("an external body is only named when handing a complaint over")
        return None
    key = (transition.body or "").strip()
    if not key:
        raise fail("handing a complaint over (dialihkan) needs the external body's key")
    if not _BODY_KEY.match(key) or (known is not None and key not in known):
        raise fail(f"unknown external body {key!r}")
    return key
