"""Who may read /metrics: a read or admin key by default, a metrics key, or anyone if public."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from api import StartupError

Headers = dict[str, dict[str, str]]
METRICS_KEY = "metrics-" + "k" * 32


@pytest.mark.parametrize(
    ("role", "status"), [("read", 200), ("admin", 200), ("review", 403), ("ingest", 403)]
)
def test_by_default_metrics_need_a_read_or_admin_key(
    make_app: Callable[..., Flask], keys: Headers, role: str, status: int
) -> None:
    client = make_app().test_client()
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", headers=keys[role])
    assert response.status_code == status
    if status == 200:
        assert "triase_http_requests_total" in response.get_data(as_text=True)


def test_the_metrics_key_opens_metrics_and_nothing_else(
    make_app: Callable[..., Flask], keys: Headers
) -> None:
    client = make_app(METRICS_KEY=METRICS_KEY).test_client()
    bearer = {"Authorization": f"Bearer {METRICS_KEY}"}
    assert client.get("/metrics", headers=bearer).status_code == 200
    assert client.get("/metrics", headers={"X-API-Key": METRICS_KEY}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers=keys["read"]).status_code == 200
    assert client.get("/v1/stats", headers=bearer).status_code == 401


def test_wrong_metrics_keys_count_as_failures(make_app: Callable[..., Flask]) -> None:
    client = make_app(METRICS_KEY=METRICS_KEY, AUTH_FAILURES_PER_MINUTE=2).test_client()
    statuses = [
        client.get("/metrics", headers={"Authorization": f"Bearer guess-{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [401, 401, 429]


@pytest.mark.parametrize("config", [{"METRICS_PUBLIC": "true"}, {"AUTH": "false"}])
def test_metrics_can_be_left_open(make_app: Callable[..., Flask], config: dict[str, str]) -> None:
    assert make_app(**config).test_client().get("/metrics").status_code == 200


def test_probes_stay_open(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"METRICS_KEY": METRICS_KEY, "METRICS_PUBLIC": "true"}, "not both"),
        ({"METRICS_KEY": "short"}, "TRIAGE_METRICS_KEY must be at least 16"),
        ({"SECRET_KEY": "short"}, "TRIAGE_SECRET_KEY must be at least 16"),
        ({"METRICS_PUBLIC": "maybe"}, "TRIAGE_METRICS_PUBLIC must be true or false"),
        ({"AUTH_FAILURES_PER_MINUTE": "-1"}, "TRIAGE_AUTH_FAILURES_PER_MINUTE"),
        ({"PROXY_HOPS": "one"}, "TRIAGE_PROXY_HOPS must be a number"),
    ],
)
def test_bad_settings_stop_the_start(
    make_app: Callable[..., Flask], config: dict[str, str], words: str
) -> None:
    with pytest.raises(StartupError, match=words) as raised:
        make_app(**config)
    # A mistyped secret may still be close to the real one: it is never echoed.
    assert "'short'" not in str(raised.value)


def test_openapi_says_metrics_need_a_key(make_app: Callable[..., Flask]) -> None:
    spec = make_app().test_client().get("/openapi.json").get_json()
    metrics = spec["paths"]["/metrics"]["get"]
    assert "security" not in metrics  # the document's default: bearer or X-API-Key
    assert {"401", "403", "429"} <= set(metrics["responses"])
    assert "TRIAGE_METRICS_KEY" in metrics["description"]
    assert spec["paths"]["/healthz"]["get"]["security"] == []
