"""Start-up, health, readiness, metrics, model description, documentation and logs."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api import StartupError, create_app
from api.logs import JsonFormatter

Headers = dict[str, str]


def test_model_loads_from_the_models_directory(
    model_dir: Path, database_url: str, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(model_dir, models / "2026-01-01")
    app = create_app({"DATABASE_URL": database_url, "MODELS_DIR": str(models)})
    assert app.extensions["triage"].model.version == "test-model"


def _tamper(directory: Path) -> None:
    with (directory / "model.joblib").open("ab") as artifact:
        artifact.write(b"\0")


def _corrupt_metadata(directory: Path) -> None:
    (directory / "metadata.json").write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize("damage", [None, _tamper, _corrupt_metadata])
def test_start_up_fails_clearly_without_a_usable_model(
    model_dir: Path,
    database_url: str,
    tmp_path: Path,
    damage: Callable[[Path], None] | None,
) -> None:
    target = tmp_path / "model"
    if damage is not None:
        shutil.copytree(model_dir, target)
        damage(target)
    with pytest.raises(StartupError, match="cannot start: no usable model"):
        create_app({"DATABASE_URL": database_url, "MODEL_DIR": str(target)})


def test_start_up_fails_when_the_model_loads_but_cannot_predict(
    model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stale(self: object, records: object) -> object:
        raise AttributeError("'MultiHeadClassifier' object has no attribute 'new_setting'")

    monkeypatch.setattr("triage.model.TriageModel.decide", stale)
    with pytest.raises(StartupError, match="loads but cannot predict"):
        create_app({"DATABASE_URL": database_url, "MODEL_DIR": str(model_dir)})


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("AUTH", "maybe"),
        ("MAX_BATCH", "many"),
        ("RATE_LIMIT_PER_MINUTE", -1),
        ("TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "not a url"),
        ("LOG_LEVEL", "chatty"),
    ],
)
def test_bad_settings_fail_start_up(
    make_app: Callable[..., Flask], setting: str, value: object
) -> None:
    with pytest.raises(StartupError, match="cannot start"):
        make_app(**{setting: value})


def test_settings_come_from_the_environment(
    model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_MAX_BATCH", "7")
    monkeypatch.setenv("TRIAGE_AUTH", "false")
    monkeypatch.setenv("TRIAGE_DATABASE_URL", database_url)
    monkeypatch.setenv("TRIAGE_MODEL_DIR", str(model_dir))
    settings = create_app().extensions["triage"].settings
    assert (settings.max_batch, settings.auth) == (7, False)
    assert create_app({"MAX_BATCH": 3}).extensions["triage"].settings.max_batch == 3


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"model": "test-model", "database": "ok"}


def test_readiness_fails_on_an_unmigrated_database(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "triage db upgrade" in response.get_json()["checks"]["database"]


def test_metrics_count_requests_and_predictions(client: FlaskClient, admin: Headers) -> None:
    client.post("/v1/classify", json={"text": "lampu jalan mati"}, headers=admin)
    client.post("/v1/classify", json={"text": ""}, headers=admin)
    text = client.get("/metrics", headers=admin).get_data(as_text=True)
    assert 'route="/v1/classify",status="200"} 1' in text
    assert 'route="/v1/classify",status="400"} 1' in text
    assert 'opd="Dinas Perhubungan"' in text
    assert "triase_http_request_duration_seconds_bucket" in text
    assert 'le="+Inf"} 2' in text
    assert "triase_review_share" in text


def test_model_description(client: FlaskClient, keys: dict[str, Headers]) -> None:
    body = client.get("/v1/model", headers=keys["read"]).get_json()
    assert body["version"] == "test-model"
    assert "Dinas Sosial" in body["labels"]["opd"]
    assert "metrics" in body


def test_openapi_and_docs_describe_every_route(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
    }
    served = {
        (method, re.sub(r"<int\(max=2147483647\):(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
        # HTML pages for people, not API operations.
        and rule.endpoint
        not in {
            "static",
            "openapi.openapi",
            "openapi.docs",
            "dashboard.dashboard",
            "dashboard.login",
        }
        # Open311 GeoReport v2 follows its own published spec (docs/open311.md).
        and not rule.endpoint.startswith("open311.")
    }
    assert documented == served
    page = client.get("/docs").get_data(as_text=True)
    assert "<script" not in page
    assert "://" not in page  # nothing loaded from elsewhere: works offline
    for _, path in documented:
        assert path in page


def test_cli_prints_the_openapi_document(runner: FlaskCliRunner, client: FlaskClient) -> None:
    result = runner.invoke(args=["openapi"])
    assert result.exit_code == 0
    assert json.loads(result.output) == client.get("/openapi.json").get_json()


def test_logs_are_json_without_complaint_text(
    client: FlaskClient,
    admin: Headers,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logging.getLogger("api"), "propagate", True)
    secret = "nomor saya 081234567890 lampu mati"
    with caplog.at_level("INFO", logger="api"):
        client.post(
            "/v1/complaints",
            json={"source": "s", "external_id": "1", "text": secret},
            headers=admin,
        )
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert lines
    entries = [json.loads(line) for line in lines]
    request_log = next(e for e in entries if e["message"] == "request")
    assert request_log["status"] == 201
    assert request_log["client"] == "test-admin"
    assert all("081234567890" not in line and "lampu mati" not in line for line in lines)
