"""The character TF-IDF of normalised tokens, counted a word at a time.

scikit-learn's vectoriser looks every character n-gram of every document up in its
vocabulary: about 550 dictionary lookups for a typical complaint, the largest single cost of
routing one.  A complaint's character n-grams are the n-grams of its words (``char_wb``), and
complaint vocabularies are Zipfian, so :class:`CharNgramTfidf` keeps, per word, the vocabulary
columns of its n-grams and builds the count matrix from those: one lookup per word.  The
matrix is the one scikit-learn builds (``tests/test_vectorizers.py`` checks equality).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.text import _word_char_ngrams, char_wb_ngrams

# Words whose columns are remembered per fitted vectoriser; beyond it, words are counted
# without being remembered (memory stays bounded under a flood of unseen words).
_WORD_CACHE_LIMIT = 500_000


class CharNgramTfidf(TfidfVectorizer):  # type: ignore[misc]
    """``TfidfVectorizer(analyzer=partial(char_wb_ngrams, ...))`` with a per-word transform.

    Fitting is scikit-learn's own.  Transforming with a fitted vocabulary counts each word's
    n-grams through a per-word cache of column indices; the result equals scikit-learn's.
    The cache is not pickled.
    """

    def _count_vocab(self, raw_documents: Iterable[str], fixed_vocab: bool) -> Any:
        n_range = _char_wb_range(self.analyzer)
        if not fixed_vocab or n_range is None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary: dict[str, int] = self.vocabulary_
        cache: dict[str, tuple[int, ...]] = self.__dict__.setdefault("_word_columns", {})
        columns: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            for word in doc.split():
                word_columns = cache.get(word)
                if word_columns is None:
                    word_columns = tuple(
                        vocabulary[gram]
                        for gram in _word_char_ngrams(word, *n_range)
                        if gram in vocabulary
                    )
                    if len(cache) < _WORD_CACHE_LIMIT:
                        cache[word] = word_columns
                columns.extend(word_columns)
            indptr.append(len(columns))
        index_dtype = np.int64 if len(columns) > np.iinfo(np.int32).max else np.int32
        counts = sp.csr_array(
            (
                np.ones(len(columns), dtype=self.dtype),
                np.asarray(columns, dtype=index_dtype),
                np.asarray(indptr, dtype=index_dtype),
            ),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
        counts.sum_duplicates()  # repeated n-grams become counts; indices come out sorted
        if get_config()["sparse_interface"] == "spmatrix":
            counts = sp.csr_matrix(counts)
        return vocabulary, counts

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_word_columns", None)
        return state


def _char_wb_range(analyzer: Any) -> tuple[int, int] | None:
    """(min_n, max_n) when ``analyzer`` is our char_wb_ngrams, else None."""
    if (
        isinstance(analyzer, functools.partial)
        and analyzer.func is char_wb_ngrams
        and not analyzer.args
    ):
        keywords = analyzer.keywords
        return keywords.get("min_n", 3), keywords.get("max_n", 5)
    return None
