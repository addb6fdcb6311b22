"""Term counts of every training document, counted once and shared by the fits that need them.

``train_model`` fits the TF-IDF features twice: on the past rows (to measure on the latest
ones) and on all rows.  Counting words and character n-grams is the costly part, and both fits
count the same documents.  :func:`count_terms` counts every document once over all its terms;
:meth:`TermCounts.fit` then gives, for any share of the rows, a ``TfidfVectorizer`` with
exactly the vocabulary and idf that ``TfidfVectorizer.fit`` on those rows would learn, and the
rows' TF-IDF matrix.  The vectorisers are plain fitted ``TfidfVectorizer`` objects: a saved
model transforms raw text the same way as one fitted the usual way.

The documents are normalised text: tokens separated by single spaces.  Word n-grams of such
text (:class:`triage.vectorizers.WordNgramTfidf`, n ≤ 2) and the character n-grams of
:func:`triage.text.char_wb_ngrams` are counted from one pass over the tokens; any other
vectoriser is counted by scikit-learn's ``CountVectorizer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from triage.model.vectorizers import WordNgramTfidf
from triage.text.normalization import char_wb_ngrams

_COUNT_PARAMS = frozenset(CountVectorizer().get_params())


@dataclass(frozen=True)
class TermCounts:
    """Counts of every term of ``template``'s analyzer in every document.

    Attributes
    ----------
    template : TfidfVectorizer
        The unfitted vectoriser whose settings the fits follow.
    terms : list of str
        Every term seen in any document (the column order of ``counts``, not sorted).
    counts : sparse matrix of shape (n_documents, n_terms)
        Term counts, CSR, in ``template.dtype``.
    """

    template: TfidfVectorizer
    terms: list[str]
    counts: sp.csr_matrix

    def fit(self, rows: slice) -> tuple[TfidfVectorizer, sp.csr_matrix]:
        """A vectoriser fitted on ``rows`` (as ``TfidfVectorizer.fit`` would), and their matrix.

        Raises
        ------
        ValueError
            When no term is left after ``min_df``/``max_df`` (as scikit-learn says it).
        """
        counts = self.counts[rows]
        n_docs = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        low, high = (
            float(bound if isinstance(bound, Integral) else bound * n_docs)
            for bound in (self.template.min_df, self.template.max_df)
        )
        kept = np.flatnonzero((df >= low) & (df <= high))
        if not len(kept):
            raise ValueError(
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            )
        # scikit-learn numbers the features in the order of their sorted terms.
        kept = np.array(sorted(kept, key=self.terms.__getitem__), dtype=np.int64)
        vectorizer = clone(self.template)
        vectorizer.vocabulary_ = {self.terms[j]: i for i, j in enumerate(kept)}
        matrix = counts[:, kept]
        # scikit-learn's own idf of these counts; the public setter builds the vectoriser's
        # inner TfidfTransformer.
        vectorizer.idf_ = TfidfTransformer(smooth_idf=vectorizer.smooth_idf).fit(matrix).idf_
        return vectorizer, _weighted(vectorizer, matrix)

    def transform(self, vectorizer: TfidfVectorizer, rows: slice) -> sp.csr_matrix:
        """``vectorizer.transform`` of ``rows`` for a vectoriser from :meth:`fit`."""
        index = {term: j for j, term in enumerate(self.terms)}
        columns = np.array(
            [index[t] for t, _ in sorted(vectorizer.vocabulary_.items(), key=lambda kv: kv[1])]
        )
        return _weighted(vectorizer, self.counts[rows][:, columns])


def count_terms(vectorizers: list[TfidfVectorizer], documents: list[str]) -> list[TermCounts]:
    """Count the terms of every vectoriser in ``documents``, splitting them into tokens once.

    Raises
    ------
    ValueError
        When a vectoriser has a fixed vocabulary, ``max_features`` or ``binary`` set, or does
        not use idf.
    """
    tokens = _Tokens(documents)
    found = []
    for vectorizer in vectorizers:
        if (
            vectorizer.vocabulary is not None
            or vectorizer.max_features
            or vectorizer.binary
            or not vectorizer.use_idf
        ):
            raise ValueError("TermCounts needs use_idf and no vocabulary, max_features or binary")
        dtype = vectorizer.dtype
        analyzer = vectorizer.analyzer
        if isinstance(analyzer, partial) and analyzer.func is char_wb_ngrams:
            terms, counts = tokens.char_ngrams(analyzer, dtype)
        elif _splits_on_spaces(vectorizer):
            low, high = vectorizer.ngram_range
            parts = [tokens.words(dtype)] * (low <= 1) + [tokens.word_pairs(dtype)] * (high >= 2)
            terms = [term for names, _ in parts for term in names]
            counts = sp.csr_matrix(sp.hstack([matrix for _, matrix in parts], format="csr"))
        else:
            counter = CountVectorizer(
                **{k: v for k, v in vectorizer.get_params().items() if k in _COUNT_PARAMS}
            ).set_params(min_df=1, max_df=1.0)
            counts = sp.csr_matrix(counter.fit_transform(documents))
            terms = list(counter.get_feature_names_out())
        found.append(TermCounts(vectorizer, terms, counts))
    return found


def _splits_on_spaces(vectorizer: TfidfVectorizer) -> bool:
    """Whether the vectoriser's terms are the space-separated tokens and their pairs."""
    return (
        isinstance(vectorizer, WordNgramTfidf)
        and vectorizer.plain_tokens()
        and 1 <= vectorizer.ngram_range[0] <= vectorizer.ngram_range[1] <= 2
    )


class _Tokens:
    """The whitespace tokens of every document, as numbers, found in one pass."""

    def __init__(self, documents: list[str]) -> None:
        index: dict[str, int] = {}
        ids: list[int] = []
        lengths = np.empty(len(documents), dtype=np.int64)
        for i, doc in enumerate(documents):
            tokens = doc.split()
            lengths[i] = len(tokens)
            ids.extend([index.setdefault(t, len(index)) for t in tokens])
        self.vocabulary = list(index)
        self.ids = np.array(ids, dtype=np.int64)
        self.document = np.repeat(np.arange(len(documents)), lengths)
        self.n_documents = len(documents)
        self._by_word_counts: dict[Any, sp.csr_matrix] = {}

    def _matrix(self, rows: np.ndarray, columns: np.ndarray, width: int, dtype: Any) -> Any:
        # Repeated (document, term) pairs are summed into counts.
        return sp.csr_matrix(
            (np.ones(len(rows), dtype=dtype), (rows, columns)), shape=(self.n_documents, width)
        )

    def words(self, dtype: Any) -> tuple[list[str], sp.csr_matrix]:
        """Every token and its counts per document."""
        return self.vocabulary, self._by_word(dtype)

    def _by_word(self, dtype: Any) -> sp.csr_matrix:
        if dtype not in self._by_word_counts:
            counts = self._matrix(self.document, self.ids, len(self.vocabulary), dtype)
            self._by_word_counts[dtype] = counts
        return self._by_word_counts[dtype]

    def word_pairs(self, dtype: Any) -> tuple[list[str], sp.csr_matrix]:
        """Every pair of neighbouring tokens, as ``"first second"``, and its counts."""
        same = self.document[1:] == self.document[:-1]
        width = max(len(self.vocabulary), 1)
        keys = (self.ids[:-1] * width + self.ids[1:])[same]
        pairs, column = np.unique(keys, return_inverse=True)
        names = [
            f"{self.vocabulary[a]} {self.vocabulary[b]}"
            for a, b in zip(pairs // width, pairs % width, strict=True)
        ]
        return names, self._matrix(self.document[1:][same], column, len(pairs), dtype)

    def char_ngrams(self, analyzer: Any, dtype: Any) -> tuple[list[str], sp.csr_matrix]:
        """Character n-gram counts as (document × token counts) @ (token × n-gram counts).

        ``char_wb_ngrams`` of a document is the concatenation of each space-separated
        token's n-grams, so the n-grams of each distinct token are enough.
        """
        gram_index: dict[str, int] = {}
        rows, columns = [], []
        for w, word in enumerate(self.vocabulary):
            for gram in analyzer(word):
                rows.append(w)
                columns.append(gram_index.setdefault(gram, len(gram_index)))
        grams = sp.csr_matrix(
            (np.ones(len(rows), dtype=dtype), (rows, columns)),
            shape=(len(self.vocabulary), len(gram_index)),
        )
        counts = sp.csr_matrix(self._by_word(dtype) @ grams)
        counts.sort_indices()
        return list(gram_index), counts


def _weighted(vectorizer: TfidfVectorizer, counts: sp.csr_matrix) -> sp.csr_matrix:
    """TF-IDF of a count matrix in ``vectorizer``'s columns (overwrites ``counts``)."""
    weights = TfidfTransformer(
        norm=vectorizer.norm,
        use_idf=True,
        smooth_idf=vectorizer.smooth_idf,
        sublinear_tf=vectorizer.sublinear_tf,
    )
    weights.idf_ = vectorizer.idf_
    return sp.csr_matrix(weights.transform(counts, copy=False))
