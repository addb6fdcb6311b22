"""Word forms for the urgency lexicon: word classes, affixed forms, spellings and typos.

A lexicon phrase may name a class of words (``<neg> bisa bangun`` is "tidak bisa bangun",
"gak bisa bangun", ...) and a root with every affix informal Indonesian, Javanese and
Sundanese put on it (``~tindih`` is "tertindih", "ketindihan", "ditindih", "katindih", ...):
both are written out into plain phrases once, when the lexicon is read.  A text's words are
folded before matching: a ``[spelling]`` table maps variants to one spelling ("dalem" →
"dalam"), and a long lexicon word misspelt by one letter ("kebakran", "kbakaran") is read as
that word unless it is a word of its own (a root word, a slang word, or a word whose stem is
a root word: "menolong" is not "menodong").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from triage.casework.phrases import Phrase
from triage.text.normalization import root_words, slang_lexicon, stem

_VOWELS = frozenset("aeiou")
# Nasal (active) forms by first letter: "tabrak" → "nabrak" / "menabrak", "seruduk" →
# "nyeruduk" / "menyeruduk", "pukul" → "mukul" / "memukul", "amuk" → "ngamuk" / "mengamuk".
_NASAL = {"t": ("n", "men"), "s": ("ny", "meny"), "k": ("ng", "meng"), "p": ("m", "mem")}
_NASAL_KEEP = {"b": ("m", "mem"), "g": ("ng", "meng"), "h": ("ng", "meng"), "d": ("n", "men")}
_NASAL_KEEP.update({"j": ("n", "men"), "c": ("n", "men")})


def affixed_forms(root: str, prefixes: Sequence[str], suffixes: Sequence[str]) -> set[str]:
    """``root`` with each prefix (and the nasal forms), each with each suffix or none."""
    first = root[0]
    nasal: tuple[str, ...]
    if first in _VOWELS:
        nasal = ("ng" + root, "meng" + root)
    elif first in _NASAL:
        short, long = _NASAL[first]
        nasal = (short + root[1:], long + root[1:])
    elif first in _NASAL_KEEP:
        short, long = _NASAL_KEEP[first]
        nasal = (short + root, long + root)
    else:
        nasal = ("me" + root,)
    bases = {root, "nge" + root, *nasal, *(prefix + root for prefix in prefixes)}
    return {base + suffix for base in bases for suffix in ("", *suffixes)}


@dataclass(frozen=True)
class WordForms:
    """How lexicon words are written out: classes by name, affixes, and spellings."""

    classes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    # Variant → the one spelling matched ("dalem" → "dalam"), for texts and lexicon alike.
    spelling: Mapping[str, str] = field(default_factory=dict)

    def _word(self, word: str, seen: frozenset[str]) -> tuple[str, ...]:
        if word.startswith("<") and word.endswith(">"):
            name = word[1:-1]
            if name not in self.classes:
                raise ValueError(f"unknown word class {word}")
            if name in seen:
                raise ValueError(f"word class {word} names itself")
            members = (tuple(m.split()) for m in self.classes[name])
            return tuple(" ".join(p) for p in self.expand(members, seen | {name}))
        if word.startswith("~") and len(word) > 2:
            return tuple(sorted(affixed_forms(word[1:], self.prefixes, self.suffixes)))
        return (word,)

    def expand(
        self, phrases: Iterable[Phrase], seen: frozenset[str] = frozenset()
    ) -> tuple[Phrase, ...]:
        """Every plain phrase the ``<class>`` and ``~root`` words stand for, in spelling."""
        out: dict[Phrase, None] = {}
        spell = self.spelling.get
        for phrase in phrases:
            for words in itertools.product(*(self._word(w, seen) for w in phrase)):
                out[tuple(spell(w, w) for part in words for w in part.split())] = None
        return tuple(out)


_FOLDS_LIMIT = 100_000


class WordFolder:
    """Folds a text's words to the lexicon's spellings: the table, then one-letter typos of
    ``targets``, both the typo and the target at least ``min_length`` letters long (short
    words are too often other words); remembered per word."""

    def __init__(
        self, spelling: Mapping[str, str], targets: Iterable[str], min_length: int
    ) -> None:
        self._spelling = dict(spelling)
        self._targets = frozenset(t for t in targets if min_length and len(t) >= min_length)
        self._min_length = max(min_length, 1)
        # Each target with one letter dropped: a text word equal to one lacks that letter,
        # and a text word that becomes one when it drops a letter has one letter changed.
        deleted: dict[str, set[str]] = {}
        for target in self._targets:
            for i in range(len(target)):
                deleted.setdefault(target[:i] + target[i + 1 :], set()).add(target)
        self._deleted = deleted
        self._folds: dict[str, str] = {}

    def __call__(self, words: Sequence[str]) -> tuple[str, ...]:
        """``words`` in the lexicon's spellings (the same tuple when nothing changes)."""
        try:
            # Complaint vocabularies are Zipfian: nearly always every word is remembered.
            folded = tuple(map(self._folds.__getitem__, words))
        except KeyError:
            folded = tuple([self._folds.get(w) or self._fold(w) for w in words])
        return words if folded == words else folded  # type: ignore[return-value]

    def _fold(self, word: str) -> str:
        found = self._spelling.get(word, word)
        if self._targets and found not in self._targets and len(found) >= self._min_length:
            found = self._typo(found) or found
        if len(self._folds) < _FOLDS_LIMIT:
            self._folds[word] = found
        return found

    def _typo(self, word: str) -> str | None:
        candidates = set(self._deleted.get(word, ()))  # a letter missing
        for i in range(len(word)):
            shorter = word[:i] + word[i + 1 :]
            if shorter in self._targets:  # a letter too many
                candidates.add(shorter)
            for target in self._deleted.get(shorter, ()):  # a letter changed or swapped
                if len(target) == len(word) and _one_change(word, target):
                    candidates.add(target)
        candidates = {c for c in candidates if c[0] == word[0]}
        if len(candidates) != 1 or _is_a_word(word):
            return None
        return candidates.pop()


def _one_change(word: str, target: str) -> bool:
    differ = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    i, j = (differ + [-1, -1])[:2]
    return len(differ) == 2 and j == i + 1 and word[i] == target[j] and word[j] == target[i]


def _is_a_word(word: str) -> bool:
    roots = root_words()
    return word in roots or word in slang_lexicon() or stem(word) in roots
