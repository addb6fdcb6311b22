"""Triase: triage of Indonesian public-service complaints.

The public API lives here; ``api/``, ``training/`` and the notebooks import only from it.
"""

from __future__ import annotations

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

__all__ = [
    "Alternative",
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
