"""Lifecycle transitions in the store, on SQLite and, when reachable, the local PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.api.databases import BACKENDS, fresh_copy, migrated_database
from triage.errors import RoleError, TransitionError
from triage.store import (
    CaseworkStore,
    ComplaintStore,
    NewComplaint,
    NewPrediction,
    NotFoundError,
    make_engine,
    milestones,
    upgrade,
)
from triage.store.database import downgrade

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    with migrated_database(request.param, tmp_path_factory.mktemp("casework")) as url:
        yield request.param, url


@pytest.fixture
def engine(migrated: tuple[str, str], tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(fresh_copy(*migrated, tmp_path))
    yield engine
    engine.dispose()


def stored(engine: Engine, external_id: str = "A-1", **kwargs: object) -> int:
    record, _ = ComplaintStore(engine).add(
        NewComplaint(source="lapor", external_id=external_id, text="lampu jalan mati", **kwargs),  # type: ignore[arg-type]
        NewPrediction("test-1", "Dinas Perhubungan", 0.9, "PJU", 0.8, False, 1.0),
    )
    return record.id


def test_a_transition_appends_an_event_and_sets_the_state(engine: Engine) -> None:
    complaint_id = stored(engine)
    casework = CaseworkStore(engine)
    first = casework.transition(
        complaint_id, to_state="terverifikasi", actor="verifier", role="review", at=T0
    )
    second = casework.transition(
        complaint_id,
        to_state="terdisposisi",
        actor="verifier",
        role="review",
        at=T0 + timedelta(hours=1),
        reason="ke dishub, hubungi 081234567890",
    )
    assert (first.seq, first.from_state, first.to_state) == (
        1,
        "belum_terverifikasi",
        "terverifikasi",
    )
    assert (second.seq, second.from_state) == (2, "terverifikasi")
    assert "081234567890" not in (second.reason or "")
    assert casework.events(complaint_id) == (first, second)
    assert ComplaintStore(engine).get(complaint_id).state == "terdisposisi"


def test_the_tanggapan_is_masked_before_it_is_stored(engine: Engine) -> None:
    complaint_id = stored(engine)
    event = CaseworkStore(engine).transition(
        complaint_id,
        to_state="menunggu_kelengkapan",
        actor="verifier",
        role="review",
        tanggapan="Mohon kirim lokasi ke budi@example.com",
    )
    assert event.tanggapan is not None
    assert "budi@example.com" not in event.tanggapan


def test_an_illegal_move_changes_nothing(engine: Engine) -> None:
    complaint_id = stored(engine)
    casework = CaseworkStore(engine)
    with pytest.raises(TransitionError) as caught:
        casework.transition(complaint_id, to_state="selesai", actor="v", role="review")
    assert "terverifikasi" in caught.value.allowed
    assert casework.events(complaint_id) == ()
    assert ComplaintStore(engine).get(complaint_id).state == "belum_terverifikasi"


def test_a_role_that_may_not_gets_role_error(engine: Engine) -> None:
    complaint_id = stored(engine)
    casework = CaseworkStore(engine)
    casework.transition(
        complaint_id,
        to_state="menunggu_kelengkapan",
        actor="v",
        role="review",
        tanggapan="Di mana?",
    )
    with pytest.raises(RoleError):
        casework.transition(complaint_id, to_state="ditutup_sistem", actor="v", role="review")
    assert (
        casework.transition(complaint_id, to_state="ditutup_sistem", actor="a", role="admin").seq
        == 2
    )


def test_an_unknown_complaint_is_not_found(engine: Engine) -> None:
    casework = CaseworkStore(engine)
    with pytest.raises(NotFoundError):
        casework.transition(999, to_state="terverifikasi", actor="v", role="review")
    with pytest.raises(NotFoundError):
        casework.events(999)


def _race(engine: Engine, complaint_id: int, targets: list[str]) -> list[object]:
    barrier = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)

    def move(index: int) -> None:
        store = CaseworkStore(engine)
        barrier.wait()
        try:
            reason = "duplikat" if targets[index] == "diarsipkan" else None
            results[index] = store.transition(
                complaint_id,
                to_state=targets[index],
                actor=f"r{index}",
                role="review",
                archive_reason=reason,
            )
        except TransitionError as exc:
            results[index] = exc

    threads = [threading.Thread(target=move, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_identical_moves_make_one_event(engine: Engine) -> None:
    complaint_id = stored(engine)
    results = _race(engine, complaint_id, ["terverifikasi"] * 6)
    assert sum(not isinstance(r, TransitionError) for r in results) == 1
    events = CaseworkStore(engine).events(complaint_id)
    assert [e.to_state for e in events] == ["terverifikasi"]


def test_concurrent_different_moves_keep_one_chain(engine: Engine) -> None:
    complaint_id = stored(engine)
    results = _race(engine, complaint_id, ["terverifikasi", "diarsipkan"] * 3)
    events = CaseworkStore(engine).events(complaint_id)
    assert len(events) == sum(not isinstance(r, TransitionError) for r in results) >= 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].from_state == "belum_terverifikasi"
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_state == before.to_state
    assert ComplaintStore(engine).get(complaint_id).state == events[-1].to_state


def test_new_complaints_carry_the_intake_flags_and_the_queue_puts_urgent_first(
    engine: Engine,
) -> None:
    calm = stored(engine, "A-1", created_at=T0)
    urgent = stored(
        engine,
        "A-2",
        created_at=T0 + timedelta(hours=2),
        urgent=True,
        urgency_reason="kebakaran: api",
    )
    missing = stored(engine, "A-3", created_at=T0 + timedelta(hours=1), missing=("lokasi",))
    page = ComplaintStore(engine).list_page()
    assert [item.id for item in page.items] == [urgent, calm, missing]
    assert page.items[0].urgency_reason == "kebakaran: api"
    assert page.items[2].missing == ("lokasi",)
    CaseworkStore(engine).transition(calm, to_state="terverifikasi", actor="v", role="review")
    queued = ComplaintStore(engine).list_page(state="belum_terverifikasi")
    assert [item.id for item in queued.items] == [urgent, missing]


def test_milestones_close_the_running_clocks_at_an_archive(engine: Engine) -> None:
    complaint_id = stored(engine)
    casework = CaseworkStore(engine)
    casework.transition(complaint_id, to_state="terverifikasi", actor="v", role="review", at=T0)
    casework.transition(
        complaint_id,
        to_state="diarsipkan",
        actor="v",
        role="review",
        at=T0 + timedelta(days=1),
        archive_reason="duplikat",
    )
    done = milestones(casework.events(complaint_id))
    assert done.verified_at == T0
    assert done.disposed_at is None
    assert done.followed_up_at == done.resolved_at == T0 + timedelta(days=1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0006_keeps_rows_both_ways(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            complaint_id = stored(engine)
            ComplaintStore(engine).correct(complaint_id, corrected_by="x", opd="Dinas Sosial")
            CaseworkStore(engine).transition(
                complaint_id, to_state="terverifikasi", actor="v", role="review"
            )
            engine.dispose()
            downgrade(url, "0005")
            assert "complaint_events" not in inspect(engine).get_table_names()
            assert "state" not in {c["name"] for c in inspect(engine).get_columns("complaints")}
            with engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM corrections")).scalar() == 1
            engine.dispose()
            upgrade(url)
            kept = ComplaintStore(engine).get(complaint_id)
            assert (kept.state, kept.urgent, kept.missing) == ("belum_terverifikasi", False, ())
            assert kept.opd == "Dinas Sosial"
            assert len(kept.corrections) == 1
            assert kept.prediction is not None
        finally:
            engine.dispose()
