"""Store and route, retries, the review queue and corrections."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

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
    first = client.post("/v1/complaints", json=new(), headers=admin)
    retry = client.post("/v1/complaints", json=new(text="bansos belum cair"), headers=admin)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert retry.get_json()["text"] == first.get_json()["text"]
    other_source = client.post("/v1/complaints", json={**new(), "source": "wa"}, headers=admin)
    assert other_source.status_code == 201


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
        ({"opd": "Kecamatan Tegalsari", "reason": "urusan wilayah"}, 200, "Kecamatan Tegalsari"),
        ({"opd": "Kelurahan Dr. Soetomo"}, 200, "Kelurahan Dr. Soetomo"),
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
