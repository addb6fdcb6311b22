"""Incidents at intake, in the store: links, look-alikes, cluster actions, races, migration.

On SQLite and, when reachable, the local PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.api.databases import BACKENDS, fresh_copy, migrated_database
from tests.test_incidents import POTHOLE, ROWS
from triage.errors import InputError, TransitionError
from triage.store import (
    CaseworkStore,
    ComplaintRecord,
    ComplaintStore,
    IncidentStore,
    NewComplaint,
    NewPrediction,
    NotFoundError,
    TenantStore,
    make_engine,
    upgrade,
)
from triage.store.database import downgrade

T0 = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
TEXT = {row[0]: row[2] for row in ROWS}


@pytest.fixture(scope="module", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    with migrated_database(request.param, tmp_path_factory.mktemp("incidents")) as url:
        yield request.param, url


@pytest.fixture
def engine(migrated: tuple[str, str], tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(fresh_copy(*migrated, tmp_path))
    yield engine
    engine.dispose()


def add(
    engine: Engine,
    external_id: str,
    text_: str,
    minutes: float,
    kelurahan: str | None = "Ngagel",
    topic: str | None = POTHOLE,
) -> ComplaintRecord:
    record, created = ComplaintStore(engine).add(
        NewComplaint(
            source="lapor",
            external_id=external_id,
            text=text_,
            kelurahan=kelurahan,
            created_at=T0 + timedelta(minutes=minutes),
        ),
        NewPrediction("test-1", "DSDABM", 0.9, topic, 0.8, False, 1.0),
    )
    assert created
    return record


def move(engine: Engine, complaint_id: int, *states: str) -> None:
    casework = CaseworkStore(engine)
    for state in states:
        casework.transition(
            complaint_id,
            to_state=state,
            actor="v",
            role="review",
            tanggapan="sudah diperbaiki",
            archive_reason="duplikat" if state == "diarsipkan" else None,
        )


TO_SELESAI = ("terverifikasi", "terdisposisi", "ditindaklanjuti", "selesai")


def test_a_new_complaint_starts_its_own_incident(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    assert (first.incident_id, first.duplicate_of) == (first.id, None)
    assert ComplaintStore(engine).get(first.id).incident_id == first.id


def test_a_resent_complaint_is_a_duplicate_and_another_citizen_joins_the_incident(
    engine: Engine,
) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    again = add(engine, "c2", TEXT["c2"], 4)
    told = add(engine, "c3", TEXT["c3"], 11 * 60)
    assert (again.incident_id, again.duplicate_of) == (first.id, first.id)
    assert (told.incident_id, told.duplicate_of) == (first.id, None)
    read = ComplaintStore(engine).get(told.id)
    assert (read.incident_id, read.duplicate_of) == (first.id, None)


def test_another_tenants_complaints_are_never_linked(engine: Engine) -> None:
    # Kelurahan names repeat across cities; the same words in another city are another pothole.
    first = add(engine, "c1", TEXT["c1"], 0)
    other = TenantStore(engine).create_tenant(
        "samarinda",
        display_name="Kota Samarinda",
        level="kota",
        registry_csv="opd,urusan,description\nDinas PUPR,1.03,jalan\n",
        registry_digest="test",
    )
    theirs = ComplaintStore(engine).for_tenant(other.id)
    resent = NewComplaint(
        source="lapor",
        external_id="c2",
        text=TEXT["c2"],
        kelurahan="Ngagel",
        created_at=T0 + timedelta(minutes=4),
    )
    record, _ = theirs.add(
        resent, NewPrediction("test-1", "Dinas PUPR", 0.9, POTHOLE, 0.8, False, 1.0)
    )
    assert (record.incident_id, record.duplicate_of) == (record.id, None)
    told = add(engine, "c3", TEXT["c3"], 11 * 60)
    assert told.incident_id == first.id
    assert IncidentStore(engine).for_tenant(other.id).cluster_sizes([first.id]) == {}
    with pytest.raises(NotFoundError):
        IncidentStore(engine).for_tenant(other.id).transition_cluster(
            first.id, to_state="diarsipkan", actor="v", role="review", archive_reason="duplikat"
        )


def test_a_resent_complaint_without_a_kelurahan_is_found_by_its_bands(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0, kelurahan=None)
    again = add(engine, "c2", TEXT["c2"], 3, kelurahan="Darmo")
    assert again.duplicate_of == first.id


@pytest.mark.parametrize(
    ("text_", "kelurahan", "topic", "minutes"),
    [
        pytest.param(TEXT["c4"], "Ngagel", "PJU", 13 * 60, id="same-street-other-problem"),
        pytest.param(TEXT["c5"], "Darmo", POTHOLE, 23 * 60, id="same-problem-other-kelurahan"),
        pytest.param(TEXT["c6"], "Ngagel", POTHOLE, 5 * 7 * 24 * 60, id="weeks-later"),
    ],
)
def test_look_alikes_are_not_linked(
    engine: Engine, text_: str, kelurahan: str, topic: str, minutes: float
) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    other = add(engine, "x", text_, minutes, kelurahan=kelurahan, topic=topic)
    assert (other.incident_id, other.duplicate_of) == (other.id, None)
    assert first.incident_id != other.incident_id


def test_after_the_first_is_closed_the_same_pothole_starts_a_new_incident(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    move(engine, first.id, *TO_SELESAI)
    again = add(engine, "c3", TEXT["c3"], 11 * 60)
    resent = add(engine, "c2", TEXT["c2"], 11 * 60 + 1)
    assert (again.incident_id, resent.duplicate_of) == (again.id, None)
    assert resent.incident_id == again.id


def test_two_intakes_at_once_see_each_other(engine: Engine) -> None:
    barrier = threading.Barrier(2)
    found: list[ComplaintRecord] = []

    def intake(external_id: str) -> None:
        barrier.wait()
        found.append(add(engine, external_id, TEXT["c1"], 0))

    threads = [threading.Thread(target=intake, args=(f"r{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Whichever took the intake lock first (on PostgreSQL not always the lower id: ids are
    # drawn before the lock) starts the incident, and the other one saw it.
    first, second = sorted(found, key=lambda r: r.duplicate_of is not None)
    assert (first.incident_id, first.duplicate_of) == (first.id, None)
    assert (second.incident_id, second.duplicate_of) == (first.id, first.id)


def test_cluster_sizes_count_members_and_open_ones(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    add(engine, "c2", TEXT["c2"], 4)
    told = add(engine, "c3", TEXT["c3"], 11 * 60)
    alone = add(engine, "c4", TEXT["c4"], 13 * 60, topic="PJU")
    move(engine, told.id, "diarsipkan")
    store = IncidentStore(engine)
    sizes = store.cluster_sizes([first.id, alone.id])
    assert (sizes[first.id].size, sizes[first.id].open) == (3, 2)
    assert (sizes[alone.id].size, sizes[alone.id].open) == (1, 1)
    assert store.open_members(first.id) == (first.id + 1,)


def test_archiving_a_cluster_records_an_event_for_each_and_skips_ended_ones(
    engine: Engine,
) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    again = add(engine, "c2", TEXT["c2"], 4)
    told = add(engine, "c3", TEXT["c3"], 11 * 60)
    move(engine, told.id, "diarsipkan")
    done = IncidentStore(engine).transition_cluster(
        first.id,
        to_state="diarsipkan",
        actor="reviewer",
        role="review",
        reason="satu lubang",
        archive_reason="duplikat",
        tanggapan="digabung, hubungi 081234567890",
    )
    assert [(e.complaint_id, e.to_state) for e in done.events] == [
        (first.id, "diarsipkan"),
        (again.id, "diarsipkan"),
    ]
    assert done.skipped == ((told.id, "diarsipkan"),)
    for event in done.events:
        assert (event.actor, event.reason) == ("reviewer", "satu lubang")
        assert "081234567890" not in (event.tanggapan or "")
    assert ComplaintStore(engine).get(again.id).state == "diarsipkan"


def test_an_illegal_move_of_one_member_moves_nobody(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    again = add(engine, "c2", TEXT["c2"], 4)
    move(engine, first.id, *TO_SELESAI[:-1])
    with pytest.raises(TransitionError, match=f"complaint {again.id} of the incident") as caught:
        IncidentStore(engine).transition_cluster(
            first.id, to_state="selesai", actor="v", role="review", tanggapan="beres"
        )
    assert "terverifikasi" in caught.value.allowed
    casework = CaseworkStore(engine)
    assert [e.to_state for e in casework.events(first.id)] == list(TO_SELESAI[:-1])
    assert casework.events(again.id) == ()


def test_cluster_actions_refuse_other_states_and_members(engine: Engine) -> None:
    first = add(engine, "c1", TEXT["c1"], 0)
    again = add(engine, "c2", TEXT["c2"], 4)
    store = IncidentStore(engine)
    with pytest.raises(InputError, match="only be moved to selesai or diarsipkan"):
        store.transition_cluster(first.id, to_state="terverifikasi", actor="v", role="review")
    with pytest.raises(InputError, match=f"belongs to the incident of complaint {first.id}"):
        store.transition_cluster(
            again.id, to_state="diarsipkan", actor="v", role="review", archive_reason="duplikat"
        )
    assert CaseworkStore(engine).events(first.id) == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0009_keeps_complaints_both_ways(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            first = add(engine, "c1", TEXT["c1"], 0)
            add(engine, "c2", TEXT["c2"], 4)
            engine.dispose()
            downgrade(url, "0008")
            tables = set(inspect(engine).get_table_names())
            assert not tables & {"incident_signatures", "incident_bands"}
            columns = {c["name"] for c in inspect(engine).get_columns("complaints")}
            assert "incident_id" not in columns
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT external_id FROM complaints")).all()
            assert sorted(row[0] for row in rows) == ["c1", "c2"]
            engine.dispose()
            upgrade(url)
            kept = ComplaintStore(engine).get(first.id)
            assert (kept.text, kept.incident_id) == (TEXT["c1"], None)
            # Stored before: no signature, so a new complaint starts afresh.
            later = add(engine, "c3", TEXT["c2"], 6)
            assert (later.incident_id, later.duplicate_of) == (later.id, None)
        finally:
            engine.dispose()
