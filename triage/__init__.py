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

__all__ = [
    "DataFileError",
    "InputError",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "NotFittedError",
    "TriageError",
]
