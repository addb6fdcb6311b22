"""Fixtures of the service tests: a small trained model, and an app with its own database."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api import create_app
from tests.api.databases import migrated_database
from triage import save_model, train_model
from triage.store import ROLES, KeyStore, make_engine

# Four agencies, ten short complaints each: enough for the pipeline, fast to fit.
PROBLEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Dinas Perhubungan": (
        "PJU",
        (
            "lampu jalan mati",
            "lampu pju padam",
            "parkir liar di trotoar",
            "lampu penerangan jalan rusak",
            "juru parkir minta uang lebih",
        ),
    ),
    "Dinas Lingkungan Hidup": (
        "Sampah",
        (
            "sampah menumpuk",
            "sampah tidak diangkut",
            "bau sampah di tps",
            "pohon tumbang perlu dipangkas",
            "tumpukan sampah di pinggir sungai",
        ),
    ),
    "Dinas Sosial": (
        "Bantuan Sosial",
        (
            "bansos belum cair",
            "bantuan sembako tidak diterima",
            "pkh tidak turun",
            "lansia terlantar butuh bantuan",
            "data penerima bansos salah",
        ),
    ),
    "Dinas Sumber Daya Air dan Bina Marga": (
        "Jalan Rusak",
        (
            "jalan berlubang",
            "aspal rusak parah",
            "saluran air mampet banjir",
            "genangan air setelah hujan",
            "jalan retak dan ambles",
        ),
    ),
}
PLACES = ("di jalan mawar", "dekat pasar", "depan sekolah", "gang 3", "rt 02 rw 05", "mohon segera")


def corpus() -> pd.DataFrame:
    rows = [
        {
            "text": f"{texts[i % len(texts)]} {PLACES[i % len(PLACES)]}",
            "opd": opd,
            "topic": topic,
        }
        for opd, (topic, texts) in PROBLEMS.items()
        for i in range(10)
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("models") / "test-model"
    save_model(train_model(corpus()), directory)
    return directory


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated SQLite file, copied for each test: faster than migrating every time."""
    with migrated_database("sqlite", tmp_path_factory.mktemp("template")) as url:
        yield Path(url.removeprefix("sqlite:///"))


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    shutil.copyfile(sqlite_template, tmp_path / "triage.db")
    return f"sqlite:///{tmp_path / 'triage.db'}"


@pytest.fixture
def make_app(model_dir: Path, database_url: str) -> Callable[..., Flask]:
    """Build an app on this test's database; keyword arguments override settings."""

    def build(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "MODEL_DIR": str(model_dir),
            "AUTH": True,
            "RATE_LIMIT_PER_MINUTE": 0,
            # Tests that send wrong keys on purpose (schemathesis does) must not hit the limit;
            # the tests of the limit set it.
            "AUTH_FAILURES_PER_MINUTE": 0,
            "SECRET_KEY": "test-secret-" + "s" * 20,
            "LOG_LEVEL": "WARNING",
        }
        return create_app({**config, **overrides})

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    yield app
    app.extensions["triage"].complaints.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def keys(database_url: str) -> dict[str, dict[str, str]]:
    """Authorization headers for one client of each role, by role."""
    engine = make_engine(database_url)
    store = KeyStore(engine)
    headers = {
        role: {"Authorization": f"Bearer {store.create(f'test-{role}', role)[1]}"} for role in ROLES
    }
    engine.dispose()
    return headers


@pytest.fixture
def admin(keys: dict[str, dict[str, str]]) -> dict[str, str]:
    return keys["admin"]
