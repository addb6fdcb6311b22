"""The complaint lifecycle: every pair of states is either in the table or refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from triage.casework.lifecycle import (
    INITIAL,
    TRANSITIONS,
    ArchiveReason,
    Event,
    State,
    Transition,
    allowed_next,
    apply,
    current_state,
)
from triage.errors import InputError, RoleError, TransitionError

T0 = datetime(2025, 3, 27, 3, 0, tzinfo=UTC)
ROLES = ("ingest", "review", "read", "admin")
# The table the code must hold, written out again so a change to either is caught.
EXPECTED = {
    ("belum_terverifikasi", "terverifikasi"): {"review", "admin"},
    ("belum_terverifikasi", "menunggu_kelengkapan"): {"review", "admin"},
    ("belum_terverifikasi", "diarsipkan"): {"review", "admin"},
    ("belum_terverifikasi", "dialihkan"): {"review", "admin"},
    ("menunggu_kelengkapan", "belum_terverifikasi"): {"review", "admin"},
    ("menunggu_kelengkapan", "diarsipkan"): {"review", "admin"},
    ("menunggu_kelengkapan", "ditutup_sistem"): {"admin"},
    ("terverifikasi", "terdisposisi"): {"review", "admin"},
    ("terverifikasi", "dialihkan"): {"review", "admin"},
    ("terverifikasi", "diarsipkan"): {"review", "admin"},
    ("terdisposisi", "terverifikasi"): {"review", "admin"},
    ("terdisposisi", "ditindaklanjuti"): {"review", "admin"},
    ("terdisposisi", "dialihkan"): {"review", "admin"},
    ("ditindaklanjuti", "selesai"): {"review", "admin"},
    ("ditindaklanjuti", "ditutup_sistem"): {"admin"},
    ("selesai", "ditindaklanjuti"): {"admin"},
    ("diarsipkan", "belum_terverifikasi"): {"admin"},
}
PAIRS = list(itertools.product(State, State))


def _in(state: State) -> tuple[Event, ...]:
    """A history that ends in ``state`` (one event; its origin does not matter to apply)."""
    if state is INITIAL:
        return ()
    return (Event("sistem", "admin", T0, INITIAL, state, "setup"),)


def _move(to: State, role: str = "admin", **extra: object) -> Transition:
    fields: dict[str, object] = {"tanggapan": "Terima kasih, laporan Anda kami proses."}
    if to is State.DIARSIPKAN:
        fields["archive_reason"] = "duplikat"
    if to is State.DIALIHKAN:
        fields["body"] = "pln"
    fields.update(extra)
    return Transition(to, "petugas-1", role, T0 + timedelta(hours=1), "alasan", **fields)  # type: ignore[arg-type]


def test_the_table_is_the_documented_one() -> None:
    got = {(a.value, b.value): set(r) for (a, b), r in TRANSITIONS.items()}
    assert got == EXPECTED


@pytest.mark.parametrize(("frm", "to"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_every_pair_is_legal_exactly_when_the_table_says(frm: State, to: State) -> None:
    if (frm.value, to.value) in EXPECTED:
        event = apply(_in(frm), _move(to))
        assert (event.from_state, event.to_state) == (frm, to)
        assert event.actor == "petugas-1"
    else:
        with pytest.raises(TransitionError, match="cannot become") as caught:
            apply(_in(frm), _move(to))
        assert set(caught.value.allowed) == {b for (a, b) in EXPECTED if a == frm.value}
        assert caught.value.current == frm.value
        assert not isinstance(caught.value, RoleError)


ROLE_CASES = [(pair, role) for pair in EXPECTED for role in ROLES]


@pytest.mark.parametrize(
    ("pair", "role"), ROLE_CASES, ids=[f"{a}->{b}-{r}" for (a, b), r in ROLE_CASES]
)
def test_each_role_may_make_only_its_moves(pair: tuple[str, str], role: str) -> None:
    frm, to = State(pair[0]), State(pair[1])
    if role in EXPECTED[pair]:
        assert apply(_in(frm), _move(to, role)).role == role
    else:
        with pytest.raises(RoleError, match=f"role '{role}' may not"):
            apply(_in(frm), _move(to, role))


def test_allowed_next_per_role() -> None:
    assert set(allowed_next(State.MENUNGGU_KELENGKAPAN, "review")) == {
        State.BELUM_TERVERIFIKASI,
        State.DIARSIPKAN,
    }
    assert allowed_next(State.DIALIHKAN) == ()
    assert allowed_next(State.SELESAI, "review") == ()


def test_a_full_life_from_receipt_to_selesai() -> None:
    history: tuple[Event, ...] = ()
    for step, to in enumerate(
        [State.TERVERIFIKASI, State.TERDISPOSISI, State.DITINDAKLANJUTI, State.SELESAI]
    ):
        at = T0 + timedelta(days=step)
        move = Transition(to, "rina", "review", at, "", tanggapan="Sudah ditangani.")
        history = (*history, apply(history, move))
    assert current_state(history) is State.SELESAI
    assert [e.from_state for e in history][0] is INITIAL
    assert history[-1].tanggapan == "Sudah ditangani."


def test_unknown_state_is_a_clear_error() -> None:
    with pytest.raises(TransitionError, match="unknown state 'dibuang'") as caught:
        apply((), Transition("dibuang", "rina", "review", T0))
    assert "terverifikasi" in caught.value.allowed
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize("reason", [None, "", "malas"])
def test_archiving_needs_a_reason_from_the_list(reason: str | None) -> None:
    with pytest.raises(TransitionError, match="reason"):
        apply((), _move(State.DIARSIPKAN, archive_reason=reason))


@pytest.mark.parametrize("reason", list(ArchiveReason))
def test_every_archive_reason_is_kept(reason: ArchiveReason) -> None:
    event = apply((), _move(State.DIARSIPKAN, archive_reason=reason.value))
    assert event.archive_reason is reason


def test_a_reason_outside_archiving_is_refused() -> None:
    with pytest.raises(TransitionError, match="only given when archiving"):
        apply((), _move(State.TERVERIFIKASI, archive_reason="sara"))


@pytest.mark.parametrize("body", [None, "  ", "PLN Pusat!"])
def test_handing_over_needs_a_body_key(body: str | None) -> None:
    with pytest.raises(TransitionError, match="external body"):
        apply((), _move(State.DIALIHKAN, body=body))


def test_known_bodies_limit_the_keys() -> None:
    assert apply((), _move(State.DIALIHKAN), known_bodies={"pln"}).body == "pln"
    with pytest.raises(TransitionError, match="unknown external body 'pln'"):
        apply((), _move(State.DIALIHKAN), known_bodies={"bpjs-kesehatan"})


@pytest.mark.parametrize(
    "to", [State.MENUNGGU_KELENGKAPAN, State.DITINDAKLANJUTI, State.SELESAI, State.DIALIHKAN]
)
def test_reporter_visible_moves_need_a_tanggapan(to: State) -> None:
    start = {State.DITINDAKLANJUTI: State.TERDISPOSISI, State.SELESAI: State.DITINDAKLANJUTI}
    with pytest.raises(TransitionError, match="needs a tanggapan"):
        apply(_in(start.get(to, INITIAL)), _move(to, tanggapan="  "))


def test_events_cannot_go_back_in_time_or_lack_an_actor() -> None:
    history = _in(State.TERVERIFIKASI)
    early = Transition(State.TERDISPOSISI, "rina", "review", T0 - timedelta(seconds=1))
    with pytest.raises(TransitionError, match="earlier than the last event"):
        apply(history, early)
    with pytest.raises(TransitionError, match="actor"):
        apply(history, Transition(State.TERDISPOSISI, " ", "review", T0))


def test_events_are_frozen() -> None:
    event = apply((), _move(State.TERVERIFIKASI))
    with pytest.raises(AttributeError):
        event.to_state = State.SELESAI  # type: ignore[misc]


def test_casework_imports_only_errors_periods_and_text() -> None:
    import ast
    from pathlib import Path

    allowed = ("triage.errors", "triage.periods", "triage.text", "triage.casework")
    folder = Path(__file__).resolve().parent.parent / "triage" / "casework"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("triage"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"
