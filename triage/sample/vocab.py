"""The shapes of the sample generator's phrase tables; the tables are in ``tables/*.json``.

Templates use ``{a|b|c}`` for alternatives (one is picked at random, an empty one is
allowed) and upper-case slots filled from the complainant's place and person: ``{LOC}`` (a
location phrase), ``{JALAN}``, ``{KEL}``, ``{KEC}``, ``{TEMPAT}`` (a landmark), ``{ANGKA}``
and the others in ``SLOTS``. Everything in the tables was written for Triase; nothing is
copied from real complaints. ``triage.sample.loader`` reads and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The slots the composer fills in every template (``compose._row_state``).
SLOTS: frozenset[str] = frozenset(
    {
        "LOC", "JALAN", "KEL", "KEC", "TEMPAT", "ANGKA", "NO", "RT", "GANG", "KOMPLEK",
        "NAMA", "TELP", "EMAIL", "NIK_OPT", "SALAM", "PIHAK", "JAM",
    }
)  # fmt: skip
# Seasons of topics, as ``triage.sample.timing`` models them.
SEASONS: tuple[str, ...] = ("flat", "rain", "dry", "dengue", "school", "ramadan", "lebaran")
REGISTERS: tuple[str, ...] = ("formal", "semi", "chat", "operator")
KINDS: tuple[str, ...] = ("place", "service")
Phrases = tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """One agency a topic may go to, its share of the topic, and phrases that hint at it."""

    opd: str
    weight: float
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSpec:
    """A complaint topic: its label, routing, season, and the phrases that describe it.

    ``problems`` state the complaint, ``details`` add a sentence in longer texts,
    ``mentions`` are the short forms used when the topic is the *second* problem of an
    ambiguous complaint, and ``vague`` ones hardly name the problem at all. A topic that is
    not ``place_bound`` (documents, benefits, clinics) takes the "service" generic phrases.
    """

    key: str
    label: str
    weight: float
    season: str
    routes: tuple[Route, ...]
    problems: tuple[str, ...]
    details: tuple[str, ...]
    requests: tuple[str, ...]
    titles: tuple[str, ...]
    mentions: tuple[str, ...]
    vague: tuple[str, ...] = ()
    emergency: bool = False
    area: bool = False
    place_bound: bool = True


@dataclass(frozen=True)
class CityTables:
    """``city.json``: kecamatan populations (thousands), flood-prone ones, street furniture."""

    population: Mapping[str, int]
    flood_prone: frozenset[str]
    landmarks: Phrases
    komplek: Phrases
    gang: Phrases


@dataclass(frozen=True)
class PeopleTables:
    """``people.json``: the complainants' names and their e-mail providers."""

    first_names: Phrases
    last_names: Phrases
    email_domains: Phrases


@dataclass(frozen=True)
class LetterTables:
    """``letters.json``: the parts a complaint is assembled from, by register or kind.

    Maps keyed by register (``REGISTERS``) are ``openers``, ``frames`` and ``closers``;
    by kind of topic (``KINDS``) ``impacts``, ``history``, ``requests`` and
    ``elaborations`` (which also has ``both``); ``greetings`` by time of day and
    ``area_cues`` by area office (``kecamatan``, ``kelurahan``).
    """

    greetings: Mapping[str, Phrases]
    openers: Mapping[str, Phrases]
    pihak: Phrases
    intros: Phrases
    frames: Mapping[str, Phrases]
    locations: Phrases
    back_references: Phrases
    durations: Phrases
    acute_durations: Phrases
    duration_frames: Phrases
    impacts: Mapping[str, Phrases]
    history: Mapping[str, Phrases]
    elaborations: Mapping[str, Phrases]
    requests: Mapping[str, Phrases]
    area_cues: Mapping[str, Phrases]
    closers: Mapping[str, Phrases]
    contacts: Phrases
    secondary: Phrases
    vague: Phrases
    titles_generic: Phrases
    titles_112: Phrases


@dataclass(frozen=True)
class RegisterTables:
    """``register.json``: informal rewrites (lower-case word → options) and decorations."""

    slang: Mapping[str, Phrases]
    elongate: Phrases
    interjections: Phrases
    emoji: Phrases


@dataclass(frozen=True)
class Tables:
    """Every phrase table of the generator, read and checked once by ``loader.tables()``."""

    topics: tuple[TopicSpec, ...]
    neighbours: tuple[tuple[str, ...], ...]
    spike_notes: Mapping[str, Phrases]
    city: CityTables
    people: PeopleTables
    letters: LetterTables
    register: RegisterTables
    # topics_external.json: complaints that are another body's business ("bukan wewenang");
    # their routes name bodies of the external bodies' registry, by registry name.
    external: tuple[TopicSpec, ...] = ()
