"""Completeness: can a complaint be acted on as written, and if not, what to ask the reporter.

Three things can be missing (``MISSING_ITEMS``):

- ``isi``: the message says nothing yet: only a greeting, a photo caption ("ini fotonya") or
  a bare question ("kapan?").
- ``objek``: it asks for something to be done ("tolong segera diperbaiki") but names nothing
  the request is about.
- ``lokasi``: it is about something that sits somewhere (a road, drain, street light, tree,
  waste, flooding...) and gives no street, gang, RT/RW, kelurahan, numbered block or landmark
  after a position word ("depan masjid"), neither in the text nor as a field. Problems handled
  at a desk (a KTP, bansos, BPJS, a school fee) need no place and are never flagged.

The words live in ``triage/resources/completeness_lexicon.txt``; tenants may add their own
place names (a gazetteer) with ``known_places``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from triage.casework.phrases import Phrase, find, parse_phrases, read_sections, words_of
from triage.errors import DataFileError, InputError

LEXICON_FILE = "completeness_lexicon.txt"
MISSING_ITEMS = ("isi", "objek", "lokasi")
QUESTIONS = {
    "isi": "Mohon ceritakan masalahnya: apa yang terjadi, di mana tempatnya, dan sejak kapan?",
    "objek": (
        "Apa yang perlu diperbaiki atau ditangani? Mohon sebutkan benda atau layanannya, "
        "misalnya jalan, lampu jalan, saluran air, atau dokumen."
    ),
    "lokasi": (
        "Di mana tepatnya lokasinya? Mohon sebutkan nama jalan atau gang, RT/RW, kelurahan, "
        "atau patokan terdekat (misalnya depan masjid atau sekolah)."
    ),
}
# A request this short that names nothing known is taken to name nothing at all; longer
# ones probably name something the lexicon lacks, and asking would annoy the reporter.
_MAX_OBJECTLESS_WORDS = 8
# "rt03", "rw.5", "no12", "gg3" written as one word; "3/5" for RT/RW.
_NUMBERED = re.compile(r"^(?:(?:rt|rw|no|gg|km|blok)\.?\d|\d{1,3}/\d{1,3}$)")


@dataclass(frozen=True)
class CompletenessLexicon:
    """The word lists of completeness_lexicon.txt, as phrases."""

    place_bound: tuple[Phrase, ...]
    placeless: tuple[Phrase, ...]
    objects: tuple[Phrase, ...]
    markers: tuple[Phrase, ...]
    places: tuple[Phrase, ...]
    landmarks: tuple[Phrase, ...]
    positions: tuple[Phrase, ...]
    street_generic: frozenset[str]
    street_part_of: frozenset[str]
    actions: tuple[Phrase, ...]
    filler: frozenset[str]


@dataclass(frozen=True)
class Completeness:
    """What a complaint lacks (items of MISSING_ITEMS) and a question to the reporter for each."""

    missing: tuple[str, ...]
    questions: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


@functools.cache
def completeness_lexicon() -> CompletenessLexicon:
    """The bundled lexicon, read and checked once per process."""
    sections = read_sections(LEXICON_FILE)

    def field(section: str, key: str) -> tuple[Phrase, ...]:
        phrases = parse_phrases(sections.get(section, {}).get(key, ""))
        if not phrases:
            raise DataFileError(f"{LEXICON_FILE}: [{section}] needs '{key}:' entries")
        return phrases

    return CompletenessLexicon(
        place_bound=field("place_bound", "object"),
        placeless=field("placeless", "subject"),
        objects=field("objects", "object"),
        markers=field("location", "marker"),
        places=field("location", "always"),
        landmarks=field("location", "landmark"),
        positions=field("location", "position"),
        street_generic=frozenset(w for p in field("street", "generic") for w in p),
        street_part_of=frozenset(w for p in field("street", "part_of") for w in p),
        actions=field("request", "action"),
        filler=frozenset(w for p in field("empty", "filler") for w in p),
    )


def _has_location(
    words: Sequence[str], lexicon: CompletenessLexicon, known_places: tuple[Phrase, ...]
) -> bool:
    if find(words, lexicon.places) or (known_places and find(words, known_places)):
        return True
    if any(_NUMBERED.match(w) for w in words):
        return True
    for match in find(words, lexicon.markers):
        following = words[match.end] if match.end < len(words) else ""
        if following and (following.isdigit() or following not in lexicon.street_generic):
            return True
    for i, word in enumerate(words[:-1]):
        # "jalan melati", "jl. ahmad yani": a street by name, not "jalan rusak" or "jalan raya".
        if (
            word == "jalan"
            and words[i + 1] not in lexicon.street_generic
            and (i == 0 or words[i - 1] not in lexicon.street_part_of)
        ):
            return True
    positions = {m.end for m in find(words, lexicon.positions)}
    return any(
        m.start in positions or m.start - 1 in positions for m in find(words, lexicon.landmarks)
    )


def assess_completeness(
    text: str,
    *,
    location: str | None = None,
    kelurahan: str | None = None,
    known_places: Collection[str] = (),
    lexicon: CompletenessLexicon | None = None,
) -> Completeness:
    """Say what a complaint lacks before anyone can act on it, with a question for each.

    Parameters
    ----------
    text : str
        The complaint as written; it is normalised with ``triage.text.normalize``.
    location, kelurahan : str, optional
        A place given in a separate field of the form; either makes ``lokasi`` present.
    known_places : collection of str
        Place names of the tenant (kelurahan, streets, landmarks) that count as a location
        when the text mentions them.
    lexicon : CompletenessLexicon, optional
        The word lists; the bundled ``completeness_lexicon.txt`` when omitted.

    Returns
    -------
    Completeness
        ``missing`` in the order of MISSING_ITEMS (``isi`` alone when the text says nothing)
        and the matching ``questions`` in Indonesian.

    Raises
    ------
    InputError
        ``text`` or a field is not a string.
    """
    if not isinstance(text, str):
        raise InputError(f"a complaint text must be a string, not {type(text).__name__}")
    for name, value in (("location", location), ("kelurahan", kelurahan)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be a string, not {type(value).__name__}")
    lexicon = lexicon or completeness_lexicon()
    words = words_of(text)
    content = [w for w in words if w not in lexicon.filler and not w.isdigit()]
    if not content:
        return _result(("isi",))
    bound = find(words, lexicon.place_bound)
    named = bound or find(words, lexicon.placeless) or find(words, lexicon.objects)
    if not named:
        if find(words, lexicon.actions) and len(content) <= _MAX_OBJECTLESS_WORDS:
            return _result(("objek",))
        return _result(())
    given = any((v or "").strip() for v in (location, kelurahan))
    places = tuple(tuple(words_of(p)) for p in known_places if words_of(p))
    if bound and not find(words, lexicon.placeless):
        if not given and not _has_location(words, lexicon, places):
            return _result(("lokasi",))
    return _result(())


def _result(missing: tuple[str, ...]) -> Completeness:
    return Completeness(missing, tuple(QUESTIONS[item] for item in missing))
