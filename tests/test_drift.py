"""Drift: label and vocabulary distances, new words, and OPDs whose accuracy fell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from training.cli import main
from triage import TriageModel
from triage.model.triage_model import compose_documents
from triage.modelops.drift import label_drift, training_word_shares, vocabulary_drift
from triage.routing.labels import OTHER_LABEL
from triage.store import ComplaintStore, NewComplaint, NewPrediction, make_engine, upgrade
from triage.text.normalization import tokens

WINDOW_START = dt.datetime(2024, 3, 1, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize(
    ("training", "recent", "distance"),
    [
        ({"A": 50, "B": 50}, ["A", "B"] * 10, 0.0),
        ({"A": 50, "B": 50}, ["C"] * 10, 1.0),
        ({"A": 10}, ["A", "Kecamatan Coblong"], 0.5579),  # area offices: one class
        ({"A": 10, OTHER_LABEL: 10}, ["A", "Dinas Baru"], 0.0),  # rare OPDs: the pooled class
        # By hand: sqrt((0.9 log2 1.8 + 0.1 log2 0.2) / 2 * 2) = 0.7287.
        ({"A": 90, "B": 10}, ["A"] * 10 + ["B"] * 90, 0.7287),
    ],
)
def test_label_distance(training: dict[str, int], recent: list[str], distance: float) -> None:
    found, shifts = label_drift(training, recent)
    assert found == pytest.approx(distance, abs=1e-4)
    assert all(0 <= s.recent_share <= 1 for s in shifts)


def test_training_word_shares_are_the_training_document_frequencies(
    trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    shares = training_word_shares(trained_model)
    documents = [set(tokens(d)) for d in compose_documents(corpus, trained_model.columns)]
    for word in ("sampah", "lampu", "surat", "jalan"):
        true_share = sum(word in d for d in documents) / len(documents)
        assert shares[word] == pytest.approx(true_share, abs=1e-6)


def test_vocabulary_drift_finds_new_frequent_words(
    trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    same, new, _ = vocabulary_drift(trained_model, list(corpus["text"]))
    assert new == ()
    flood = [f"banjir bandang {t}" for t in corpus["text"]]
    changed, new, _ = vocabulary_drift(trained_model, flood)
    assert {w.word for w in new} == {"banjir", "bandang"}
    assert new[0].recent_share == 1.0
    assert changed > same


def _review(store: ComplaintStore, key: str, day: dt.datetime, opd: str, right: bool) -> None:
    record, _ = store.add(
        NewComplaint(source="t", external_id=key, text="lampu jalan mati", created_at=day),
        NewPrediction("v", opd, 0.6, None, None, True, 1.0),
    )
    store.correct(record.id, corrected_by="a", opd=opd if right else "Dinas Sosial")


@pytest.fixture
def reviewed_store(tmp_path: Path) -> str:
    """Dinas Perhubungan right 18 of 20 times before the window, 8 of 20 in it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    store = ComplaintStore(make_engine(url))
    for i in range(20):
        before = WINDOW_START - dt.timedelta(days=20 - i)
        _review(store, f"b{i}", before, "Dinas Perhubungan", i < 18)
        _review(store, f"r{i}", WINDOW_START + dt.timedelta(days=i), "Dinas Perhubungan", i < 8)
        _review(store, f"s{i}", WINDOW_START + dt.timedelta(days=i), "Dinas Lingkungan Hidup", True)
    store.dispose()
    return url


def test_drift_command_names_the_opd_whose_accuracy_fell(
    reviewed_store: str, saved_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["drift", "--model", str(saved_model_dir), "--database-url", reviewed_store]
    code = main([*argv, "--since", "2024-03-01", "--until", "2024-03-21"])
    out = capsys.readouterr().out
    assert code == 0
    assert "accuracy has fallen" in out
    assert "Dinas Perhubungan: 90% of 20 -> 40% of 20" in out
    assert "Dinas Lingkungan Hidup" not in out.split("accuracy has fallen")[1]
    code = main([*argv, "--since", "2030-01-01", "--until", "2030-02-01"])
    assert code == 1
    assert "no stored complaints between" in capsys.readouterr().err


def test_drift_command_without_any_model_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An empty registry must not fall back to whatever model.joblib the working directory has.
    monkeypatch.chdir(tmp_path)
    assert main(["drift", "--models-dir", str(tmp_path / "models")]) == 1
    assert "no model under" in capsys.readouterr().err


def test_drift_command_names_the_option_it_cannot_read(
    saved_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drift", "--model", str(saved_model_dir), "--until", "kemarin"]) == 1
    assert "--until 'kemarin' is not a date" in capsys.readouterr().err
