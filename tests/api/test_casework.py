"""Transitions, events, SLA clocks, intake flags, the urgent webhook and the complaints CLI."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from api import StartupError
from training.cli import main

Headers = dict[str, str]
Keys = dict[str, Headers]


def new(external_id: str = "L-1", text: str = "lampu jalan mati depan sekolah") -> dict[str, str]:
    return {"source": "lapor", "external_id": external_id, "text": text}


def stored(client: FlaskClient, headers: Headers, external_id: str = "L-1", **extra: str) -> int:
    response = client.post("/v1/complaints", json={**new(external_id), **extra}, headers=headers)
    assert response.status_code == 201, response.get_json()
    complaint_id: int = response.get_json()["id"]
    return complaint_id


def move(client: FlaskClient, complaint_id: int, headers: Headers, **body: str) -> object:
    return client.post(f"/v1/complaints/{complaint_id}/transitions", json=body, headers=headers)


def test_a_review_key_moves_a_complaint_and_the_events_show_it(
    client: FlaskClient, keys: Keys
) -> None:
    complaint_id = stored(client, keys["ingest"])
    response = move(client, complaint_id, keys["review"], to="terverifikasi")
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["event"]["actor"] == "test-review"
    assert (body["event"]["seq"], body["event"]["to_state"]) == (1, "terverifikasi")
    assert body["complaint"]["state"] == "terverifikasi"
    events = client.get(f"/v1/complaints/{complaint_id}/events", headers=keys["read"])
    assert events.status_code == 200
    assert [e["to_state"] for e in events.get_json()["events"]] == ["terverifikasi"]
    assert (
        client.get(f"/v1/complaints/{complaint_id}", headers=keys["read"]).get_json()["state"]
        == "terverifikasi"
    )


def test_free_text_of_a_move_is_masked(client: FlaskClient, keys: Keys) -> None:
    complaint_id = stored(client, keys["ingest"])
    response = move(
        client,
        complaint_id,
        keys["review"],
        to="menunggu_kelengkapan",
        reason="pelapor 081234567890",
        tanggapan="Kirim lokasi ke budi@example.com",
    )
    event = response.get_json()["event"]  # type: ignore[attr-defined]
    assert "081234567890" not in event["reason"]
    assert "budi@example.com" not in event["tanggapan"]


def test_an_illegal_move_is_409_with_the_allowed_states(client: FlaskClient, keys: Keys) -> None:
    complaint_id = stored(client, keys["ingest"])
    response = move(client, complaint_id, keys["review"], to="selesai", tanggapan="beres")
    assert response.status_code == 409  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["error"] == "illegal_transition"
    assert "terverifikasi" in body["allowed"]
    assert body["detail"]
    archive = move(client, complaint_id, keys["review"], to="diarsipkan")
    assert archive.status_code == 409  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "status"), [("ingest", 403), ("read", 403), ("review", 201), ("admin", 201)]
)
def test_who_may_move(client: FlaskClient, keys: Keys, role: str, status: int) -> None:
    complaint_id = stored(client, keys["ingest"])
    response = move(client, complaint_id, keys[role], to="terverifikasi")
    assert response.status_code == status  # type: ignore[attr-defined]


def test_admin_only_moves_are_403_for_review(client: FlaskClient, keys: Keys) -> None:
    complaint_id = stored(client, keys["ingest"])
    move(client, complaint_id, keys["review"], to="menunggu_kelengkapan", tanggapan="Di mana?")
    refused = move(client, complaint_id, keys["review"], to="ditutup_sistem")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert refused.get_json()["error"] == "forbidden"  # type: ignore[attr-defined]
    assert move(client, complaint_id, keys["admin"], to="ditutup_sistem").status_code == 201  # type: ignore[attr-defined]


def test_handing_over_needs_a_registered_body(client: FlaskClient, keys: Keys) -> None:
    complaint_id = stored(client, keys["ingest"])
    unknown = move(
        client, complaint_id, keys["review"], to="dialihkan", external_body="nowhere", tanggapan="x"
    )
    assert unknown.status_code == 409  # type: ignore[attr-defined]
    handed = move(
        client,
        complaint_id,
        keys["review"],
        to="dialihkan",
        external_body="PLN",
        tanggapan="ke PLN",
    )
    assert handed.status_code == 201  # type: ignore[attr-defined]
    assert handed.get_json()["event"]["external_body"] == "pln"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "body",
    [
        {"to": "hilang"},
        {"to": "diarsipkan", "archive_reason": "bosan"},
        {"to": "terverifikasi", "extra": 1},
        {},
        {"to": 3},
    ],
)
def test_malformed_moves_are_400(client: FlaskClient, keys: Keys, body: dict[str, object]) -> None:
    complaint_id = stored(client, keys["ingest"])
    response = client.post(
        f"/v1/complaints/{complaint_id}/transitions", json=body, headers=keys["review"]
    )
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_unknown_complaints_are_404(client: FlaskClient, keys: Keys) -> None:
    assert move(client, 999, keys["review"], to="terverifikasi").status_code == 404  # type: ignore[attr-defined]
    assert client.get("/v1/complaints/999/events", headers=keys["read"]).status_code == 404


def test_sla_clocks_skip_lebaran_and_cuti_bersama(
    client: FlaskClient, keys: Keys, database_url: str
) -> None:
    complaint_id = stored(client, keys["ingest"])
    engine = create_engine(database_url)
    with engine.begin() as connection:
        # Thursday 27 March 2025, 10:00 in Jakarta: Nyepi leave, Idul Fitri and its leave follow.
        connection.execute(
            text("UPDATE complaints SET received_at = :at WHERE id = :id"),
            {"at": datetime(2025, 3, 27, 3, 0), "id": complaint_id},
        )
    engine.dispose()
    body = client.get(f"/v1/complaints/{complaint_id}", headers=keys["read"]).get_json()
    sla = body["sla"]
    assert sla["due"]["verification"] == "2025-04-10"
    assert sla["due"]["resolution"] == "2025-04-10"
    assert sla["overdue"] == {"verification": True, "follow_up": True, "resolution": True}
    assert sla["working_days_elapsed"] > 200


def test_sla_settings_change_the_clocks(make_app: Callable[..., Flask], keys: Keys) -> None:
    client = make_app(SLA_VERIFY_DAYS="1", SLA_RESOLVE_DAYS=30).test_client()
    complaint_id = stored(client, keys["ingest"])
    body = client.get(f"/v1/complaints/{complaint_id}", headers=keys["read"]).get_json()
    received = datetime.fromisoformat(body["received_at"]).astimezone(UTC).date()
    resolution = datetime.fromisoformat(body["sla"]["due"]["resolution"]).date()
    assert (resolution - received).days in {30, 31}  # 31 when UTC and Jakarta days differ
    assert body["sla"]["overdue"]["verification"] is False


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SLA_VERIFY_DAYS", "0"),
        ("SLA_FOLLOWUP_DAYS", "lima"),
        ("SLA_RESOLVE_DAYS", "2.5"),
        ("SLA_VERIFY_DAYS", True),
        ("URGENT_WEBHOOK", "ftp://example.invalid/x"),
        ("URGENT_WEBHOOK", "http://"),
    ],
)
def test_bad_casework_settings_stop_start_up(
    make_app: Callable[..., Flask], setting: str, value: object
) -> None:
    with pytest.raises(StartupError, match=f"TRIAGE_{setting}") as caught:
        make_app(**{setting: value})
    assert "\n" not in str(caught.value)


def test_intake_flags_are_stored_and_classify_shows_them(client: FlaskClient, keys: Keys) -> None:
    created = client.post(
        "/v1/complaints", json=new("L-9", "lampu jalan mati"), headers=keys["ingest"]
    ).get_json()
    assert created["urgent"] is False
    assert [m["item"] for m in created["missing"]] == ["lokasi"]
    assert "lokasi" in created["missing"][0]["question"].lower()
    assert created["state"] == "belum_terverifikasi"
    classified = client.post(
        "/v1/classify", json={"text": "ada kebakaran rumah di gang 3"}, headers=keys["ingest"]
    ).get_json()
    assert classified["urgent"] is True
    assert classified["urgency_reason"].startswith("kebakaran")
    batch = client.post(
        "/v1/classify",
        json={"complaints": [{"text": "tolong segera diperbaiki"}]},
        headers=keys["ingest"],
    ).get_json()
    assert [m["item"] for m in batch["decisions"][0]["missing"]] == ["objek"]


def test_the_queue_puts_urgent_first_and_filters_by_state(client: FlaskClient, keys: Keys) -> None:
    calm = stored(client, keys["ingest"], "Q-1")
    urgent = client.post(
        "/v1/complaints", json=new("Q-2", "ada kebakaran rumah di gang 3"), headers=keys["ingest"]
    ).get_json()["id"]
    later = stored(client, keys["ingest"], "Q-3")
    queue = client.get("/v1/complaints", headers=keys["review"]).get_json()
    assert [item["id"] for item in queue["items"]] == [urgent, calm, later]
    move(client, calm, keys["review"], to="terverifikasi")
    waiting = client.get("/v1/complaints?state=belum_terverifikasi", headers=keys["review"])
    assert [item["id"] for item in waiting.get_json()["items"]] == [urgent, later]
    verified = client.get("/v1/complaints?state=terverifikasi", headers=keys["review"])
    assert [item["id"] for item in verified.get_json()["items"]] == [calm]
    assert client.get("/v1/complaints?state=hilang", headers=keys["review"]).status_code == 400


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []
    arrived = threading.Event()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()
        type(self).arrived.set()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "arrived": threading.Event()})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", handler
    server.shutdown()
    server.server_close()


def test_urgent_complaints_are_posted_to_the_webhook_without_text(
    make_app: Callable[..., Flask], keys: Keys, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    client = make_app(URGENT_WEBHOOK=url).test_client()
    stored(client, keys["ingest"], "W-1")
    urgent = client.post(
        "/v1/complaints", json=new("W-2", "ada kebakaran rumah di gang 3"), headers=keys["ingest"]
    ).get_json()
    assert handler.arrived.wait(10)
    time.sleep(0.2)  # a routine complaint posted first must not have been sent at all
    assert handler.received == [
        {
            "id": urgent["id"],
            "reason": urgent["urgency_reason"],
            "received_at": urgent["received_at"],
        }
    ]


def test_a_dead_webhook_neither_fails_nor_blocks_intake(
    make_app: Callable[..., Flask], keys: Keys
) -> None:
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    client = make_app(URGENT_WEBHOOK="http://127.0.0.1:9/hook").test_client()
    started = time.perf_counter()
    response = client.post(
        "/v1/complaints", json=new("W-3", "ada kebakaran rumah di gang 3"), headers=keys["ingest"]
    )
    assert response.status_code == 201
    assert time.perf_counter() - started < 2.5


def test_stats_count_states_and_show_compliance(client: FlaskClient, keys: Keys) -> None:
    first = stored(client, keys["ingest"], "S-1")
    stored(client, keys["ingest"], "S-2")
    move(client, first, keys["review"], to="terverifikasi")
    body = client.get("/v1/stats", headers=keys["read"]).get_json()
    assert body["by_state"]["terverifikasi"] == 1
    assert body["by_state"]["belum_terverifikasi"] == 1
    assert body["by_state"]["selesai"] == 0
    (month,) = body["compliance"]["months"]
    assert month["received"] == 2
    assert month["agency"] == "Dinas Perhubungan"
    assert body["compliance"]["overdue"] == []


def test_the_document_lists_the_casework_routes(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "post" in paths["/v1/complaints/{complaint_id}/transitions"]
    assert "get" in paths["/v1/complaints/{complaint_id}/events"]


def test_the_cli_moves_a_complaint_and_lists_its_events(
    client: FlaskClient, keys: Keys, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint_id = stored(client, keys["ingest"])
    db = ["--database-url", database_url]
    assert main(["complaints", "transition", "--id", str(complaint_id), "--to", "terverifikasi",
                 "--actor", "operator", *db]) == 0  # fmt: skip
    assert "belum_terverifikasi -> terverifikasi" in capsys.readouterr().out
    assert main(["complaints", "transition", "--id", str(complaint_id), "--to", "selesai",
                 *db]) == 1  # fmt: skip
    error = capsys.readouterr().err
    assert error.startswith("triage complaints: error:")
    assert error.count("\n") == 1
    assert main(["complaints", "events", "--id", "999", *db]) == 1
    assert "no complaint with id 999" in capsys.readouterr().err
    assert main(["complaints", "events", "--id", str(complaint_id), *db]) == 0
    assert "operator (admin)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["complaints", "transition", "--id", "x", "--to", "selesai", *db])
    assert usage.value.code == 2
