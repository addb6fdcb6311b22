"""Triase: triage of Indonesian public-service complaints.

The public API lives here; ``api/``, ``training/`` and the notebooks import only from it.
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
from triage.evaluation import Coverage, HeadReport, coverage_at_accuracy
from triage.model import Columns, ModelMetadata, TriageModel
from triage.persistence import (
    find_active_model,
    list_versions,
    load_model,
    read_metadata,
    save_model,
)
from triage.pipeline import build_pipeline
from triage.routing import Alternative, RoutingDecision, RoutingPolicy, decide
from triage.text import TextNormalizer, mask_personal_data, normalize, tokens
from triage.train import train_model

# Trend detection and the sample generator pull in statsmodels and large phrase tables; they
# are exported lazily so that `import triage` (every CLI call, every API worker) stays light.
_LAZY = {
    "find_spikes": "triage.trends",
    "count_series": "triage.trends",
    "SpikeReport": "triage.trends",
    "SeasonalNB": "triage.detectors",
    "EarsC": "triage.detectors",
    "Alert": "triage.alerts",
    "alerts_frame": "triage.alerts",
    "alert_periods_frame": "triage.alerts",
    "describe_alert": "triage.alerts",
    "generate_sample": "triage.sample",
    "write_sample": "triage.sample",
    "SampleCorpus": "triage.sample",
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
    "alerts_frame",
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
    "read_metadata",
    "save_model",
    "tokens",
    "train_model",
]
