"""A fuzz pass over every endpoint with malformed bodies and queries: never a 5xx, always JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.databases import postgres_schema
from triage.store import KeyStore, make_engine, upgrade

Headers = dict[str, str]
FIELDS = [
    "text",
    "title",
    "kecamatan",
    "kelurahan",
    "complaints",
    "source",
    "external_id",
    "channel",
    "created_at",
    "opd",
    "topic",
    "new_label",
    "reason",
    "reviewer",
]
ENDPOINTS = [
    ("POST", "/v1/classify"),
    ("POST", "/v1/complaints"),
    ("GET", "/v1/complaints"),
    ("GET", "/v1/complaints/1"),
    ("POST", "/v1/complaints/1/correction"),
    ("GET", "/v1/stats"),
    ("GET", "/v1/model"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/openapi.json"),
]
DATABASE_INPUT = {"/v1/complaints", "/v1/complaints/1/correction", "/v1/stats"}
QUERY_NAMES = ["status", "opd", "limit", "offset", "from", "to", "x"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "\x00", "lampu mati", "2026-01-01", "Dinas Sosial"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=15,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).map(
        lambda v: json.dumps(v).encode()
    ),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
    ]
)
queries = st.dictionaries(st.sampled_from(QUERY_NAMES), st.text(max_size=12), max_size=3)


@pytest.fixture
def fuzzed(
    request: pytest.FixtureRequest, make_app: Callable[..., Flask], admin: Headers
) -> Iterator[tuple[Flask, Headers]]:
    """The app on SQLite, and on PostgreSQL (which refuses more: NUL bytes, huge integers)."""
    if request.param == "sqlite":
        yield make_app(), admin
        return
    with postgres_schema() as url:
        upgrade(url)
        engine = make_engine(url)
        key = KeyStore(engine).create("fuzz", "admin")[1]
        engine.dispose()
        app = make_app(DATABASE_URL=url)
        yield app, {"Authorization": f"Bearer {key}"}
        app.extensions["triage"].complaints.dispose()


@pytest.mark.parametrize(
    ("fuzzed", "method", "path"),
    [("sqlite", *endpoint) for endpoint in ENDPOINTS]
    # PostgreSQL refuses more than SQLite (NUL bytes, integers past 64 bits): fuzz every
    # endpoint that sends client input to the database there too.
    + [("postgresql", *endpoint) for endpoint in ENDPOINTS if endpoint[1] in DATABASE_INPUT],
    indirect=["fuzzed"],
)
def test_malformed_requests_get_json_4xx_never_5xx(
    fuzzed: tuple[Flask, Headers], method: str, path: str
) -> None:
    app, admin = fuzzed
    client = app.test_client()
    client.post(
        "/v1/complaints",
        json={"source": "seed", "external_id": "1", "text": "lampu mati"},
        headers=admin,
    )

    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(body=bodies, content_type=content_types, query=queries)
    def check(body: bytes, content_type: str, query: dict[str, str]) -> None:
        headers = {**admin, "Content-Type": content_type} if content_type else admin
        response = client.open(path, method=method, data=body, headers=headers, query_string=query)
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.is_json
        if response.status_code >= 400:
            assert set(response.get_json()) == {"error", "detail"}

    check()
