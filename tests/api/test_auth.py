"""API keys, roles per endpoint, rate limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from triage.store import KeyStore

Headers = dict[str, str]
COMPLAINT = {"source": "lapor", "external_id": "A-1", "text": "lampu jalan mati"}

# (method, path, body) of each protected operation
OPERATIONS = {
    "classify": ("POST", "/v1/classify", {"text": "lampu jalan mati"}),
    "create": ("POST", "/v1/complaints", COMPLAINT),
    "queue": ("GET", "/v1/complaints?status=needs_review", None),
    "get": ("GET", "/v1/complaints/1", None),
    "correct": ("POST", "/v1/complaints/1/correction", {"opd": "Dinas Sosial"}),
    "stats": ("GET", "/v1/stats", None),
    "model": ("GET", "/v1/model", None),
}
# Which roles may call each operation.
ALLOWED = {
    "classify": {"ingest", "review", "admin"},
    "create": {"ingest", "review", "admin"},
    "queue": {"review", "read", "admin"},
    "get": {"review", "read", "admin"},
    "correct": {"review", "admin"},
    "stats": {"read", "admin"},
    "model": {"review", "read", "admin"},
}


def call(client: FlaskClient, operation: str, headers: Headers) -> int:
    method, path, body = OPERATIONS[operation]
    return client.open(path, method=method, json=body, headers=headers).status_code


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ["ingest", "review", "read", "admin"])
def test_roles_are_enforced(
    client: FlaskClient, keys: dict[str, Headers], operation: str, role: str
) -> None:
    client.post("/v1/complaints", json=COMPLAINT, headers=keys["admin"])
    status = call(client, operation, keys[role])
    if role in ALLOWED[operation]:
        assert status in {200, 201}
    else:
        assert status == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer trs_not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "wrong"},
    ],
)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_missing_or_wrong_keys_get_401_json(
    client: FlaskClient, headers: Headers, operation: str
) -> None:
    method, path, body = OPERATIONS[operation]
    response = client.open(path, method=method, json=body, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "WWW-Authenticate" in response.headers


def test_x_api_key_header_works(client: FlaskClient, keys: dict[str, Headers]) -> None:
    key = keys["read"]["Authorization"].removeprefix("Bearer ")
    assert client.get("/v1/model", headers={"X-API-Key": key}).status_code == 200


def test_revoked_key_stops_working_after_the_cache(
    make_app: Callable[..., Flask], keys: dict[str, Headers]
) -> None:
    app = make_app(KEY_CACHE_SECONDS=0)
    client = app.test_client()
    assert client.get("/v1/model", headers=keys["read"]).status_code == 200
    KeyStore(app.extensions["triage"].complaints.engine).revoke("test-read")
    assert client.get("/v1/model", headers=keys["read"]).status_code == 401


def test_public_endpoints_need_no_key(client: FlaskClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path


def test_auth_can_be_turned_off(make_app: Callable[..., Flask]) -> None:
    client = make_app(AUTH="false").test_client()
    assert client.post("/v1/classify", json={"text": "sampah menumpuk"}).status_code == 200
    assert client.get("/v1/stats").status_code == 200


def test_rate_limit_is_per_key(make_app: Callable[..., Flask], keys: dict[str, Headers]) -> None:
    client = make_app(RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_BURST=3).test_client()
    statuses = [client.get("/v1/model", headers=keys["read"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/v1/model", headers=keys["read"])
    assert limited.get_json()["error"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert client.get("/v1/model", headers=keys["admin"]).status_code == 200
