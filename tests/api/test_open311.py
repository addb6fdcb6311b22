"""Open311 GeoReport v2 at /open311/v2/: a third-party client (georeport, from PyPI) and raw
form posts as the spec shows them, against the app served on 127.0.0.1."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from georeport import GeoReport
from werkzeug.serving import make_server

from api.auth import Caller
from api.model_admin import switch_model
from api.open311 import _external_id
from api.open311_schemas import (
    ServiceRequestForm,
    open311_status,
    slug,
    split_location,
    status_notes,
)
from tests.api.conftest import corpus
from triage import save_model, train_model
from triage.store import ComplaintRecord
from triage.text.masking import holds_personal_data

Headers = dict[str, dict[str, str]]
JAKARTA = ZoneInfo("Asia/Jakarta")
FORM = {
    "service_code": "sampah",
    "description": "sampah menumpuk sudah seminggu, hubungi saya di 081234567890",
    "lat": "-7.257472",
    "long": "112.752088",
    "address_string": "Jl. Mawar 3, Tegalsari",
    "email": "budi.santoso@example.org",
    "first_name": "Budi",
    "last_name": "Santosowijaya",
    "phone": "081298765432",
    "device_id": "phone-1",
    "media_url": "https://img.example.org/foto.jpg",
}
PERSONAL = ("budi.santoso@example.org", "Santosowijaya", "081298765432", "081234567890")


def _key(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    server.shutdown()
    thread.join(5)


def _spec_error(response: requests.Response | Any, code: int) -> str:
    assert response.status_code == code
    # requests has json(), Flask's test response a json property.
    body = response.json() if callable(response.json) else response.json
    assert isinstance(body, list)
    assert len(body) == 1
    assert set(body[0]) == {"code", "description"}
    assert body[0]["code"] == code
    description: str = body[0]["description"]
    return description


def _post(root: str, key: str | None, **changes: str | None) -> requests.Response:
    form = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
    if key is not None:
        form["api_key"] = key
    return requests.post(f"{root}/requests.json", data=form, timeout=10)


def test_the_georeport_client_lists_the_topics_as_services(served: str) -> None:
    client = GeoReport(served)
    listed = client.get_service_list()
    by_code = {service["service_code"]: service for service in listed}
    assert set(by_code) == {"pju", "sampah", "bantuan-sosial", "jalan-rusak"}
    sampah = by_code["sampah"]
    assert sampah["service_name"] == "Sampah"
    assert sampah["group"] == "Dinas Lingkungan Hidup"
    assert by_code["pju"]["group"] == "Dinas Perhubungan"
    assert sampah["metadata"] is False
    assert sampah["type"] == "realtime"
    assert sampah["keywords"]
    assert sampah["description"]
    definition = client.get_service_definition("bantuan-sosial")
    assert definition == {"service_code": "bantuan-sosial", "attributes": []}
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("no-such-service")
    _spec_error(refused.value.response, 404)


def test_reading_requests_without_a_key_is_refused_in_the_spec_format(served: str) -> None:
    # The client sends no api_key on reads: complaints are not public here.
    with pytest.raises(requests.HTTPError) as refused:
        GeoReport(served).get_service_requests()
    assert "api_key" in _spec_error(refused.value.response, 403)


def test_a_posted_request_is_stored_masked_and_read_back(
    served: str, keys: Headers, app: Flask
) -> None:
    before = datetime.now(UTC)
    created = _post(served, _key(keys["ingest"]))
    assert created.status_code == 201
    (answer,) = created.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    request_id = answer["service_request_id"]
    for word in PERSONAL:
        assert word not in created.text

    read = _key(keys["read"])
    one = requests.get(f"{served}/requests/{request_id}.json", params={"api_key": read}, timeout=10)
    assert one.status_code == 200
    (item,) = one.json()
    for word in (*PERSONAL, "Budi"):
        assert word not in one.text
    assert item["service_request_id"] == request_id
    assert item["status"] == "open"
    assert item["description"] == "sampah menumpuk sudah seminggu, hubungi saya di [telepon]"
    assert item["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert item["service_code"] == "sampah"
    assert item["service_name"] == "Sampah"
    assert item["address"] == "Jl. Mawar 3, Tegalsari"
    assert (item["lat"], item["long"]) == (-7.257472, 112.752088)
    assert item["media_url"] is None
    requested = datetime.fromisoformat(item["requested_datetime"])
    assert requested.utcoffset() == timedelta(hours=7)
    assert before - timedelta(seconds=1) <= requested <= datetime.now(UTC)
    expected = datetime.fromisoformat(item["expected_datetime"])
    assert expected.date() == requested.astimezone(JAKARTA).date() + timedelta(days=14)
    assert (expected.hour, expected.minute) == (23, 59)

    stored = app.extensions["triage"].complaints.get(int(request_id))
    assert stored.source == "open311"
    for word in (*PERSONAL, "Budi", "example.org"):
        assert word not in repr(stored)


def test_the_same_form_resent_is_a_retry_and_another_device_a_new_request(
    served: str, keys: Headers
) -> None:
    key = _key(keys["ingest"])
    first = _post(served, key).json()[0]["service_request_id"]
    assert _post(served, key).json()[0]["service_request_id"] == first
    assert _post(served, key, device_id="phone-2").json()[0]["service_request_id"] != first
    other = _post(served, key, description="sampah tidak diangkut di gang 3")
    assert other.json()[0]["service_request_id"] != first


@pytest.mark.parametrize(
    ("changes", "code", "says"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"description": "  "}, 400, "description"),
        ({"lat": None, "long": None, "address_string": None}, 400, "location"),
        ({"lat": None}, 400, "lat and long"),
        ({"lat": "utara"}, 400, "lat"),
        ({"lat": "95"}, 400, "lat"),
        ({"long": "nan"}, 400, "long"),
        ({"description": "x" * 20_001}, 400, "description"),
        ({"service_code": "no-such-service"}, 404, "service_code"),
    ],
)
def test_a_bad_form_is_refused_in_the_spec_format(
    served: str, keys: Headers, changes: dict[str, str | None], code: int, says: str
) -> None:
    assert says in _spec_error(_post(served, _key(keys["ingest"]), **changes), code)


def test_a_location_may_be_an_address_alone(served: str, keys: Headers) -> None:
    address = "Jl. Mawar 3,  Tegalsari (WA 081311112222)"
    created = _post(served, _key(keys["ingest"]), lat=None, long=None, address_string=address)
    request_id = created.json()[0]["service_request_id"]
    params = {"api_key": _key(keys["read"])}
    (item,) = requests.get(f"{served}/requests/{request_id}.json", params=params, timeout=10).json()
    expected = ("Jl. Mawar 3, Tegalsari (WA [telepon])", None, None)
    assert (item["address"], item["lat"], item["long"]) == expected


def test_keys_and_roles(served: str, keys: Headers) -> None:
    assert "api_key" in _spec_error(_post(served, None), 403)
    assert "unknown" in _spec_error(_post(served, "not-a-key"), 403)
    assert "ingest" in _spec_error(_post(served, _key(keys["read"])), 403)
    params = {"api_key": _key(keys["ingest"])}
    _spec_error(requests.get(f"{served}/requests.json", params=params, timeout=10), 403)
    # The usual header works as well, and keeps the key out of URLs.
    headers = {"X-API-Key": _key(keys["read"])}
    assert requests.get(f"{served}/requests.json", headers=headers, timeout=10).status_code == 200


def test_other_refusals_keep_the_spec_format(served: str, keys: Headers) -> None:
    params = {"api_key": _key(keys["read"])}
    for path in ("requests/999999.json", "requests/abc.json", "requests/99999999999.json"):
        _spec_error(requests.get(f"{served}/{path}", params=params, timeout=10), 404)
    assert "JSON only" in _spec_error(requests.get(f"{served}/services.xml", timeout=10), 404)
    _spec_error(requests.post(f"{served}/services.json", timeout=10), 404)
    as_json = requests.post(
        f"{served}/requests.json",
        json={**FORM, "api_key": _key(keys["ingest"])},
        params={"api_key": _key(keys["ingest"])},
        timeout=10,
    )
    assert "form-encoded" in _spec_error(as_json, 400)
    for query in ({"status": "pending"}, {"start_date": "kemarin"}, {"start_date": "0999-01-01"}):
        response = requests.get(f"{served}/requests.json", params={**params, **query}, timeout=10)
        _spec_error(response, 400)
    reversed_range = {"start_date": "2024-02-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"}
    response = requests.get(f"{served}/requests.json", params={**params, **reversed_range})
    assert "after" in _spec_error(response, 400)


def _seed(client: FlaskClient, admin: dict[str, str], days_ago: list[int]) -> None:
    now = datetime.now(UTC)
    texts = ("lampu jalan mati", "sampah menumpuk", "bansos belum cair", "jalan berlubang")
    for i, days in enumerate(days_ago):
        body = {
            "source": "seed",
            "external_id": str(i),
            "text": texts[i % len(texts)],
            "created_at": (now - timedelta(days=days, minutes=i)).isoformat(),
        }
        assert client.post("/v1/complaints", json=body, headers=admin).status_code == 201


def test_listing_follows_the_window_the_filters_and_the_ids(
    served: str, client: FlaskClient, admin: dict[str, str], keys: Headers
) -> None:
    _seed(client, admin, [400, 200, 100, 91, 89, 30, 10, 1, 0])
    params = {"api_key": _key(keys["read"])}

    def listed(**query: str) -> list[dict[str, Any]]:
        response = requests.get(f"{served}/requests.json", params={**params, **query}, timeout=10)
        assert response.status_code == 200
        found: list[dict[str, Any]] = response.json()
        return found

    recent = listed()
    assert len(recent) == 5  # the last 90 days
    times = [item["requested_datetime"] for item in recent]
    assert times == sorted(times, reverse=True)
    assert len(listed(start_date=(datetime.now(UTC) - timedelta(days=250)).isoformat())) == 8
    old = listed(end_date=(datetime.now(UTC) - timedelta(days=150)).isoformat())
    assert len(old) == 1  # 90 days before the end
    assert listed(status="closed") == []
    assert len(listed(status="open,closed")) == 5
    sampah = listed(service_code="sampah")
    assert sampah
    assert all(item["service_code"] == "sampah" for item in sampah)
    assert listed(service_code="no-such-service") == []
    ids = [recent[0]["service_request_id"], "999999", "abc", recent[2]["service_request_id"]]
    by_id = listed(service_request_id=",".join(ids), status="closed")
    assert [item["service_request_id"] for item in by_id] == [ids[0], ids[3]]


def test_a_window_finds_exactly_the_complaints_created_in_it(
    served: str, client: FlaskClient, admin: dict[str, str], keys: Headers
) -> None:
    rng = random.Random(311)
    days = [rng.randrange(0, 60) for _ in range(25)]
    _seed(client, admin, days)
    stored = client.get("/v1/complaints?limit=100", headers=admin).get_json()["items"]
    created = [datetime.fromisoformat(item["created_at"]) for item in stored]
    params = {"api_key": _key(keys["read"])}
    now = datetime.now(UTC)
    for _ in range(8):
        start = now - timedelta(days=rng.uniform(0, 60))
        end = start + timedelta(days=rng.uniform(0, 30))
        query = {**params, "start_date": start.isoformat(), "end_date": end.isoformat()}
        found = requests.get(f"{served}/requests.json", params=query, timeout=10).json()
        assert len(found) == sum(start <= moment <= end for moment in created)


def test_without_auth_no_key_is_needed(make_app: Any) -> None:
    app = make_app(AUTH=False)
    client = app.test_client()
    form = {k: v for k, v in FORM.items() if k != "device_id"}
    assert client.post("/open311/v2/requests.json", data=form).status_code == 201
    assert len(client.get("/open311/v2/requests.json").get_json()) == 1
    app.extensions["triage"].complaints.dispose()


def _record(
    status: str,
    source: str = "open311",
    text: str = "lampu mati",
    state: str = "belum_terverifikasi",
) -> ComplaintRecord:
    moment = datetime(2025, 3, 27, 3, tzinfo=UTC)
    return ComplaintRecord(
        id=1, source=source, external_id="x", channel=None, created_at=moment,
        received_at=moment, kecamatan=None, kelurahan=None, place_known=None, title="PJU",
        text=text, status=status, opd="Dinas Perhubungan", topic="PJU", prediction=None,
        state=state,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "expected"),
    [("belum_terverifikasi", "open"), ("terverifikasi", "open"), ("terdisposisi", "open"),
     ("ditindaklanjuti", "open"), ("menunggu_kelengkapan", "open"), ("selesai", "closed"),
     ("diarsipkan", "closed"), ("dialihkan", "closed"), ("ditutup_sistem", "closed")],
)  # fmt: skip
def test_status_is_closed_only_in_a_final_state(state: str, expected: str) -> None:
    record = _record("routed", state=state)
    assert open311_status(record) == expected
    assert (status_notes(record) == "Diteruskan ke Dinas Perhubungan.") is (expected == "open")


def test_location_lines_are_read_back_only_from_open311_complaints() -> None:
    text = "lampu mati\n\nAlamat (Open311): Jl. Mawar\nKoordinat (Open311): -7.250000,112.750000"
    assert split_location(_record("routed", text=text)) == (
        "lampu mati",
        "Jl. Mawar",
        -7.25,
        112.75,
    )
    assert split_location(_record("routed", source="seed", text=text))[0] == text
    assert split_location(_record("routed", text="lampu mati\n\n"))[1:] == (None, None, None)


def test_codes_are_ascii_slugs() -> None:
    assert slug("Jalan Rusak") == "jalan-rusak"
    assert slug("Air Bersih / PDAM") == "air-bersih-pdam"
    assert slug("Pelayanan Kependudukan (KTP/KK)") == "pelayanan-kependudukan-ktp-kk"
    assert slug("Ça déjà") == "ca-deja"
    assert slug("???") == "layanan"


def test_request_ids_never_look_like_personal_data(app: Flask) -> None:
    with app.app_context():
        for i in range(300):
            form = ServiceRequestForm.model_validate(
                {"description": f"lampu mati {i}", "device_id": str(i)},
                context={"settings": app.extensions["triage"].settings},
            )
            external_id = _external_id(Caller("c", "ingest"), form)
            assert not any(ch.isdigit() for ch in external_id.removeprefix("o311"))
            assert not holds_personal_data(external_id)


def test_a_body_over_the_size_limit_gets_the_spec_413(make_app: Any, keys: Headers) -> None:
    app = make_app(MAX_CONTENT_LENGTH=2048)
    form = {**FORM, "description": "lampu mati " * 400, "api_key": _key(keys["ingest"])}
    response = app.test_client().post("/open311/v2/requests.json", data=form)
    _spec_error(response, 413)
    app.extensions["triage"].complaints.dispose()


def test_a_switched_model_brings_its_own_services(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").get_json()}
    assert "bantuan-sosial" in codes
    frame = corpus()
    save_model(train_model(frame[frame["topic"] != "Bantuan Sosial"]), tmp_path / "smaller")
    switch_model(app, tmp_path / "smaller")
    after = {s["service_code"] for s in client.get("/open311/v2/services.json").get_json()}
    assert after == codes - {"bantuan-sosial"}
