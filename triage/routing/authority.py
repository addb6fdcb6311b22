"""Bukan wewenang: is a complaint the tenant's own business, and if not, whose is it?

:func:`decide_authority` reads the complaint's normalised tokens (the router's, unstemmed),
finds the registry's evidence and counter-evidence phrases, and returns an
:class:`AuthorityDecision` quoting the phrase it rests on.  Counter-evidence wins over the
bodies it names: a complaint that mentions something the city holds (a street light, PDAM, an
SD) stays local, because a wrong "not ours" costs a citizen more than a forwarded complaint
costs the city.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from triage.errors import DataFileError, InputError
from triage.routing.authority_lexicon import (
    ANY_BODY,
    Match,
    Matcher,
    Pattern,
    authority_tokens,
    build_matcher,
    compile_phrase,
    default_lexicon,
)
from triage.routing.external_bodies import (
    ExternalBody,
    data_rows,
    default_external_bodies,
    read_data_text,
)
from triage.text.normalization import normalized_word_set

TENANT_LEVELS = ("kota", "kabupaten", "provinsi")
_WEIGHT = {"external": 2, "weak": 1}


@dataclass(frozen=True)
class AuthorityDecision:
    """Whether a complaint is the tenant's own, and if not, which body holds it.

    Attributes
    ----------
    authority : str
        ``"local"`` (the tenant's business) or ``"external"``.
    external_body : str
        The registry key of the body that holds it (``"PLN"``), or ``""`` when local.
    body_name : str
        That body's name, or ``""`` when local.
    reason : str
        One sentence quoting the lexicon phrase the decision rests on.
    """

    authority: str
    external_body: str
    body_name: str
    reason: str


_NOTHING_FOUND = AuthorityDecision("local", "", "", "no phrase points to a body outside the tenant")


@dataclass(frozen=True, eq=False)
class LocalExceptions:
    """A tenant's own exceptions to the national registry, compiled.

    Attributes
    ----------
    matcher : Matcher
        Its phrases: ``local`` ones keep a complaint the tenant's against every body,
        the others are evidence for the body they name.
    held : frozenset of str
        Registry bodies the tenant holds itself (e.g. a city that runs the Samsat desk).
    source : str
        Where the exceptions were read from.
    """

    matcher: Matcher
    held: frozenset[str] = field(default_factory=frozenset)
    source: str = ""


def load_local_exceptions(
    path: str | Path, bodies: Mapping[str, ExternalBody] | None = None
) -> LocalExceptions:
    """Read a tenant's exceptions file (``kind,value,authority``).

    Rows are ``phrase,<phrase>,local`` (the phrase keeps a complaint the tenant's: a road
    it took over, its own BUMD), ``phrase,<phrase>,<KEY>`` (the phrase is evidence for a
    registry body) or ``body,<KEY>,local`` (the tenant holds that body's affairs).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    bodies : Mapping of str to ExternalBody, optional
        The registry its keys must come from; the shipped one when omitted.

    Returns
    -------
    LocalExceptions

    Raises
    ------
    DataFileError
        The file cannot be read or a row is malformed; the message names the row and
        nothing of the file is used.
    """
    text, source = read_data_text(path, "")
    known = default_external_bodies() if bodies is None else bodies
    patterns: dict[tuple[tuple[str, ...], ...], Pattern] = {}
    held: set[str] = set()
    for line_no, row in data_rows(text, source, ("kind", "value", "authority")):
        where = f"{source}, line {line_no}"
        kind, value, authority = row["kind"], row["value"], row["authority"]
        if authority != "local" and authority not in known:
            raise DataFileError(f"{where}: authority {authority!r} is not local or a body key")
        if kind == "body":
            if value not in known:
                raise DataFileError(f"{where}: unknown body {value!r}")
            if authority != "local":
                raise DataFileError(f"{where}: a body row's authority must be local")
            held.add(value)
        elif kind == "phrase":
            segments = compile_phrase(value)
            if not segments:
                raise DataFileError(f"{where}: phrase {value!r} normalises to no words")
            polarity, body = (
                ("local", ANY_BODY) if authority == "local" else ("external", authority)
            )
            earlier = patterns.get(segments)
            if earlier is not None and (earlier.polarity, earlier.bodies) != (polarity, {body}):
                raise DataFileError(f"{where}: phrase {value!r} is given two meanings")
            patterns[segments] = Pattern(value, segments, polarity, frozenset({body}))
        else:
            raise DataFileError(f"{where}: kind {kind!r} is not phrase or body")
    return LocalExceptions(build_matcher(list(patterns.values())), frozenset(held), source)


@dataclass(frozen=True, eq=False)
class AuthoritySettings:
    """What a tenant passes to the authority decision: its level and its own exceptions.

    Attributes
    ----------
    level : {"kota", "kabupaten", "provinsi"}
        The tenant's level of government (the default tenant, Bandung, is a kota).
    exceptions : LocalExceptions, optional
        The tenant's exceptions file, read by :func:`load_local_exceptions`.

    Raises
    ------
    InputError
        ``level`` is not one of :data:`TENANT_LEVELS`.
    """

    level: str = "kota"
    exceptions: LocalExceptions | None = None

    def __post_init__(self) -> None:
        held_by_level(self.level)  # an unknown level fails here, not at the first complaint

    def decide(self, text: str) -> AuthorityDecision:
        """:func:`decide_authority` of ``text`` for this tenant."""
        return decide_authority(text, level=self.level, exceptions=self.exceptions)


@functools.cache
def held_by_level(level: str) -> frozenset[str]:
    """Registry bodies whose affairs a tenant of ``level`` holds itself."""
    if level not in TENANT_LEVELS:
        raise InputError(f"tenant level {level!r} is not one of {', '.join(TENANT_LEVELS)}")
    if level != "provinsi":
        return frozenset()
    return frozenset(k for k, b in default_external_bodies().items() if b.level == "provincial")


def decide_authority(
    text: str, *, level: str = "kota", exceptions: LocalExceptions | None = None
) -> AuthorityDecision:
    """Decide whether a complaint is the tenant's business or an external body's.

    Parameters
    ----------
    text : str
        Raw complaint text; it is normalised as the router normalises it.
    level : {"kota", "kabupaten", "provinsi"}
        The tenant's level of government: a ``provinsi`` tenant holds the provincial
        bodies' affairs (SMA/SMK/SLB, provincial roads) itself.
    exceptions : LocalExceptions, optional
        The tenant's own exceptions, from :func:`load_local_exceptions`.

    Returns
    -------
    AuthorityDecision
        ``external`` with the body whose evidence weighs most (ties: the first mentioned),
        or ``local`` with the reason: nothing found, counter-evidence, a body the tenant
        holds, a phrase that only names a landmark or a job ("depan spbu"), or evidence
        denied by "bukan".

    Raises
    ------
    InputError
        ``text`` is not a string or ``level`` is unknown.
    """
    if not isinstance(text, str):
        raise InputError(f"complaint text must be a string, not {type(text).__name__}")
    held = held_by_level(level)
    # Most complaints name no body at all: one set test on the words the router has just
    # normalised decides them, as reading every token would.
    seen = normalized_word_set(text)
    if not default_lexicon().may_find_evidence(seen) and (
        exceptions is None or not exceptions.matcher.may_find_evidence(seen)
    ):
        return _NOTHING_FOUND
    toks = authority_tokens(text)
    matches = default_lexicon().find(toks)
    if exceptions is not None:
        matches += exceptions.matcher.find(toks)
        held = held | exceptions.held if exceptions.held else held
    return _decide(matches, held, default_external_bodies())


def _decide(
    matches: list[Match], held: frozenset[str], bodies: Mapping[str, ExternalBody]
) -> AuthorityDecision:
    counters: dict[str, Match] = {}
    for match in matches:
        if match.pattern.polarity == "local":
            for body in match.pattern.bodies:
                counters.setdefault(body, match)
    scores: dict[str, list[int]] = {}
    first: dict[str, Match] = {}
    countered: tuple[Match, Match] | None = None
    kept: Match | None = None
    denied: Match | None = None
    mentioned: Match | None = None
    for match in matches:
        weight = _WEIGHT.get(match.pattern.polarity)
        if weight is None:
            continue
        (body,) = match.pattern.bodies
        counter = counters.get(body) or counters.get(ANY_BODY)
        if match.denied:
            denied = denied or match
        elif match.mention:
            mentioned = mentioned or match
        elif counter is not None:
            countered = countered or (match, counter)
        elif body in held:
            kept = kept or match
        else:
            score = scores.setdefault(body, [0, -match.start])
            score[0] += weight
            first.setdefault(body, match)
    if scores:
        best = max(scores, key=lambda key: tuple(scores[key]))
        name = bodies[best].name
        return AuthorityDecision(
            "external", best, name, f"'{first[best].pattern.phrase}' points to {name}"
        )
    if countered is not None:
        evidence, counter = countered
        reason = (
            f"'{counter.pattern.phrase}' keeps it local, although "
            f"'{evidence.pattern.phrase}' points to {bodies[_body(evidence)].name}"
        )
    elif kept is not None:
        reason = (
            f"'{kept.pattern.phrase}' points to {bodies[_body(kept)].name}, "
            "whose affairs this tenant holds"
        )
    elif mentioned is not None:
        reason = f"'{mentioned.pattern.phrase}' only names a landmark or a job"
    elif denied is not None:
        reason = f"'{denied.pattern.phrase}' is denied ('bukan') and nothing else points away"
    else:
        return _NOTHING_FOUND
    return AuthorityDecision("local", "", "", reason)


def _body(match: Match) -> str:
    (body,) = match.pattern.bodies
    return body
