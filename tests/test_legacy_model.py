"""A model saved by the flat layout (``triage.model``, ``triage.pipeline``, ``triage.text``,
``triage.vectorizers`` as modules) still loads and routes after the move into folders."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import joblib
import pytest

from triage import TriageModel, load_model
from triage.modelops.legacy_paths import install_legacy_paths
from triage.modelops.persistence import CHECKED_LIBRARIES

LEGACY = Path(__file__).parent / "data" / "model-before-layout-move"
COMPLAINTS = [
    {"text": "lampu pju mati di gg mawar", "kecamatan": "Coblong", "kelurahan": "Cipaganti"},
    {"text": "sampah blm diangkut dekat pasar", "kecamatan": "Coblong", "kelurahan": "Cipaganti"},
]


def _versions_match() -> bool:
    saved = json.loads((LEGACY / "metadata.json").read_text())["library_versions"]
    return all(
        saved[name].split(".")[:2] == version(name).split(".")[:2]
        for name in CHECKED_LIBRARIES
        if name in saved
    )


def test_the_old_pickle_resolves_every_class_at_its_new_home() -> None:
    # Unpickled directly, so that this holds even when a library's minor version has moved
    # on since the fixture was saved (load_model then refuses it for that reason alone).
    install_legacy_paths()
    model = joblib.load(LEGACY / "model.joblib")
    assert isinstance(model, TriageModel)
    decisions = model.decide(COMPLAINTS)
    assert [d.opd for d in decisions] == ["Dinas Perhubungan", "Dinas Lingkungan Hidup"]


@pytest.mark.skipif(not _versions_match(), reason="fixture saved with other library versions")
def test_load_model_accepts_a_model_saved_before_the_move() -> None:
    model = load_model(LEGACY)
    assert model.version == "model-before-layout-move"
    assert model.decide(COMPLAINTS[:1])[0].topic == "PJU"
