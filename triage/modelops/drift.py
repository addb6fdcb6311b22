"""Drift: how recent complaints differ from a model's training data, and where it got worse.

Three signals, each cheap enough to run daily:

- labels: the OPD distribution of recent complaints (corrections applied) against the
  training label counts in the model's metadata, as a Jensen–Shannon distance (base 2:
  0 identical, 1 disjoint);
- vocabulary: the document frequency of words (the model's own normalised, stemmed
  tokens) against the training document frequencies recovered from the fitted TF-IDF idf
  weights, as a Jensen–Shannon distance, plus frequent words the model has never seen;
- accuracy: per OPD the share of reviewed complaints whose first prediction the admins
  kept, in the window against the window of the same length just before it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.stats import norm

from triage.errors import InputError
from triage.model.pipeline import word_vectorizer
from triage.model.triage_model import TriageModel
from triage.routing.labels import OTHER_LABEL, model_label
from triage.store import StatsStore, make_engine


@dataclass(frozen=True)
class LabelShift:
    """One OPD's share of the training data and of the recent complaints."""

    label: str
    training_share: float
    recent_share: float


@dataclass(frozen=True)
class WordShift:
    """A word's share of recent documents and of training documents (0: never seen)."""

    word: str
    recent_share: float
    training_share: float


@dataclass(frozen=True)
class OpdAccuracy:
    """Live accuracy of one OPD (as first predicted) before and in the window."""

    opd: str
    before_reviewed: int
    before_accuracy: float | None
    recent_reviewed: int
    recent_accuracy: float | None
    p_value: float | None
    fallen: bool


@dataclass(frozen=True)
class DriftReport:
    """What :func:`drift_report` found."""

    model_version: str
    since: str
    until: str
    recent_complaints: int
    label_distance: float
    label_shifts: tuple[LabelShift, ...]
    vocabulary_distance: float
    new_words: tuple[WordShift, ...]
    rising_words: tuple[WordShift, ...]
    opd_accuracy: tuple[OpdAccuracy, ...]

    @property
    def fallen(self) -> tuple[OpdAccuracy, ...]:
        """OPDs whose accuracy fell significantly."""
        return tuple(a for a in self.opd_accuracy if a.fallen)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def label_drift(
    training_counts: Mapping[str, int], recent_labels: Sequence[object], top: int = 8
) -> tuple[float, tuple[LabelShift, ...]]:
    """Jensen–Shannon distance between training and recent OPD shares, and the largest moves.

    Recent OPDs are mapped to the model's label space: area offices to their class, and OPDs
    the training data pooled as rare (or never saw) to the pooled class when there is one.
    """
    pooled = OTHER_LABEL if OTHER_LABEL in training_counts else None
    mapped = (str(model_label(v)) for v in recent_labels if isinstance(v, str) and v)
    recent = Counter(
        label if label in training_counts or pooled is None else pooled for label in mapped
    )
    labels = sorted(set(training_counts) | set(recent))
    p = np.array([training_counts.get(label, 0) for label in labels], dtype=float)
    q = np.array([recent.get(label, 0) for label in labels], dtype=float)
    if p.sum() == 0 or q.sum() == 0:
        return float("nan"), ()
    p, q = p / p.sum(), q / q.sum()
    order = np.argsort(-np.abs(q - p), kind="stable")[:top]
    shifts = tuple(
        LabelShift(labels[i], round(float(p[i]), 4), round(float(q[i]), 4)) for i in order
    )
    return round(float(jensenshannon(p, q, base=2)), 4), shifts


def training_word_shares(model: TriageModel) -> dict[str, float]:
    """Share of training documents holding each word, recovered from the fitted idf weights.

    scikit-learn's smoothed idf is ``ln((1 + n) / (1 + df)) + 1``, so ``df`` follows from
    ``idf`` and the number of training rows.
    """
    tfidf = word_vectorizer(model.pipeline)
    n = model.metadata.n_rows if model.metadata else 0
    if not n:
        raise InputError("the model's metadata does not say how many rows it was trained on")
    df = (1 + n) / np.exp(tfidf.idf_ - 1) - 1
    return {term: float(df[i]) / n for term, i in tfidf.vocabulary_.items() if " " not in term}


def vocabulary_drift(
    model: TriageModel,
    texts: Sequence[str],
    *,
    min_share: float = 0.01,
    min_documents: int = 5,
    top: int = 15,
) -> tuple[float, tuple[WordShift, ...], tuple[WordShift, ...]]:
    """Distance between training and recent word shares, new frequent words, rising words.

    A word is new when the model's vocabulary lacks it and at least ``min_share`` of the
    recent documents (and ``min_documents`` of them) hold it; rising when its share is at
    least three times its training share.
    """
    training = training_word_shares(model)
    normalizer = model.pipeline.named_steps["features"].named_steps["normalize"]
    documents = normalizer.transform(list(texts))
    counts = Counter(word for doc in documents for word in set(doc.split()))
    n = len(documents)
    if n == 0:
        return float("nan"), (), ()
    vocabulary = sorted(set(training) | set(counts))
    p = np.array([training.get(w, 0.0) for w in vocabulary])
    q = np.array([counts.get(w, 0) / n for w in vocabulary])
    distance = round(float(jensenshannon(p / p.sum(), q / q.sum(), base=2)), 4)
    frequent = [
        WordShift(w, round(c / n, 4), round(training.get(w, 0.0), 4))
        for w, c in counts.most_common()
        if c >= min_documents and c / n >= min_share
    ]
    new = tuple(s for s in frequent if s.word not in training)[:top]
    rising = tuple(
        s for s in frequent if s.word in training and s.recent_share >= 3 * s.training_share
    )[:top]
    return distance, new, rising


def accuracy_changes(
    database_url: str,
    since: dt.datetime,
    until: dt.datetime,
    *,
    min_reviewed: int = 10,
    min_drop: float = 0.05,
    alpha: float = 0.05,
) -> tuple[OpdAccuracy, ...]:
    """Per OPD, accuracy from corrections in ``[since, until)`` against the window before.

    An OPD has fallen when both windows have ``min_reviewed`` reviews, accuracy dropped by
    ``min_drop`` or more, and a one-sided two-proportion z-test gives ``p < alpha``.
    """
    store = StatsStore(make_engine(database_url, must_exist=True))
    try:
        before = store.stats(since - (until - since), since)
        recent = store.stats(since, until)
    finally:
        store.dispose()
    tallies: dict[str, list[int]] = {}
    for k, stats in enumerate((before, recent)):
        for row in stats.per_opd:
            label = str(model_label(row.opd)) if row.opd else "(none)"
            tally = tallies.setdefault(label, [0, 0, 0, 0])
            tally[2 * k] += row.reviewed
            tally[2 * k + 1] += row.correct
    out = []
    for label, (n0, c0, n1, c1) in sorted(tallies.items()):
        a0 = c0 / n0 if n0 else None
        a1 = c1 / n1 if n1 else None
        p = _one_sided_p(c0, n0, c1, n1)
        fallen = (
            n0 >= min_reviewed
            and n1 >= min_reviewed
            and a0 is not None
            and a1 is not None
            and a0 - a1 >= min_drop
            and p is not None
            and p < alpha
        )
        out.append(OpdAccuracy(label, n0, _round(a0), n1, _round(a1), _round(p), bool(fallen)))
    return tuple(sorted(out, key=lambda a: (not a.fallen, -(a.recent_reviewed or 0))))


def _one_sided_p(c0: int, n0: int, c1: int, n1: int) -> float | None:
    """p-value of 'accuracy fell' (pooled two-proportion z-test)."""
    if not n0 or not n1:
        return None
    pooled = (c0 + c1) / (n0 + n1)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    if se == 0:
        return 1.0
    z = (c0 / n0 - c1 / n1) / se
    return float(norm.sf(z))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def drift_report(
    model: TriageModel,
    recent: pd.DataFrame,
    database_url: str,
    since: dt.datetime,
    until: dt.datetime,
) -> DriftReport:
    """Compare stored complaints of ``[since, until)`` with what ``model`` was trained on.

    Parameters
    ----------
    model : TriageModel
        A saved model (its metadata holds the training label counts).
    recent : DataFrame
        The window's complaints, e.g. from :func:`triage.store.stored_complaints`, with
        ``text`` and ``opd`` (current labels: corrections applied) columns.
    database_url : str
        The store, for accuracy from corrections.
    since, until : datetime
        The window (timezone-aware).

    Returns
    -------
    DriftReport

    Raises
    ------
    InputError
        When the window holds no complaints.
    """
    if recent.empty:
        raise InputError(f"no stored complaints between {since:%Y-%m-%d} and {until:%Y-%m-%d}")
    counts = model.metadata.label_counts.get("opd", {}) if model.metadata else {}
    label_distance, shifts = label_drift(counts, list(recent["opd"]))
    vocabulary_distance, new, rising = vocabulary_drift(
        model, [str(t) for t in recent["text"].fillna("")]
    )
    return DriftReport(
        model_version=model.version,
        since=since.isoformat(),
        until=until.isoformat(),
        recent_complaints=len(recent),
        label_distance=label_distance,
        label_shifts=shifts,
        vocabulary_distance=vocabulary_distance,
        new_words=new,
        rising_words=rising,
        opd_accuracy=accuracy_changes(database_url, since, until),
    )
