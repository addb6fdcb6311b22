"""Urgency: does a complaint describe an emergency that belongs with 112, and by which words?

Rules live in ``triage/resources/urgency_lexicon.txt`` (its header explains the format and the
near-miss decisions). A rule fires on a trigger phrase that is not negated ("tidak ada
kebakaran"), not hypothetical or past ("rawan kecelakaan", "bekas kebakaran") and, when the
rule asks for one, has a companion within a few words ("kecelakaan" needs a victim: "korban",
"luka", "pingsan"; "tidak ada korban" is no victim). The evidence is the words that fired.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from triage.casework.phrases import (
    Match,
    Phrase,
    find,
    followed_by,
    parse_phrases,
    preceded_by,
    read_sections,
    words_of,
)
from triage.errors import DataFileError, InputError

LEXICON_FILE = "urgency_lexicon.txt"
URGENT, ROUTINE = "urgent", "routine"
_NEGATION_SPAN, _NEGATION_AFTER_SPAN, _BLOCKER_SPAN, _NOT_BEFORE_SPAN = 3, 2, 2, 3


@dataclass(frozen=True)
class UrgencyRule:
    """One kind of emergency: its trigger phrases, required companions and voiding words."""

    name: str
    category: str
    triggers: tuple[Phrase, ...]
    companions: tuple[Phrase, ...] = ()
    window: int = 0
    not_after: tuple[Phrase, ...] = ()
    not_before: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class UrgencyLexicon:
    """The rules with the negation and blocker phrases every rule shares."""

    rules: tuple[UrgencyRule, ...]
    negators: tuple[Phrase, ...]
    next_word_negators: tuple[Phrase, ...]
    negators_after: tuple[Phrase, ...]
    blockers: tuple[Phrase, ...]


@dataclass(frozen=True)
class Urgency:
    """The verdict: ``level`` is "urgent" or "routine"; for urgent, the category and evidence."""

    level: str
    category: str | None = None
    evidence: str | None = None

    @property
    def urgent(self) -> bool:
        """True when the complaint should go to 112 now."""
        return self.level == URGENT


def _rule(name: str, fields: dict[str, str]) -> UrgencyRule:
    unknown = set(fields) - {"category", "trigger", "with", "window", "not_after", "not_before"}
    if unknown or "trigger" not in fields or "category" not in fields:
        raise DataFileError(
            f"{LEXICON_FILE} [{name}]: needs category and trigger"
            + (f"; unknown keys {sorted(unknown)}" if unknown else "")
        )
    companions = parse_phrases(fields.get("with", ""))
    try:
        window = int(fields.get("window", "8" if companions else "0"))
    except ValueError:
        raise DataFileError(f"{LEXICON_FILE} [{name}]: window must be a number") from None
    return UrgencyRule(
        name=name,
        category=fields["category"].strip(),
        triggers=parse_phrases(fields["trigger"]),
        companions=companions,
        window=window,
        not_after=parse_phrases(fields.get("not_after", "")),
        not_before=parse_phrases(fields.get("not_before", "")),
    )


@functools.cache
def urgency_lexicon() -> UrgencyLexicon:
    """The bundled lexicon, read and checked once per process."""
    sections = read_sections(LEXICON_FILE)
    negation = sections.pop("negation", {})
    blockers = sections.pop("blockers", {})
    if not sections:
        raise DataFileError(f"{LEXICON_FILE} holds no rules")
    return UrgencyLexicon(
        rules=tuple(_rule(name, fields) for name, fields in sections.items()),
        negators=parse_phrases(negation.get("before", "")),
        next_word_negators=parse_phrases(negation.get("before_1", "")),
        negators_after=parse_phrases(negation.get("after", "")),
        blockers=parse_phrases(blockers.get("before", "")),
    )


def _negated(words: Sequence[str], match: Match, lexicon: UrgencyLexicon) -> bool:
    return (
        preceded_by(words, match, lexicon.negators, _NEGATION_SPAN)
        or preceded_by(words, match, lexicon.next_word_negators, 1)
        or followed_by(words, match, lexicon.negators_after, _NEGATION_AFTER_SPAN)
        or preceded_by(words, match, lexicon.blockers, _BLOCKER_SPAN)
    )


def _fire(words: Sequence[str], rule: UrgencyRule, lexicon: UrgencyLexicon) -> str | None:
    companions = find(words, rule.companions) if rule.companions else []
    for trigger in find(words, rule.triggers):
        if (
            _negated(words, trigger, lexicon)
            or preceded_by(words, trigger, rule.not_after, _BLOCKER_SPAN)
            or followed_by(words, trigger, rule.not_before, _NOT_BEFORE_SPAN)
        ):
            continue
        if not rule.companions:
            return trigger.words
        for companion in companions:
            near = (
                companion.start - trigger.end < rule.window
                and trigger.start - companion.end < rule.window
            )
            overlaps = companion.start < trigger.end and trigger.start < companion.end
            if near and not overlaps and not _negated(words, companion, lexicon):
                first, second = sorted((trigger, companion), key=lambda m: m.start)
                return f"{first.words} … {second.words}"
    return None


def assess_urgency(text: str, lexicon: UrgencyLexicon | None = None) -> Urgency:
    """Whether a complaint is an emergency for 112, with the category and the words that say so.

    Parameters
    ----------
    text : str
        The complaint as the reporter wrote it; it is normalised with ``triage.text.normalize``.
    lexicon : UrgencyLexicon, optional
        The rules; the bundled ``urgency_lexicon.txt`` when omitted (tests inject small ones).

    Returns
    -------
    Urgency
        ``level="urgent"`` with ``category`` and ``evidence`` (e.g. "kecelakaan … luka") for
        the first rule that fires, in the lexicon's order; else ``level="routine"``.

    Raises
    ------
    InputError
        ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise InputError(f"a complaint text must be a string, not {type(text).__name__}")
    lexicon = lexicon or urgency_lexicon()
    words = words_of(text)
    for rule in lexicon.rules:
        evidence = _fire(words, rule, lexicon)
        if evidence is not None:
            return Urgency(URGENT, rule.category, evidence)
    return Urgency(ROUTINE)
