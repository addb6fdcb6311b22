"""Bad input never yields HTML or a 500: every error is JSON {"error", "detail"}."""

from __future__ import annotations

import io
import json
import logging
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from api.logs import JsonFormatter
from triage.store import StoreError

Headers = dict[str, str]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/classify", b"{not json", 400),
        ("/v1/classify", b"[1, 2]", 400),
        ("/v1/classify", b'"text"', 400),
        ("/v1/classify", b"null", 400),
        ("/v1/classify", b'{"text": ""}', 400),
        ("/v1/classify", b'{"text": "   "}', 400),
        ("/v1/classify", b'{"text": 42}', 400),
        ("/v1/classify", b'{"text": "ok", "extra": 1}', 400),
        ("/v1/classify", b'{"text": "a\\u0000b"}', 400),
        ("/v1/classify", b'{"text": "\\ud800"}', 400),
        ("/v1/classify", b"[" * 100_000, 400),
        ("/v1/classify", b'{"complaints": []}', 400),
        ("/v1/classify", b'{"complaints": "x"}', 400),
        ("/v1/classify", b'{"complaints": [{"text": "ok"}, 3]}', 400),
        ("/v1/classify", b'{"complaints": [{"title": "no text"}]}', 400),
        ("/v1/complaints", b'{"text": "no source"}', 400),
        (
            "/v1/complaints",
            b'{"source": "s", "external_id": "1", "text": "t", "created_at": "x"}',
            400,
        ),
        (
            "/v1/complaints",
            b'{"source": "s", "external_id": "1", "text": "t", '
            b'"created_at": "0001-01-01T00:00:00+14:00"}',
            400,
        ),
        ("/v1/complaints", b'{"source": "s", "external_id": ["1"], "text": "t"}', 400),
        ("/v1/complaints/1/correction", b'{"opd": "Dinas Sosial"}', 404),
    ],
)
def test_malformed_bodies_get_4xx_json(
    client: FlaskClient, admin: Headers, path: str, body: bytes, status: int
) -> None:
    response = client.post(path, data=body, headers={**admin, "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.is_json
    assert set(response.get_json()) == {"error", "detail"}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_non_json_bodies_get_415(
    client: FlaskClient, admin: Headers, content_type: str | None
) -> None:
    headers = dict(admin)
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post("/v1/classify", data="text=lampu", headers=headers)
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_oversized_body_gets_413(make_app: Callable[..., Flask], admin: Headers) -> None:
    client = make_app(MAX_CONTENT_LENGTH=2048).test_client()
    response = client.post("/v1/classify", json={"text": "lampu " * 1000}, headers=admin)
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


def _json(size: int) -> bytes:
    """A complaint body of exactly ``size`` bytes."""
    frame = b'{"text": "lampu "}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        ("/v1/classify", 2047, 200),
        ("/v1/classify", 2048, 200),
        ("/v1/classify", 2049, 413),
        ("/v1/classify", 9000, 413),
        ("/v1/complaints", 9000, 413),
    ],
)
def test_chunked_bodies_over_the_limit_get_413(
    make_app: Callable[..., Flask], admin: Headers, path: str, size: int, status: int
) -> None:
    # No Content-Length: the server (as gunicorn and werkzeug do) ends the stream itself.
    client = make_app(MAX_CONTENT_LENGTH=2048).test_client()
    response = client.post(
        path,
        input_stream=io.BytesIO(_json(size)),
        headers={**admin, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == status, response.get_json()
    if status == 413:
        assert response.get_json() == {
            "error": "request_entity_too_large",
            "detail": "the body is larger than the limit of 2048 bytes",
        }


@pytest.fixture
def served_url(make_app: Callable[..., Flask]) -> Iterator[tuple[str, int]]:
    server = make_server("127.0.0.1", 0, make_app(MAX_CONTENT_LENGTH=2048), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_port
    server.shutdown()
    thread.join(5)


def _send_chunked(address: tuple[str, int], key: str, body: bytes) -> tuple[int, dict[str, object]]:
    head = (
        "POST /v1/classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Authorization: {key}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 1000]), body[i : i + 1000])
        for i in range(0, len(body), 1000)
    )
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(head + chunks + b"0\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def test_chunked_body_over_the_limit_gets_413_from_a_real_server(
    served_url: tuple[str, int], admin: Headers
) -> None:
    status, body = _send_chunked(served_url, admin["Authorization"], _json(5000))
    assert status == 413
    assert body["error"] == "request_entity_too_large"
    status, body = _send_chunked(served_url, admin["Authorization"], _json(1500))
    assert status == 200, body
    assert "opd" in body


def test_too_long_text_and_batch_get_400(make_app: Callable[..., Flask], admin: Headers) -> None:
    client = make_app(MAX_TEXT_CHARS=10, MAX_BATCH=2).test_client()
    assert client.post("/v1/classify", json={"text": "x" * 11}, headers=admin).status_code == 400
    batch = {"complaints": [{"text": "lampu"}] * 3}
    assert client.post("/v1/classify", json=batch, headers=admin).status_code == 400


def test_length_limits_count_the_value_as_sent(
    make_app: Callable[..., Flask], admin: Headers
) -> None:
    # U+0085 is whitespace to str.strip(): stripping first would let 11 characters through.
    client = make_app(MAX_TEXT_CHARS=10).test_client()
    response = client.post("/v1/classify", json={"text": "\u0085" + "x" * 10}, headers=admin)
    assert response.status_code == 400
    assert "longer than 10 characters" in response.get_json()["detail"]
    assert (
        client.post("/v1/classify", json={"text": " " + "x" * 9}, headers=admin).status_code == 200
    )


def test_malformed_json_is_named_as_such(client: FlaskClient, admin: Headers) -> None:
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/v1/classify", data='{"text": "lampu"', headers=headers)
    assert response.status_code == 400
    assert response.get_json()["detail"] == "the body is not valid JSON"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nowhere", 404), ("DELETE", "/v1/classify", 405), ("GET", "/v1/classify", 405)],
)
def test_routing_errors_are_json(
    client: FlaskClient, admin: Headers, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method, headers=admin)
    assert response.status_code == status
    assert set(response.get_json()) == {"error", "detail"}


def test_unexpected_errors_are_json_500_and_logged(
    app: Flask, admin: Headers, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(records: object, **options: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["triage"].model, "decide", explode)
    logger = __import__("logging").getLogger("api")
    monkeypatch.setattr(logger, "propagate", True)
    with caplog.at_level("ERROR", logger="api"):
        response = app.test_client().post("/v1/classify", json={"text": "x"}, headers=admin)
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "detail": "an unexpected error occurred; it was logged",
    }
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_database_outage_is_503_json(
    make_app: Callable[..., Flask], admin: Headers, tmp_path: object
) -> None:
    app = make_app(AUTH=False, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none")
    response = app.test_client().post(
        "/v1/complaints", json={"source": "s", "external_id": "1", "text": "lampu mati"}
    )
    assert response.status_code == 503
    assert response.get_json()["error"] == "database_unavailable"
    assert "triage db upgrade" in response.get_json()["detail"]


def test_an_unmigrated_database_is_503_and_named(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    app = make_app(AUTH=False, DATABASE_URL=f"sqlite:///{empty}")
    response = app.test_client().post(
        "/v1/complaints", json={"source": "s", "external_id": "1", "text": "lampu mati"}
    )
    assert response.status_code == 503
    assert "not migrated" in response.get_json()["detail"]


def test_database_errors_are_logged_without_the_row(
    app: Flask, admin: Headers, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> object:
        try:
            raise RuntimeError("not-null violation\nDETAIL: Failing row contains (lampu mati)")
        except RuntimeError as exc:
            raise StoreError("database error: not-null violation") from exc

    monkeypatch.setattr(app.extensions["triage"].complaints, "add", fail)
    monkeypatch.setattr(logging.getLogger("api"), "propagate", True)
    with caplog.at_level("ERROR", logger="api"):
        response = app.test_client().post(
            "/v1/complaints",
            json={"source": "s", "external_id": "1", "text": "lampu mati"},
            headers=admin,
        )
    assert response.status_code == 503
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any("not-null violation" in line for line in lines)
    assert all("lampu mati" not in line for line in lines)
