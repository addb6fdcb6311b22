"""Conduct of officials: whether a complaint is about the misconduct of an office's own staff
(pungli, bribes, brokers, rudeness, absence, favouritism, deliberate delay, intimidation),
and which office it names, so that it never goes to the office complained about.

The words live in ``triage/resources/conduct_lexicon.txt`` (its header explains the kinds).
A misconduct word counts only when it is not denied ("tidak ada pungli") and the nearest
party around it is a civil servant or an office, not a neighbour, an RT or a parking
attendant: "preman minta uang" is a police matter, "petugas minta uang" is the Inspektorat's.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from triage.errors import DataFileError
from triage.routing.labels import AREA_KECAMATAN, AREA_KELURAHAN, canonical_label
from triage.routing.screen import PhraseScreen
from triage.text.normalization import normalized_word_set, tokens

LEXICON_FILE = "conduct_lexicon.txt"
# How many words apart a misconduct word and the party it is tied to may be.
WINDOW = 6
# How many filler words may stand between a negator and the word it denies ("jangan sampai
# ada lagi pungli").
_MAX_FILLERS = 3
_TERM_KINDS = ("strong", "weak", "passive")
_PARTY_KINDS = ("official", "office", "service", "other")
_KINDS = frozenset((*_TERM_KINDS, *_PARTY_KINDS, "negator", "filler", "common"))
_AREA_KEYS = {"@kelurahan": AREA_KELURAHAN, "@kecamatan": AREA_KECAMATAN}


@dataclass(frozen=True)
class ConductFinding:
    """A complaint about the conduct of officials: the words that say so and the office named.

    ``evidence`` is the complaint's own (normalised) words from the party to the misconduct
    word, e.g. ``"petugas kecamatan meminta uang"``; ``office`` is the office as people name it
    (``"Kelurahan"``, ``"Dinas Perhubungan"``), None when the complaint names none;
    ``office_key`` says which model labels are that office (see :meth:`names`).
    """

    evidence: str
    office: str | None
    office_key: str | None

    @property
    def area_class(self) -> str | None:
        """The area class of the office named ("Kelurahan (wilayah pelapor)"), else None."""
        return _AREA_KEYS.get(self.office_key or "")

    def names(self, label: str) -> bool:
        """Whether ``label`` (a model label) is the office the complaint names.

        A complaint that names no office is presumed to be about the office that serves it,
        so every label matches; an area class matches an office of its level.
        """
        if self.office_key is None:
            return True
        area_class = self.area_class
        if area_class is not None:
            return label == area_class or canonical_label(label).startswith(self.office_key[1:])
        return self.office_key in canonical_label(label)


@dataclass(frozen=True)
class _Party:
    kind: str
    office: str | None
    key: str | None


@dataclass(frozen=True)
class ConductLexicon:
    """The compiled lexicon: one pattern for misconduct words, one for parties.

    Built by :func:`conduct_lexicon` from the resource file, or from lines in tests.
    """

    screen_terms: PhraseScreen
    screen_parties: PhraseScreen
    # Each misconduct phrase's longest word, and the most words a phrase match spans.
    term_keys: frozenset[str]
    term_span: int
    terms: re.Pattern[str]
    # First word → the party phrases starting with it, in the order a regex alternation of
    # them would try (longest first): the parties are found word by word, as the regex
    # would find them, without trying every phrase at every word.
    party_index: dict[str, tuple[tuple[str, ...], ...]]
    party_of: dict[str, _Party]
    negators: frozenset[str]
    fillers: frozenset[str]

    @classmethod
    def from_lines(cls, lines: list[str], source: str = "lexicon") -> ConductLexicon:
        """Compile the entries of a lexicon (comments and blank lines skipped).

        Raises
        ------
        DataFileError
            On an unknown kind, an empty phrase or a line without a phrase.
        """
        terms: dict[str, list[str]] = {kind: [] for kind in _TERM_KINDS}
        party_of: dict[str, _Party] = {}
        words: dict[str, set[str]] = {"negator": set(), "filler": set(), "common": set()}
        keys: dict[str, list[list[str]]] = {"terms": [], "parties": []}
        spans: list[int] = []
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = [f.strip() for f in line.split("\t")]
            kind, phrase = fields[0], fields[1] if len(fields) > 1 else ""
            if kind not in _KINDS or not phrase:
                raise DataFileError(f"{source} line {number}: expected '<kind><TAB><phrase>'")
            pieces = [" ".join(_words(piece)) for piece in phrase.split("~")]
            if not all(pieces):
                raise DataFileError(f"{source} line {number}: {phrase!r} has no words")
            if kind in terms:
                terms[kind].append(r"(?: \S+){0,2} ".join(map(re.escape, pieces)))
                keys["terms"].append(" ".join(pieces).split())
                spans.append(len(keys["terms"][-1]) + 2 * (len(pieces) - 1))
            elif kind in words:
                words[kind].add(pieces[0])
            else:
                office = fields[2] if len(fields) > 2 and fields[2] else None
                key = fields[3] if len(fields) > 3 and fields[3] else None
                party_of[pieces[0]] = _Party(kind, office, key)
                if kind != "other":
                    keys["parties"].append(pieces[0].split())
        if not any(terms.values()):
            raise DataFileError(f"{source}: no misconduct words")
        groups = "|".join(
            f"(?P<{kind}>{_alternation(terms[kind])})" for kind in terms if terms[kind]
        )
        return cls(
            screen_terms=PhraseScreen.of(keys["terms"]),
            screen_parties=PhraseScreen.of(keys["parties"]),
            term_keys=frozenset(max(phrase, key=len) for phrase in keys["terms"]),
            term_span=max(spans),
            terms=re.compile(rf"(?<!\S)(?:{groups})(?!\S)"),
            party_index=_party_index(party_of),
            party_of=party_of,
            negators=frozenset(words["negator"]),
            fillers=frozenset(words["filler"]),
        )

    def detect(self, text: str) -> ConductFinding | None:
        """The first misconduct of officials that ``text`` reports, or None."""
        # Most complaints hold no misconduct phrase, or no official: two screens on the
        # words the router has just normalised, before the text is read in full.
        seen = normalized_word_set(text)
        if not (self.screen_terms.may_hold(seen) and self.screen_parties.may_hold(seen)):
            return None
        words = _words(text)
        joined = " ".join(words)
        parties: list[tuple[int, int, str]] | None = None
        for match in self._term_matches(words, joined):
            if parties is None:
                parties = self._parties(words)
            found = self._finding(match, joined, words, parties)
            if found is not None:
                return found
        return None

    def _parties(self, words: list[str]) -> list[tuple[int, int, str]]:
        """Every party phrase as (first word, end word, phrase), left to right, none
        overlapping: at each word the longest phrase that starts there."""
        found: list[tuple[int, int, str]] = []
        index = self.party_index
        i, n = 0, len(words)
        while i < n:
            for phrase in index.get(words[i], ()):
                end = i + len(phrase)
                if tuple(words[i:end]) == phrase:
                    found.append((i, end, " ".join(phrase)))
                    i = end
                    break
            else:
                i += 1
        return found

    def _term_matches(self, words: list[str], joined: str) -> Iterator[re.Match[str]]:
        """The misconduct phrases of ``joined``, left to right, as successive searches of
        the whole text find them; but searched only near each phrase's longest word, which
        every match holds (the regex tries hundreds of phrases at every word it passes)."""
        span = self.term_span
        hits = [i for i, word in enumerate(words) if word in self.term_keys]
        if not hits:
            return
        starts = list(itertools.accumulate((len(word) + 1 for word in words), initial=0))
        regions: list[list[int]] = []
        for i in hits:
            lo, hi = max(0, i - span + 1), min(len(words), i + span)
            if regions and lo <= regions[-1][1]:
                regions[-1][1] = hi
            else:
                regions.append([lo, hi])
        at = 0
        for lo, hi in regions:
            # Both ends on word boundaries, so the regex's (?!\S) at the end sees a space.
            at, end = max(at, starts[lo]), starts[hi] - 1
            match = self.terms.search(joined, at, end)
            while match is not None:
                yield match
                at = match.end()
                match = self.terms.search(joined, at, end)

    def _finding(
        self,
        match: re.Match[str],
        joined: str,
        words: list[str],
        parties: list[tuple[int, int, str]],
    ) -> ConductFinding | None:
        start, end = _index(joined, match.start()), _index(joined, match.end())
        if self._denied(words, start):
            return None
        before = [p for p in parties if p[1] <= start and start - p[1] < WINDOW]
        after = [p for p in parties if p[0] >= end and p[0] - end < WINDOW]
        kind = match.lastgroup
        # The party nearest before the word is its subject; one after it is its agent only
        # for passive words, or the place for nouns such as "pungli di kantor kelurahan".
        tied = before[-1] if before else after[0] if after and kind != "weak" else None
        if tied is None:
            return None
        party = self.party_of[tied[2]]
        if party.kind == "other" or (party.kind == "service" and kind != "strong"):
            return None
        near = [self.party_of[p[2]] for p in (*reversed(before), *after)]
        office = next((p for p in near if p.key or p.office), party)
        first, last = min(tied[0], start), max(tied[1], end)
        for p in reversed(before):  # "oknum dishub memeras": the whole run of parties
            if p[1] == first and self.party_of[p[2]].kind in ("official", "office"):
                first = p[0]
        return ConductFinding(" ".join(words[first:last]), office.office, office.key)

    def _denied(self, words: list[str], start: int) -> bool:
        i = start - 1
        while i >= 0 and start - i <= _MAX_FILLERS and words[i] in self.fillers:
            i -= 1
        return i >= 0 and words[i] in self.negators


def _words(text: str) -> list[str]:
    # Slang expanded, nothing dropped and nothing stemmed: "gak" reads "tidak", and the
    # lexicon's phrases are read the same way, so both sides agree.
    return tokens(text, stemming=False, drop_stopwords=False)


def _index(joined: str, position: int) -> int:
    return joined.count(" ", 0, position) + (1 if position and joined[position - 1] != " " else 0)


def _party_index(party_of: dict[str, _Party]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(party_of, key=lambda p: (-len(p), p)):  # as _alternation orders them
        words = tuple(phrase.split(" "))
        index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def _alternation(phrases: Iterable[str]) -> str:
    # Longest first: the regex takes the first alternative that matches, not the longest.
    return "|".join(sorted(set(phrases), key=lambda p: (-len(p), p)))


@functools.cache
def conduct_lexicon() -> ConductLexicon:
    """Triase's conduct lexicon, compiled once per process."""
    raw = resources.files("triage.resources").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return ConductLexicon.from_lines(raw.splitlines(), LEXICON_FILE)


def detect_conduct(text: str, lexicon: ConductLexicon | None = None) -> ConductFinding | None:
    """Whether a complaint reports the misconduct of officials or of an office's own staff.

    Parameters
    ----------
    text : str
        The complaint as written (title and text); normalised here as the lexicon is.
    lexicon : ConductLexicon, optional
        Another lexicon (tests); Triase's own by default.

    Returns
    -------
    ConductFinding or None
        The evidence and the office named; None when the complaint reports no misconduct
        of officials (a service failure, a request to an office, a denial such as
        "tidak ada pungli", or misconduct of people who are not civil servants).
    """
    return (lexicon or conduct_lexicon()).detect(text)
