"""Read the sample generator's phrase tables from ``tables/*.json`` once, and check them.

Each file is checked entry by entry (``triage.sample.schema``) and then against the
others: routes name agencies of ``agencies.json``, spike notes and neighbour groups name
topics, flood-prone kecamatan have a population.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from triage.sample import schema as s
from triage.sample.vocab import (
    KINDS,
    REGISTERS,
    CityTables,
    LetterTables,
    PeopleTables,
    RegisterTables,
    Tables,
    TopicSpec,
)

TOPIC_FILES: tuple[str, ...] = ("topics_city.json", "topics_service.json")
EXTERNAL_FILE = "topics_external.json"
# Every file of tables/: a file not named here would be shipped and never read.
FILES: tuple[str, ...] = (
    "agencies.json", *TOPIC_FILES, EXTERNAL_FILE, "neighbours.json", "spike_notes.json",
    "city.json", "people.json", "letters.json", "register.json",
)  # fmt: skip
# The registry of external bodies, whose keys the routes of topics_external.json name.
_REGISTRY = "external_bodies.csv"
_WORD = re.compile(r"[^\W\d_]+")


@cache
def tables() -> Tables:
    """The tables shipped with the package, read and checked on first use."""
    return load_tables(resources.files("triage.sample") / "tables")


def load_tables(folder: Traversable) -> Tables:
    """Read and check every phrase table in ``folder``.

    Parameters
    ----------
    folder : importlib.resources.abc.Traversable or pathlib.Path
        A folder holding the files of ``triage/sample/tables/``.

    Returns
    -------
    Tables
        The topics and every shared phrase table.

    Raises
    ------
    DataFileError
        If a file is missing, is not JSON, or an entry is malformed; the message names
        the file and the entry.
    """
    topics = _topics(folder)
    keys = {t.key for t in topics}
    external = _external_topics(folder, {t.label for t in topics} | keys)
    return Tables(
        external=external,
        topics=topics,
        neighbours=_neighbours(folder, keys),
        spike_notes=_spike_notes(folder, keys),
        city=_city(folder),
        people=_people(folder),
        letters=_letters(folder),
        register=_register(folder),
    )


def _agencies(folder: Traversable) -> Mapping[str, str]:
    name = "agencies.json"
    raw = s.read_json(folder, name)
    if not isinstance(raw, dict) or not raw:
        s.Entry(name).fail("expected an object of agency codes and names")
    at = s.Entry(name)
    return {str(code): s.plain_text(full, at / str(code)) for code, full in raw.items()}


def _topics(folder: Traversable) -> tuple[TopicSpec, ...]:
    agencies = _agencies(folder)
    topics: list[TopicSpec] = []
    seen: dict[str, str] = {}
    for name in TOPIC_FILES:
        at = s.Entry(name)
        for i, item in enumerate(s.entries(s.read_json(folder, name), at, 1)):
            topic = s.topic(item, at / i, agencies)
            for value in (topic.key, topic.label):
                if value in seen:
                    (at / i).fail(f"{value!r} is already used by a topic in {seen[value]}")
                seen[value] = name
            topics.append(topic)
    return tuple(topics)


def _external_bodies() -> Mapping[str, str]:
    # Read here rather than through triage.routing, which the generator may not import; the
    # registry's own reader checks the file (tests/test_referral.py).
    text = (resources.files("triage") / "resources" / _REGISTRY).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["key"]: row["name"] for row in csv.DictReader(lines)}


def _external_topics(folder: Traversable, taken: set[str]) -> tuple[TopicSpec, ...]:
    # The same topic format; a route's "opd" is a body's registry key (PLN, SAMSAT) and the
    # complaint is labelled with the body's registry name, as the evaluation expects.
    at = s.Entry(EXTERNAL_FILE)
    bodies = _external_bodies()
    topics: list[TopicSpec] = []
    for i, item in enumerate(s.entries(s.read_json(folder, EXTERNAL_FILE), at, 1)):
        topic = s.topic(item, at / i, bodies, registry=_REGISTRY)
        if topic.area:
            (at / i / "area").fail("an external topic goes to a body, not to an area office")
        for value in (topic.key, topic.label):
            if value in taken:
                (at / i).fail(f"{value!r} is already used by another topic")
            taken.add(value)
        topics.append(topic)
    return tuple(topics)


def _neighbours(folder: Traversable, keys: set[str]) -> tuple[tuple[str, ...], ...]:
    name = "neighbours.json"
    at = s.Entry(name)
    groups = []
    for i, group in enumerate(s.entries(s.read_json(folder, name), at, 0)):
        members = s.phrases(group, at / i, minimum=2, plain=True)
        unknown = sorted(set(members) - keys)
        if unknown:
            (at / i).fail(f"names no topic: {unknown[0]!r}")
        groups.append(members)
    return tuple(groups)


def _spike_notes(folder: Traversable, keys: set[str]) -> Mapping[str, tuple[str, ...]]:
    name = "spike_notes.json"
    notes = s.phrase_map(s.read_json(folder, name), s.Entry(name), None)
    unknown = sorted(set(notes) - keys)
    if unknown:
        (s.Entry(name) / unknown[0]).fail("names no topic")
    return notes


def _city(folder: Traversable) -> CityTables:
    name = "city.json"
    at = s.Entry(name)
    raw = s.record(s.read_json(folder, name), at, {"population", "flood_prone", "landmarks"}
                   | {"komplek", "gang"})  # fmt: skip
    population = raw["population"]
    if not isinstance(population, dict) or not population:
        (at / "population").fail("expected an object of kecamatan and residents (thousands)")
    for kecamatan, residents in population.items():
        if isinstance(residents, bool) or not isinstance(residents, int) or residents <= 0:
            (at / "population" / kecamatan).fail(f"expected a positive integer, got {residents!r}")
    flood_prone = s.phrases(raw["flood_prone"], at / "flood_prone", minimum=0, plain=True)
    for i, kecamatan in enumerate(flood_prone):
        if kecamatan not in population:
            (at / "flood_prone" / i).fail(f"{kecamatan!r} is not a kecamatan of population")
    return CityTables(
        population=MappingProxyType(dict(population)),
        flood_prone=frozenset(flood_prone),
        landmarks=s.phrases(raw["landmarks"], at / "landmarks"),
        komplek=s.phrases(raw["komplek"], at / "komplek", plain=True),
        gang=s.phrases(raw["gang"], at / "gang", plain=True),
    )


def _people(folder: Traversable) -> PeopleTables:
    name = "people.json"
    at = s.Entry(name)
    raw = s.record(s.read_json(folder, name), at, {"first_names", "last_names", "email_domains"})
    return PeopleTables(
        first_names=s.phrases(raw["first_names"], at / "first_names", plain=True),
        last_names=s.phrases(raw["last_names"], at / "last_names", plain=True),
        email_domains=s.phrases(raw["email_domains"], at / "email_domains", plain=True),
    )


def _letters(folder: Traversable) -> LetterTables:
    name = "letters.json"
    at = s.Entry(name)
    raw = s.record(s.read_json(folder, name), at, set(LetterTables.__dataclass_fields__))

    def texts(key: str, *, plain: bool = False, needs: str = "") -> tuple[str, ...]:
        return s.phrases(raw[key], at / key, plain=plain, needs=needs)

    def by(key: str, keys: tuple[str, ...], *, minimum: int = 1, plain: bool = False,
           needs: str = "") -> Mapping[str, tuple[str, ...]]:  # fmt: skip
        return s.phrase_map(raw[key], at / key, keys, minimum=minimum, plain=plain, needs=needs)

    elaborations = by("elaborations", (*KINDS, "both"))
    for kind in KINDS:
        # The composer draws five elaborations without replacement (and three histories).
        if len(elaborations[kind]) + len(elaborations["both"]) < 5:
            (at / "elaborations" / kind).fail("needs at least 5 sentences together with both")
    return LetterTables(
        greetings=by("greetings", ("pagi", "siang", "sore", "malam")),
        openers=by("openers", REGISTERS),
        pihak=texts("pihak"),
        intros=texts("intros"),
        frames=by("frames", REGISTERS, needs="P"),
        locations=texts("locations"),
        back_references=texts("back_references"),
        durations=texts("durations"),
        acute_durations=texts("acute_durations"),
        duration_frames=texts("duration_frames", needs="D"),
        impacts=by("impacts", KINDS),
        history=by("history", KINDS, minimum=3),
        elaborations=elaborations,
        requests=by("requests", KINDS),
        area_cues=by("area_cues", ("kecamatan", "kelurahan"), plain=True),
        closers=by("closers", REGISTERS),
        contacts=texts("contacts"),
        secondary=texts("secondary", needs="M"),
        vague=texts("vague"),
        titles_generic=texts("titles_generic"),
        titles_112=texts("titles_112", plain=True),
    )


def _register(folder: Traversable) -> RegisterTables:
    name = "register.json"
    at = s.Entry(name)
    raw = s.record(s.read_json(folder, name), at, {"slang", "elongate", "interjections", "emoji"})
    slang = s.phrase_map(raw["slang"], at / "slang", None, plain=True)
    for word in slang:
        # Matches are looked up lower-cased, so an upper-case key would never be found.
        if word != word.lower() or not word.strip():
            (at / "slang" / word).fail("a slang key must be a lower-case word or phrase")
    elongate = s.phrases(raw["elongate"], at / "elongate", plain=True)
    for i, word in enumerate(elongate):
        if not _WORD.fullmatch(word):
            (at / "elongate" / i).fail(f"{word!r} must be a single word of letters")
    return RegisterTables(
        slang=slang,
        elongate=elongate,
        interjections=s.phrases(raw["interjections"], at / "interjections", plain=True),
        emoji=s.phrases(raw["emoji"], at / "emoji", plain=True),
    )
