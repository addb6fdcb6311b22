"""GET /v1/trends, GET /v1/alerts and POST /v1/alerts/<id>/ack on a seeded history with a spike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from tests.alert_seed import AS_OF, FIRST_WEEK, LAST_WEEK, SPIKE, seeded_copy, weekly_counts
from triage.store import make_engine
from triage.store.alerts import AlertStore
from triage.store.schema import Complaint
from triage.trends.refresh import refresh_alerts
from triage.trends.scan import HourlyScan

Headers = dict[str, dict[str, str]]
SPIKE_WEEK = LAST_WEEK.isoformat()
RANGE = {"from": "2024-05-01", "to": AS_OF.isoformat()}


@pytest.fixture
def database_url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    """This module's tests run on a copy of the seeded database (overrides conftest's)."""
    return seeded_copy(tmp_path_factory, tmp_path)


@pytest.fixture
def store(database_url: str) -> Iterator[AlertStore]:
    engine = make_engine(database_url)
    yield AlertStore(engine)
    engine.dispose()


def test_trends_flag_the_spike_week_with_its_baseline(client: FlaskClient, keys: Headers) -> None:
    response = client.get(
        "/v1/trends", query_string={"group": "topic", **RANGE}, headers=keys["read"]
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["group"] == ["topic"]
    assert body["total_groups"] == 2
    flood = next(s for s in body["series"] if s["group"] == "Banjir")
    counts = weekly_counts()
    expected_total = int(counts["Banjir", "Coblong"][-1] + counts["Banjir", "Sukajadi"][-1])
    last = flood["points"][-1]
    assert last["period"] == SPIKE_WEEK
    assert last["observed"] == expected_total
    assert last["alarm"] is True
    assert last["method"] == "seasonal"
    assert last["expected"] < last["upperbound"] < last["observed"]
    # Before the spike, a quiet series: no alarm in the flood series of May and June.
    assert flood["alarms"] == 1


def test_trends_by_two_columns_name_each_part(client: FlaskClient, keys: Headers) -> None:
    query = {"group": "kecamatan,topic", "limit": 1, **RANGE}
    body = client.get("/v1/trends", query_string=query, headers=keys["admin"]).get_json()
    assert body["total_groups"] == 4
    (series,) = body["series"]
    assert series["values"] == {"kecamatan": "Coblong", "topic": "Banjir"}
    assert series["group"] == "Coblong|Banjir"
    assert series["total"] == sum(p["observed"] for p in series["points"])


def test_trends_of_an_empty_range_are_empty(client: FlaskClient, keys: Headers) -> None:
    query = {"from": "2020-01-01", "to": "2020-12-31", "freq": "W"}
    body = client.get("/v1/trends", query_string=query, headers=keys["read"]).get_json()
    assert (body["series"], body["total_groups"]) == ([], 0)
    assert FIRST_WEEK.year == 2022


@pytest.mark.parametrize(
    "query",
    [
        {"group": "district"},
        {"group": "topic,topic"},
        {"group": ""},
        {"freq": "M"},
        {"from": "2024-13-01"},
        {"from": "01-05-2024"},
        {"to": "1900-01-01"},
        {"from": "2024-06-01", "to": "2024-05-01"},
        {"from": "2022-01-01", "to": "2024-03-01"},
        {"from": "2023-01-01", "to": "2024-01-02", "freq": "D"},
        {"limit": "0"},
        {"limit": "many"},
        {"groups": "topic"},
    ],
)
def test_trends_refuse_bad_parameters(
    client: FlaskClient, keys: Headers, query: dict[str, str]
) -> None:
    response = client.get("/v1/trends", query_string=query, headers=keys["read"])
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "detail"}


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        ("GET", "/v1/trends", None, 401),
        ("GET", "/v1/trends", "ingest", 403),
        ("GET", "/v1/alerts", "review", 403),
        ("GET", "/v1/alerts", "read", 200),
        ("POST", "/v1/alerts/1/ack", "read", 403),
        ("POST", "/v1/alerts/1/ack", "ingest", 403),
        ("POST", "/v1/alerts/1/ack", "review", 200),
        ("POST", "/v1/alerts/999/ack", "admin", 404),
        ("GET", "/v1/alerts/999", "read", 404),
    ],
)
def test_roles(
    client: FlaskClient, keys: Headers, method: str, path: str, role: str | None, status: int
) -> None:
    headers = keys[role] if role else {}
    assert client.open(path, method=method, headers=headers).status_code == status


def test_alerts_are_ranked_and_paged(client: FlaskClient, keys: Headers) -> None:
    body = client.get("/v1/alerts?related=flat", headers=keys["read"]).get_json()
    assert body["total"] == 3
    severities = [item["severity"] for item in body["items"]]
    assert severities == sorted(severities, reverse=True)
    first = body["items"][0]
    assert first["group_values"]["topic"] == "Banjir"
    assert first["start"] == SPIKE_WEEK
    assert {"setinggi", "lutut"} <= set(first["top_words"])
    assert "series" not in first
    assert "related" not in first
    second = client.get("/v1/alerts?related=flat&limit=1&offset=1", headers=keys["read"])
    assert [item["id"] for item in second.get_json()["items"]] == [body["items"][1]["id"]]
    one = client.get(f"/v1/alerts/{first['id']}", headers=keys["read"]).get_json()
    assert one["series"]["dates"][-1] == SPIKE_WEEK
    assert one["series"]["observed"][-1] == first["observed"]


def test_one_spike_is_listed_once_with_its_related_alerts(
    client: FlaskClient, keys: Headers
) -> None:
    body = client.get("/v1/alerts", headers=keys["read"]).get_json()
    assert (body["total"], len(body["items"])) == (1, 1)
    (flood,) = body["items"]
    assert flood["group_values"] == {"topic": "Banjir", "kecamatan": "Coblong"}
    assert (flood["headline_id"], flood["relation"], flood["share"]) == (None, None, None)
    related = {tuple(r["group_columns"]): r for r in flood["related"]}
    assert set(related) == {("topic",), ("kecamatan",)}
    city = related["topic",]
    assert (city["relation"], city["group_key"], city["observed"]) == ("context", "Banjir", 28)
    assert 0.6 <= city["share"] <= 1
    assert city["expected"] < city["observed"]
    flat = client.get("/v1/alerts?related=flat", headers=keys["read"]).get_json()["items"]
    assert sorted(a["id"] for a in flat) == sorted(
        [flood["id"], *(r["id"] for r in related.values())]
    )
    # One alert shows its relations from either end.
    one = client.get(f"/v1/alerts/{flood['id']}", headers=keys["read"]).get_json()
    assert [r["id"] for r in one["related"]] == [r["id"] for r in flood["related"]]
    under = client.get(f"/v1/alerts/{city['id']}", headers=keys["read"]).get_json()
    assert (under["headline_id"], under["relation"], under["related"]) == (
        flood["id"],
        "context",
        [],
    )


def test_alert_responses_with_relations_match_the_openapi_document(
    app: Flask, client: FlaskClient, keys: Headers
) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    listing = schema.find_operation_by_label("GET /v1/alerts")
    one = schema.find_operation_by_label("GET /v1/alerts/{alert_id}")
    ack = schema.find_operation_by_label("POST /v1/alerts/{alert_id}/ack")
    assert listing is not None
    assert one is not None
    assert ack is not None
    for query in ({}, {"related": "flat"}, {"related": "nested", "status": "all"}):
        listing.Case(query=query).call_and_validate(headers=keys["read"])
    flat = client.get("/v1/alerts?related=flat", headers=keys["read"]).get_json()["items"]
    for alert in flat:
        one.Case(path_parameters={"alert_id": alert["id"]}).call_and_validate(headers=keys["read"])
    headline = next(a for a in flat if a["headline_id"] is None)
    case = ack.Case(path_parameters={"alert_id": headline["id"]})
    case.call_and_validate(headers=keys["review"])


def test_bursts_are_listed_with_their_kind_and_window(
    app: Flask, client: FlaskClient, keys: Headers, store: AlertStore
) -> None:
    # 40 flood complaints in Coblong from 14:00 to 20:00 (local) on the spike week's Wednesday.
    start = datetime.combine(LAST_WEEK + timedelta(days=2), time(7), tzinfo=UTC)
    rows = [
        {
            "source": "burst",
            "external_id": str(i),
            "created_at": start + timedelta(minutes=9 * i),
            "received_at": start + timedelta(minutes=9 * i),
            "kecamatan": "Coblong",
            "text": "underpass banjir",
            "status": "routed",
            "topic": "Banjir",
        }
        for i in range(40)
    ]
    with store.session(write=True) as session:
        session.execute(insert(Complaint), rows)
    summary = refresh_alerts(store, as_of=AS_OF, scan=HourlyScan())
    assert summary.bursts >= 1
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    listing = schema.find_operation_by_label("GET /v1/alerts")
    one = schema.find_operation_by_label("GET /v1/alerts/{alert_id}")
    assert listing is not None
    assert one is not None
    for query in ({}, {"related": "flat", "status": "all"}):
        listing.Case(query=query).call_and_validate(headers=keys["read"])
    (headline,) = client.get("/v1/alerts", headers=keys["read"]).get_json()["items"]
    assert (headline["kind"], headline["freq"], headline["group_key"]) == (
        "burst",
        "H",
        "Banjir|Coblong",
    )
    assert headline["window_start"] < headline["window_end"]
    assert {r["kind"] for r in headline["related"]} == {"burst", "spike"}
    assert "same" in {r["relation"] for r in headline["related"]}
    one.Case(path_parameters={"alert_id": headline["id"]}).call_and_validate(headers=keys["read"])


@pytest.mark.parametrize(
    "query",
    ["status=closed", "limit=0", "offset=-1", "limit=x", "page=2", "related=tree", "related="],
)
def test_alerts_refuse_bad_parameters(client: FlaskClient, keys: Headers, query: str) -> None:
    response = client.get(f"/v1/alerts?{query}", headers=keys["read"])
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "detail"}


def test_acknowledge_is_idempotent_and_survives_a_refresh(
    client: FlaskClient, keys: Headers, store: AlertStore
) -> None:
    top = client.get("/v1/alerts", headers=keys["read"]).get_json()["items"][0]
    url = f"/v1/alerts/{top['id']}/ack"
    first = client.post(url, json={"note": "  pompa dikirim  "}, headers=keys["review"])
    assert first.status_code == 200
    acked = first.get_json()
    assert (acked["status"], acked["acknowledged_by"], acked["note"]) == (
        "acknowledged",
        "test-review",
        "pompa dikirim",
    )
    # The alerts shown under it are acknowledged with it.
    assert [r["status"] for r in acked["related"]] == ["acknowledged", "acknowledged"]
    again = client.post(url, headers=keys["admin"]).get_json()
    assert again["acknowledged_by"] == "test-review"
    assert again["acknowledged_at"] == acked["acknowledged_at"]
    summary = refresh_alerts(store, as_of=AS_OF)
    assert (summary.inserted, summary.updated) == (0, 3)
    for related in ("nested", "flat"):
        query = {"related": related}
        listed = client.get("/v1/alerts", query_string=query, headers=keys["read"]).get_json()
        assert listed["items"] == []
    done = client.get("/v1/alerts?status=acknowledged", headers=keys["read"]).get_json()
    assert [a["id"] for a in done["items"]] == [top["id"]]
    assert client.get("/v1/alerts?status=all", headers=keys["read"]).get_json()["total"] == 1
    everything = client.get("/v1/alerts?status=all&related=flat", headers=keys["read"])
    assert everything.get_json()["total"] == 3


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ('{"note": 5}', "application/json", 400),
        ('{"reason": "x"}', "application/json", 400),
        ("[1]", "application/json", 400),
        ("note", "text/plain", 415),
        ('{"note": "' + "x" * 2001 + '"}', "application/json", 400),
    ],
)
def test_acknowledge_refuses_bad_bodies(
    client: FlaskClient, keys: Headers, data: str, content_type: str, status: int
) -> None:
    response = client.post(
        "/v1/alerts/1/ack", data=data, content_type=content_type, headers=keys["review"]
    )
    assert response.status_code == status
    assert client.get("/v1/alerts/1", headers=keys["read"]).get_json()["status"] == "open"


def test_a_spike_that_goes_on_updates_its_alert(store: AlertStore) -> None:
    before = {a.group_key: a for a in store.list_page("all").items}
    next_week = LAST_WEEK + timedelta(weeks=1)
    moment = datetime.combine(next_week, time(9), tzinfo=UTC)
    rows = [
        {
            "source": "later",
            "external_id": str(i),
            "created_at": moment,
            "received_at": moment,
            "kecamatan": "Coblong",
            "text": "banjir lagi",
            "status": "routed",
            "topic": "Banjir",
        }
        for i in range(SPIKE)
    ]
    with store.session(write=True) as session:
        session.execute(insert(Complaint), rows)
    summary = refresh_alerts(store, as_of=next_week + timedelta(days=6))
    assert (summary.inserted, summary.updated) == (0, 3)
    after = {a.group_key: a for a in store.list_page("all").items}
    assert {k: a.id for k, a in after.items()} == {k: a.id for k, a in before.items()}
    flood = after["Banjir"]
    assert (flood.start, flood.end, flood.periods) == (LAST_WEEK, next_week, 2)
    assert flood.observed > before["Banjir"].observed + SPIKE - 1


QUERY_VALUES = st.sampled_from(
    ["topic", "opd,kecamatan", "W", "D", "open", "all", "2024-06-30", "2024-06-01", "0", "-1"]
    + ["nested", "flat"]
) | st.text(max_size=12)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/trends"),
        ("GET", "/v1/alerts"),
        ("POST", "/v1/alerts/1/ack"),
        ("GET", "/dashboard"),
        ("POST", "/dashboard/login"),
    ],
)
def test_malformed_requests_never_get_a_5xx(
    client: FlaskClient, keys: Headers, method: str, path: str
) -> None:
    names = st.sampled_from(
        ["group", "freq", "from", "to", "limit", "status", "offset", "as_of", "related"]
    )

    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        query=st.dictionaries(names, QUERY_VALUES, max_size=4),
        body=st.binary(max_size=60),
        content_type=st.sampled_from(["application/json", "text/plain", ""]),
    )
    def check(query: dict[str, str], body: bytes, content_type: str) -> None:
        headers = {**keys["admin"], **({"Content-Type": content_type} if content_type else {})}
        response = client.open(path, method=method, query_string=query, data=body, headers=headers)
        assert response.status_code < 500, response.get_data(as_text=True)[:300]

    check()
