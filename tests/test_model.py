"""Pipeline, routing decisions, training and persistence of the triage model."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from triage import (
    InputError,
    ModelIntegrityError,
    ModelNotFoundError,
    RoutingPolicy,
    TriageModel,
    build_pipeline,
    coverage_at_accuracy,
    decide,
    find_active_model,
    load_model,
    train_model,
)
from triage.model.evaluation import accuracy_lower_bound
from triage.routing.labels import AREA_KECAMATAN, AREA_KELURAHAN, known_places, model_label


def test_pipeline_contract(corpus: pd.DataFrame) -> None:
    pipeline = build_pipeline(C=0.5)
    assert clone(pipeline).get_params()["heads__estimator__C"] == 0.5
    labels = corpus[["opd", "topic"]]
    assert pipeline.fit(corpus["text"], labels) is pipeline
    proba = pipeline.predict_proba(pd.Series(["lampu jalan mati", ""]))
    assert set(proba) == {"opd", "topic"}
    assert np.allclose(proba["opd"].sum(axis=1), 1.0)
    again = pickle.loads(pickle.dumps(pipeline))
    assert np.allclose(
        again.predict_proba(["sampah"])["opd"], pipeline.predict_proba(["sampah"])["opd"]
    )


def test_a_head_may_be_absent(corpus: pd.DataFrame) -> None:
    model = train_model(corpus.drop(columns="topic"), holdout=0)
    decision = model.decide([{"text": "sampah menumpuk"}])[0]
    assert decision.topic is None
    assert decision.topic_confidence is None
    assert decision.opd == "Dinas Lingkungan Hidup"


def test_decide_routes_and_resolves_area(trained_model: TriageModel) -> None:
    road, office, nowhere = trained_model.decide(
        [
            {"text": "jalan berlubang di depan rumah"},
            {"text": "minta surat pengantar rt", "kelurahan": "Cipaganti"},
            {"text": "minta surat pengantar rt"},
        ]
    )
    assert road.opd == "Dinas Sumber Daya Air dan Bina Marga"
    assert road.topic == "Jalan Rusak"
    assert len(road.alternatives) == 3
    assert office.opd == "Kelurahan Cipaganti"
    assert nowhere.opd is None
    assert nowhere.needs_review
    assert "no location" in " ".join(nowhere.reasons)


@pytest.mark.parametrize("bad", [{"text": ""}, {"text": "   "}, {"text": 5}, {"title": "x"}])
def test_decide_rejects_empty_text(trained_model: TriageModel, bad: dict[str, object]) -> None:
    with pytest.raises(InputError, match="text"):
        trained_model.decide([bad])


@pytest.mark.parametrize(
    ("opd", "label"),
    [
        ("Kecamatan Coblong", AREA_KECAMATAN),
        ("kelurahan  Dago", AREA_KELURAHAN),
        ("Dinas Sosial", "Dinas Sosial"),
    ],
)
def test_model_label(opd: str, label: str) -> None:
    assert model_label(opd) == label


def test_policy_threshold_marks_review() -> None:
    proba = np.array([0.55, 0.3, 0.15])
    labels = ["A", "B", "C"]
    sure = decide(proba, labels, None, [], RoutingPolicy(opd_threshold=0.5))
    unsure = decide(proba, labels, None, [], RoutingPolicy(opd_threshold=0.6))
    assert (sure.opd, sure.needs_review) == ("A", False)
    assert (unsure.opd, unsure.needs_review) == ("A", True)
    assert [a.label for a in sure.alternatives] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("confidence", "correct", "threshold", "coverage"),
    [
        ([0.9, 0.8, 0.7, 0.6], [1, 1, 1, 0], 0.7, 0.75),
        ([0.9, 0.8, 0.7, 0.6], [0, 1, 1, 1], 1.0, 0.0),
        ([0.9, 0.9, 0.5], [1, 0, 1], 1.0, 0.0),
        ([0.9, 0.8], [1, 1], 0.8, 1.0),
    ],
)
def test_coverage_at_accuracy(
    confidence: list[float], correct: list[int], threshold: float, coverage: float
) -> None:
    result = coverage_at_accuracy(np.array(confidence), np.array(correct, dtype=bool), 0.95)
    assert (result.threshold, result.coverage) == (threshold, coverage)


def test_a_promised_accuracy_needs_evidence() -> None:
    # 40 of 40 right measures 100%, but 40 complaints do not show 95% with 95% confidence
    # (the Clopper-Pearson lower bound is 0.928); 80 of 80 do (0.963).
    few = coverage_at_accuracy(np.linspace(0.99, 0.6, 40), np.ones(40, bool), 0.95)
    assert few.coverage == 1.0
    unsure = coverage_at_accuracy(
        np.linspace(0.99, 0.6, 40), np.ones(40, bool), 0.95, confidence_level=0.95
    )
    assert (unsure.threshold, unsure.coverage) == (1.0, 0.0)
    sure = coverage_at_accuracy(
        np.linspace(0.99, 0.6, 80), np.ones(80, bool), 0.95, confidence_level=0.95
    )
    assert sure.coverage == 1.0


@pytest.mark.parametrize(
    ("hits", "n", "bound"),
    [(40, 40, 0.9278), (80, 80, 0.9632), (95, 100, 0.8977), (0, 10, 0.0)],
)
def test_accuracy_lower_bound(hits: int, n: int, bound: float) -> None:
    value = accuracy_lower_bound(np.array([hits]), np.array([n]), 0.95)[0]
    assert value == pytest.approx(bound, abs=1e-4)


def test_accuracy_lower_bound_refuses_a_bad_level() -> None:
    with pytest.raises(InputError, match="confidence_level"):
        accuracy_lower_bound(np.array([1]), np.array([2]), 1.5)


def test_training_records_metrics_and_threshold(trained_model: TriageModel) -> None:
    meta = trained_model.metadata
    assert meta is not None
    assert meta.metrics["holdout"]["rows"] == {"train": 64, "test": 16}
    assert 0 <= meta.metrics["holdout"]["opd"]["accuracy"] <= 1
    rule = meta.metrics["review_threshold"]
    assert meta.policy["opd_threshold"] == rule["threshold"]
    assert (rule["rule"], rule["confidence_level"]) == ("lower_bound", 0.95)
    # The promised rule never routes more than the measured one.
    assert rule["coverage"] <= meta.metrics["holdout"]["opd"]["coverage"]["coverage"]
    assert set(meta.labels["opd"]) == {
        "Dinas Sumber Daya Air dan Bina Marga",
        "Dinas Perhubungan",
        "Dinas Lingkungan Hidup",
        AREA_KELURAHAN,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="text"), "missing text column"),
        (lambda f: f.drop(columns=["opd", "topic"]), "no label column"),
        (lambda f: f.assign(text=""), "no row has any text"),
        (lambda f: f.assign(opd="Dinas Sosial", topic=None), "at least two"),
    ],
)
def test_training_rejects_bad_tables(corpus: pd.DataFrame, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        train_model(change(corpus), holdout=0)


def test_save_load_round_trip(saved_model_dir: Path, trained_model: TriageModel) -> None:
    loaded = load_model(saved_model_dir)
    assert loaded.version == "test-v1"
    meta = json.loads((saved_model_dir / "metadata.json").read_text())
    for key in (
        "data_sha256",
        "artifact_sha256",
        "library_versions",
        "labels",
        "metrics",
        "params",
    ):
        assert meta[key]
    text = [{"text": "lampu pju mati"}]
    assert loaded.decide(text) == trained_model.decide(text)
    assert find_active_model(saved_model_dir.parent) == saved_model_dir


def test_tampered_or_missing_model_is_refused(saved_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(saved_model_dir, copy)
    with open(copy / "model.joblib", "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        load_model(copy)
    meta = json.loads((saved_model_dir / "metadata.json").read_text())
    meta["library_versions"]["scikit-learn"] = "0.1.0"
    shutil.copytree(saved_model_dir, tmp_path / "old")
    (tmp_path / "old" / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelIntegrityError, match="scikit-learn"):
        load_model(tmp_path / "old")
    with pytest.raises(ModelNotFoundError):
        load_model(tmp_path / "nothing")
    with pytest.raises(ModelNotFoundError):
        find_active_model(tmp_path / "nothing")


def test_temperature_scaling_is_fitted_and_kept(trained_model: TriageModel) -> None:

    meta = trained_model.metadata
    assert meta is not None
    temperatures = meta.metrics["holdout"]["temperatures"]
    heads = trained_model.pipeline.named_steps["heads"].estimators_
    for head, temperature in temperatures.items():
        assert temperature > 0
        assert heads[head].temperature == temperature


def test_temperature_scaling_sharpens_a_separable_problem() -> None:
    from triage.model.pipeline import TemperatureScaledSVC

    X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]] * 10)
    y = np.array(["a", "a", "b", "b"] * 10)
    svc = TemperatureScaledSVC(C=1.0).fit(X, y)
    before = svc.predict_proba(X).max(axis=1).mean()
    assert svc.calibrate(X, y) > 1.0
    assert svc.predict_proba(X).max(axis=1).mean() > before
    assert list(svc.predict(X[:3])) == ["a", "a", "b"]


def test_heads_are_coupled_through_the_topic_table(trained_model: TriageModel) -> None:
    heads = trained_model.pipeline.named_steps["heads"]
    table = heads.topic_to_opd_
    assert table.shape == (len(heads.classes_["topic"]), len(heads.classes_["opd"]))
    assert np.allclose(table.sum(axis=1), 1.0)
    X = trained_model.pipeline.named_steps["features"].transform(["lampu jalan mati di gang"])
    coupled, raw = heads.predict_proba(X), heads.raw_proba(X)
    for head in ("opd", "topic"):
        assert np.allclose(coupled[head].sum(axis=1), 1.0)
    weights = np.sqrt(raw["opd"] @ table.T)
    expected = raw["topic"] * weights / (raw["topic"] * weights).sum(axis=1, keepdims=True)
    assert np.allclose(coupled["topic"], expected)
    assert np.allclose(coupled["opd"], (raw["opd"] + 0.5 * raw["topic"] @ table) / 1.5)
    heads.set_params(coupling=0.0)
    try:
        assert np.allclose(heads.predict_proba(X)["opd"], raw["opd"])
    finally:
        heads.set_params(coupling=0.5)


def test_garbled_active_pointer_is_a_model_error(saved_model_dir: Path, tmp_path: Path) -> None:
    from triage import ModelError

    root = tmp_path / "models"
    shutil.copytree(saved_model_dir, root / "v1")
    (root / "ACTIVE").write_bytes(b"\xff\xfe v1")
    with pytest.raises(ModelError, match="not UTF-8"):
        find_active_model(root)
    assert (root / "ACTIVE").read_bytes() == b"\xff\xfe v1"


def test_known_places_vet_the_location_of_an_area_office() -> None:
    rows = pd.DataFrame(
        {
            "kecamatan": ["Coblong", "Coblong", "Ujungberung"],
            "kelurahan": ["Dago", "Sekeloa", "Cigending"],
            "opd": ["Dinas Sosial", "Kelurahan Lebakgede", "Kecamatan Sukajadi"],
        }
    )
    places = known_places(rows, "opd")
    assert places.doubt(AREA_KELURAHAN, "Coblong", "DAGO") is None
    assert places.doubt(AREA_KELURAHAN, None, "Lebakgede") is None  # known from an office label
    assert places.doubt(AREA_KECAMATAN, "Sukajadi", None) is None
    assert "not a place" in (places.doubt(AREA_KELURAHAN, "Coblong", "Atlantis") or "")
    assert "not a place" in (places.doubt(AREA_KECAMATAN, "Atlantis", "Dago") or "")
    assert "does not lie in" in (places.doubt(AREA_KELURAHAN, "Coblong", "Cigending") or "")
    assert places.doubt("Dinas Sosial", "Atlantis", "Atlantis") is None


def test_an_area_office_in_an_unknown_place_goes_to_review(
    trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    offices = corpus[corpus.opd.str.startswith("Kelurahan ")].head(40)
    known = trained_model.decide_frame(offices)
    routed = [i for i, d in enumerate(known) if d.opd and d.opd.startswith("Kelurahan ")]
    assert routed, "the sample model routes none of its kelurahan complaints to a kelurahan"
    assert not any("not a place" in r for d in known for r in d.reasons)
    elsewhere = trained_model.decide_frame(offices.assign(kelurahan="Atlantis"))
    for i in routed:
        assert elsewhere[i].opd == "Kelurahan Atlantis"
        assert elsewhere[i].needs_review
        assert (
            "kelurahan 'Atlantis' is not a place the model was trained on" in elsewhere[i].reasons
        )


def test_location_columns_are_found_whatever_their_case(
    trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    offices = corpus[corpus.opd.str.startswith("Kelurahan ")].head(20)
    lower = trained_model.decide_frame(offices)
    upper = trained_model.decide_frame(
        offices.rename(columns={"kecamatan": "Kecamatan", "kelurahan": "KELURAHAN"})
    )
    assert [d.opd for d in upper] == [d.opd for d in lower]
    assert any(d.opd and d.opd.startswith("Kelurahan ") for d in upper)
