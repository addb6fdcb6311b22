"""Retraining from the complaint store: stored complaints with the admins' corrections applied.

Which stored complaints count as labelled:

- every complaint an admin corrected or confirmed: the latest correction's labels win over
  the model's prediction, and nothing the model predicts later overrides them;
- complaints the model routed on its own (status ``routed``: its confidence passed the
  threshold chosen for the target accuracy) that nobody corrected.  Corrections alone are
  a biased sample (only the hard cases reach the review queue) and too few to retrain on;
  the confident auto-routed ones carry the easy, frequent cases.  ``corrected_only`` turns
  them off, ``min_confidence`` raises their bar.
- complaints still waiting for review are not labelled and are left out.

Texts come from the store's masked column (never ``raw_text``) and are masked again, in case
rows were loaded around the API.  Rows with the same text, title and labels are kept once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from triage.errors import InputError
from triage.periods import LOCAL_TIME
from triage.store import stored_complaints
from triage.text.normalization import mask_if_text, mask_personal_data

TRAINING_COLUMNS = ("created_at", "kecamatan", "kelurahan", "title", "text", "opd", "topic")
# What training_set_from_store reports to its ``progress`` callback, in this order.
STORE_STAGES: tuple[str, ...] = ("read the store", "build the training set")
_RELATIVE = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.I)


@dataclass(frozen=True)
class RetrainingSet:
    """A training table built from the store, and where its rows came from."""

    frame: pd.DataFrame
    stored: int
    corrected: int
    auto_routed: int
    unlabelled: int
    duplicates: int

    def summary(self) -> dict[str, int]:
        """Counts for logs and the model card."""
        return {
            "stored": self.stored,
            "corrected": self.corrected,
            "auto_routed": self.auto_routed,
            "unlabelled": self.unlabelled,
            "duplicates": self.duplicates,
            "rows": len(self.frame),
        }


def parse_since(text: str, now: dt.datetime | None = None, *, flag: str = "--since") -> dt.datetime:
    """A window bound: ``30d`` / ``8w`` before ``now``, or a date (Asia/Jakarta midnight).

    Raises
    ------
    InputError
        When ``text`` is neither; the message names the option ``flag``.
    """
    now = now or dt.datetime.now(dt.UTC)
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return now - dt.timedelta(days=amount * (7 if unit == "w" else 1))
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not a date (use YYYY-MM-DD, or e.g. 30d for the last 30 days)"
        ) from None
    return dt.datetime.combine(day, dt.time(), LOCAL_TIME).astimezone(dt.UTC)


def build_training_set(
    stored: pd.DataFrame, *, corrected_only: bool = False, min_confidence: float = 0.0
) -> RetrainingSet:
    """Labelled rows of :func:`~triage.store.stored_complaints`, corrections applied, deduplicated.

    Parameters
    ----------
    stored : DataFrame
        As returned by :func:`triage.store.stored_complaints`.
    corrected_only : bool
        Leave out auto-routed complaints nobody corrected.
    min_confidence : float
        Minimum OPD confidence of an uncorrected auto-routed complaint.

    Returns
    -------
    RetrainingSet
        ``frame`` has the columns of :data:`TRAINING_COLUMNS`, oldest first.
    """
    corrected = stored["corrected_at"].notna()
    auto = (
        ~corrected
        & (stored["status"] == "routed")
        & stored["opd"].notna()
        & (stored["opd_confidence"].fillna(0) >= min_confidence)
    )
    if corrected_only:
        auto &= False
    labelled = stored[corrected | auto].copy()
    fixed = corrected[corrected | auto]
    # The admin's verdict, not the prediction, for every corrected row.
    labelled.loc[fixed, "opd"] = labelled.loc[fixed, "corrected_opd"]
    labelled.loc[fixed, "topic"] = labelled.loc[fixed, "corrected_topic"]
    labelled["text"] = labelled["text"].fillna("").map(mask_personal_data)
    # A missing title is None, as the store gives it, also where pandas hands over NaN.
    labelled["title"] = labelled["title"].map(_text_or_none).map(mask_if_text)
    before = len(labelled)
    keys = ["text", "title", "opd", "topic"]
    labelled = labelled.drop_duplicates(subset=keys, keep="last")
    frame = labelled.loc[:, list(TRAINING_COLUMNS)].reset_index(drop=True)
    # Local time without offset, as in the complaint files, so that both concatenate and sort.
    local = frame["created_at"].dt.tz_convert(LOCAL_TIME)
    frame["created_at"] = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return RetrainingSet(
        frame=frame,
        stored=len(stored),
        corrected=int(corrected.sum()),
        auto_routed=int(auto.sum()),
        unlabelled=int(len(stored) - (corrected | auto).sum()),
        duplicates=before - len(labelled),
    )


def training_set_from_store(
    database_url: str,
    since: dt.datetime | None = None,
    *,
    corrected_only: bool = False,
    min_confidence: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> RetrainingSet:
    """Read the store and build the training set (see :func:`build_training_set`).

    ``progress``, if given, is called with each stage of :data:`STORE_STAGES` as it starts.

    Raises
    ------
    InputError
        When the store holds no labelled complaint in the window.
    StoreError
        When the database cannot be read.
    """
    report = progress or _ignore
    report(STORE_STAGES[0])
    stored = stored_complaints(database_url, since)
    report(STORE_STAGES[1])
    found = build_training_set(stored, corrected_only=corrected_only, min_confidence=min_confidence)
    if found.frame.empty:
        window = f" since {since:%Y-%m-%d}" if since else ""
        raise InputError(
            f"the store holds no labelled complaints{window} ({found.stored} stored, "
            f"{found.unlabelled} waiting for review)"
        )
    return found


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _ignore(stage: str) -> None:
    """No progress to report to."""
