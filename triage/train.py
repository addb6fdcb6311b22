"""Training: a labelled table in, a fitted TriageModel with measured metrics out."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from triage.errors import InputError
from triage.model import (
    OTHER_LABEL,
    Columns,
    ModelMetadata,
    TriageModel,
    compose_documents,
    model_label,
)
from triage.pipeline import build_pipeline
from triage.routing import RoutingPolicy
from triage.text import stem_table, tokens

log = logging.getLogger(__name__)

DEFAULT_PARAMS: dict[str, Any] = {"C": 0.3, "min_df": 2, "n_jobs": 2}
# Labels rarer than this in the training rows are not learnt as classes of their own: rare OPDs
# pool into OTHER_LABEL (always reviewed), rare topics stay unlabelled.
MIN_CLASS_COUNT = 10


def data_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of a table's content, independent of the file format it came from."""
    import hashlib

    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    digest = hashlib.sha256(hashed.tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


def empty_text_rows(frame: pd.DataFrame, text_col: str) -> np.ndarray:
    """Positions of rows whose text is missing or blank.

    Raises
    ------
    InputError
        When ``frame`` has no column ``text_col`` (the message lists the columns it has).
    """
    if text_col not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise InputError(f"missing text column {text_col!r}; columns are: {present}")
    text = frame[text_col]
    blank = text.isna() | text.astype(str).str.strip().eq("")
    return np.flatnonzero(blank.to_numpy())


def _training_labels(frame: pd.DataFrame, columns: Columns, min_count: int) -> pd.DataFrame:
    """Model-space labels: area offices as one class per level; rare OPDs pooled, rare topics
    left unlabelled (the calibration folds need ``min_count`` examples of every class)."""
    labels = pd.DataFrame(index=frame.index)
    if columns.opd and columns.opd in frame.columns:
        opd = frame[columns.opd].map(model_label)
        counts = opd.value_counts()
        rare = set(counts[counts < min_count].index)
        opd = opd.where(~opd.isin(rare) | opd.isna(), OTHER_LABEL)
        if (opd == OTHER_LABEL).sum() < min_count:
            opd = opd.where(opd != OTHER_LABEL)
        labels["opd"] = opd
    if columns.topic and columns.topic in frame.columns:
        topic = frame[columns.topic].where(frame[columns.topic].astype(str).str.strip() != "")
        counts = topic.value_counts()
        labels["topic"] = topic.where(topic.isin(set(counts[counts >= min_count].index)))
    return labels


def _fit(frame: pd.DataFrame, columns: Columns, params: dict[str, Any]) -> Pipeline:
    pipeline = build_pipeline(**{k: v for k, v in params.items() if k != "min_class_count"})
    labels = _training_labels(frame, columns, _min_count(params))
    if labels.empty or labels.notna().sum().sum() == 0:
        raise InputError("no labelled rows to train on")
    pipeline.fit(compose_documents(frame, columns), labels)
    return pipeline


def _min_count(params: dict[str, Any]) -> int:
    return max(int(params.get("min_class_count", MIN_CLASS_COUNT)), 2)


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("scikit-learn", "numpy", "scipy", "pandas", "joblib", "PySastrawi", "indoNLP"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    return out


def train_model(
    frame: pd.DataFrame,
    columns: Columns | None = None,
    params: dict[str, Any] | None = None,
    holdout: float = 0.2,
    target_accuracy: float = 0.95,
    refit: bool = True,
) -> TriageModel:
    """Train a router, measure it on the latest ``holdout`` share and set its review threshold.

    Parameters
    ----------
    frame : DataFrame
        One complaint a row with a text column and an OPD and/or topic column.
    columns : Columns, optional
        Column names; defaults to text, title, opd, topic, created_at.
    params : dict, optional
        Keyword arguments of :func:`triage.pipeline.build_pipeline`.
    holdout : float
        Share of the rows, latest first when there is a date column, kept out to measure the
        model and choose the review threshold.  0 skips measuring (threshold stays 0.5).
    target_accuracy : float
        Accuracy that automatically routed complaints must reach on the held-out rows.
    refit : bool
        Retrain on all rows after measuring, so the saved model has seen the latest data.

    Returns
    -------
    TriageModel
        With metadata whose ``metrics`` hold the held-out reports.

    Raises
    ------
    InputError
        When columns are missing, no row has text, or a head has fewer than two labels.
    """
    columns = columns or Columns()
    params = {**DEFAULT_PARAMS, **(params or {})}
    blank = empty_text_rows(frame, columns.text)
    _check_label_columns(frame, columns)
    if len(blank):
        log.warning("skipping %d rows with empty text", len(blank))
    data, date_range = training_rows(frame, columns, blank)
    policy = RoutingPolicy(target_accuracy=target_accuracy)
    metrics: dict[str, Any] = {}
    n_holdout = holdout_size(len(data), holdout)
    if n_holdout:
        past, latest = data.iloc[:-n_holdout], data.iloc[-n_holdout:]
        candidate = TriageModel(_fit(past, columns, params), policy, columns)
        # One temperature per head, fitted on the held-out rows that also measure the model:
        # a single scalar each, so the measurement stays honest to within noise.
        temperatures = candidate.pipeline.named_steps["heads"].calibrate(
            candidate.pipeline.named_steps["features"].transform(
                compose_documents(latest, columns)
            ),
            _training_labels(latest, columns, 1),
        )
        params = {**params, "temperatures": temperatures}
        reports = candidate.evaluate(latest, target_accuracy)
        metrics = {"holdout": {head: r.to_dict() for head, r in reports.items()}}
        metrics["holdout"]["rows"] = {"train": len(past), "test": len(latest)}
        metrics["holdout"]["temperatures"] = temperatures
        if "opd" in reports:
            policy = RoutingPolicy(
                opd_threshold=reports["opd"].coverage.threshold, target_accuracy=target_accuracy
            )
        final = _fit(data, columns, params) if refit else candidate.pipeline
    else:
        final = _fit(data, columns, params)
    labels_frame = _training_labels(data, columns, _min_count(params))
    model = TriageModel(final, policy, columns)
    model.stems = stem_table(
        {word for doc in compose_documents(data, columns) for word in tokens(doc, stemming=False)}
    )
    model.metadata = ModelMetadata(
        version="unsaved",
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        data_sha256=data_fingerprint(frame),
        n_rows=len(data),
        date_range=date_range,
        labels=model.labels,
        label_counts={
            h: {str(k): int(v) for k, v in labels_frame[h].value_counts().items()}
            for h in labels_frame.columns
        },
        params=params,
        policy=asdict(policy),
        metrics=metrics,
        skipped_rows=len(blank),
        library_versions=_library_versions(),
    )
    return model


def training_rows(
    frame: pd.DataFrame, columns: Columns, blank: np.ndarray | None = None
) -> tuple[pd.DataFrame, tuple[str, str] | None]:
    """The rows a model trains on, oldest first when there is a date column, and their span.

    Rows with empty text are dropped (``blank``: their positions, when already known).

    Raises
    ------
    InputError
        When no row has text, or the date column holds no parsable date.
    """
    if blank is None:
        blank = empty_text_rows(frame, columns.text)
    data = frame.drop(index=frame.index[blank])
    if data.empty:
        raise InputError("no row has any text")
    if not columns.date or columns.date not in data.columns:
        return data, None
    dates = pd.to_datetime(data[columns.date], errors="coerce")
    if dates.isna().all():
        raise InputError(f"column {columns.date!r} holds no parsable dates")
    data = data.assign(_when=dates).sort_values("_when", kind="stable").drop(columns="_when")
    return data, (str(dates.min().date()), str(dates.max().date()))


def holdout_size(n_rows: int, holdout: float) -> int:
    """How many of the latest rows train_model keeps out: 0 when too few to measure."""
    n = int(round(n_rows * holdout))
    return n if 0 < holdout < 1 and n >= 10 and n_rows - n >= 20 else 0


def _check_label_columns(frame: pd.DataFrame, columns: Columns) -> None:
    present = ", ".join(map(str, frame.columns))
    heads = [c for c in (columns.opd, columns.topic) if c]
    if not any(c in frame.columns for c in heads):
        raise InputError(
            f"no label column ({' or '.join(map(repr, heads))}); columns are: {present}"
        )
