"""The scikit-learn pipeline: documents → word and character TF-IDF → calibrated linear heads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from triage.errors import InputError
from triage.text import TextNormalizer, normalize

HEADS: tuple[str, ...] = ("opd", "topic")


def char_preprocessor(doc: str) -> str:
    """Preprocessor of the character n-grams: masked, lower-cased, folded whitespace."""
    return normalize(doc)


def build_features(
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    min_df: int = 2,
    stemming: bool = True,
) -> FeatureUnion:
    """Word n-grams of normalised, stemmed tokens beside character n-grams of the masked text.

    Words carry meaning after slang and stemming are resolved; character n-grams survive the
    typos and spellings that no lexicon lists.
    """
    words = Pipeline(
        [
            ("normalize", TextNormalizer(stemming=stemming)),
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=word_ngrams,
                    min_df=min_df,
                    sublinear_tf=True,
                    token_pattern=r"\S+",
                    lowercase=False,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=char_ngrams,
        min_df=min_df,
        sublinear_tf=True,
        preprocessor=char_preprocessor,
        dtype=np.float32,
        max_features=300_000,
    )
    return FeatureUnion([("words", words), ("chars", chars)])


def build_head(C: float = 0.3, calibration_folds: int = 3, n_jobs: int | None = None) -> Any:
    """A linear SVM whose scores are calibrated into probabilities by cross-validation.

    The final SVM sees all rows (``ensemble=False``); the folds only fit the sigmoid.  Class
    weighting was measured on real complaints and lowered accuracy, so classes keep their
    natural priors.
    """
    svm = LinearSVC(C=C, max_iter=5000)
    return CalibratedClassifierCV(
        svm, method="sigmoid", cv=calibration_folds, ensemble=False, n_jobs=n_jobs
    )


class MultiHeadClassifier(ClassifierMixin, BaseEstimator):
    """One classifier per label column, each trained on the rows where its label is known.

    Parameters
    ----------
    estimator : classifier
        Template cloned for every head.
    heads : tuple of str
        The label columns of ``y``; a column that is absent or entirely empty gives no head.

    Attributes
    ----------
    estimators_ : dict of str to classifier
        The fitted heads.
    classes_ : dict of str to ndarray
        The labels of each head, in probability column order.
    """

    def __init__(self, estimator: Any = None, heads: tuple[str, ...] = HEADS) -> None:
        self.estimator = estimator
        self.heads = heads

    def fit(self, X: Any, y: pd.DataFrame) -> MultiHeadClassifier:
        """Fit one head per label column of ``y`` that has any labels."""
        if not isinstance(y, pd.DataFrame):
            raise InputError("labels must be a DataFrame with one column per head")
        template = self.estimator if self.estimator is not None else build_head()
        self.estimators_: dict[str, Any] = {}
        self.classes_: dict[str, np.ndarray] = {}
        for head in self.heads:
            if head not in y.columns:
                continue
            known = y[head].notna().to_numpy()
            if not known.any():
                continue
            labels = y[head].to_numpy()[known].astype(str)
            if len(np.unique(labels)) < 2:
                raise InputError(f"the {head} labels need at least two different values")
            est = clone(template).fit(X[known], labels)
            self.estimators_[head] = est
            self.classes_[head] = est.classes_
        if not self.estimators_:
            raise InputError(f"no labels for any head ({', '.join(self.heads)})")
        return self

    def predict_proba(self, X: Any) -> dict[str, np.ndarray]:
        """Probabilities of every fitted head, keyed by head name."""
        check_is_fitted(self, "estimators_")
        return {head: est.predict_proba(X) for head, est in self.estimators_.items()}

    def predict(self, X: Any) -> pd.DataFrame:
        """The most probable label of every head, one column per head."""
        proba = self.predict_proba(X)
        return pd.DataFrame(
            {head: self.classes_[head][p.argmax(axis=1)] for head, p in proba.items()}
        )


def build_pipeline(
    C: float = 0.3,
    calibration_folds: int = 3,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    min_df: int = 2,
    stemming: bool = True,
    n_jobs: int | None = None,
) -> Pipeline:
    """Documents in, a probability table per head out.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the linear SVMs.
    calibration_folds : int
        Folds of the sigmoid calibration; every class needs at least this many examples.
    word_ngrams, char_ngrams : tuple of int
        N-gram ranges of the word and character TF-IDF.
    min_df : int
        Minimum document frequency of a feature.
    stemming : bool
        Apply Sastrawi stemming to the word features.
    n_jobs : int or None
        Processes for the calibration folds.

    Returns
    -------
    Pipeline
        ``features`` (FeatureUnion) then ``heads`` (MultiHeadClassifier).
    """
    return Pipeline(
        [
            ("features", build_features(word_ngrams, char_ngrams, min_df, stemming)),
            ("heads", MultiHeadClassifier(build_head(C, calibration_folds, n_jobs))),
        ]
    )
