"""Shared fixtures: a small labelled corpus written for the tests, a model trained on it, and
``engine``, which opens the database of the test module's own ``url`` fixture."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from triage import TriageModel, save_model, train_model
from triage.store import make_engine

# (opd, topic, phrases): short complaints in the register the model meets in production.
CORPUS_SPEC: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Dinas Sumber Daya Air dan Bina Marga",
        "Jalan Rusak",
        (
            "jalan berlubang parah",
            "aspal jln rusak bgt",
            "jalan ambles dan retak",
            "lubang besar di jalan",
        ),
    ),
    (
        "Dinas Perhubungan",
        "PJU",
        (
            "lampu pju mati",
            "lampu jalan padam udh seminggu",
            "pju gak nyala",
            "penerangan jalan mati",
        ),
    ),
    (
        "Dinas Lingkungan Hidup",
        "Sampah",
        (
            "sampah menumpuk di tps",
            "sampah blm diangkut",
            "bau sampah menyengat",
            "tumpukan sampah di pinggir jalan",
        ),
    ),
    (
        "Kelurahan Cipaganti",
        "Kewilayahan",
        (
            "minta surat pengantar rt",
            "urusan surat keterangan domisili",
            "pengurus rw tidak aktif",
            "surat pengantar nikah dari kelurahan",
        ),
    ),
)
PLACES = ("di gg mawar", "dekat pasar", "depan sekolah", "di rt 03 rw 05", "samping masjid")


def make_corpus() -> pd.DataFrame:
    """80 complaints over four agencies, with dates so that the hold-out split is by time."""
    rows = []
    days = itertools.count()
    for place in PLACES:
        for opd, topic, phrases in CORPUS_SPEC:
            for phrase in phrases:
                rows.append(
                    {
                        "id": f"c{len(rows)}",
                        "created_at": (
                            pd.Timestamp("2024-01-01") + pd.Timedelta(days=next(days))
                        ).isoformat(),
                        "title": "",
                        "text": f"{phrase} {place} mohon segera ditangani",
                        "kecamatan": "Coblong",
                        "kelurahan": "Cipaganti",
                        "opd": opd,
                        "topic": topic,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture(scope="session")
def trained_model(corpus: pd.DataFrame) -> TriageModel:
    return train_model(corpus)


@pytest.fixture(scope="session")
def saved_model_dir(tmp_path_factory: pytest.TempPathFactory, trained_model: TriageModel) -> Path:
    directory = tmp_path_factory.mktemp("models") / "test-v1"
    save_model(trained_model, directory)
    return directory


@pytest.fixture(scope="session")
def corpus_csv(tmp_path_factory: pytest.TempPathFactory, corpus: pd.DataFrame) -> Path:
    path = tmp_path_factory.mktemp("data") / "corpus.csv"
    corpus.to_csv(path, index=False)
    return path


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    """An engine on the database of the module's ``url`` fixture, disposed afterwards."""
    engine = make_engine(url)
    yield engine
    engine.dispose()
