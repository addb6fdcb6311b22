"""Training: a labelled table in, a fitted TriageModel with measured metrics out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from triage.errors import InputError
from triage.model.evaluation import coverage_at_accuracy
from triage.model.pipeline import build_pipeline
from triage.model.term_counts import TermCounts, count_terms
from triage.model.triage_model import Columns, ModelMetadata, TriageModel, compose_documents
from triage.model.vectorizers import CharNgramTfidf
from triage.routing.decision import RoutingPolicy
from triage.routing.labels import OTHER_LABEL, known_places, model_label
from triage.text.normalization import stem_table, tokens

log = logging.getLogger(__name__)

DEFAULT_PARAMS: dict[str, Any] = {"C": 0.3, "min_df": 2, "n_jobs": 2}
# Labels rarer than this in the training rows are not learnt as classes of their own: rare OPDs
# pool into OTHER_LABEL (always reviewed), rare topics stay unlabelled.
MIN_CLASS_COUNT = 10
# Confidence that the auto-routed share of unseen complaints reaches the target accuracy.
THRESHOLD_CONFIDENCE = 0.95
# What train_model reports to its ``progress`` callback, in this order.
STAGES: tuple[str, ...] = (
    "normalise the texts",
    "count words and n-grams",
    "TF-IDF of past and all rows",
    "stems and n-gram columns of the vocabulary",
    "fit and measure on the hold-out",
    "refit on all rows",
)


def data_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of a table's content, independent of the file format it came from."""
    import hashlib

    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    digest = hashlib.sha256(hashed.tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


def empty_text_rows(frame: pd.DataFrame, text_col: str) -> np.ndarray:
    """Positions of rows whose text is missing, blank or not a string (a number or a list in
    JSON input), none of which can be routed.

    Raises
    ------
    InputError
        When ``frame`` has no column ``text_col`` (the message lists the columns it has).
    """
    if text_col not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise InputError(f"missing text column {text_col!r}; columns are: {present}")
    text = frame[text_col]
    blank = [not isinstance(value, str) or not value.strip() for value in text]
    return np.flatnonzero(np.asarray(blank, dtype=bool))


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


def _ignore(stage: str) -> None:
    """No progress to report to."""


def _pipeline_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "min_class_count"}


def _labels_to_learn(frame: pd.DataFrame, columns: Columns, params: dict[str, Any]) -> pd.DataFrame:
    min_count = _min_count(params)
    labels = _training_labels(frame, columns, min_count)
    if labels.empty or labels.notna().sum().sum() == 0:
        given = [c for c in (columns.opd, columns.topic) if c and c in frame.columns]
        if given and frame[given].notna().any().any():
            raise InputError(
                f"no label occurs {min_count} times or more in {len(frame)} rows: a class is "
                f"learnt from at least {min_count} examples"
            )
        raise InputError("no labelled rows to train on")
    return labels


def _with_features(
    template: Pipeline, counts: list[TermCounts], rows: slice
) -> tuple[Pipeline, sp.csr_matrix]:
    """A copy of ``template`` whose features are fitted on ``rows`` (heads not yet), and the
    rows' feature matrix: what ``features.fit_transform`` of those rows gives."""
    pipeline: Pipeline = clone(template)
    union = pipeline.named_steps["features"].named_steps["union"]
    fitted = [part.fit(rows) for part in counts]
    names = [name for name, _ in union.transformer_list]
    union.set_params(**{name: vec for name, (vec, _) in zip(names, fitted, strict=True)})
    return pipeline, sp.hstack([x for _, x in fitted], format="csr")


def _features_of(pipeline: Pipeline, counts: list[TermCounts], rows: slice) -> sp.csr_matrix:
    """``pipeline``'s features of ``rows``, from the shared counts (as ``transform`` gives)."""
    union = pipeline.named_steps["features"].named_steps["union"]
    return sp.hstack(
        [
            part.transform(vectorizer, rows)
            for part, (_, vectorizer) in zip(counts, union.transformer_list, strict=True)
        ],
        format="csr",
    )


def _measure(
    model: TriageModel,
    latest: pd.DataFrame,
    x_latest: sp.csr_matrix,
    target_accuracy: float,
    n_train: int,
    threshold_confidence: float | None,
) -> tuple[dict[str, Any], RoutingPolicy]:
    """Calibrate ``model``'s heads on the held-out rows, measure it there, set the threshold."""
    # One temperature per head, fitted on the held-out rows that also measure the model:
    # a single scalar each, so the measurement stays honest to within noise.
    temperatures = model.pipeline.named_steps["heads"].calibrate(
        x_latest, _training_labels(latest, model.columns, 1)
    )
    # Measured through the raw-text path, as the saved model will route.
    decisions = model.decide_frame(latest)
    reports = model.evaluate(latest, target_accuracy, decisions=decisions)
    metrics: dict[str, Any] = {"holdout": {head: r.to_dict() for head, r in reports.items()}}
    metrics["holdout"]["rows"] = {"train": n_train, "test": len(latest)}
    metrics["holdout"]["temperatures"] = temperatures
    policy = model.policy
    opd = model.head_predictions(latest, decisions).get("opd")
    if opd is not None:
        rule = review_threshold(opd.confidence, opd.correct, target_accuracy, threshold_confidence)
        metrics["review_threshold"] = rule
        policy = RoutingPolicy(opd_threshold=rule["threshold"], target_accuracy=target_accuracy)
    return metrics, policy


def review_threshold(
    confidence: np.ndarray,
    correct: np.ndarray,
    target_accuracy: float,
    threshold_confidence: float | None,
) -> dict[str, Any]:
    """The review threshold chosen on the hold-out, as recorded in the model's metrics.

    The threshold must keep the target on months not yet seen, not only on these rows: with
    a ``threshold_confidence`` it is the lowest at which the accuracy's lower confidence
    bound reaches the target (see ``benchmarks/real_calibration.py`` for what each rule
    gives month by month).
    """
    chosen = coverage_at_accuracy(
        confidence, correct, target_accuracy, confidence_level=threshold_confidence
    )
    return {
        **asdict(chosen),
        "rule": "measured" if threshold_confidence is None else "lower_bound",
        "confidence_level": threshold_confidence,
    }


def _remember_words(pipeline: Pipeline, normalised: list[str]) -> None:
    """Keep the character n-gram columns of the training words with the model, as its stems
    are kept: a fresh worker then counts only the words it has never seen."""
    words = dict.fromkeys(word for doc in normalised for word in doc.split())
    union = pipeline.named_steps["features"].named_steps["union"]
    for _, vectorizer in union.transformer_list:
        if isinstance(vectorizer, CharNgramTfidf):
            vectorizer.remember_words(words)


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
    progress: Callable[[str], None] | None = None,
    threshold_confidence: float | None = THRESHOLD_CONFIDENCE,
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
    progress : callable, optional
        Called with the name of each stage of :data:`STAGES` as it starts (stages that do
        not apply are left out), e.g. to draw a progress bar.
    threshold_confidence : float or None
        The review threshold is the lowest at which the held-out accuracy of the routed
        complaints reaches ``target_accuracy`` at this confidence (Clopper-Pearson lower
        bound), so that the promise holds on later months; None takes the cut where the
        measured accuracy just reaches it (the rule before, optimistic on new months).

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
    report = progress or _ignore
    blank = empty_text_rows(frame, columns.text)
    _check_label_columns(frame, columns)
    if len(blank):
        log.warning("skipping %d rows with empty text", len(blank))
    data, date_range = training_rows(frame, columns, blank)
    labels_frame = _labels_to_learn(data, columns, params)
    policy = RoutingPolicy(target_accuracy=target_accuracy)
    metrics: dict[str, Any] = {}
    n_holdout = holdout_size(len(data), holdout)
    past, latest = slice(0, len(data) - n_holdout), slice(len(data) - n_holdout, len(data))
    documents = compose_documents(data, columns)
    template = build_pipeline(**_pipeline_params(params))
    features = template.named_steps["features"]
    # Each text is normalised and its terms counted once, for the hold-out fit and the refit.
    report(STAGES[0])
    normalised = features.named_steps["normalize"].transform(documents)
    report(STAGES[1])
    counts = count_terms(
        [vectorizer for _, vectorizer in features.named_steps["union"].transformer_list],
        normalised,
    )
    report(STAGES[2])
    candidate = _with_features(template, counts, past) if n_holdout else None
    final = (
        _with_features(template, counts, slice(0, len(data))) if refit or not n_holdout else None
    )
    threads = max(1, int(params.get("n_jobs") or 1))
    # liblinear releases the GIL: the SVM heads of the hold-out fit and of the refit train in
    # one pool of threads, the hold-out's first, while this thread stems the vocabulary and
    # then measures the hold-out fit.
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="triage-fit") as pool:
        if candidate is not None:
            candidate_done = (
                candidate[0]
                .named_steps["heads"]
                .submit_fit(pool, candidate[1], _labels_to_learn(data.iloc[past], columns, params))
            )
        if final is not None:
            final_done = final[0].named_steps["heads"].submit_fit(pool, final[1], labels_frame)
        report(STAGES[3])
        stems = stem_table({word for doc in documents for word in tokens(doc, stemming=False)})
        kept = final if final is not None else candidate
        if kept is not None:
            _remember_words(kept[0], normalised)
        if candidate is not None:
            report(STAGES[4])
            candidate_done()
            measured = TriageModel(candidate[0], policy, columns)
            metrics, policy = _measure(
                measured,
                data.iloc[latest],
                _features_of(candidate[0], counts, latest),
                target_accuracy,
                past.stop,
                threshold_confidence,
            )
            params = {**params, "temperatures": metrics["holdout"]["temperatures"]}
        if final is not None:
            report(STAGES[5])
            heads = final_done()
            if "temperatures" in params:
                heads.set_temperatures(params["temperatures"])
    pipeline = final[0] if final is not None else measured.pipeline
    model = TriageModel(pipeline, policy, columns)
    model.stems = stems
    model.places = known_places(data, columns.opd)
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
