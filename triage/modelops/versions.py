"""Saving a freshly trained model as a new version of the registry under ``models/``.

A version is a directory ``YYYY-MM-DD-<6 hex of the data hash>`` with the artifact and its
metadata, a model card, and the rows the model was measured on (personal data masked), which
later promotions compare candidates on.  Saving never switches the active model: see
:mod:`triage.modelops.registry` for promotion and rollback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd

from triage.errors import ModelError
from triage.model.train import holdout_size, training_rows
from triage.model.triage_model import ModelMetadata, TriageModel
from triage.modelops.model_card import write_card
from triage.modelops.persistence import ACTIVE, save_model
from triage.modelops.promotion import HOLDOUT
from triage.modelops.registry import active_version, pin
from triage.routing.labels import LOCATION_COLUMNS
from triage.text.normalization import mask_if_text

HOLDOUT_COLUMNS: tuple[str, ...] = ("id", *LOCATION_COLUMNS)


def save_version(
    model: TriageModel,
    models_dir: str | Path,
    frame: pd.DataFrame,
    *,
    holdout: float = 0.2,
    source: str | None = None,
) -> ModelMetadata:
    """Save a trained model as a new version ``YYYY-MM-DD-<data hash>`` with its card.

    The hold-out rows (personal data masked) are saved beside it as the shared evaluation
    set of later promotions.  When the registry has no ACTIVE pointer yet, the model that
    was active until now is pinned (or this one, if it is the first), so that training never
    changes what the service runs: only ``promote`` does.

    Parameters
    ----------
    model : TriageModel
        From :func:`triage.train_model`, trained on ``frame``.
    models_dir : path
        The registry directory.
    frame : DataFrame
        The training table.
    holdout : float
        The ``holdout`` share given to ``train_model``.
    source : str, optional
        Where the data came from, for the model card.

    Returns
    -------
    ModelMetadata
    """
    if model.metadata is None:
        raise ModelError("the model has no metadata; train it with train_model()")
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    pinned = active_version(root) if not (root / ACTIVE).is_file() else None
    directory = root / new_version_name(root, model.metadata.data_sha256)
    metadata = save_model(model, directory)
    rows = holdout_rows(frame, model, holdout)
    if rows is not None:
        rows.to_csv(directory / HOLDOUT, index=False)
    write_card(directory, source)
    if not (root / ACTIVE).is_file():
        pin(root, pinned or directory.name)
    return metadata


def new_version_name(models_dir: str | Path, data_sha256: str, day: dt.date | None = None) -> str:
    """``YYYY-MM-DD-<6 hex of the data hash>``, with ``-2``, ``-3``... if that name is taken."""
    day = day or dt.datetime.now(dt.UTC).date()
    base = f"{day.isoformat()}-{data_sha256[:6]}"
    root = Path(models_dir)
    name, n = base, 1
    while (root / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def holdout_rows(frame: pd.DataFrame, model: TriageModel, holdout: float) -> pd.DataFrame | None:
    """The rows ``train_model`` held out (the latest ``holdout`` share), or None if it did not.

    Mirrors the split of :func:`triage.train_model` and checks the count against the
    metadata, so a change there cannot silently save the wrong rows.
    """
    columns = model.columns
    rows = model.metadata.metrics.get("holdout", {}).get("rows", {}) if model.metadata else {}
    if not rows:
        return None
    split = model.metadata.metrics["holdout"].get("split", "time") if model.metadata else ""
    # A random split trained on the shuffled rows as given, without date ordering.
    data, _ = training_rows(frame, columns if split == "time" else replace(columns, date=None))
    n = holdout_size(len(data), holdout)
    if not n or n != rows.get("test"):
        return None
    keep = [c for c in (*HOLDOUT_COLUMNS, columns.text, columns.title, columns.opd,
                        columns.topic, columns.date) if c and c in data.columns]  # fmt: skip
    latest = data.iloc[len(data) - n :].loc[:, list(dict.fromkeys(keep))].copy()
    for column in (columns.text, columns.title):
        if column and column in latest.columns:
            latest[column] = latest[column].map(mask_if_text)
    return latest
