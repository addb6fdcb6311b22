"""Bukan wewenang in the API: classify, stored complaints, /v1/stats, the OpenAPI document,
the tenant settings and the dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import StartupError

Headers = dict[str, str]
POWER_CUT = "listrik padam sejak pagi dari pln belum ada petugas"
SMA = "pendaftaran ppdb sma negeri zonasi tidak adil"


def test_classify_names_the_body_and_routes_to_no_agency(
    client: FlaskClient, admin: Headers
) -> None:
    body = client.post("/v1/classify", json={"text": POWER_CUT}, headers=admin).get_json()
    assert (body["authority"], body["external_body"], body["opd"]) == ("external", "PLN", None)
    assert body["needs_review"] is True
    assert body["referral"]["name"] == "PT PLN (Persero)"
    assert "123" in body["referral"]["contact"]
    assert "'listrik padam'" in body["referral"]["reason"]
    local = client.post("/v1/classify", json={"text": "lampu jalan mati"}, headers=admin)
    assert local.get_json()["authority"] == "local"
    assert local.get_json()["external_body"] == ""
    assert local.get_json()["referral"] is None


def test_stored_predictions_keep_the_authority_and_stats_count_it(
    client: FlaskClient, admin: Headers
) -> None:
    for i, text in enumerate([POWER_CUT, POWER_CUT, SMA, "lampu jalan mati"]):
        sent = {"source": "lapor", "external_id": f"R-{i}", "text": text}
        created = client.post("/v1/complaints", json=sent, headers=admin)
        assert created.status_code == 201
        prediction = created.get_json()["prediction"]
        assert prediction["authority"] == ("local" if i == 3 else "external")
        again = client.get(f"/v1/complaints/{created.get_json()['id']}", headers=admin)
        assert again.get_json()["prediction"]["external_body"] == prediction["external_body"]
    stats = client.get("/v1/stats", headers=admin).get_json()
    assert stats["external"] == 3
    assert [(b["body"], b["complaints"]) for b in stats["per_external_body"]] == [
        ("PLN", 2),
        ("PROV_PENDIDIKAN", 1),
    ]


def test_the_openapi_document_declares_the_fields(client: FlaskClient) -> None:
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert {"authority", "external_body", "referral"} <= set(schemas["Decision"]["properties"])
    assert {"authority", "external_body"} <= set(schemas["Prediction"]["properties"])
    assert {"external", "per_external_body"} <= set(schemas["Stats"]["properties"])
    assert set(schemas["Referral"]["properties"]) == {"body", "name", "contact", "reason"}


def test_the_tenant_settings_reach_the_decision(
    make_app: Callable[..., Flask], admin: Headers, tmp_path: Path
) -> None:
    province = make_app(TENANT_LEVEL="provinsi").test_client()
    assert province.post("/v1/classify", json={"text": SMA}, headers=admin).get_json()[
        "authority"
    ] == ("local")
    exceptions = tmp_path / "exceptions.csv"
    exceptions.write_text("kind,value,authority\nbody,PLN,local\n", encoding="utf-8")
    own = make_app(LOCAL_EXCEPTIONS=str(exceptions)).test_client()
    body = own.post("/v1/classify", json={"text": POWER_CUT}, headers=admin).get_json()
    assert body["authority"] == "local"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("TENANT_LEVEL", "desa", "TRIAGE_TENANT_LEVEL must be one of kota"),
        ("LOCAL_EXCEPTIONS", "/no/such/exceptions.csv", "TRIAGE_LOCAL_EXCEPTIONS"),
    ],
)
def test_bad_tenant_settings_fail_start_up(
    make_app: Callable[..., Flask], setting: str, value: str, message: str
) -> None:
    with pytest.raises(StartupError, match=message):
        make_app(**{setting: value})


def test_the_dashboard_counts_external_complaints(client: FlaskClient, admin: Headers) -> None:
    for i in range(2):
        sent = {"source": "lapor", "external_id": f"D-{i}", "text": POWER_CUT}
        assert client.post("/v1/complaints", json=sent, headers=admin).status_code == 201
    page = client.get("/dashboard", headers=admin).get_data(as_text=True)
    assert re.search(r'id="external">2<', page)
    table = page.split('id="external-bodies"')[1]
    assert re.search(r"<td>PT PLN \(Persero\)</td><td class=\"n\">2</td>", table)
