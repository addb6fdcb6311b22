"""Normalisation of informal Indonesian complaint text, from raw string to stemmed tokens.

Order matters and reads top to bottom: invisible characters dropped (zero-width spaces,
soft hyphens, bidi marks; see ``triage.text.masking``) → Unicode normalisation → masking of
personal data (before anything is stored or logged) → lower-casing → tokenising →
elongation folding → slang and abbreviation expansion → stopwords (negations kept) →
Sastrawi stemming, cached per token because complaint vocabularies are Zipfian.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from importlib import resources
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from triage.text.masking import (
    EMAIL_TOKEN,
    NIK_TOKEN,
    PHONE_TOKEN,
    URL_TOKEN,
    fold_invisible,
)

# Masking lives in its own module; its names stay importable from here for older callers.
from triage.text.masking import ascii_digits as ascii_digits
from triage.text.masking import mask_if_text as mask_if_text
from triage.text.masking import mask_personal_data as mask_personal_data

_TOKEN = re.compile(r"\[(?:email|telepon|nik|url)\]|[^\W\d_]+(?:-[^\W\d_]+)*|\d+", re.UNICODE)
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_NEGATIONS = frozenset({"tidak", "belum", "bukan", "jangan", "tanpa", "kurang"})


def _read_resource(name: str) -> list[str]:
    raw = resources.files("triage.resources").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def stopwords() -> frozenset[str]:
    """Triase's stopword list (negations kept), read once per process."""
    words = frozenset(_read_resource("stopwords.txt"))
    return words - _NEGATIONS


@functools.cache
def slang_lexicon() -> dict[str, tuple[str, ...]]:
    """Informal form → normal form(s): indoNLP's colloquial lexicon, overridden by ours."""
    from indoNLP.preprocessing import SLANG_DATA

    lexicon = {k.lower(): tuple(v.lower().split()) for k, v in SLANG_DATA.items() if " " not in k}
    for line in _read_resource("abbreviations.txt"):
        form, _, expansion = line.partition("\t") if "\t" in line else line.partition(" ")
        lexicon[form.strip()] = tuple(expansion.split())
    return lexicon


@functools.cache
def root_words() -> frozenset[str]:
    """Sastrawi's root-word dictionary (Kateglo, CC BY-NC-SA 3.0), read once per process."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(word for word in StemmerFactory().get_words() if word)


@functools.cache
def _stemmer() -> Any:
    # Built once per process and never stored on an estimator: it would bloat every pickle.
    # An uncached stemmer on the dictionary already read for root_words(): the factory's
    # CachedStemmer would read it again and keep a second per-word cache beside _STEMS.
    # FastStemmer gives Sastrawi's stems, faster on first-seen words (see triage/stemmer.py).
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary

    from triage.text.stemmer import FastStemmer

    return FastStemmer(ArrayDictionary(root_words()))


# Per-process stem cache.  A plain dict rather than lru_cache so that a saved model can prime
# it with its training vocabulary's stems (see TriageModel), and so it can be exported.
# Bounded, as is the word cache below: with both, a word measures ~210 bytes, so a flood of
# made-up words stops at ~60 MB per worker; the 10,809 real complaints hold ~19,000 words.
_STEMS: dict[str, str] = {}
_STEM_CACHE_LIMIT = 300_000


def stem(token: str) -> str:
    """Sastrawi stem of one lower-case token, cached per process."""
    cached = _STEMS.get(token)
    if cached is not None:
        return cached
    # Sastrawi knows only ASCII Indonesian and rewrites anything else into spaces.
    if len(token) < 4 or not (token.isascii() and token.isalpha()):
        result = token
    else:
        stemmed: str = _stemmer().stem_word(token)
        result = stemmed if stemmed and " " not in stemmed else token
    if len(_STEMS) < _STEM_CACHE_LIMIT:
        _STEMS[token] = result
    return result


def stem_table(words: Iterable[str]) -> dict[str, str]:
    """Stems of ``words`` as a dict, e.g. to save beside a model."""
    return {word: stem(word) for word in words}


def prime_stems(table: dict[str, str]) -> None:
    """Load known stems into the process cache, so the first requests skip Sastrawi."""
    room = _STEM_CACHE_LIMIT - len(_STEMS)
    if room > 0:
        _STEMS.update(dict(itertools.islice(table.items(), room)))


def load_lexicons() -> None:
    """Read the slang lexicon, stopwords and Sastrawi's dictionary now, not on first use.

    A service calls it when it loads a model, so its first complaint does not pay for them.
    """
    slang_lexicon()
    stopwords()
    _stemmer()


def clear_stem_cache() -> None:
    """Forget every cached stem and word (benchmarks measure cold starts with it)."""
    _STEMS.clear()
    _WORDS.clear()
    _TEXTS.clear()
    _TEXT_SETS.clear()
    _EXTRA_FORMS.clear()
    _WITH_EXTRA_FORMS.clear()


def fold_elongation(token: str) -> str:
    """Fold letters repeated three or more times ("parahhh" → "parah", "maaaaf" → "maaf")."""
    if not _ELONGATED.search(token):
        return token
    single = _ELONGATED.sub(r"\1", token)
    double = _ELONGATED.sub(r"\1\1", token)
    roots = root_words()
    if double in roots:
        return double
    if single in roots or double not in slang_lexicon():
        return single
    return double


def normalize(text: str) -> str:
    """Invisible characters dropped, NFKC, personal data masked, lower-cased, spaces folded."""
    # Dropped before NFKC so that a zero-width space cannot keep a letter from composing with
    # its accent, and so that "ban\u200bjir" is the token "banjir", not "ban" and "jir".
    text = unicodedata.normalize("NFKC", fold_invisible(text))
    text = mask_personal_data(text)
    return " ".join(text.lower().split())


def tokens(text: str, *, stemming: bool = True, drop_stopwords: bool = True) -> list[str]:
    """Normalised tokens of one complaint.

    Parameters
    ----------
    text : str
        Raw complaint text (any Unicode).
    stemming : bool
        Apply Sastrawi stemming (cached per token).
    drop_stopwords : bool
        Drop Triase stopwords; negations are always kept.

    Returns
    -------
    list of str
        Tokens; numbers become ``0``, personal data its placeholder.
    """
    words = _WORDS.get((stemming, drop_stopwords))
    if words is None:
        words = _WORDS.setdefault((stemming, drop_stopwords), {})
    out: list[str] = []
    for raw in normalized_words(text):
        found = words.get(raw)
        if found is None:
            found = _new_word(raw, stemming, drop_stopwords)
        out.extend(found)
    return out


def normalized_words(text: str) -> tuple[str, ...]:
    """The words of :func:`normalize`'s text, before slang, stopwords and stems; cached.

    The router, the conduct check and the authority decision all read the same complaint in
    turn: only the first pays for NFKC, masking and tokenising, the others find its words in
    a small per-text cache (the last few thousand texts; the oldest is forgotten first).
    """
    found = _TEXTS.get(text)
    if found is None:
        found = tuple(_TOKEN.findall(normalize(text)))
        if len(_TEXTS) >= _TEXT_CACHE_LIMIT:
            # The oldest goes; a worker thread may have just removed it itself.
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del _TEXTS[next(iter(_TEXTS))]
        _TEXTS[text] = found
    return found


def normalized_word_set(text: str) -> AbstractSet[str]:
    """Every raw word of ``text`` a screen may look for, cached per text (do not modify it).

    The words of :func:`normalized_words`, the pieces of hyphenated ones and both folds of
    elongated ones ("punglii" → "pungli", "punglii"), so that a check can ask "might this
    text hold one of my words?" in one C-level set test.  With :func:`spellings` of each
    word looked for, a text whose set misses them all cannot hold them as tokens.
    """
    found = _TEXT_SETS.get(text)
    if found is None:
        every = set(normalized_words(text))
        # Hyphens and elongation are looked for once per word, not in every text: a regex
        # over the whole text cost more than the rest of this function.
        for word in every.difference(_EXTRA_FORMS):
            extra = _extra_forms(word)
            if len(_EXTRA_FORMS) < _STEM_CACHE_LIMIT:
                _EXTRA_FORMS[word] = extra
                if extra:
                    _WITH_EXTRA_FORMS.add(word)
            every.update(extra)
        for word in _WITH_EXTRA_FORMS & every:
            every.update(_EXTRA_FORMS[word])
        found = every
        if len(_TEXT_SETS) >= _TEXT_CACHE_LIMIT:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del _TEXT_SETS[next(iter(_TEXT_SETS))]
        _TEXT_SETS[text] = found
    return found


def _extra_forms(word: str) -> tuple[str, ...]:
    # What a raw word may also be read as: its hyphen pieces, and both folds of each.
    parts = word.split("-") if "-" in word else []
    forms = set(parts)
    for piece in (word, *parts):
        if _ELONGATED.search(piece):
            forms.update((_ELONGATED.sub(r"\1", piece), _ELONGATED.sub(r"\1\1", piece)))
    return tuple(forms)


# Raw forms of tokens that are not the token itself.
_PLACEHOLDER_FORMS = {
    "email": EMAIL_TOKEN,
    "telepon": PHONE_TOKEN,
    "nik": NIK_TOKEN,
    "url": URL_TOKEN,
}


def spellings(token: str) -> frozenset[str] | None:
    """The raw words (in :func:`normalized_word_set`) that normalise to hold ``token``.

    The token itself, its placeholder (``[email]``) and every slang or abbreviation form
    that expands to it ("gk" for "tidak"); None for ``"0"``, which any number becomes.
    Hyphenated and elongated words are taken care of by the word set.
    """
    if token == "0":
        return None
    return _slang_forms().get(token, frozenset()) | {token, _PLACEHOLDER_FORMS.get(token, token)}


@functools.cache
def _slang_forms() -> dict[str, frozenset[str]]:
    forms: dict[str, set[str]] = {}
    for form, expansion in slang_lexicon().items():
        for word in expansion:
            forms.setdefault(word, set()).add(form)
    return {word: frozenset(found) for word, found in forms.items()}


# Texts → their normalised words.  Bounded by count, large enough for the batches a model
# decides at once (TriageModel.decide_frame works in chunks smaller than this).
_TEXTS: dict[str, tuple[str, ...]] = {}
_TEXT_SETS: dict[str, AbstractSet[str]] = {}
# Raw word → its hyphen pieces and elongation folds (empty for most); the words with some.
_EXTRA_FORMS: dict[str, tuple[str, ...]] = {}
_WITH_EXTRA_FORMS: set[str] = set()
_TEXT_CACHE_LIMIT = 4096

# Per (stemming, drop_stopwords): raw word → output tokens.  Complaint vocabularies are
# Zipfian, so after the first few hundred complaints nearly every word is one dict lookup
# instead of five steps.
_WORDS: dict[tuple[bool, bool], dict[str, tuple[str, ...]]] = {}


def _new_word(raw: str, stemming: bool, drop_stopwords: bool) -> tuple[str, ...]:
    # One reading of a new word serves every variant: the conduct check and the authority
    # decision then find the unstemmed tokens of the words the router has just stemmed.
    pieces = _word_tokens(raw, False, False)
    if raw[0].isdigit() or raw.startswith("["):
        # Numbers and placeholders are neither dropped nor stemmed.
        variants = dict.fromkeys(
            ((False, False), (False, True), (stemming, drop_stopwords)), pieces
        )
    else:
        stops = stopwords()
        kept = tuple(piece for piece in pieces if piece not in stops)
        variants = {(False, False): pieces, (False, True): kept}
    if stemming and (True, drop_stopwords) not in variants:
        variants[(True, drop_stopwords)] = tuple(
            stem(piece) for piece in (kept if drop_stopwords else pieces)
        )
    for key, found in variants.items():
        cache = _WORDS.setdefault(key, {})
        if len(cache) < _STEM_CACHE_LIMIT:
            cache.setdefault(raw, found)
    return variants[(stemming, drop_stopwords)]


def _word_tokens(raw: str, stemming: bool, drop_stopwords: bool) -> tuple[str, ...]:
    if raw[0].isdigit():
        result: tuple[str, ...] = ("0",)
    elif raw.startswith("["):
        result = (raw.strip("[]"),)
    else:
        word = fold_elongation(raw)
        expanded = slang_lexicon().get(word)
        if expanded is None and "-" in word:
            # Reduplication ("jalan-jalan", "rusak-rusak") carries the base word's meaning.
            expanded = tuple(dict.fromkeys(word.split("-")))
        stops = stopwords() if drop_stopwords else frozenset()
        result = tuple(
            stem(piece) if stemming else piece
            for piece in expanded or (word,)
            if piece not in stops
        )
    return result


def word_char_ngrams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    """Character n-grams of one word padded with spaces, as scikit-learn's ``char_wb``."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
        if len(padded) <= n:
            break  # a word no longer than n counts once, as in scikit-learn's char_wb
    return tuple(grams)


_cached_word_char_ngrams = functools.lru_cache(maxsize=500_000)(word_char_ngrams)


def char_wb_ngrams(doc: str, min_n: int = 3, max_n: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (scikit-learn's ``char_wb``), cached per word.

    Used as the analyzer of the character TF-IDF over normalised tokens: every token's
    n-grams are computed once per process instead of once per complaint.
    """
    grams: list[str] = []
    for word in doc.split():
        grams.extend(_cached_word_char_ngrams(word, min_n, max_n))
    return grams


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Stateless transformer: raw complaint strings → space-joined normalised tokens.

    Parameters
    ----------
    stemming : bool, default=True
        Apply Sastrawi stemming.
    drop_stopwords : bool, default=True
        Drop Triase stopwords (negations kept).
    """

    def __init__(self, stemming: bool = True, drop_stopwords: bool = True) -> None:
        self.stemming = stemming
        self.drop_stopwords = drop_stopwords

    def fit(self, X: Iterable[str], y: object = None) -> TextNormalizer:
        """Nothing to learn; validates nothing but returns self for Pipeline use."""
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        """Normalise every document; ``None`` and NaN become the empty string."""
        return [
            " ".join(
                tokens(_as_text(doc), stemming=self.stemming, drop_stopwords=self.drop_stopwords)
            )
            for doc in _iter_documents(X)
        ]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


def _iter_documents(X: Iterable[Any]) -> Iterable[Any]:
    if isinstance(X, str):
        raise TypeError("expected an iterable of documents, got a single string")
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return (row[0] for row in X)
    return X


def _as_text(doc: Any) -> str:
    if doc is None or (isinstance(doc, float) and doc != doc):
        return ""
    return str(doc)
