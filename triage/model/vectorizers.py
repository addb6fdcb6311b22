"""The TF-IDF vectorisers of normalised tokens, counted a word at a time when routing.

scikit-learn's vectorisers look every n-gram of every document up in the vocabulary and
count it in a per-document dict: about 550 character n-grams and 90 word n-grams for a
typical complaint, the largest cost of routing one once its text is normalised.  Our
documents are normalised tokens joined by spaces, so the two subclasses here count with
fewer steps: :class:`CharNgramTfidf` keeps, per word, the vocabulary columns of its
character n-grams (``char_wb`` n-grams never cross words), and :class:`WordNgramTfidf` looks
n-grams up without scikit-learn's tokenising and counting dict.  Fitting is scikit-learn's
own, and the transformed matrix equals scikit-learn's (``tests/test_vectorizers.py``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from triage.text.normalization import char_wb_ngrams, word_char_ngrams

# Words whose columns are remembered per fitted vectoriser; beyond it, words are counted
# without being remembered, so a flood of made-up words cannot grow a worker without bound
# (an entry measures ~260 bytes: 200,000 words ~50 MB; the 10,809 real complaints hold
# under 20,000 distinct words).
_WORD_CACHE_LIMIT = 200_000


class _FastCounts(TfidfVectorizer):  # type: ignore[misc]
    """Counts with a fitted vocabulary through ``_column_finder``, when it gives one."""

    def _count_vocab(self, raw_documents: Iterable[str], fixed_vocab: bool) -> Any:
        find = self._column_finder(self.vocabulary_) if fixed_vocab else None
        if find is None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary: dict[str, int] = self.vocabulary_
        columns: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            columns.extend(find(doc))
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

    def _column_finder(self, vocabulary: dict[str, int]) -> Callable[[str], list[int]] | None:
        """A document's vocabulary columns (repeats kept), or None for scikit-learn's path."""
        raise NotImplementedError


class CharNgramTfidf(_FastCounts):
    """``TfidfVectorizer(analyzer=partial(char_wb_ngrams, ...))`` with a per-word transform.

    Each word's vocabulary columns are cached, so a complaint costs one lookup per word
    instead of one per character n-gram.  The cache is not pickled, but the columns of the
    words given to :meth:`remember_words` (the training vocabulary) are, as the fitted
    attribute ``word_columns_``: a process that loads the model starts with them, as it
    starts with the model's stems.
    """

    def remember_words(self, words: Iterable[str]) -> CharNgramTfidf:
        """Keep the vocabulary columns of ``words`` with the fitted vectoriser (pickled)."""
        check_is_fitted(self, "vocabulary_")
        n_range = _char_wb_range(self.analyzer)
        if n_range is not None:
            find = _word_columns(self.vocabulary_, n_range)
            kept = itertools.islice(dict.fromkeys(words), _WORD_CACHE_LIMIT)
            self.word_columns_ = {word: find(word) for word in kept}
            self.__dict__.pop("_word_columns", None)
        return self

    def forget_words(self) -> CharNgramTfidf:
        """Drop every remembered and cached word (benchmarks measure empty caches with it)."""
        self.__dict__.pop("word_columns_", None)
        self.__dict__.pop("_word_columns", None)
        return self

    def _column_finder(self, vocabulary: dict[str, int]) -> Callable[[str], list[int]] | None:
        n_range = _char_wb_range(self.analyzer)
        if n_range is None:
            return None
        cache: dict[str, tuple[int, ...]] | None = self.__dict__.get("_word_columns")
        if cache is None:
            cache = self.__dict__["_word_columns"] = dict(getattr(self, "word_columns_", {}))
        columns_of = _word_columns(vocabulary, n_range)

        def find(doc: str) -> list[int]:
            columns: list[int] = []
            for word in doc.split():
                word_columns = cache.get(word)
                if word_columns is None:
                    word_columns = columns_of(word)
                    if len(cache) < _WORD_CACHE_LIMIT:
                        cache[word] = word_columns
                columns.extend(word_columns)
            return columns

        return find

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_word_columns", None)
        return state


def _word_columns(
    vocabulary: dict[str, int], n_range: tuple[int, int]
) -> Callable[[str], tuple[int, ...]]:
    """The vocabulary columns of one word's character n-grams, repeats kept."""

    def columns_of(word: str) -> tuple[int, ...]:
        # Not through char_wb_ngrams' cache: the callers remember the word themselves.
        found = map(vocabulary.get, word_char_ngrams(word, *n_range))
        return tuple(column for column in found if column is not None)

    return columns_of


class WordNgramTfidf(_FastCounts):
    """``TfidfVectorizer`` of space-separated tokens (``token_pattern=r"\\S+"``).

    With no preprocessing, stop words or custom tokenizer, scikit-learn's word n-grams of
    such a document are its ``split()`` tokens and their space-joined windows: looked up
    directly.  Any other setting takes scikit-learn's path.
    """

    def plain_tokens(self) -> bool:
        """Whether the terms are the document's space-separated tokens and their windows.

        True with the settings our pipeline uses (``token_pattern=r"\\S+"``, no
        lower-casing, preprocessing, stop words or custom tokenizer).
        """
        return bool(
            self.analyzer == "word"
            and self.token_pattern == r"\S+"
            and not self.lowercase
            and self.preprocessor is None
            and self.tokenizer is None
            and self.stop_words is None
            and self.strip_accents is None
        )

    def _column_finder(self, vocabulary: dict[str, int]) -> Callable[[str], list[int]] | None:
        if not self.plain_tokens():
            return None
        lookup = vocabulary.get
        min_n, max_n = self.ngram_range

        def find(doc: str) -> list[int]:
            tokens = doc.split()
            columns: list[int] = []
            for n in range(min_n, min(max_n, len(tokens)) + 1):
                grams = (" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
                for gram in tokens if n == 1 else grams:
                    column = lookup(gram)
                    if column is not None:
                        columns.append(column)
            return columns

        return find


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
