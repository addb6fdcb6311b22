"""Measuring a model: accuracy, macro-F1, per-class scores and coverage at a target accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.stats import beta
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from triage.errors import InputError
from triage.routing.labels import canonical_label


@dataclass(frozen=True)
class Coverage:
    """The share of complaints that can be routed automatically at a target accuracy."""

    target_accuracy: float
    threshold: float
    coverage: float
    accuracy: float
    n: int


@dataclass(frozen=True)
class HeadReport:
    """Scores of one head (OPD or topic) on one data set."""

    n: int
    accuracy: float
    macro_f1: float
    coverage: Coverage
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)


def coverage_at_accuracy(
    confidence: np.ndarray,
    correct: np.ndarray,
    target: float = 0.95,
    *,
    confidence_level: float | None = None,
) -> Coverage:
    """Lowest confidence threshold whose auto-routed subset is at least ``target`` accurate.

    Parameters
    ----------
    confidence : ndarray of float
        The model's confidence of each prediction.
    correct : ndarray of bool
        Whether each prediction was right.
    target : float
        Required accuracy of the predictions at or above the threshold.
    confidence_level : float, optional
        When given (e.g. 0.95), the subset's accuracy must reach ``target`` at this level of
        confidence, not just as measured: the one-sided Clopper-Pearson lower bound of its
        accuracy must be at least ``target``.  A threshold chosen on a few hundred held-out
        complaints then keeps its promise on later months, where the measured rule, which
        picks the cut that just reaches the target on the very rows it is measured on,
        falls short.

    Returns
    -------
    Coverage
        ``threshold`` 1.0 and ``coverage`` 0 when no threshold reaches the target.
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    n = len(confidence)
    if n == 0:
        return Coverage(target, 1.0, 0.0, float("nan"), 0)
    order = np.argsort(-confidence, kind="stable")
    conf_sorted = confidence[order]
    hits = np.cumsum(correct[order])
    routed = np.arange(1, n + 1)
    running = hits / routed
    promised = running
    if confidence_level is not None:
        promised = accuracy_lower_bound(hits, routed, confidence_level)
    # Only cut between distinct confidences: ties are routed together or not at all.
    last_of_tie = np.r_[conf_sorted[1:] != conf_sorted[:-1], True]
    ok = np.flatnonzero((promised >= target) & last_of_tie)
    if len(ok) == 0:
        return Coverage(target, 1.0, 0.0, float("nan"), n)
    k = int(ok[-1])
    return Coverage(
        target_accuracy=target,
        threshold=round(float(conf_sorted[k]), 6),
        coverage=round((k + 1) / n, 4),
        accuracy=round(float(running[k]), 4),
        n=n,
    )


def accuracy_lower_bound(
    hits: np.ndarray, n: np.ndarray, confidence_level: float = 0.95
) -> np.ndarray:
    """One-sided Clopper-Pearson lower bound of an accuracy of ``hits`` out of ``n``."""
    if not 0 < confidence_level < 1:
        raise InputError(f"confidence_level must lie between 0 and 1, not {confidence_level}")
    hits = np.asarray(hits, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1.0 - confidence_level
    with np.errstate(invalid="ignore"):
        bound = beta.ppf(alpha, hits, n - hits + 1)
    return np.where(hits > 0, bound, 0.0)


def head_report(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: np.ndarray,
    target: float = 0.95,
    correct: np.ndarray | None = None,
) -> HeadReport:
    """Accuracy, macro-F1, per-class precision/recall/F1 and coverage of one head.

    ``correct`` overrides plain equality, e.g. when area offices are resolved by location.
    """
    true = np.asarray([str(v) for v in y_true])
    pred = np.asarray([str(v) for v in y_pred])
    if correct is None:
        correct = true == pred
    labels = sorted(set(true) | set(pred))
    p, r, f, s = precision_recall_fscore_support(true, pred, labels=labels, zero_division=0)
    per_class = {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }
    present = sorted(set(true))
    return HeadReport(
        n=len(true),
        accuracy=round(float(np.mean(correct)), 4) if len(true) else float("nan"),
        macro_f1=round(
            float(f1_score(true, pred, labels=present, average="macro", zero_division=0)), 4
        ),
        coverage=coverage_at_accuracy(confidence, correct, target),
        per_class=per_class,
    )


def confusion(
    y_true: Sequence[str], y_pred: Sequence[str], top: int = 20
) -> tuple[list[str], np.ndarray]:
    """Confusion matrix over the ``top`` most frequent true labels (others pooled)."""
    true = np.asarray([str(v) for v in y_true], dtype=object)
    pred = np.asarray([str(v) for v in y_pred], dtype=object)
    values, counts = np.unique(true, return_counts=True)
    keep = list(values[np.argsort(-counts, kind="stable")][:top])
    other = "(lainnya)"
    kept = set(keep)
    true = np.where(np.isin(true, list(kept)), true, other)
    pred = np.where(np.isin(pred, list(kept)), pred, other)
    labels = keep + ([other] if other in set(true) | set(pred) else [])
    return labels, confusion_matrix(true, pred, labels=labels)


__all__ = [
    "Coverage",
    "HeadReport",
    "canonical_label",
    "confusion",
    "coverage_at_accuracy",
    "head_report",
]
