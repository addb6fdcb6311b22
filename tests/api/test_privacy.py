"""Personal data sent in any string field of any write endpoint never comes back: not in the
answer, not in the database, not in the service's logs.

Phone numbers, NIKs and e-mail addresses are generated in the forms the masking recognises
and put, one at a time, into every string field of every write endpoint: free text (a
complaint's text, title, places, a correction's reason, an alert's note) must come back
masked, identifiers (source, external_id, labels, the reviewer, channel, created_at) refused
without being quoted.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, select, text

from api.logs import JsonFormatter
from tests.api.databases import BACKENDS, postgres_schema
from triage.store import KeyStore, make_engine, upgrade
from triage.store.alerts import AlertRow

Headers = dict[str, str]
EXAMPLES = 12

_DIGITS = "0123456789"
_separator = st.sampled_from(["", " ", "-", "."])


@st.composite
def phones(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["08", "+628", "628", "+62 8", "0 8"]))
    digits = draw(st.text(_DIGITS, min_size=8, max_size=10))
    cut = draw(st.integers(2, 6))
    return f"{prefix}{digits[:cut]}{draw(_separator)}{digits[cut:]}"


@st.composite
def niks(draw: st.DrawFn) -> str:
    digits = draw(st.sampled_from("123456789")) + draw(st.text(_DIGITS, min_size=15, max_size=15))
    sep = draw(_separator)
    return sep.join((digits[:6], digits[6:12], digits[12:]))


@st.composite
def emails(draw: st.DrawFn) -> str:
    name = draw(st.from_regex(r"[a-z][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True))
    host = draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True))
    suffix = draw(st.sampled_from(["com", "id", "co.id", "go.id", "org"]))
    return f"{name}@{host}.{suffix}"


personal_data = st.one_of(phones(), niks(), emails())


def _complaint(n: int) -> dict[str, Any]:
    return {
        "source": "lapor",
        "external_id": f"P-{n}",
        "text": "lampu jalan mati",
        "title": "Lampu",
        "kecamatan": "Andir",
        "kelurahan": "Campaka",
        "channel": "web",
        "created_at": "2026-01-05T10:00:00+07:00",
    }


def _free_text(value: str) -> str:
    return f"tolong hubungi {value} segera"


def _tagged(value: str) -> str:
    return f"x-{value}"


# (endpoint, field): how the value goes in, and what the answer must be.
Probe = tuple[str, str, Callable[[str], str], tuple[int, ...]]
COMPLAINT_TEXT = ("text", "title", "kecamatan", "kelurahan")
PROBES: tuple[Probe, ...] = (
    *(("classify", f, _free_text, (200,)) for f in COMPLAINT_TEXT),
    *(("classify batch", f, _free_text, (200,)) for f in COMPLAINT_TEXT),
    *(("complaints", f, _free_text, (201,)) for f in COMPLAINT_TEXT),
    *(("complaints", f, _tagged, (400,)) for f in ("source", "external_id", "channel")),
    ("complaints", "created_at", _free_text, (400,)),
    ("correction", "reason", _free_text, (200,)),
    *(("correction", f, _tagged, (400,)) for f in ("opd", "topic", "reviewer")),
    ("alert ack", "note", _free_text, (200,)),
)
ENDPOINTS = {
    "classify": "POST /v1/classify",
    "classify batch": "POST /v1/classify (batch)",
    "complaints": "POST /v1/complaints",
    "correction": "POST /v1/complaints/{id}/correction",
    "alert ack": "POST /v1/alerts/{id}/ack",
}


class _Records(logging.Handler):
    """Every record of the service's loggers, formatted as the service writes them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def _serving(make_app: Callable[..., Flask], url: str) -> Iterator[tuple[Flask, Headers, str]]:
    engine = make_engine(url)
    key = KeyStore(engine).create("privacy", "admin")[1]
    engine.dispose()
    # DEBUG: whatever the service logs at any level is searched.
    app = make_app(DATABASE_URL=url, LOG_LEVEL="DEBUG")
    try:
        yield app, {"Authorization": f"Bearer {key}"}, url
    finally:
        app.extensions["triage"].complaints.dispose()


@pytest.fixture(params=BACKENDS)
def service(
    request: pytest.FixtureRequest, make_app: Callable[..., Flask], database_url: str
) -> Iterator[tuple[Flask, Headers, str]]:
    """The app, an admin key and the database URL, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        with _serving(make_app, database_url) as served:
            yield served
        return
    with postgres_schema() as url:
        upgrade(url)
        with _serving(make_app, url) as served:
            yield served


def _new_alert(url: str, n: int) -> int:
    engine = create_engine(url)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    values = {
        "group_columns": "topic",
        "group_key": f"probe-{n}",
        "freq": "W",
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 1, 5),
        "periods": 1,
        "observed": 10.0,
        "expected": 2.0,
        "upperbound": 5.0,
        "severity": 5.0,
        "score": 2.0,
        "method": "seasonal",
        "reason": "r",
        "summary": "s",
        "summary_id": "s",
        "top_words": [],
        "example_ids": [],
        "series": {},
        "status": "open",
        "created_at": now,
        "updated_at": now,
    }
    try:
        with engine.begin() as connection:
            inserted = connection.execute(AlertRow.__table__.insert().values(**values))
            return int(inserted.inserted_primary_key[0])
    finally:
        engine.dispose()


def _stored_text(url: str) -> str:
    """Every value of every table, as one string."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
            rows = [
                repr(tuple(row))
                for table in tables
                for row in connection.execute(select(text("*")).select_from(text(f'"{table}"')))
            ]
    finally:
        engine.dispose()
    return "\n".join(rows)


def test_probes_cover_every_write_endpoint_and_string_field() -> None:
    probed = {(endpoint, field) for endpoint, field, _, _ in PROBES}
    assert len(probed) == len(PROBES) == 21
    assert {endpoint for endpoint, _ in probed} == set(ENDPOINTS)


def test_personal_data_never_leaves_masked_or_refused(
    service: tuple[Flask, Headers, str],
) -> None:
    app, admin, url = service
    client = app.test_client()
    records = _Records()
    logger = logging.getLogger("api")
    logger.addHandler(records)
    counter = itertools.count()
    seed = client.post("/v1/complaints", json=_complaint(next(counter)), headers=admin)
    complaint_id = seed.get_json()["id"]

    def call(endpoint: str, field: str, value: str) -> Any:
        n = next(counter)
        if endpoint == "classify":
            body: dict[str, Any] = {"text": "lampu jalan mati", field: value}
            return client.post("/v1/classify", json=body, headers=admin)
        if endpoint == "classify batch":
            body = {"complaints": [{"text": "sampah"}, {"text": "lampu mati", field: value}]}
            return client.post("/v1/classify", json=body, headers=admin)
        if endpoint == "complaints":
            return client.post(
                "/v1/complaints", json={**_complaint(n), field: value}, headers=admin
            )
        if endpoint == "correction":
            body = {"opd": "Dinas Sosial", "reviewer": "budi", field: value}
            path = f"/v1/complaints/{complaint_id}/correction"
            return client.post(path, json=body, headers=admin)
        path = f"/v1/alerts/{_new_alert(url, n)}/ack"
        return client.post(path, json={field: value}, headers=admin)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=st.lists(personal_data, min_size=len(PROBES), max_size=len(PROBES)))
    def check(values: list[str]) -> None:
        records.lines.clear()
        for (endpoint, field, place, statuses), value in zip(PROBES, values, strict=True):
            response = call(endpoint, field, place(value))
            where = f"{ENDPOINTS[endpoint]} {field}"
            assert response.status_code in statuses, (where, response.get_json())
            assert response.is_json
            answer = response.get_data(as_text=True)
            decoded = json.dumps(response.get_json(), ensure_ascii=False)
            assert value not in answer, where
            assert value not in decoded, where
        stored = _stored_text(url)
        logged = "\n".join(records.lines)
        assert records.lines, "the request log is on"
        for value in values:
            assert value not in stored, "a value reached the database"
            assert value not in logged, "a value reached the logs"

    try:
        check()
    finally:
        logger.removeHandler(records)
