"""Evidence phrases per external body, compiled once into a token matcher for the hot path.

Phrases are written as people write them and compiled through :func:`triage.text.tokens`, the
normalisation the router uses (masking, slang, stopwords with negations kept), so a phrase and
a complaint meet in the same form; but unstemmed, since Sastrawi's stems merge words that
must stay apart here ("pertanahan" → "tanah", "keretakan" → "kereta"), and with only the
clitic "-nya" folded ("listriknya" → "listrik").

At each token position the phrase with the most tokens wins, and a match inside an earlier
one is dropped: "polisi tidur" (a speed bump) hides "polisi" and
"bpjs ketenagakerjaan" hides "bpjs", while overlapping phrases are both kept.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from triage.errors import DataFileError
from triage.routing.external_bodies import (
    ExternalBody,
    data_rows,
    default_external_bodies,
    read_data_text,
)
from triage.routing.screen import PhraseScreen
from triage.text.normalization import tokens

LEXICON_FILE = "authority_lexicon.csv"
POLARITIES = ("external", "weak", "local", "neutral")
ANY_BODY = "*"
GAP = "..."
# Words a gapped phrase may skip: "listrik di rumah padam", never "listrik aman, tidak padam".
MAX_GAP = 3
# "bukan" denies what follows it ("ini bukan urusan pln"); "tidak" and "belum" do not, since
# they are most often the complaint itself ("belum terima sertifikat tanah").
DENIALS = frozenset({"bukan"})
DENIAL_WINDOW = 3
# A word just before a body's phrase that makes it a landmark or someone's job, not what the
# complaint is about: "depan spbu", "keluar tol", "pos polisi", "sebagai ojek online".
MENTION_WORDS = frozenset(
    "depan dekat sebelah samping belakang seberang sebelum setelah sesudah sepanjang bawah "
    "pinggir arah menuju jembatan pintu keluar masuk pertigaan perempatan simpang kolong "
    "kawasan area lokasi pos asrama sebagai profesi pekerjaan bekerja pensiunan mantan".split()
)
_NEGATIONS = frozenset({"tidak", "belum", "bukan", "jangan", "tanpa", "kurang", "tak"})


@dataclass(frozen=True)
class Pattern:
    """One compiled phrase: its token segments, polarity and the bodies it speaks of."""

    phrase: str
    segments: tuple[tuple[str, ...], ...]
    polarity: str
    bodies: frozenset[str]

    @property
    def size(self) -> int:
        """Number of tokens; the longer of two phrases at one position wins."""
        return sum(len(segment) for segment in self.segments)


class Match(NamedTuple):
    """A pattern found at tokens ``start:end`` (a tuple: one is made per hit, on the hot path).

    ``denied`` when "bukan" comes shortly before it, ``mention`` when a word of
    :data:`MENTION_WORDS` comes right before it.
    """

    pattern: Pattern
    start: int
    end: int
    denied: bool
    mention: bool


@dataclass(frozen=True)
class Matcher:
    """Patterns indexed by their first token, longest first.

    ``screen`` says whether a text may hold an evidence (external or weak) pattern.
    """

    index: Mapping[str, tuple[Pattern, ...]]
    screen: PhraseScreen = PhraseScreen(None, {})

    def may_find_evidence(self, words: AbstractSet[str]) -> bool:
        """Whether a text with these :func:`~triage.text.normalization.normalized_word_set`
        words may hold evidence for a body; false only when it cannot."""
        return self.screen.may_hold(words)

    def find(self, toks: Sequence[str]) -> list[Match]:
        """Longest match at each position, leaving out those inside an earlier match.

        Overlaps are kept ("lampu jalan" and "jalan nasional" in "lampu jalan nasional"),
        so that a counter phrase cannot swallow another body's evidence.
        """
        found: list[Match] = []
        index = self.index
        # Most complaints hold no phrase's first word: one set test instead of a loop.
        if index.keys().isdisjoint(toks):
            return found
        reach = 0
        # Most complaints hold no "bukan": test once, not at every match.
        may_deny = not DENIALS.isdisjoint(toks)
        for i, tok in enumerate(toks):
            candidates = index.get(tok)
            if candidates is None:
                continue
            for pattern in candidates:
                end = _match_at(pattern.segments, toks, i)
                if end > 0:
                    if end > reach:
                        denied = may_deny and not DENIALS.isdisjoint(
                            toks[max(0, i - DENIAL_WINDOW) : i]
                        )
                        mention = i > 0 and toks[i - 1] in MENTION_WORDS
                        found.append(Match(pattern, i, end, denied, mention))
                        reach = end
                    break
        return found


def _match_at(segments: tuple[tuple[str, ...], ...], toks: Sequence[str], start: int) -> int:
    # Returns the end of the match, or -1.  The first segment is anchored at start; each later
    # one may begin up to MAX_GAP tokens after the previous, with no negation in between.
    first = segments[0]
    end = start + len(first)
    if tuple(toks[start:end]) != first:
        return -1
    for segment in segments[1:]:
        width = len(segment)
        for skip in range(MAX_GAP + 1):
            at = end + skip
            if at + width > len(toks):
                return -1
            if tuple(toks[at : at + width]) == segment:
                end = at + width
                break
            if toks[at] in _NEGATIONS:
                return -1
        else:
            return -1
    return end


def authority_tokens(text: str) -> list[str]:
    """The router's normalised tokens, unstemmed and with "-nya" folded.

    The text's words come from the per-text cache the router has just filled
    (:func:`triage.text.normalization.normalized_words`).
    """
    return [
        tok[:-3] if len(tok) > 5 and tok.endswith("nya") else tok
        for tok in tokens(text, stemming=False)
    ]


def compile_phrase(phrase: str) -> tuple[tuple[str, ...], ...]:
    """Token segments of a written phrase (``" ... "`` separates segments); empty if none."""
    segments = tuple(tuple(authority_tokens(part)) for part in phrase.split(GAP))
    return segments if all(segments) else ()


def build_matcher(patterns: Sequence[Pattern]) -> Matcher:
    """Index patterns by first token, longest first (ties keep file order)."""
    index: dict[str, list[Pattern]] = {}
    for pattern in patterns:
        index.setdefault(pattern.segments[0][0], []).append(pattern)
    return Matcher(
        {first: tuple(sorted(group, key=lambda p: -p.size)) for first, group in index.items()},
        _evidence_screen(patterns),
    )


def _evidence_screen(patterns: Sequence[Pattern]) -> PhraseScreen:
    return PhraseScreen.of(
        (
            [tok for segment in pattern.segments for tok in segment]
            for pattern in patterns
            if pattern.polarity in ("external", "weak")
        ),
        clitic=True,
    )


def load_lexicon(
    path: str | Path | None = None, bodies: Mapping[str, ExternalBody] | None = None
) -> Matcher:
    """Read, validate and compile an authority lexicon (``body,polarity,phrase``).

    Parameters
    ----------
    path : str or Path, optional
        A lexicon CSV; the one shipped with Triase when omitted.
    bodies : Mapping of str to ExternalBody, optional
        The registry its bodies must come from; the shipped one when omitted.

    Returns
    -------
    Matcher
        The compiled phrases.  Local phrases naming several bodies merge into one pattern.

    Raises
    ------
    DataFileError
        The file cannot be read or a row is malformed: unknown body or polarity, a phrase
        that normalises to nothing, or one phrase given two meanings.  Nothing is returned.
    """
    text, source = read_data_text(path, LEXICON_FILE)
    known = default_external_bodies() if bodies is None else bodies
    meaning: dict[tuple[tuple[str, ...], ...], tuple[str, str, set[str], int]] = {}
    for line_no, row in data_rows(text, source, ("body", "polarity", "phrase")):
        where = f"{source}, line {line_no}"
        body, polarity, phrase = row["body"], row["polarity"], row["phrase"]
        if polarity not in POLARITIES:
            raise DataFileError(f"{where}: polarity {polarity!r} is not {'|'.join(POLARITIES)}")
        if body == ANY_BODY:
            if polarity in ("external", "weak"):
                raise DataFileError(f"{where}: {polarity} evidence must name one body, not *")
        elif body not in known:
            raise DataFileError(f"{where}: unknown body {body!r}")
        elif polarity == "neutral":
            raise DataFileError(f"{where}: a neutral phrase names no body (use *)")
        segments = compile_phrase(phrase)
        if not segments:
            raise DataFileError(f"{where}: phrase {phrase!r} normalises to no words")
        seen = meaning.get(segments)
        if seen is None:
            meaning[segments] = (phrase, polarity, {body}, line_no)
        elif seen[1] == polarity == "local":
            seen[2].add(body)
        elif seen[1] != polarity or seen[2] != {body}:
            raise DataFileError(
                f"{where}: phrase {phrase!r} already means {seen[1]} {'/'.join(sorted(seen[2]))}"
                f" (line {seen[3]})"
            )
    return build_matcher(
        [
            Pattern(phrase, segments, polarity, frozenset(names))
            for segments, (phrase, polarity, names, _) in meaning.items()
        ]
    )


@functools.cache
def default_lexicon() -> Matcher:
    """The shipped lexicon over the shipped registry, compiled once per process."""
    return load_lexicon()
