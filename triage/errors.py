"""Exceptions raised by the triage library; callers map them to exit codes or HTTP statuses."""

from __future__ import annotations


class TriageError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(TriageError, ValueError):
    """Input data is unusable: empty text, missing column, bad date, unknown label."""


class DataFileError(InputError):
    """A data file cannot be read: missing, empty, unknown format or malformed."""


class ModelError(TriageError):
    """A model artifact cannot be used."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """No model artifact where one was expected."""


class ModelIntegrityError(ModelError):
    """The artifact's hash, format or library versions do not match its metadata."""


class NotFittedError(TriageError):
    """A model was asked to predict before it was trained."""
