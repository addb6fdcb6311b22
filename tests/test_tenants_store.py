"""Tenants in the store: migration 0008, the tenants table, and every query scoped to one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.api.databases import BACKENDS, fresh_copy, migrated_database
from triage.errors import InputError
from triage.store import (
    DEFAULT_TENANT,
    DEFAULT_TENANT_ID,
    AlertStore,
    CaseworkStore,
    ComplaintStore,
    KeyStore,
    NewComplaint,
    NewPrediction,
    NotFoundError,
    StatsStore,
    TenantStore,
    TrendStore,
    UnknownTenantError,
    make_engine,
    open_complaint_opds,
    stored_complaints,
    upgrade,
)
from triage.store.database import downgrade
from triage.tenants.registry import shipped_registry

REGISTRY = "opd,urusan,description\nDinas Pekerjaan Umum,1.03,jalan dan saluran\n"


@pytest.fixture(scope="module", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    with migrated_database(request.param, tmp_path_factory.mktemp("tenants")) as url:
        yield request.param, url


@pytest.fixture
def url(migrated: tuple[str, str], tmp_path: Path) -> str:
    return fresh_copy(*migrated, tmp_path)


def new_tenant(engine: Engine, name: str = "samarinda") -> int:
    return (
        TenantStore(engine)
        .create_tenant(
            name,
            display_name=f"Kota {name.title()}",
            level="kota",
            registry_csv=REGISTRY,
            registry_digest="d" * 16,
        )
        .id
    )


def add(store: ComplaintStore, external_id: str = "A-1") -> int:
    record, created = store.add(
        NewComplaint(source="lapor", external_id=external_id, text="lampu jalan mati"),
        NewPrediction("test-1", "Dinas Perhubungan", 0.4, "PJU", 0.8, True, 1.0),
    )
    assert created
    return record.id


def test_the_default_tenant_is_the_sample_city_with_its_shipped_registry(engine: Engine) -> None:
    tenant = TenantStore(engine).get_tenant(DEFAULT_TENANT)
    assert (tenant.id, tenant.level, tenant.display_name) == (
        DEFAULT_TENANT_ID,
        "kota",
        "Kota Bandung",
    )
    assert tenant.registry_digest == shipped_registry("bandung").digest
    assert tenant.gazetteer_csv is not None
    assert "kecamatan" in tenant.gazetteer_csv
    assert tenant.settings == {}


def test_a_second_tenant_gets_its_own_id(engine: Engine) -> None:
    tenant_id = new_tenant(engine)
    assert tenant_id != DEFAULT_TENANT_ID
    names = [t.name for t in TenantStore(engine).list_tenants()]
    assert names == ["bandung", "samarinda"]


@pytest.mark.parametrize(
    ("name", "level", "message"),
    [
        ("Samarinda", "kota", "not a slug"),
        ("sama rinda", "kota", "not a slug"),
        ("-x", "kota", "not a slug"),
        ("", "kota", "not a slug"),
        ("x" * 65, "kota", "not a slug"),
        ("samarinda", "desa", "unknown level"),
        ("bandung", "kota", "exists already"),
    ],
)
def test_create_tenant_refuses_bad_names_and_levels(
    engine: Engine, name: str, level: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        TenantStore(engine).create_tenant(
            name, display_name="X", level=level, registry_csv=REGISTRY, registry_digest="d"
        )
    assert len(TenantStore(engine).list_tenants()) == 1


def test_an_unknown_tenant_is_an_input_error_naming_the_known_ones(engine: Engine) -> None:
    with pytest.raises(UnknownTenantError, match="unknown tenant 'atlantis'; known: bandung"):
        TenantStore(engine).get_tenant("atlantis")
    assert issubclass(UnknownTenantError, InputError)
    with pytest.raises(UnknownTenantError):
        TenantStore(engine).get_tenant_by_id(999)


def test_configure_replaces_the_settings(engine: Engine) -> None:
    new_tenant(engine)
    stored = TenantStore(engine).configure("samarinda", {"sla": {"verification_days": 2}})
    assert stored.settings == {"sla": {"verification_days": 2}}
    assert TenantStore(engine).get_tenant("samarinda").settings == stored.settings
    with pytest.raises(UnknownTenantError):
        TenantStore(engine).configure("atlantis", {})


def test_complaints_of_one_tenant_are_not_found_from_another(engine: Engine) -> None:
    other = new_tenant(engine)
    ours, theirs = ComplaintStore(engine), ComplaintStore(engine).for_tenant(other)
    mine = add(ours)
    # The same source id is a different complaint in another tenant.
    yours = add(theirs)
    assert mine != yours
    assert ours.get(mine).id == mine
    with pytest.raises(NotFoundError):
        theirs.get(mine)
    with pytest.raises(NotFoundError):
        theirs.correct(mine, corrected_by="x", opd="Dinas Sosial")
    assert ours.get(mine).corrections == ()
    assert [c.id for c in theirs.list_page().items] == [yours]
    assert theirs.list_page().total == 1
    assert ours.find("lapor", "A-1") is not None
    assert ours.find("lapor", "A-1").id == mine  # type: ignore[union-attr]
    casework = CaseworkStore(engine).for_tenant(other)
    with pytest.raises(NotFoundError):
        casework.events(mine)
    with pytest.raises(NotFoundError):
        casework.transition(mine, to_state="terverifikasi", actor="v", role="review")
    assert CaseworkStore(engine).events(mine) == ()
    CaseworkStore(engine).transition(mine, to_state="terverifikasi", actor="v", role="review")
    # Another tenant's events are not read (an id it does not hold has no history).
    assert casework.histories([mine, yours]) == {mine: (), yours: ()}
    assert len(CaseworkStore(engine).histories([mine])[mine]) == 1
    assert list(casework.compliance_frame()["id"]) == [yours]


def test_counts_trends_and_training_reads_are_per_tenant(engine: Engine, url: str) -> None:
    other = new_tenant(engine)
    add(ComplaintStore(engine), "A-1")
    add(ComplaintStore(engine), "A-2")
    add(ComplaintStore(engine).for_tenant(other), "B-1")
    assert StatsStore(engine).stats().complaints == 2
    assert StatsStore(engine).for_tenant(other).stats().complaints == 1
    assert len(TrendStore(engine).complaints_frame()) == 2
    assert len(TrendStore(engine).for_tenant(other).complaints_frame()) == 1
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    assert TrendStore(engine).for_tenant(other).counts_by("opd", start, end) == {
        "Dinas Perhubungan": 1
    }
    assert TrendStore(engine).data_version() != TrendStore(engine).for_tenant(other).data_version()
    assert list(stored_complaints(url)["external_id"]) == ["A-1", "A-2"]
    assert list(stored_complaints(url, tenant_id=other)["external_id"]) == ["B-1"]
    assert open_complaint_opds(url) == {"Dinas Perhubungan": 2}
    assert open_complaint_opds(url, tenant_id=other) == {"Dinas Perhubungan": 1}


def test_keys_are_bound_to_their_tenant(engine: Engine) -> None:
    other = new_tenant(engine)
    ours, theirs = KeyStore(engine), KeyStore(engine).for_tenant(other)
    _, key = theirs.create("connector", "ingest")
    # Names are unique per tenant only.
    ours.create("connector", "ingest")
    assert ours.authenticate(key).tenant_id == other
    assert [c.name for c in theirs.clients()] == ["connector"]
    with pytest.raises(NotFoundError):
        KeyStore(engine).for_tenant(other).revoke("nobody")
    ours.revoke("connector")
    assert theirs.authenticate(key).active
    assert TenantStore(engine).counts(other).keys == 1


def test_alerts_of_one_tenant_are_not_found_from_another(engine: Engine) -> None:
    from tests.test_alert_relations import _alert_values
    from triage.store.alerts import AlertRow

    other = new_tenant(engine)
    store = AlertStore(engine)
    with store.session(write=True) as session:
        row = AlertRow(**_alert_values("Banjir"))
        session.add(row)
        session.flush()
        alert_id = row.id
    theirs = store.for_tenant(other)
    assert theirs.list_page("all").total == 0
    with pytest.raises(NotFoundError):
        theirs.get(alert_id)
    with pytest.raises(NotFoundError):
        theirs.acknowledge(alert_id, "x")
    assert store.get(alert_id).status == "open"


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0008_keeps_rows_both_ways(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            complaints = ComplaintStore(engine)
            complaint_id = add(complaints)
            complaints.correct(complaint_id, corrected_by="x", opd="Dinas Sosial")
            CaseworkStore(engine).transition(
                complaint_id, to_state="terverifikasi", actor="v", role="review"
            )
            _, key = KeyStore(engine).create("connector", "ingest")
            engine.dispose()
            downgrade(url, "0007")
            assert "tenants" not in inspect(engine).get_table_names()
            for table in ("complaints", "api_clients", "alerts"):
                assert "tenant_id" not in {c["name"] for c in inspect(engine).get_columns(table)}
            with engine.connect() as connection:
                for table in ("complaints", "predictions", "corrections", "complaint_events"):
                    count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                    assert (table, count) == (table, 1)
            engine.dispose()
            upgrade(url)
            kept = complaints.get(complaint_id)
            assert kept.opd == "Dinas Sosial"
            assert len(kept.corrections) == 1
            assert kept.prediction is not None
            assert len(CaseworkStore(engine).events(complaint_id)) == 1
            assert KeyStore(engine).authenticate(key).tenant_id == DEFAULT_TENANT_ID
            # The sequence moved past the default tenant's explicit id.
            assert new_tenant(engine) != DEFAULT_TENANT_ID
        finally:
            engine.dispose()


def test_upgrading_twice_keeps_one_default_tenant(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        assert [t.name for t in TenantStore(engine).list_tenants()] == [DEFAULT_TENANT]
    finally:
        engine.dispose()
