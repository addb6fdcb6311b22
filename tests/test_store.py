"""The complaint store against SQLite and, when reachable, the local PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from tests.api.databases import BACKENDS, fresh_copy, migrated_database
from triage.errors import InputError
from triage.modelops.retrain import build_training_set
from triage.store import (
    ComplaintStore,
    Database,
    DuplicateError,
    KeyStore,
    NewComplaint,
    NewPrediction,
    NotFoundError,
    StatsStore,
    StoreError,
    current_revision,
    make_engine,
    stored_complaints,
    upgrade,
)
from triage.store.schema import Base

T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """One migrated database per backend for the module; tests get it emptied or copied."""
    with migrated_database(request.param, tmp_path_factory.mktemp("store")) as database_url:
        yield request.param, database_url


@pytest.fixture
def url(migrated: tuple[str, str], tmp_path: Path) -> str:
    return fresh_copy(*migrated, tmp_path)


@pytest.fixture
def complaints(engine: Engine) -> ComplaintStore:
    return ComplaintStore(engine)


def prediction(opd: str | None = "Dinas Perhubungan", needs_review: bool = False) -> NewPrediction:
    return NewPrediction(
        model_version="test-1",
        opd=opd,
        opd_confidence=0.9 if not needs_review else 0.3,
        topic="PJU",
        topic_confidence=0.8,
        needs_review=needs_review,
        latency_ms=1.5,
    )


def complaint(
    external_id: str = "A-1", text: str = "lampu jalan mati", **kwargs: object
) -> NewComplaint:
    return NewComplaint(source="lapor", external_id=external_id, text=text, **kwargs)  # type: ignore[arg-type]


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrade_is_repeatable(url: str) -> None:
    upgrade(url)
    assert current_revision(url) == Database.head_revision()


def test_add_masks_personal_data_and_keeps_no_raw_text(complaints: ComplaintStore) -> None:
    record, created = complaints.add(
        complaint(text="hubungi 081234567890 atau budi@example.com", title="wa 081234567890"),
        prediction(),
    )
    assert created
    assert "081234567890" not in record.text
    assert "budi@example.com" not in record.text
    assert record.title is not None
    assert "081234567890" not in record.title
    assert record.status == "routed"
    assert record.prediction is not None
    assert record.prediction.model_version == "test-1"


def test_database_errors_do_not_quote_statement_parameters(complaints: ComplaintStore) -> None:
    # Tracebacks of database errors reach the logs: they must not quote complaint text.
    with pytest.raises(StoreError) as caught, complaints.session(write=True) as session:
        session.execute(
            text("INSERT INTO complaints (id, source) VALUES (:id, :source)"),
            {"id": 1, "source": "SECRET-081234567890"},
        )
    # What SQLAlchemy appends to the driver's message: the statement and its parameters.
    appended = str(caught.value.__cause__).partition("[SQL:")[2]
    assert appended
    assert "SECRET" not in appended


def test_raw_text_is_kept_only_when_allowed(engine: Engine) -> None:
    store = ComplaintStore(engine, keep_raw_text=True)
    record, _ = store.add(complaint(text="nomor saya 081234567890"), prediction())
    with store.session() as session:
        from triage.store.schema import Complaint

        row = session.get(Complaint, record.id)
        assert row is not None
        assert row.raw_text == "nomor saya 081234567890"


def test_retry_returns_the_first_complaint(complaints: ComplaintStore) -> None:
    first, created = complaints.add(complaint(text="pertama"), prediction())
    again, created_again = complaints.add(complaint(text="kedua"), prediction("Dinas Sosial"))
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert again.text == "pertama"
    assert complaints.list_page().total == 1


def test_concurrent_duplicates_store_one_row(complaints: ComplaintStore) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        barrier.wait()
        results.append(complaints.add(complaint("RACE"), prediction())[1])

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert complaints.list_page().total == 1


def test_empty_text_is_refused(complaints: ComplaintStore) -> None:
    with pytest.raises(InputError, match="empty"):
        complaints.add(complaint(text="   "), prediction())


def test_bulk_import_masks_and_stores_every_complaint(complaints: ComplaintStore) -> None:
    batch = [
        (complaint(f"B-{i}", text=f"lampu mati, wa 08123456789{i}"), prediction()) for i in range(5)
    ]
    assert complaints.add_many(batch) == 5
    page = complaints.list_page(status="routed")
    assert page.total == 5
    assert all("08123456789" not in record.text for record in page.items)


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (complaint("B-2", text="  "), InputError),  # an empty text: refused before writing
        (complaint("A-1"), DuplicateError),  # already stored: the transaction rolls back
    ],
)
def test_bulk_import_stores_nothing_when_one_complaint_is_bad(
    complaints: ComplaintStore, bad: NewComplaint, error: type[Exception]
) -> None:
    complaints.add(complaint("A-1"), prediction())
    with pytest.raises(error):
        complaints.add_many([(complaint("B-1"), prediction()), (bad, prediction())])
    assert complaints.list_page().total == 1


def test_get_unknown_id_raises(complaints: ComplaintStore) -> None:
    with pytest.raises(NotFoundError):
        complaints.get(10**6)


def test_review_queue_filters_and_pages(complaints: ComplaintStore) -> None:
    for i in range(5):
        complaints.add(
            complaint(f"Q-{i}", created_at=T0 + timedelta(hours=i)),
            prediction("Dinas Sosial" if i % 2 else "Dinas Perhubungan", needs_review=i < 4),
        )
    queue = complaints.list_page(status="needs_review", limit=2, offset=1)
    assert queue.total == 4
    assert [c.external_id for c in queue.items] == ["Q-1", "Q-2"]
    social = complaints.list_page(status="needs_review", opd="Dinas Sosial")
    assert [c.external_id for c in social.items] == ["Q-1", "Q-3"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "lost"}, "unknown status"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_review_queue_refuses_bad_arguments(
    complaints: ComplaintStore, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        complaints.list_page(**kwargs)  # type: ignore[arg-type]


def test_correction_is_stored_and_becomes_a_training_example(
    complaints: ComplaintStore, url: str
) -> None:
    record, _ = complaints.add(complaint(), prediction(needs_review=True))
    corrected = complaints.correct(
        record.id, corrected_by="admin-budi", opd="Dinas Sosial", reason="bansos"
    )
    assert corrected.status == "corrected"
    assert corrected.opd == "Dinas Sosial"
    (entry,) = corrected.corrections
    assert (entry.old_opd, entry.new_opd, entry.new_topic) == (
        "Dinas Perhubungan",
        "Dinas Sosial",
        "PJU",
    )
    examples = build_training_set(stored_complaints(url), corrected_only=True).frame
    assert examples[["opd", "topic", "text"]].to_dict("records") == [
        {"opd": "Dinas Sosial", "topic": "PJU", "text": "lampu jalan mati"}
    ]
    later = datetime.now(UTC) + timedelta(days=1)
    assert stored_complaints(url, since=later).empty


def test_correction_needs_a_label_and_an_existing_complaint(complaints: ComplaintStore) -> None:
    with pytest.raises(InputError):
        complaints.correct(1, corrected_by="x")
    with pytest.raises(NotFoundError):
        complaints.correct(10**6, corrected_by="x", opd="Dinas Sosial")


def test_stats_measure_accuracy_from_corrections(engine: Engine) -> None:
    store = ComplaintStore(engine)
    ids = []
    # (predicted opd, needs review, corrected to)
    table = [
        ("Dinas Perhubungan", False, None),
        ("Dinas Perhubungan", False, "Dinas Perhubungan"),
        ("Dinas Perhubungan", False, "Dinas Sosial"),
        ("Dinas Sosial", True, "Dinas Sosial"),
        ("Dinas Sosial", True, None),
    ]
    for i, (opd, review, _) in enumerate(table):
        record, _ = store.add(
            complaint(f"S-{i}", created_at=T0 + timedelta(days=i)), prediction(opd, review)
        )
        ids.append(record.id)
    for complaint_id, (_, _, final) in zip(ids, table, strict=True):
        if final is not None:
            store.correct(complaint_id, corrected_by="admin", opd=final)
    stats = StatsStore(engine).stats()
    assert stats.complaints == 5
    assert stats.by_status == {"routed": 1, "needs_review": 1, "corrected": 3}
    assert (stats.auto_routed, stats.auto_routed_share) == (3, 0.6)
    assert (stats.reviewed, stats.correct, stats.accuracy) == (3, 2, 0.6667)
    assert (stats.auto_routed_reviewed, stats.auto_routed_accuracy) == (2, 0.5)
    by_opd = {row.opd: row for row in stats.per_opd}
    assert by_opd["Dinas Perhubungan"].accuracy == 0.5
    assert by_opd["Dinas Sosial"].accuracy == 1.0
    window = StatsStore(engine).stats(T0 + timedelta(days=1), T0 + timedelta(days=3))
    assert window.complaints == 2
    assert window.reviewed == 2


def test_stats_refuse_reversed_or_naive_ranges(engine: Engine) -> None:
    with pytest.raises(InputError, match="after"):
        StatsStore(engine).stats(T0, T0 - timedelta(days=1))
    with pytest.raises(InputError, match="timezone"):
        StatsStore(engine).stats(datetime(2026, 1, 1))


def test_keys_are_hashed_and_revocable(engine: Engine) -> None:
    keys = KeyStore(engine)
    client, key = keys.create("lapor-connector", "ingest")
    assert keys.authenticate(key).name == "lapor-connector"
    with keys.session() as session:
        from triage.store.schema import ApiClient

        stored = session.get(ApiClient, client.id)
        assert stored is not None
        assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    with pytest.raises(InputError, match="exists"):
        keys.create("lapor-connector", "read")
    keys.revoke("lapor-connector")
    with pytest.raises(NotFoundError):
        keys.authenticate(key)
    with pytest.raises(NotFoundError):
        keys.revoke("lapor-connector")


@pytest.mark.parametrize(("name", "role"), [("", "admin"), ("x", "root")])
def test_keys_refuse_bad_clients(engine: Engine, name: str, role: str) -> None:
    with pytest.raises(InputError):
        KeyStore(engine).create(name, role)


def test_sqlite_file_directory_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'triage.db'}"
    upgrade(url)
    assert (tmp_path / "nested" / "dir" / "triage.db").exists()


@pytest.mark.parametrize("url", ["not a url", "nosuchdriver://x"])
def test_bad_database_urls_raise_input_error(url: str) -> None:
    with pytest.raises(InputError):
        make_engine(url)


def test_commands_that_read_a_store_do_not_create_an_empty_one(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "triage.db"
    with pytest.raises(StoreError, match="run `triage db upgrade`"):
        make_engine(f"sqlite:///{missing}", must_exist=True)
    assert not missing.parent.exists()
    make_engine(f"sqlite:///{missing}").dispose()  # `triage db upgrade` and the tests create it
    assert missing.parent.exists()


def test_every_free_text_field_is_masked(complaints: ComplaintStore) -> None:
    phone = "081311112222"
    record, _ = complaints.add(
        complaint(kecamatan=f"Andir {phone}", kelurahan=f"x@y.id {phone}", channel=phone),
        prediction(),
    )
    corrected = complaints.correct(
        record.id, corrected_by=f"budi/{phone}", opd="Dinas Sosial", reason=f"telp {phone}"
    )
    assert phone not in repr(corrected.to_dict())
    assert corrected.kecamatan == "Andir [telepon]"
    assert corrected.corrections[-1].corrected_by == "budi/[telepon]"


@pytest.mark.parametrize(
    "bad",
    [
        {"source": "wa 081311112222"},
        {"external_id": "budi@example.com"},
        {"external_id": "3201010101010001"},
    ],
)
def test_identifiers_with_personal_data_are_refused(
    complaints: ComplaintStore, bad: dict[str, str]
) -> None:
    new = NewComplaint(**{"source": "lapor", "external_id": "A-1", "text": "lampu", **bad})
    for store in (
        lambda: complaints.add(new, prediction()),
        lambda: complaints.add_many([(new, prediction())]),
    ):
        with pytest.raises(InputError, match="holds personal data") as caught:
            store()
        assert next(iter(bad.values())) not in str(caught.value)


def test_labels_with_personal_data_are_refused(complaints: ComplaintStore) -> None:
    record, _ = complaints.add(complaint(), prediction())
    with pytest.raises(InputError, match="opd holds personal data"):
        complaints.correct(record.id, corrected_by="x", opd="Dinas 081311112222")


def test_a_retry_is_compared_on_masked_values(complaints: ComplaintStore) -> None:
    first = complaint(text="telp 081311112222 lampu mati", kecamatan="Andir", created_at=T0)
    record, _ = complaints.add(first, prediction())
    assert first.differences(record) == ()
    # Another phone number masks alike: the stored complaint cannot tell them apart.
    same = complaint(text="telp 081399998888 lampu mati", kecamatan="Andir")
    assert same.differences(record) == ()
    other = complaint(text="sampah", kecamatan="Coblong", created_at=T0 + timedelta(hours=1))
    assert other.differences(record) == ("text", "kecamatan", "created_at")


def test_unknown_places_are_never_taught(complaints: ComplaintStore, url: str) -> None:
    # A place outside the gazetteer, predicted as its area office, then confirmed.
    unknown, _ = complaints.add(
        complaint("U-1", kecamatan="Atlantis", place_known=False),
        prediction(opd="Kecamatan Atlantis"),
    )
    complaints.correct(unknown.id, corrected_by="x", topic="PJU")
    # A known place whose correction names an unknown area office (sent with new_label).
    known, _ = complaints.add(
        complaint("K-1", text="sampah", kecamatan="Andir", place_known=True), prediction()
    )
    complaints.correct(
        known.id, corrected_by="x", opd="Kecamatan Atlantis", new_label=True, place_known=False
    )
    # Not checked (stored before the check): left as it was.
    old, _ = complaints.add(complaint("O-1", text="jalan", kecamatan="Coblong"), prediction())
    complaints.correct(old.id, corrected_by="x", opd="Kecamatan Coblong")
    stored = stored_complaints(url).set_index("external_id")
    assert stored.loc["U-1", ["kecamatan", "opd", "predicted_opd", "corrected_opd"]].isna().all()
    assert stored.loc["U-1", "place_known"] is False
    assert stored.loc["K-1", "kecamatan"] == "Andir"
    assert pd.isna(stored.loc["K-1", "corrected_opd"])
    assert stored.loc["O-1", "corrected_opd"] == "Kecamatan Coblong"
    assert stored.loc["O-1", "place_known"] is None
    frame = build_training_set(stored_complaints(url)).frame
    learnt = {o for o in frame["opd"].dropna()}
    assert "Kecamatan Atlantis" not in learnt
    assert "Atlantis" not in set(frame["kecamatan"].dropna())
    assert learnt == {"Kecamatan Coblong"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0004_keeps_rows_both_ways(backend: str, tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from triage.store.database import downgrade

    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            store = ComplaintStore(engine)
            record, _ = store.add(complaint(place_known=False), prediction())
            store.correct(record.id, corrected_by="x", opd="Dinas Sosial", place_known=True)
            engine.dispose()
            downgrade(url, "0003")
            for table in ("complaints", "corrections"):
                columns = {c["name"] for c in inspect(engine).get_columns(table)}
                assert "place_known" not in columns
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT external_id, opd FROM complaints")).all()
            assert [tuple(row) for row in rows] == [("A-1", "Dinas Sosial")]
            engine.dispose()
            upgrade(url)
            kept = store.get(record.id)
            assert (kept.place_known, kept.corrections[0].place_known) == (None, None)
            assert kept.opd == "Dinas Sosial"
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0007_keeps_corrections_both_ways(backend: str, tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from triage.store.database import downgrade

    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            store = ComplaintStore(engine)
            record, _ = store.add(complaint(), prediction())
            store.correct(record.id, corrected_by="x", authority="PLN", reason="kabel pln")
            store.correct(record.id, corrected_by="y", topic="PJU")
            engine.dispose()
            downgrade(url, "0006")
            columns = {c["name"] for c in inspect(engine).get_columns("corrections")}
            assert "authority" not in columns
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT corrected_by FROM corrections")).all()
            assert sorted(row[0] for row in rows) == ["x", "y"]
            engine.dispose()
            upgrade(url)
            kept = store.get(record.id)
            assert [c.authority for c in kept.corrections] == [None, None]
            assert kept.corrections[0].reason == "kabel pln"
        finally:
            engine.dispose()


def test_corrections_check_the_authority(complaints: ComplaintStore) -> None:
    record, _ = complaints.add(complaint(), prediction())
    with pytest.raises(InputError, match="neither 'local' nor a key.*PLN, POLRI"):
        complaints.correct(record.id, corrected_by="x", authority="PLNX")
    with pytest.raises(InputError, match="not to an opd"):
        complaints.correct(record.id, corrected_by="x", authority="PLN", opd="Dinas Sosial")
    with pytest.raises(InputError, match="an opd, a topic or an authority"):
        complaints.correct(record.id, corrected_by="x")
    referred = complaints.correct(record.id, corrected_by="x", authority="PLN")
    assert (referred.opd, referred.status, referred.corrections[-1].authority) == (
        None,
        "corrected",
        "PLN",
    )


def test_authority_corrections_teach_the_referral(url: str, complaints: ComplaintStore) -> None:
    def corrected(key: str, **verdict: str) -> None:
        record, _ = complaints.add(complaint(key, text=f"keluhan {key}"), prediction())
        complaints.correct(record.id, corrected_by="x", **verdict)  # type: ignore[arg-type]

    corrected("PLN-1", authority="PLN")
    corrected("PLN-2", authority="PLN")
    complaints.correct(complaints.find("lapor", "PLN-2").id, corrected_by="y", topic="Listrik")  # type: ignore[union-attr]
    corrected("LOC-1", authority="local")
    corrected("LOC-2", authority="local", opd="Dinas Sosial")
    corrected("BACK-1", authority="SAMSAT")
    # Named a city agency after the referral: the referral was taken back.
    complaints.correct(complaints.find("lapor", "BACK-1").id, corrected_by="y", opd="Dinas Sosial")  # type: ignore[union-attr]
    stored = stored_complaints(url).set_index("external_id")
    assert stored.loc["PLN-1", "corrected_authority"] == "PLN"
    assert stored.loc["PLN-2", "corrected_authority"] == "PLN"
    frame = build_training_set(stored_complaints(url)).frame.set_index("text")
    assert frame.loc["keluhan PLN-1", "opd"] == "PT PLN (Persero)"
    assert tuple(frame.loc["keluhan PLN-2", ["opd", "topic"]]) == ("PT PLN (Persero)", "Listrik")
    assert frame.loc["keluhan LOC-1", "opd"] == "Dinas Perhubungan"
    assert frame.loc["keluhan LOC-2", "opd"] == "Dinas Sosial"
    assert frame.loc["keluhan BACK-1", "opd"] == "Dinas Sosial"
