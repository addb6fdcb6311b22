"""Store and route, retries, the review queue and corrections."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.databases import BACKENDS, postgres_schema
from triage.store import KeyStore, make_engine, upgrade

Headers = dict[str, str]


def new(
    external_id: str = "L-1", text: str = "lampu jalan mati depan sekolah", **extra: object
) -> dict[str, object]:
    return {"source": "lapor", "external_id": external_id, "text": text, **extra}


def test_create_stores_masked_text_and_routes(client: FlaskClient, admin: Headers) -> None:
    response = client.post(
        "/v1/complaints",
        json=new(text="lampu jalan mati, hubungi 081234567890", channel="whatsapp"),
        headers=admin,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert "081234567890" not in body["text"]
    assert body["opd"] == "Dinas Perhubungan"
    assert body["status"] in {"routed", "needs_review"}
    assert body["prediction"]["model_version"] == "test-model"
    fetched = client.get(f"/v1/complaints/{body['id']}", headers=admin)
    assert fetched.status_code == 200
    assert fetched.get_json() == body


def test_retry_returns_200_with_the_first_complaint(client: FlaskClient, admin: Headers) -> None:
    sent = new(text="lampu mati hub 081234567890", kecamatan="Andir", channel="web")
    first = client.post("/v1/complaints", json=sent, headers=admin)
    # The same complaint again: equal once masked, whatever the case of the channel.
    retry = client.post("/v1/complaints", json={**sent, "channel": "Web"}, headers=admin)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json() == first.get_json()
    other_source = client.post("/v1/complaints", json={**new(), "source": "wa"}, headers=admin)
    assert other_source.status_code == 201


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"text": "bansos belum cair 081299998888"}, "text"),
        ({"title": "Lampu"}, "title"),
        ({"kecamatan": "Coblong", "kelurahan": "Dago"}, "kecamatan, kelurahan"),
        ({"channel": "whatsapp"}, "channel"),
        ({"created_at": "2026-01-06T10:00:00+07:00"}, "created_at"),
    ],
)
def test_retry_with_another_body_is_a_409_naming_fields_not_values(
    client: FlaskClient, admin: Headers, change: dict[str, object], fields: str
) -> None:
    sent = new(kecamatan="Andir", channel="web", created_at="2026-01-05T10:00:00+07:00")
    first = client.post("/v1/complaints", json=sent, headers=admin).get_json()
    response = client.post("/v1/complaints", json={**sent, **change}, headers=admin)
    assert response.status_code == 409
    body = response.get_json()
    assert set(body) == {"error", "detail", "existing_id"}
    assert (body["error"], body["existing_id"]) == ("conflict", first["id"])
    assert f"a different {fields};" in body["detail"]
    for value in change.values():
        assert str(value) not in body["detail"]
    assert client.get(f"/v1/complaints/{first['id']}", headers=admin).get_json() == first


def test_retry_without_created_at_compares_the_rest(client: FlaskClient, admin: Headers) -> None:
    sent = new(created_at="2026-01-05T10:00:00+07:00")
    first = client.post("/v1/complaints", json=sent, headers=admin)
    retry = client.post("/v1/complaints", json=new(), headers=admin)
    assert (first.status_code, retry.status_code) == (201, 200)


def test_created_at_after_tomorrow_is_refused(client: FlaskClient, admin: Headers) -> None:
    from datetime import datetime, timedelta

    from triage.periods import LOCAL_TIME

    today = datetime.now(LOCAL_TIME).date()
    for day, status in ((today + timedelta(days=1), 201), (today + timedelta(days=2), 422)):
        sent = new(f"F-{day}", created_at=f"{day.isoformat()}T00:30:00")
        response = client.post("/v1/complaints", json=sent, headers=admin)
        assert response.status_code == status, response.get_json()
    response = client.post(
        "/v1/complaints", json=new(created_at="2999-01-01T00:00:00Z"), headers=admin
    )
    assert response.status_code == 422
    assert "must not be later than tomorrow (Asia/Jakarta time)" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("channel", "status", "stored"),
    [
        ("whatsapp", 201, "whatsapp"),
        (" WhatsApp ", 201, "whatsapp"),
        ("112", 201, "112"),
        ("", 201, None),
        (None, 201, None),
        ("telegram", 400, None),
        ("hub 081234567890", 400, None),
        (112, 400, None),
    ],
)
def test_channel_is_one_of_the_declared_channels(
    client: FlaskClient, admin: Headers, channel: object, status: int, stored: str | None
) -> None:
    response = client.post("/v1/complaints", json=new(channel=channel), headers=admin)
    assert response.status_code == status, response.get_json()
    if status == 201:
        assert response.get_json()["channel"] == stored
    else:
        assert "081234567890" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "wa-081234567890"),
        ("external_id", "andi@example.com"),
        ("external_id", "3201010101010001"),
    ],
)
def test_identifiers_with_personal_data_are_refused_unquoted(
    client: FlaskClient, admin: Headers, field: str, value: str
) -> None:
    response = client.post("/v1/complaints", json={**new(), field: value}, headers=admin)
    assert response.status_code == 400
    detail = response.get_json()["detail"]
    assert f"'{field}' must not hold personal data" in detail
    assert value not in response.get_data(as_text=True)


def test_places_are_masked_and_checked_against_the_gazetteer(
    client: FlaskClient, admin: Headers
) -> None:
    known = client.post(
        "/v1/complaints", json=new("P-1", kecamatan="andir", kelurahan="Campaka"), headers=admin
    ).get_json()
    assert known["place_known"] is True
    unknown = client.post(
        "/v1/complaints",
        json=new("P-2", kecamatan="Atlantis 081311112222", kelurahan="Campaka"),
        headers=admin,
    ).get_json()
    assert unknown["kecamatan"] == "Atlantis [telepon]"
    assert (unknown["place_known"], unknown["status"]) == (False, "needs_review")
    mismatched = client.post(
        "/v1/complaints", json=new("P-3", kecamatan="Coblong", kelurahan="Campaka"), headers=admin
    ).get_json()
    assert mismatched["place_known"] is False
    unplaced = client.post("/v1/complaints", json=new("P-4"), headers=admin).get_json()
    assert unplaced["place_known"] is None
    decision = client.post(
        "/v1/classify", json={"text": "lampu jalan mati", "kecamatan": "Atlantis"}, headers=admin
    ).get_json()
    assert decision["needs_review"] is True
    assert "the kecamatan is not a place of the tenant's gazetteer" in decision["reasons"]


def test_the_gazetteer_is_a_setting(make_app, admin: Headers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api import StartupError

    other = tmp_path / "wilayah.csv"
    other.write_text("# another city\nkecamatan,kelurahan\nAtlantis,Poseidon\n", "utf-8")
    client = make_app(GAZETTEER=str(other)).test_client()
    body = client.post(
        "/v1/complaints", json=new(kecamatan="Atlantis", kelurahan="Poseidon"), headers=admin
    ).get_json()
    assert body["place_known"] is True
    andir = client.post("/v1/complaints", json=new("L-2", kecamatan="Andir"), headers=admin)
    assert andir.get_json()["place_known"] is False
    (tmp_path / "bad.csv").write_text("name\nAndir\n", "utf-8")
    for path in (tmp_path / "bad.csv", tmp_path / "missing.csv"):
        with pytest.raises(StartupError, match="TRIAGE_GAZETTEER"):
            make_app(GAZETTEER=str(path))


def test_created_at_without_offset_is_local_time(client: FlaskClient, admin: Headers) -> None:
    body = client.post(
        "/v1/complaints", json=new(created_at="2026-01-05T10:00:00"), headers=admin
    ).get_json()
    assert body["created_at"] == "2026-01-05T03:00:00+00:00"


def test_unknown_complaint_is_404_json(client: FlaskClient, admin: Headers) -> None:
    for path in ("/v1/complaints/999", "/v1/complaints/99999999999999999999"):
        response = client.get(path, headers=admin)
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


def _fill(client: FlaskClient, headers: Headers) -> list[dict[str, object]]:
    texts = ["lampu jalan mati", "sampah menumpuk", "bansos belum cair", "jalan berlubang"]
    return [
        client.post(
            "/v1/complaints",
            json=new(f"Q-{i}", text, created_at=f"2026-01-0{i + 1}T08:00:00+07:00"),
            headers=headers,
        ).get_json()
        for i, text in enumerate(texts)
    ]


def test_review_queue_filters_and_pages(client: FlaskClient, admin: Headers) -> None:
    stored = _fill(client, admin)
    page = client.get("/v1/complaints?limit=2&offset=1", headers=admin).get_json()
    assert page["total"] == 4
    assert [c["external_id"] for c in page["items"]] == ["Q-1", "Q-2"]
    social = client.get("/v1/complaints?opd=Dinas Sosial", headers=admin).get_json()
    assert [c["external_id"] for c in social["items"]] == ["Q-2"]
    waiting = sum(1 for c in stored if c["status"] == "needs_review")
    queue = client.get("/v1/complaints?status=needs_review", headers=admin).get_json()
    assert queue["total"] == waiting


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "limit=x",
        "colour=red",
        "limit=%D9%A1%D9%A2",  # Arabic-Indic "12": int() would take it
        "limit=1_0",
        "limit=%2012",
    ],
)
def test_review_queue_refuses_bad_queries(client: FlaskClient, admin: Headers, query: str) -> None:
    response = client.get(f"/v1/complaints?{query}", headers=admin)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "detail"}


@pytest.mark.parametrize(
    ("correction", "status", "final_opd"),
    [
        ({"opd": "Dinas Sosial"}, 200, "Dinas Sosial"),
        ({"opd": "Kecamatan Andir", "reason": "urusan wilayah"}, 200, "Kecamatan Andir"),
        ({"opd": "Kelurahan Dago"}, 200, "Kelurahan Dago"),
        ({"opd": "kecamatan bandung wetan"}, 200, "kecamatan bandung wetan"),
        ({"opd": "Kecamatan Atlantis"}, 422, None),
        ({"opd": "Kelurahan Tegalsari"}, 422, None),
        ({"opd": "Kecamatan Atlantis", "new_label": True}, 200, "Kecamatan Atlantis"),
        ({"opd": "Dinas 081234567890"}, 400, None),
        ({"topic": "andi@example.com", "new_label": True}, 400, None),
        ({"topic": "Sampah"}, 200, "Dinas Perhubungan"),
        ({"opd": "Dinas Pemadam Kebakaran"}, 422, None),
        ({"opd": "Kecamatan (wilayah pelapor)"}, 422, None),
        ({"topic": "Topik Baru"}, 422, None),
        ({"opd": "Dinas Pemadam Kebakaran", "new_label": True}, 200, "Dinas Pemadam Kebakaran"),
        ({}, 400, None),
        ({"opd": 5}, 400, None),
        ({"opd": "Dinas Sosial", "new_label": "yes"}, 400, None),
        ({"opd": "Dinas Sosial", "by": "x"}, 400, None),
    ],
)
def test_corrections_are_validated_against_the_model_labels(
    client: FlaskClient,
    keys: dict[str, Headers],
    correction: dict[str, object],
    status: int,
    final_opd: str | None,
) -> None:
    created = client.post("/v1/complaints", json=new(), headers=keys["ingest"]).get_json()
    response = client.post(
        f"/v1/complaints/{created['id']}/correction",
        json={**correction, "reviewer": "budi"} if status == 200 else correction,
        headers=keys["review"],
    )
    assert response.status_code == status, response.get_json()
    if status != 200:
        assert set(response.get_json()) == {"error", "detail"}
        return
    body = response.get_json()
    assert body["status"] == "corrected"
    assert body["opd"] == final_opd
    assert body["corrections"][-1]["corrected_by"] == "test-review/budi"


def test_correction_reason_is_masked_and_reviewer_refused_with_personal_data(
    client: FlaskClient, keys: dict[str, Headers]
) -> None:
    created = client.post("/v1/complaints", json=new(), headers=keys["ingest"]).get_json()
    path = f"/v1/complaints/{created['id']}/correction"
    refused = client.post(
        path, json={"opd": "Dinas Sosial", "reviewer": "andi 081311112222"}, headers=keys["review"]
    )
    assert refused.status_code == 400
    assert "081311112222" not in refused.get_data(as_text=True)
    body = client.post(
        path,
        json={"opd": "Dinas Sosial", "reviewer": "andi", "reason": "pelapor andi@example.com"},
        headers=keys["review"],
    ).get_json()
    assert body["corrections"][-1]["reason"] == "pelapor [email]"
    assert body["corrections"][-1]["corrected_by"] == "test-review/andi"


def test_correction_of_unknown_complaint_is_404(client: FlaskClient, admin: Headers) -> None:
    response = client.post(
        "/v1/complaints/4242/correction", json={"opd": "Dinas Sosial"}, headers=admin
    )
    assert response.status_code == 404


def test_raw_text_is_stored_only_when_configured(make_app, keys: dict[str, Headers]) -> None:  # type: ignore[no-untyped-def]
    from triage.store.schema import Complaint

    for setting, expected in ((False, None), (True, "telp 081234567890 lampu mati")):
        app: Flask = make_app(STORE_RAW_TEXT=setting)
        body = (
            app.test_client()
            .post(
                "/v1/complaints",
                json=new(f"R-{setting}", "telp 081234567890 lampu mati"),
                headers=keys["admin"],
            )
            .get_json()
        )
        store = app.extensions["triage"].complaints
        with store.session() as session:
            assert session.get(Complaint, body["id"]).raw_text == expected
        store.dispose()


POWER_CUT = "listrik padam sejak pagi dari pln belum ada petugas"


@pytest.fixture(params=BACKENDS)
def served(
    request: pytest.FixtureRequest, make_app: Callable[..., Flask], database_url: str
) -> Iterator[tuple[FlaskClient, dict[str, Headers]]]:
    """A client and keys of the ingest, review and read roles, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        with _serving(make_app, database_url) as pair:
            yield pair
        return
    with postgres_schema() as url:
        upgrade(url)
        with _serving(make_app, url) as pair:
            yield pair


@contextmanager
def _serving(
    make_app: Callable[..., Flask], url: str
) -> Iterator[tuple[FlaskClient, dict[str, Headers]]]:
    engine = make_engine(url)
    store = KeyStore(engine)
    keys = {
        role: {"Authorization": f"Bearer {store.create(f'test-{role}', role)[1]}"}
        for role in ("ingest", "review", "read")
    }
    engine.dispose()
    app = make_app(DATABASE_URL=url)
    try:
        yield app.test_client(), keys
    finally:
        app.extensions["triage"].complaints.dispose()


@pytest.mark.parametrize(
    ("text", "correction", "status", "stored"),
    [
        (POWER_CUT, {"authority": "local", "opd": "Dinas Perhubungan"}, 200, "local"),
        (POWER_CUT, {"authority": "PLN"}, 200, "PLN"),
        ("lampu jalan mati", {"authority": "PLN", "reason": "kabel pln"}, 200, "PLN"),
        ("lampu jalan mati", {"authority": "local", "topic": "PJU"}, 200, "local"),
        ("lampu jalan mati", {"authority": "PLN", "opd": "Dinas Sosial"}, 422, None),
        ("lampu jalan mati", {"authority": "PLNX"}, 422, None),
        ("lampu jalan mati", {"authority": "pln"}, 422, None),
        ("lampu jalan mati", {"authority": 5}, 400, None),
        ("lampu jalan mati", {"authority": None}, 400, None),
    ],
)
def test_reviewers_correct_the_authority(
    served: tuple[FlaskClient, dict[str, Headers]],
    text: str,
    correction: dict[str, object],
    status: int,
    stored: str | None,
) -> None:
    client, keys = served
    created = client.post("/v1/complaints", json=new(text=text), headers=keys["ingest"])
    assert created.status_code == 201, created.get_json()
    path = f"/v1/complaints/{created.get_json()['id']}/correction"
    response = client.post(path, json=correction, headers=keys["review"])
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    if status != 200:
        assert set(body) == {"error", "detail"}
        if correction["authority"] in ("PLNX", "pln"):
            assert "PLN, POLRI" in body["detail"]
            assert "BPJS_KESEHATAN" in body["detail"]
        return
    assert body["status"] == "corrected"
    assert body["corrections"][-1]["authority"] == stored
    if stored != "local":
        # Another body's business: routed to no city agency.
        assert body["opd"] is None
        assert body["corrections"][-1]["new_opd"] is None


def test_stats_measure_the_authority_by_corrections(
    served: tuple[FlaskClient, dict[str, Headers]],
) -> None:
    client, keys = served
    verdicts = [
        (POWER_CUT, {"authority": "PLN"}),  # external, right body
        (POWER_CUT, {"authority": "POLRI"}),  # external, wrong body
        (POWER_CUT, {"authority": "local", "opd": "Dinas Perhubungan"}),  # wrongly external
        ("lampu jalan mati", {"authority": "local"}),  # local, right
        ("lampu jalan mati", {"topic": "PJU"}),  # says nothing about the authority
    ]
    for i, (text, correction) in enumerate(verdicts):
        created = client.post(
            "/v1/complaints", json=new(f"A-{i}", text=text), headers=keys["ingest"]
        ).get_json()
        response = client.post(
            f"/v1/complaints/{created['id']}/correction", json=correction, headers=keys["review"]
        )
        assert response.status_code == 200, response.get_json()
    stats = client.get("/v1/stats", headers=keys["read"]).get_json()
    assert stats["authority"] == {"corrected": 4, "correct": 2, "accuracy": 0.5}


def test_the_openapi_document_lists_the_authority_values(client: FlaskClient) -> None:
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    values = schemas["CorrectionRequest"]["properties"]["authority"]
    listed = next(s for s in values.get("anyOf", [values]) if "enum" in s)["enum"]
    assert listed[:3] == ["local", "PLN", "POLRI"]
    assert "NONGOV" in listed
    assert {"required": ["authority"]} in schemas["CorrectionRequest"]["anyOf"]
    assert {"corrected", "correct", "accuracy"} == set(schemas["AuthorityStats"]["properties"])
