"""API keys, roles per endpoint, rate limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.limits import FailureLimiter, address_block
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
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
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


# --- failed keys, limited per client address ---------------------------------------------


def _bad(client: FlaskClient, n: int, **environ: str) -> list[int]:
    return [
        client.get(
            "/v1/model",
            headers={"Authorization": f"Bearer trs_guess-{i}"},
            environ_base=environ,
        ).status_code
        for i in range(n)
    ]


def test_fifty_bad_keys_get_ten_401s_then_429s(make_app: Callable[..., Flask]) -> None:
    client = make_app(AUTH_FAILURES_PER_MINUTE=10).test_client()
    statuses = _bad(client, 50)
    assert statuses == [401] * 10 + [429] * 40
    limited = client.get("/v1/model", headers={"X-API-Key": "wrong"})
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "rate_limited"
    assert "failed API keys from this address" in limited.get_json()["detail"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_a_blocked_address_costs_the_database_nothing(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_app(AUTH_FAILURES_PER_MINUTE=3).test_client()
    lookups: list[str] = []
    real = KeyStore.authenticate

    def counting(self: KeyStore, key: str) -> object:
        lookups.append(key)
        return real(self, key)

    monkeypatch.setattr(KeyStore, "authenticate", counting)
    assert _bad(client, 10) == [401] * 3 + [429] * 7
    assert len(lookups) == 3


def test_the_limit_is_per_address_and_spares_cached_keys(
    make_app: Callable[..., Flask], keys: dict[str, Headers]
) -> None:
    client = make_app(AUTH_FAILURES_PER_MINUTE=5).test_client()
    # Used before the block, so in the key cache: a valid client behind the same NAT.
    assert client.get("/v1/model", headers=keys["read"]).status_code == 200
    assert _bad(client, 6)[-1] == 429
    assert client.get("/v1/model", headers=keys["read"]).status_code == 200
    # A key not in the cache would need the database: refused like a guess until the window ends.
    assert client.get("/v1/model", headers=keys["review"]).status_code == 429
    assert _bad(client, 1, REMOTE_ADDR="198.51.100.7") == [401]


def test_successful_and_keyless_requests_are_not_counted(
    make_app: Callable[..., Flask], keys: dict[str, Headers]
) -> None:
    client = make_app(AUTH_FAILURES_PER_MINUTE=3).test_client()
    for _ in range(10):
        assert client.get("/v1/model", headers=keys["read"]).status_code == 200
        assert client.get("/v1/model").status_code == 401
    assert _bad(client, 4) == [401, 401, 401, 429]


def test_forwarded_for_counts_only_behind_a_configured_proxy(
    make_app: Callable[..., Flask],
) -> None:
    direct = make_app(AUTH_FAILURES_PER_MINUTE=2).test_client()
    # Not behind a proxy: a made-up X-Forwarded-For does not make a new address.
    statuses = [
        direct.get(
            "/v1/model",
            headers={"Authorization": "Bearer trs_x", "X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 429, 429]
    proxied = make_app(AUTH_FAILURES_PER_MINUTE=2, PROXY_HOPS=1).test_client()
    statuses = [
        proxied.get(
            "/v1/model",
            headers={"Authorization": "Bearer trs_x", "X-Forwarded-For": f"203.0.113.{i // 2}"},
        ).status_code
        for i in range(6)
    ]
    assert statuses == [401] * 6


@pytest.mark.parametrize(
    ("address", "block"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        (None, "unknown"),
    ],
)
def test_ipv6_addresses_count_by_their_64(address: str | None, block: str) -> None:
    assert address_block(address) == block


def test_the_window_slides(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("api.limits.time.monotonic", lambda: now[0])
    limiter = FailureLimiter(2)
    limiter.fail("a")
    now[0] += 30
    limiter.fail("a")
    assert limiter.wait("a") == pytest.approx(30)
    now[0] += 30
    assert limiter.wait("a") == 0
    limiter.fail("a")
    assert limiter.wait("a") == pytest.approx(30)
    assert FailureLimiter(0).wait("a") == 0
