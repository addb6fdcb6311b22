"""POST /v1/classify: one complaint or a batch, nothing stored."""

from __future__ import annotations

from flask.testing import FlaskClient

from triage.store import ComplaintStore


def test_single_complaint_is_routed(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/v1/classify", json={"text": "lampu jalan mati di depan sekolah"}, headers=admin
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["model_version"] == "test-model"
    assert body["opd"] == "Dinas Perhubungan"
    assert body["topic"] == "PJU"
    assert len(body["alternatives"]) == 3
    assert isinstance(body["needs_review"], bool)


def test_batch_keeps_order(client: FlaskClient, admin: dict[str, str]) -> None:
    batch = [
        {"text": "sampah tidak diangkut sudah seminggu"},
        {"text": "bansos belum cair", "kecamatan": "Tegalsari"},
        {"text": "jalan berlubang", "title": "Jalan rusak"},
    ]
    response = client.post("/v1/classify", json={"complaints": batch}, headers=admin)
    assert response.status_code == 200
    opds = [d["opd"] for d in response.get_json()["decisions"]]
    assert opds == [
        "Dinas Lingkungan Hidup",
        "Dinas Sosial",
        "Dinas Sumber Daya Air dan Bina Marga",
    ]


def test_classify_stores_nothing(client: FlaskClient, admin: dict[str, str], app) -> None:  # type: ignore[no-untyped-def]
    client.post("/v1/classify", json={"text": "lampu jalan mati"}, headers=admin)
    store: ComplaintStore = app.extensions["triage"].complaints
    assert store.list_page().total == 0
