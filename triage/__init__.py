"""Triase: triage of Indonesian public-service complaints.

``__all__`` is the public API for notebooks and other callers: reading complaint tables,
training, saving and loading models, routing decisions, text normalisation, spike
detection and the sample corpus.  The packages inside (``triage.text``, ``routing``,
``model``, ``modelops``, ``trends``, ``store``, ``sample``) are importable too: the
service's own layers (``api/``, the ``training/`` and ``ops/`` commands) and the notebooks
import from them what this module does not export.
"""

from __future__ import annotations

from typing import Any

from triage.errors import (
    DataFileError,
    InputError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
    NotFittedError,
    TriageError,
)
from triage.model.evaluation import Coverage, HeadReport, coverage_at_accuracy
from triage.model.pipeline import build_pipeline
from triage.model.train import train_model
from triage.model.triage_model import Columns, ModelMetadata, TriageModel
from triage.modelops.persistence import (
    find_active_model,
    list_versions,
    load_model,
    read_metadata,
    save_model,
)
from triage.routing.decision import Alternative, RoutingDecision, RoutingPolicy, decide
from triage.tables import READERS, read_table
from triage.text.normalization import TextNormalizer, mask_personal_data, normalize, tokens

# Trend detection and the sample generator pull in statsmodels and large phrase tables; they
# are exported lazily so that `import triage` (every CLI call, every API worker) stays light.
_LAZY = {
    "find_spikes": "triage.trends.counts",
    "count_series": "triage.trends.counts",
    "SpikeReport": "triage.trends.counts",
    "SeasonalNB": "triage.trends.detectors",
    "EarsC": "triage.trends.detectors",
    "Alert": "triage.trends.alerts",
    "alert_periods_frame": "triage.trends.alerts",
    "describe_alert": "triage.trends.alerts",
    "generate_sample": "triage.sample.generator",
    "write_sample": "triage.sample.generator",
    "SampleCorpus": "triage.sample.generator",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'triage' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "Alert",
    "Alternative",
    "EarsC",
    "SampleCorpus",
    "SeasonalNB",
    "SpikeReport",
    "alert_periods_frame",
    "count_series",
    "describe_alert",
    "find_spikes",
    "generate_sample",
    "write_sample",
    "Columns",
    "Coverage",
    "DataFileError",
    "HeadReport",
    "InputError",
    "ModelError",
    "ModelIntegrityError",
    "ModelMetadata",
    "ModelNotFoundError",
    "NotFittedError",
    "RoutingDecision",
    "RoutingPolicy",
    "TextNormalizer",
    "TriageError",
    "TriageModel",
    "build_pipeline",
    "coverage_at_accuracy",
    "decide",
    "find_active_model",
    "list_versions",
    "load_model",
    "mask_personal_data",
    "normalize",
    "READERS",
    "read_metadata",
    "read_table",
    "save_model",
    "tokens",
    "train_model",
]
