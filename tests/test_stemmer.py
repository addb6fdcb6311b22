"""FastStemmer must give Sastrawi's stems, word for word: it only skips work."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Context.Context import Context
from Sastrawi.Stemmer.Context.Visitor.VisitorProvider import VisitorProvider
from Sastrawi.Stemmer.Stemmer import Stemmer

from triage.sample.generator import generate_sample
from triage.text.normalization import root_words, tokens
from triage.text.stemmer import _VISITOR_PREFIXES, FastStemmer, _candidates

PREFIXES = (
    "", "di", "ke", "se", "ber", "be", "bel", "ter", "te", "me", "mem", "men", "meng", "menge",
    "meny", "memper", "mempe", "pe", "pem", "pen", "peng", "penge", "peny", "per", "diper",
    "ku", "kau", "keber", "dike", "terse", "berke", "pember",
)  # fmt: skip
SUFFIXES = (
    "", "i", "kan", "an", "nya", "lah", "kah", "tah", "pun", "ku", "mu", "kannya", "annya",
    "inya", "kanlah", "nyalah", "is", "isme", "isasi",
)  # fmt: skip
# Consonant-vowel strings: shaped like Indonesian, so the rules fire, but mostly not words.
SYLLABLES = st.text(alphabet="aiueobcdgklmnprst", min_size=1, max_size=14)


@pytest.fixture(scope="module")
def stemmers() -> tuple[Stemmer, FastStemmer]:
    roots = ArrayDictionary(root_words())
    return Stemmer(roots), FastStemmer(roots)


def _affixed_words(n_roots: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = set()
    for root in rng.sample(sorted(root_words()), n_roots):
        for _ in range(6):
            prefix, suffix = rng.choice(PREFIXES), rng.choice(SUFFIXES)
            # Nasal prefixes swallow the root's first consonant: "menyapu", "pemukul".
            nasal = prefix.endswith(("ng", "ny", "m", "n"))
            body = root[1:] if nasal and rng.random() < 0.5 else root
            words.add(prefix + body + suffix)
        words.add(f"{root}-{root}")
        words.add(f"ber{root}-{root}an")
    return sorted(words)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("menyapu", "sapu"),
        ("pembangunan", "bangun"),
        ("dikeluhkan", "keluh"),
        ("tergenang", "genang"),
        ("perbaikan", "baik"),
        ("berlubang", "lubang"),
        ("jalan-jalan", "jalan"),
        ("kinerja", "kerja"),  # the CS infix rules: k-in-erja
        ("surabaya", "surabaya"),
        ("wkwkwk", "wkwkwk"),
    ],
)
def test_known_stems(stemmers: tuple[Stemmer, FastStemmer], word: str, stem: str) -> None:
    sastrawi, fast = stemmers
    assert fast.stem_word(word) == sastrawi.stem_word(word) == stem


def test_same_stems_on_generated_affixed_words(stemmers: tuple[Stemmer, FastStemmer]) -> None:
    sastrawi, fast = stemmers
    words = _affixed_words(n_roots=600, seed=3)
    assert [fast.stem_word(w) for w in words] == [sastrawi.stem_word(w) for w in words]


def test_same_stems_on_the_sample_corpus(stemmers: tuple[Stemmer, FastStemmer]) -> None:
    sastrawi, fast = stemmers
    corpus = generate_sample(rows=1500, seed=11).complaints
    words = sorted({w for doc in corpus.text for w in tokens(doc, stemming=False) if w.isalpha()})
    assert len(words) > 1000
    assert [fast.stem_word(w) for w in words] == [sastrawi.stem_word(w) for w in words]


def test_same_stems_on_every_root_word(stemmers: tuple[Stemmer, FastStemmer]) -> None:
    sastrawi, fast = stemmers
    words = sorted(root_words())
    assert [fast.stem_word(w) for w in words] == [sastrawi.stem_word(w) for w in words]


@settings(max_examples=300, deadline=None)
@given(word=SYLLABLES)
def test_same_stems_on_any_word(stemmers: tuple[Stemmer, FastStemmer], word: str) -> None:
    sastrawi, fast = stemmers
    assert fast.stem_word(word) == sastrawi.stem_word(word)


def test_skipped_visitors_change_nothing() -> None:
    # The claim the speed rests on: a prefix visitor left out for a word cannot touch it.
    dictionary = ArrayDictionary(root_words())
    provider = VisitorProvider()
    visitors = provider.get_prefix_visitors()
    assert len(visitors) == len(_VISITOR_PREFIXES)
    table = tuple(zip(_VISITOR_PREFIXES, visitors, strict=True))
    for word in _affixed_words(n_roots=200, seed=5):
        kept = {id(v) for v in _candidates(table, word[:4])}
        for visitor in visitors:
            if id(visitor) in kept:
                continue
            context = Context(word, dictionary, provider)
            visitor.visit(context)
            assert (context.current_word, context.removals) == (word, []), (word, visitor)
