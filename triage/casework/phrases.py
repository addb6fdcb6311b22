"""Phrase matching for the casework lexicons: whole words on normalised text, negation-aware.

A phrase is a sequence of words; a word ending in ``*`` matches any word it begins
(``kebakar*`` matches ``kebakaran``), which keeps Indonesian affix variants to one entry, and
a word ``?`` after the first matches any one word (``pohon ? tumbang``: "pohon jati tumbang").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Generic, TypeVar

from triage.errors import DataFileError
from triage.text import normalize
from triage.text.normalization import fold_elongation, normalized_words

_WORD = re.compile(r"\[(?:email|telepon|nik|url)\]|[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: token positions [start, end), the words as written and the
    phrase that matched them."""

    start: int
    end: int
    words: str
    phrase: Phrase = field(default=(), compare=False)


_FOLDED: dict[str, str] = {}
_FOLDED_LIMIT = 100_000


def _folded(word: str) -> str:
    found = _FOLDED.get(word)
    if found is None:
        found = fold_elongation(word) if len(word) > 2 else word
        if len(_FOLDED) < _FOLDED_LIMIT:
            _FOLDED[word] = found
    return found


def text_words(text: str) -> tuple[str, ...]:
    """The words of :func:`triage.text.normalization.normalized_words` (the router's, cached
    per text, so intake pays for normalising once), with elongations folded.  Letters and
    digits are separate words there ("bapak2" is "bapak", "2")."""
    folded = _FOLDED.get
    return tuple(folded(w) or _folded(w) for w in normalized_words(text))


def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` after ``triage.text.normalize``, with elongations folded; letters
    and digits stay one word ("rt03", "3/5"), which the completeness check reads."""
    folded = _FOLDED.get
    return tuple(folded(w) or _folded(w) for w in _WORD.findall(normalize(text)))


def parse_phrases(field: str) -> tuple[Phrase, ...]:
    """``"a b | c*"`` → ``(("a", "b"), ("c*",))``."""
    return tuple(tuple(p.split()) for p in field.split("|") if p.split())


def _word_matches(pattern: str, word: str) -> bool:
    if pattern == "?":
        return True
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


# Words remembered per phrase set (which phrases may start at each): complaint vocabularies are
# Zipfian, so after a few hundred texts nearly every word is a dictionary hit.
_STARTS_LIMIT = 50_000


# The phrases that may start at one word: one-word phrases, longer ones by their exact second
# word, and those whose second word is a pattern ("?" or "kebakar*").
_Start = tuple[tuple[Phrase, ...], dict[str, tuple[Phrase, ...]], tuple[Phrase, ...]]
_NONE: _Start = ((), {}, ())


def _start_plan(phrases: tuple[Phrase, ...]) -> _Start:
    if not phrases:
        return _NONE
    second: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        if len(phrase) > 1 and phrase[1] != "?" and not phrase[1].endswith("*"):
            second.setdefault(phrase[1], []).append(phrase)
    return (
        tuple(p for p in phrases if len(p) == 1),
        {word: tuple(found) for word, found in second.items()},
        tuple(p for p in phrases if len(p) > 1 and p[1] not in second),
    )


class PhraseSet:
    """Phrases compiled once for matching: indexed by exact first word (then by second word),
    with the phrases that may start at each word seen remembered, so a text costs one dict
    lookup per word."""

    __slots__ = ("_exact", "_prefixed", "_starts", "longest", "phrases")

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self.phrases = tuple(phrases)
        self.longest = max(map(len, self.phrases), default=0)
        exact: dict[str, list[Phrase]] = {}
        prefixed = []
        for phrase in self.phrases:
            if phrase[0].endswith("*"):
                prefixed.append(phrase)
            else:
                exact.setdefault(phrase[0], []).append(phrase)
        self._exact = {word: tuple(found) for word, found in exact.items()}
        self._prefixed = tuple(prefixed)
        self._starts: dict[str, _Start] = {}

    def _starting(self, word: str) -> _Start:
        found = self._starts.get(word)
        if found is None:
            phrases = self._exact.get(word, ())
            if self._prefixed:
                phrases += tuple(p for p in self._prefixed if word.startswith(p[0][:-1]))
            found = _start_plan(phrases)
            if len(self._starts) < _STARTS_LIMIT:
                self._starts[word] = found
        return found

    def find(self, words: Sequence[str], start: int = 0, stop: int | None = None) -> list[Match]:
        """Every occurrence inside ``words[start:stop]``, in text order (positions in ``words``)."""
        stop = len(words) if stop is None else min(stop, len(words))
        found = []
        remembered = self._starts.get
        for i in range(max(start, 0), stop):
            plan = remembered(words[i])
            if plan is None:
                plan = self._starting(words[i])
            if plan is _NONE:
                continue
            singles, by_second, loose = plan
            for phrase in singles:
                found.append(Match(i, i + 1, words[i], phrase))
            if i + 1 >= stop:
                continue
            # Phrases whose second word is this text's next word: checked from the third.
            for first, group in ((2, by_second.get(words[i + 1], ())), (1, loose)):
                for phrase in group:
                    n = len(phrase)
                    if i + n <= stop and all(
                        _word_matches(phrase[k], words[i + k]) for k in range(first, n)
                    ):
                        found.append(Match(i, i + n, " ".join(words[i : i + n]), phrase))
        if len(found) > 1:
            found.sort(key=lambda m: (m.start, -m.end))
        return found

    def ends_before(self, words: Sequence[str], match: Match, span: int) -> bool:
        """True when a phrase ends within ``span`` words before ``match`` (and starts at most
        four words further back)."""
        window = max(0, match.start - span - 4)
        return any(m.end > match.start - span for m in self.find(words, window, match.start))

    def starts_after(self, words: Sequence[str], match: Match, span: int) -> bool:
        """True when a phrase starts within ``span`` words after ``match`` (and ends at most
        four words further on)."""
        found = self.find(words, match.end, match.end + span + 4)
        return any(m.start < match.end + span for m in found)


K = TypeVar("K")
V = TypeVar("V")


class IdentityCache(Generic[K, V]):
    """Values made once per object, found by identity: hashing a lexicon's nested tuples on
    every call would cost more than the matching.  The object is kept with its value, so its
    id cannot be reused while the entry lives; past ``limit`` entries all are forgotten."""

    def __init__(self, make: Callable[[K], V], limit: int) -> None:
        self._make, self._limit = make, limit
        self._entries: dict[int, tuple[K, V]] = {}

    def __call__(self, key: K) -> V:
        entry = self._entries.get(id(key))
        if entry is not None and entry[0] is key:
            return entry[1]
        if len(self._entries) >= self._limit:
            self._entries.clear()
        made = self._make(key)
        self._entries[id(key)] = (key, made)
        return made


_SETS: IdentityCache[tuple[Phrase, ...], PhraseSet] = IdentityCache(PhraseSet, 1024)


def compiled(phrases: Iterable[Phrase] | PhraseSet) -> PhraseSet:
    """``phrases`` as a :class:`PhraseSet`, compiled once per tuple (lexicons keep theirs)."""
    if isinstance(phrases, PhraseSet):
        return phrases
    return _SETS(phrases if isinstance(phrases, tuple) else tuple(phrases))


def find(words: Sequence[str], phrases: Iterable[Phrase] | PhraseSet) -> list[Match]:
    """Every occurrence of any phrase in ``words``, in text order."""
    return compiled(phrases).find(words)


def preceded_by(
    words: Sequence[str], match: Match, phrases: Iterable[Phrase] | PhraseSet, span: int
) -> bool:
    """True when one of ``phrases`` ends within ``span`` words before ``match``."""
    return compiled(phrases).ends_before(words, match, span)


def followed_by(
    words: Sequence[str], match: Match, phrases: Iterable[Phrase] | PhraseSet, span: int
) -> bool:
    """True when one of ``phrases`` starts within ``span`` words after ``match``."""
    return compiled(phrases).starts_after(words, match, span)


def read_sections(name: str) -> dict[str, dict[str, str]]:
    """A lexicon of ``[section]`` blocks of ``key: value`` lines from triage/resources."""
    try:
        raw = resources.files("triage.resources").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"lexicon {name} is missing from triage/resources") from None
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for number, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), {})
            continue
        key, sep, value = line.partition(":")
        if not sep or current is None:
            raise DataFileError(f"{name} line {number}: expected 'key: value' inside a [section]")
        key = key.strip()
        current[key] = f"{current[key]} | {value}" if key in current else value
    return sections
