"""Tenant isolation through every endpoint: a key of one tenant never sees, corrects, moves,
counts or gets alerts of another tenant's complaints.

The matrix is driven by the app's URL map: a new endpoint without a row here fails
:func:`test_every_endpoint_is_in_the_isolation_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import corpus
from tests.conftest import make_corpus
from tests.test_registry_routing import SOURCE
from triage import save_model, train_model
from triage.model.registry_layer import fit_registry_layer
from triage.store import KeyStore, TenantStore, make_engine
from triage.store.alerts import AlertRow, AlertStore
from triage.tenants.registry import parse_registry

Headers = dict[str, str]
SAMARINDA_REGISTRY = (
    "opd,urusan,description\n"
    "Dinas Perhubungan,2.15,lampu jalan\n"
    "Dinas Sosial,1.06,bantuan sosial dan DTKS\n"
)
SAMARINDA_PLACES = "kecamatan,kelurahan\nSamarinda Ulu,Air Hitam\n"
ALERT_SUMMARY = "Banjir naik di Coblong minggu ini"


@dataclass
class Cities:
    """Bandung (A, the default tenant) and Samarinda (B), each with an admin key and data."""

    client: FlaskClient
    a: Headers
    b: Headers
    a_complaint: int
    a_open311: int
    a_alert: int
    b_complaint: int

    def a_sees(self, complaint_id: int) -> dict[str, object]:
        response = self.client.get(f"/v1/complaints/{complaint_id}", headers=self.a)
        assert response.status_code == 200
        body: dict[str, object] = response.get_json()
        return body


def _bearer(key: str) -> Headers:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def cities(make_app: Callable[..., Flask], database_url: str) -> Cities:
    engine = make_engine(database_url)
    try:
        samarinda = TenantStore(engine).create_tenant(
            "samarinda",
            display_name="Kota Samarinda",
            level="kota",
            registry_csv=SAMARINDA_REGISTRY,
            registry_digest="test",
            gazetteer_csv=SAMARINDA_PLACES,
            settings={"sla": {"resolution_days": 30}},
        )
        a = _bearer(KeyStore(engine).create("admin", "admin")[1])
        # The same client name in another tenant is another client.
        b = _bearer(KeyStore(engine).for_tenant(samarinda.id).create("admin", "admin")[1])
        now = datetime.now(UTC)
        with AlertStore(engine).session(write=True) as session:
            row = AlertRow(
                group_columns="topic", group_key="Banjir", freq="W",
                start_date=now.date(), end_date=now.date(), periods=1, observed=10.0,
                expected=2.0, upperbound=5.0, severity=5.0, score=2.0, method="seasonal",
                reason="r", summary=ALERT_SUMMARY, summary_id=ALERT_SUMMARY, top_words=[],
                example_ids=[], series={}, status="open", created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            alert_id = row.id
    finally:
        engine.dispose()
    client = make_app().test_client()
    sent = {"source": "lapor", "external_id": "L-1", "text": "lampu jalan mati depan sekolah"}
    a_complaint = client.post("/v1/complaints", json=sent, headers=a).get_json()["id"]
    for n in (2, 3):
        more = {**sent, "external_id": f"L-{n}"}
        assert client.post("/v1/complaints", json=more, headers=a).status_code == 201
    form = {
        "service_code": "sampah",
        "description": "sampah menumpuk",
        "address_string": "Jl. Mawar 3",
        "api_key": _key(a),
    }
    created = client.post("/open311/v2/requests.json", data=form)
    assert created.status_code == 201, created.get_data(as_text=True)
    a_open311 = int(created.get_json()[0]["service_request_id"])
    b_sent = {**sent, "external_id": "S-1", "text": "sampah tidak diangkut"}
    b_complaint = client.post("/v1/complaints", json=b_sent, headers=b).get_json()["id"]
    return Cities(client, a, b, a_complaint, a_open311, alert_id, b_complaint)


# -- one check per endpoint: what tenant B's admin key gets of tenant A's data -----------------


def _get_complaint(c: Cities) -> None:
    assert c.client.get(f"/v1/complaints/{c.a_complaint}", headers=c.b).status_code == 404
    assert c.client.get(f"/v1/complaints/{c.b_complaint}", headers=c.b).status_code == 200


def _queue(c: Cities) -> None:
    body = c.client.get("/v1/complaints", headers=c.b).get_json()
    assert [item["id"] for item in body["items"]] == [c.b_complaint]
    assert body["total"] == 1
    assert c.client.get("/v1/complaints", headers=c.a).get_json()["total"] == 4
    # By incident: A's three copies of one text are one incident, and none of it reaches B.
    grouped = c.client.get("/v1/complaints?group=incident", headers=c.b).get_json()
    assert [(i["id"], i["members"]) for i in grouped["items"]] == [(c.b_complaint, [])]
    assert grouped["total"] == 1
    theirs = c.client.get("/v1/complaints?group=incident", headers=c.a).get_json()
    assert [len(i["members"]) for i in theirs["items"]] == [2, 0]


def _ingest(c: Cities) -> None:
    # A's source id sent by B is B's new complaint, never A's stored one handed back.
    sent = {"source": "lapor", "external_id": "L-1", "text": "jalan berlubang di samarinda"}
    response = c.client.post("/v1/complaints", json=sent, headers=c.b)
    assert response.status_code == 201
    assert response.get_json()["id"] != c.a_complaint
    assert c.a_sees(c.a_complaint)["text"] == "lampu jalan mati depan sekolah"


def _correct(c: Cities) -> None:
    body = {"opd": "Dinas Sosial"}
    path = f"/v1/complaints/{c.a_complaint}/correction"
    assert c.client.post(path, json=body, headers=c.b).status_code == 404
    assert c.a_sees(c.a_complaint)["corrections"] == []


def _events(c: Cities) -> None:
    path = f"/v1/complaints/{c.a_complaint}/events"
    assert c.client.get(path, headers=c.b).status_code == 404
    assert c.client.get(path, headers=c.a).status_code == 200


def _transition(c: Cities) -> None:
    path = f"/v1/complaints/{c.a_complaint}/transitions"
    body = {"to": "terverifikasi", "reason": "ok"}
    assert c.client.post(path, json=body, headers=c.b).status_code == 404
    assert c.a_sees(c.a_complaint)["state"] == "belum_terverifikasi"
    assert c.client.post(path, json=body, headers=c.a).status_code == 201


def _classify(c: Cities) -> None:
    # Places are vetted against the caller's tenant's gazetteer.
    sent = {"text": "lampu jalan mati", "kecamatan": "Coblong"}
    theirs = c.client.post("/v1/classify", json=sent, headers=c.b).get_json()
    ours = c.client.post("/v1/classify", json=sent, headers=c.a).get_json()
    assert "the kecamatan is not a place of the tenant's gazetteer" in theirs["reasons"]
    # The sample model has no registry layer: Samarinda's complaints go to a person, unrouted.
    assert theirs["opd"] is None
    assert theirs["needs_review"]
    assert ours["reasons"] == []


def _stats(c: Cities) -> None:
    assert c.client.get("/v1/stats", headers=c.b).get_json()["complaints"] == 1
    assert c.client.get("/v1/stats", headers=c.a).get_json()["complaints"] == 4


def _trends(c: Cities) -> None:
    def observed(headers: Headers) -> int:
        body = c.client.get("/v1/trends", headers=headers).get_json()
        return sum(p["observed"] for s in body["series"] for p in s["points"])

    assert observed(c.b) == 1
    assert observed(c.a) == 4


def _alerts(c: Cities) -> None:
    assert c.client.get("/v1/alerts?status=all", headers=c.b).get_json()["total"] == 0
    assert c.client.get("/v1/alerts?status=all", headers=c.a).get_json()["total"] == 1


def _alert(c: Cities) -> None:
    assert c.client.get(f"/v1/alerts/{c.a_alert}", headers=c.b).status_code == 404
    assert c.client.get(f"/v1/alerts/{c.a_alert}", headers=c.a).status_code == 200


def _acknowledge(c: Cities) -> None:
    path = f"/v1/alerts/{c.a_alert}/ack"
    assert c.client.post(path, json={}, headers=c.b).status_code == 404
    assert c.client.get(f"/v1/alerts/{c.a_alert}", headers=c.a).get_json()["status"] == "open"


def _dashboard(c: Cities) -> None:
    theirs = c.client.get("/dashboard", headers=c.b)
    assert theirs.status_code == 200
    assert ALERT_SUMMARY not in theirs.get_data(as_text=True)
    assert ALERT_SUMMARY in c.client.get("/dashboard", headers=c.a).get_data(as_text=True)


def _dashboard_login(c: Cities) -> None:
    key = c.b["Authorization"].removeprefix("Bearer ")
    c.client.post("/dashboard/login", data={"key": key})
    # The session's key decides the tenant of the page.
    page = c.client.get("/dashboard")
    assert page.status_code == 200
    assert ALERT_SUMMARY not in page.get_data(as_text=True)


def _open311_create(c: Cities) -> None:
    form = {
        "service_code": "sampah",
        "description": "sampah menumpuk",
        "address_string": "Jl. Mawar 3",
    }
    form["api_key"] = c.b["Authorization"].removeprefix("Bearer ")
    created = c.client.post("/open311/v2/requests.json", data=form)
    assert created.status_code == 201
    new_id = int(created.get_json()[0]["service_request_id"])
    assert c.client.get(f"/v1/complaints/{new_id}", headers=c.a).status_code == 404


def _open311_list(c: Cities) -> None:
    listed = c.client.get("/open311/v2/requests.json", headers={"X-API-Key": _key(c.b)})
    ids = {int(r["service_request_id"]) for r in listed.get_json()}
    assert ids == {c.b_complaint}
    asked = f"/open311/v2/requests.json?service_request_id={c.a_open311},{c.a_complaint}"
    assert c.client.get(asked, headers={"X-API-Key": _key(c.b)}).get_json() == []


def _open311_get(c: Cities) -> None:
    path = f"/open311/v2/requests/{c.a_open311}.json"
    assert c.client.get(path, headers={"X-API-Key": _key(c.b)}).status_code == 404
    assert c.client.get(path, headers={"X-API-Key": _key(c.a)}).status_code == 200


def _key(headers: Headers) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


MATRIX: dict[tuple[str, str], Callable[[Cities], None]] = {
    ("/v1/complaints/<int(max=2147483647):complaint_id>", "GET"): _get_complaint,
    ("/v1/complaints", "GET"): _queue,
    ("/v1/complaints", "POST"): _ingest,
    ("/v1/complaints/<int(max=2147483647):complaint_id>/correction", "POST"): _correct,
    ("/v1/complaints/<int(max=2147483647):complaint_id>/events", "GET"): _events,
    ("/v1/complaints/<int(max=2147483647):complaint_id>/transitions", "POST"): _transition,
    ("/v1/classify", "POST"): _classify,
    ("/v1/stats", "GET"): _stats,
    ("/v1/trends", "GET"): _trends,
    ("/v1/alerts", "GET"): _alerts,
    ("/v1/alerts/<int(max=2147483647):alert_id>", "GET"): _alert,
    ("/v1/alerts/<int(max=2147483647):alert_id>/ack", "POST"): _acknowledge,
    ("/dashboard", "GET"): _dashboard,
    ("/dashboard/login", "POST"): _dashboard_login,
    ("/open311/v2/requests.json", "POST"): _open311_create,
    ("/open311/v2/requests.json", "GET"): _open311_list,
    ("/open311/v2/requests/<request_id>.json", "GET"): _open311_get,
}
# Endpoints that hold no tenant's complaints, keys or alerts: the service's model, its health,
# its documents and process metrics (request counts by route and status).
SERVICE_LEVEL = {
    ("/v1/model", "GET"),
    ("/v1/model/reload", "POST"),
    ("/healthz", "GET"),
    ("/readyz", "GET"),
    ("/metrics", "GET"),
    ("/docs", "GET"),
    ("/openapi.json", "GET"),
    ("/static/<path:filename>", "GET"),
    ("/open311/v2/services.json", "GET"),
    ("/open311/v2/services/<code>.json", "GET"),
    *(
        ("/open311/v2/<path:anything>", method)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    ),
}


def test_every_endpoint_is_in_the_isolation_matrix(app: Flask) -> None:
    served = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert served - set(MATRIX) - SERVICE_LEVEL == set(), "add the endpoint to MATRIX"
    assert set(MATRIX) | SERVICE_LEVEL <= served


@pytest.mark.parametrize("endpoint", list(MATRIX), ids=[" ".join(e) for e in MATRIX])
def test_another_tenants_key_gets_nothing_of_this_tenant(
    cities: Cities, endpoint: tuple[str, str]
) -> None:
    MATRIX[endpoint](cities)


def test_a_key_names_no_other_tenant(cities: Cities) -> None:
    # There is no parameter to choose a tenant: whatever a caller adds, its key decides.
    for extra in ("?tenant=bandung", "?tenant_id=1"):
        body = cities.client.get(f"/v1/complaints{extra}", headers=cities.b).get_json()
        assert body.get("total") in (None, 1)


def test_each_tenant_counts_its_own_sla(cities: Cities) -> None:
    def resolution_due(complaint_id: int, headers: Headers) -> date:
        body = cities.client.get(f"/v1/complaints/{complaint_id}", headers=headers).get_json()
        return date.fromisoformat(body["sla"]["due"]["resolution"][:10])

    # Samarinda promises 30 days, Bandung keeps the service's 14; received moments apart.
    theirs = resolution_due(cities.b_complaint, cities.b)
    ours = resolution_due(cities.a_complaint, cities.a)
    assert (theirs - ours).days in (16, 17)


def test_a_tenant_may_name_its_own_model(
    make_app: Callable[..., Flask], database_url: str, model_dir: Path, tmp_path: Path
) -> None:
    save_model(train_model(corpus()), tmp_path / "samarinda-1")
    engine = make_engine(database_url)
    try:
        tenants = TenantStore(engine)
        keys: dict[str, Headers] = {}
        for name, models_dir in (("samarinda", str(tmp_path)), ("broken", str(tmp_path / "x"))):
            tenant = tenants.create_tenant(
                name,
                display_name=name,
                level="kota",
                registry_csv=SAMARINDA_REGISTRY,
                registry_digest="test",
                settings={"models_dir": models_dir},
            )
            keys[name] = _bearer(KeyStore(engine).for_tenant(tenant.id).create("a", "admin")[1])
        keys["bandung"] = _bearer(KeyStore(engine).create("a", "admin")[1])
    finally:
        engine.dispose()
    client = make_app().test_client()
    sent = {"text": "lampu jalan mati"}

    def version(headers: Headers) -> str:
        response = client.post("/v1/classify", json=sent, headers=headers)
        assert response.status_code == 200
        found: str = response.get_json()["model_version"]
        return found

    assert version(keys["samarinda"]) == "samarinda-1"
    assert version(keys["bandung"]) == model_dir.name
    refused = client.post("/v1/classify", json=sent, headers=keys["broken"])
    assert refused.status_code == 503
    assert refused.get_json()["error"] == "model_unavailable"
    # The other tenants are served all the same.
    assert version(keys["bandung"]) == model_dir.name


def test_a_model_with_a_registry_layer_routes_a_tenant_to_its_own_agencies(
    make_app: Callable[..., Flask], database_url: str, tmp_path: Path
) -> None:
    # Learnt from the sample city through its registry; Samarinda has other agencies.
    sample = make_corpus()
    model = train_model(sample)
    model.registry_layer = fit_registry_layer(model, sample, parse_registry(SOURCE))
    save_model(model, tmp_path / "layer-1")
    engine = make_engine(database_url)
    try:
        tenant = TenantStore(engine).create_tenant(
            "samarinda",
            display_name="Kota Samarinda",
            level="kota",
            registry_csv=SAMARINDA_REGISTRY,
            registry_digest="test",
            settings={"models_dir": str(tmp_path)},
        )
        headers = _bearer(KeyStore(engine).for_tenant(tenant.id).create("a", "admin")[1])
    finally:
        engine.dispose()
    client = make_app().test_client()
    sent = {"text": "lampu penerangan jalan mati di gang kami"}
    decision = client.post("/v1/classify", json=sent, headers=headers).get_json()
    ours = {"Dinas Perhubungan", "Dinas Sosial"}
    assert decision["opd"] in ours
    assert {alt["label"] for alt in decision["alternatives"]} <= ours
    stored = client.post(
        "/v1/complaints", json={**sent, "source": "web", "external_id": "s-1"}, headers=headers
    )
    assert stored.status_code == 201
    assert stored.get_json()["opd"] in ours
