"""Phrase matching for the casework lexicons: whole words on normalised text, negation-aware.

A phrase is a sequence of words; a word ending in ``*`` matches any word it begins
(``kebakar*`` matches ``kebakaran``), which keeps Indonesian affix variants to one entry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from triage.errors import DataFileError
from triage.text import normalize
from triage.text.normalization import fold_elongation

_WORD = re.compile(r"\[(?:email|telepon|nik|url)\]|[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: token positions [start, end) and the words as written."""

    start: int
    end: int
    words: str


def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` after ``triage.text.normalize``, with elongations folded."""
    return tuple(fold_elongation(w) if len(w) > 2 else w for w in _WORD.findall(normalize(text)))


def parse_phrases(field: str) -> tuple[Phrase, ...]:
    """``"a b | c*"`` → ``(("a", "b"), ("c*",))``."""
    return tuple(tuple(p.split()) for p in field.split("|") if p.split())


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


@functools.lru_cache(maxsize=1024)
def _index(phrases: tuple[Phrase, ...]) -> tuple[dict[str, list[Phrase]], list[Phrase]]:
    # Phrases by their exact first word, and those whose first word is a prefix pattern:
    # each position then tries only the phrases that can start there.
    exact: dict[str, list[Phrase]] = {}
    prefixed = []
    for phrase in phrases:
        if phrase[0].endswith("*"):
            prefixed.append(phrase)
        else:
            exact.setdefault(phrase[0], []).append(phrase)
    return exact, prefixed


def find(words: Sequence[str], phrases: Iterable[Phrase]) -> list[Match]:
    """Every occurrence of any phrase in ``words``, in text order."""
    exact, prefixed = _index(tuple(phrases))
    found = []
    for i, word in enumerate(words):
        starting = exact.get(word, [])
        if prefixed:
            starting = starting + [p for p in prefixed if word.startswith(p[0][:-1])]
        for phrase in starting:
            n = len(phrase)
            if i + n <= len(words) and all(
                _word_matches(p, w) for p, w in zip(phrase[1:], words[i + 1 : i + n], strict=True)
            ):
                found.append(Match(i, i + n, " ".join(words[i : i + n])))
    return sorted(found, key=lambda m: (m.start, -m.end))


def preceded_by(words: Sequence[str], match: Match, phrases: Iterable[Phrase], span: int) -> bool:
    """True when one of ``phrases`` ends within ``span`` words before ``match``."""
    window_start = max(0, match.start - span - 4)
    before = words[window_start : match.start]
    return any(m.end > len(before) - span for m in find(before, phrases))


def followed_by(words: Sequence[str], match: Match, phrases: Iterable[Phrase], span: int) -> bool:
    """True when one of ``phrases`` starts within ``span`` words after ``match``."""
    after = words[match.end : match.end + span + 4]
    return any(m.start < span for m in find(after, phrases))


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
