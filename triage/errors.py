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


class TransitionError(InputError):
    """A complaint cannot move to the requested state: unknown, not allowed next, or incomplete.

    ``current`` is the state the complaint is in (a string, or None when it was not reached),
    ``allowed`` the states that may follow it, so that a caller can say what would be legal.
    """

    def __init__(self, message: str, current: str | None, allowed: tuple[str, ...]) -> None:
        super().__init__(message)
        self.current = current
        self.allowed = allowed


class RoleError(TransitionError):
    """The transition is legal, but the caller's role may not make it."""


class CalendarError(InputError):
    """The holiday calendar does not cover a year, so working days cannot be counted in it."""
