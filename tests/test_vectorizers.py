"""Our TF-IDF vectorisers: scikit-learn's matrices, counted a word at a time."""

from __future__ import annotations

import pickle
from functools import partial

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.model.vectorizers import CharNgramTfidf, WordNgramTfidf
from triage.text.normalization import char_wb_ngrams

TRAIN = [
    "jalan rusak lubang besar",
    "lampu pju mati jalan gelap",
    "sampah numpuk tps bau",
    "jalan jalan rusak rusak lagi",
    "air pdam mati tiga hari",
    "jalan rusak lubang lagi",
]
# Unseen words, repeated n-grams, an empty complaint, one-letter words, a one-word complaint.
NEW = ["jalan rusak rusak rusak", "", "x y z", "lubangnya dalam sekali", "jalan", "jalan rusak"]

CHARS = {"analyzer": partial(char_wb_ngrams, min_n=3, max_n=5)}
WORDS = {"token_pattern": r"\S+", "lowercase": False}


def _assert_same(expected: object, got: object) -> None:
    assert type(got) is type(expected)
    assert got.dtype == expected.dtype  # type: ignore[attr-defined]
    assert got.has_sorted_indices  # type: ignore[attr-defined]
    np.testing.assert_array_equal(got.indices, expected.indices)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(got.indptr, expected.indptr)  # type: ignore[attr-defined]
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-6)  # type: ignore[attr-defined]


COMMON = [{}, {"sublinear_tf": True, "dtype": np.float32}, {"min_df": 2}, {"binary": True}]
CASES = [(CharNgramTfidf, {**CHARS, **params}) for params in COMMON] + [
    (WordNgramTfidf, {**WORDS, **params})
    for params in [*COMMON, {"ngram_range": (1, 2)}, {"ngram_range": (2, 3)}]
]


@pytest.mark.parametrize(("ours", "settings"), CASES)
def test_same_matrix_as_scikit_learn(
    ours: type[TfidfVectorizer], settings: dict[str, object]
) -> None:
    reference, fast = TfidfVectorizer(**settings).fit(TRAIN), ours(**settings).fit(TRAIN)
    for docs in (TRAIN, NEW, NEW):  # the second NEW pass runs on the per-word cache
        _assert_same(reference.transform(docs), fast.transform(docs))


def test_follows_the_sparse_interface_setting() -> None:
    reference, ours = TfidfVectorizer(**WORDS).fit(TRAIN), WordNgramTfidf(**WORDS).fit(TRAIN)
    with config_context(sparse_interface="sparray"):
        _assert_same(reference.transform(NEW), ours.transform(NEW))


@pytest.mark.parametrize(
    ("ours", "settings"),
    [
        (CharNgramTfidf, {"analyzer": "char_wb", "ngram_range": (3, 5)}),
        (WordNgramTfidf, {}),  # the default token pattern drops one-letter words
        (WordNgramTfidf, {**WORDS, "lowercase": True}),
        (WordNgramTfidf, {**WORDS, "stop_words": ["lagi"]}),
    ],
)
def test_other_settings_take_scikit_learns_path(
    ours: type[TfidfVectorizer], settings: dict[str, object]
) -> None:
    reference, fast = TfidfVectorizer(**settings).fit(TRAIN), ours(**settings).fit(TRAIN)
    _assert_same(reference.transform(NEW + ["JALAN Rusak"]), fast.transform(NEW + ["JALAN Rusak"]))
    assert "_word_columns" not in fast.__dict__


def test_word_cache_is_not_pickled_and_clone_is_unfitted() -> None:
    ours = CharNgramTfidf(**CHARS).fit(TRAIN)
    ours.transform(NEW)
    assert ours.__dict__["_word_columns"]
    restored = pickle.loads(pickle.dumps(ours))
    assert "_word_columns" not in restored.__dict__
    _assert_same(ours.transform(NEW), restored.transform(NEW))
    assert not hasattr(clone(ours), "vocabulary_")


def test_remembered_words_travel_with_the_pickle_and_count_the_same() -> None:
    reference = TfidfVectorizer(**CHARS).fit(TRAIN)
    ours = CharNgramTfidf(**CHARS).fit(TRAIN)
    words = {word for doc in TRAIN for word in doc.split()}
    restored = pickle.loads(pickle.dumps(ours.remember_words(words)))
    assert set(restored.word_columns_) == words
    assert "_word_columns" not in restored.__dict__
    _assert_same(reference.transform(NEW), restored.transform(NEW))
    restored.forget_words()
    assert not hasattr(restored, "word_columns_")
    _assert_same(reference.transform(NEW), restored.transform(NEW))
