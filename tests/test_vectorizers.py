"""CharNgramTfidf: scikit-learn's character TF-IDF, counted a word at a time."""

from __future__ import annotations

import pickle
from functools import partial

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.text import char_wb_ngrams
from triage.vectorizers import CharNgramTfidf

TRAIN = [
    "jalan rusak lubang besar",
    "lampu pju mati jalan gelap",
    "sampah numpuk tps bau",
    "jalan jalan rusak rusak lagi",
    "air pdam mati tiga hari",
]
# Unseen words, repeated words, an empty complaint, one-letter words, a long word.
NEW = ["jalan rusak rusak rusak", "", "x y z", "lubangnya dalam sekali", "pemberdayaan jalan"]


def _pair(**params: object) -> tuple[TfidfVectorizer, CharNgramTfidf]:
    settings = {"analyzer": partial(char_wb_ngrams, min_n=3, max_n=5), "dtype": np.float32}
    settings.update(params)
    return TfidfVectorizer(**settings).fit(TRAIN), CharNgramTfidf(**settings).fit(TRAIN)


@pytest.mark.parametrize("params", [{}, {"sublinear_tf": True}, {"min_df": 2}, {"binary": True}])
def test_same_matrix_as_scikit_learn(params: dict[str, object]) -> None:
    reference, ours = _pair(**params)
    for docs in (TRAIN, NEW, NEW):  # the second NEW pass runs on the word cache
        expected, got = reference.transform(docs), ours.transform(docs)
        assert type(got) is type(expected)
        assert got.dtype == expected.dtype
        assert got.has_sorted_indices
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.indptr, expected.indptr)
        np.testing.assert_allclose(got.data, expected.data, rtol=1e-6)


def test_follows_the_sparse_interface_setting() -> None:
    reference, ours = _pair()
    with config_context(sparse_interface="sparray"):
        assert type(ours.transform(NEW)) is type(reference.transform(NEW))


def test_other_analyzers_take_scikit_learns_path() -> None:
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(TRAIN)
    ours = CharNgramTfidf(analyzer="char_wb", ngram_range=(3, 5)).fit(TRAIN)
    assert (ours.transform(NEW) != reference.transform(NEW)).nnz == 0
    assert "_word_columns" not in ours.__dict__


def test_cache_is_not_pickled_and_clone_is_unfitted() -> None:
    _, ours = _pair()
    ours.transform(NEW)
    assert ours.__dict__["_word_columns"]
    restored = pickle.loads(pickle.dumps(ours))
    assert "_word_columns" not in restored.__dict__
    assert (restored.transform(NEW) != ours.transform(NEW)).nnz == 0
    assert not hasattr(clone(ours), "vocabulary_")
