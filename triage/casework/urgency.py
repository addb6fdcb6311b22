"""Urgency: does a complaint describe an emergency that belongs with 112, and by which words?

Rules live in ``triage/resources/urgency_lexicon.txt`` (its header explains the format and the
near-miss decisions). A rule fires on a trigger phrase that is not negated ("tidak ada
kebakaran"), not hypothetical or past ("rawan kecelakaan", "bekas kebakaran") and, when the
rule asks for one, has a companion within a few words ("kecelakaan" needs a victim: "korban",
"luka", "pingsan"; "tidak ada korban" is no victim). The evidence is the words that fired.

The words are the router's (``normalized_words``, cached per text), and a lexicon is compiled
once into phrase sets: one pass over the words finds every rule's triggers, and the windows
around a trigger are looked at only when there is one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from triage.casework.phrases import (
    IdentityCache,
    Match,
    Phrase,
    PhraseSet,
    parse_phrases,
    read_sections,
    text_words,
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


@dataclass(frozen=True)
class _CompiledRule:
    rule: UrgencyRule
    companions: PhraseSet
    not_after: PhraseSet
    not_before: PhraseSet


@dataclass(frozen=True)
class _Compiled:
    """A lexicon ready for one pass over a text: every rule's triggers in one phrase set."""

    rules: tuple[_CompiledRule, ...]
    triggers: PhraseSet
    # Which rules (by position) each trigger phrase belongs to.
    owners: dict[Phrase, tuple[int, ...]]
    negators: PhraseSet
    next_word_negators: PhraseSet
    negators_after: PhraseSet
    blockers: PhraseSet


def _compile(lexicon: UrgencyLexicon) -> _Compiled:
    owners: dict[Phrase, list[int]] = {}
    for index, rule in enumerate(lexicon.rules):
        for phrase in rule.triggers:
            if index not in owners.setdefault(phrase, []):
                owners[phrase].append(index)
    return _Compiled(
        rules=tuple(
            _CompiledRule(
                rule,
                PhraseSet(rule.companions),
                PhraseSet(rule.not_after),
                PhraseSet(rule.not_before),
            )
            for rule in lexicon.rules
        ),
        triggers=PhraseSet(owners),
        owners={phrase: tuple(indices) for phrase, indices in owners.items()},
        negators=PhraseSet(lexicon.negators),
        next_word_negators=PhraseSet(lexicon.next_word_negators),
        negators_after=PhraseSet(lexicon.negators_after),
        blockers=PhraseSet(lexicon.blockers),
    )


_compiled: IdentityCache[UrgencyLexicon, _Compiled] = IdentityCache(_compile, 64)


def _negated(words: Sequence[str], match: Match, lexicon: _Compiled) -> bool:
    return (
        lexicon.negators.ends_before(words, match, _NEGATION_SPAN)
        or lexicon.next_word_negators.ends_before(words, match, 1)
        or lexicon.negators_after.starts_after(words, match, _NEGATION_AFTER_SPAN)
        or lexicon.blockers.ends_before(words, match, _BLOCKER_SPAN)
    )


def _fire(
    words: Sequence[str], rule: _CompiledRule, triggers: list[Match], lexicon: _Compiled
) -> str | None:
    companions = rule.companions.find(words) if rule.rule.companions else []
    window = rule.rule.window
    for trigger in triggers:
        if (
            _negated(words, trigger, lexicon)
            or rule.not_after.ends_before(words, trigger, _BLOCKER_SPAN)
            or rule.not_before.starts_after(words, trigger, _NOT_BEFORE_SPAN)
        ):
            continue
        if not rule.rule.companions:
            return trigger.words
        for companion in companions:
            near = companion.start - trigger.end < window and trigger.start - companion.end < window
            overlaps = companion.start < trigger.end and trigger.start < companion.end
            if near and not overlaps and not _negated(words, companion, lexicon):
                first, second = sorted((trigger, companion), key=lambda m: m.start)
                return f"{first.words} … {second.words}"
    return None


def assess_words(words: Sequence[str], lexicon: UrgencyLexicon | None = None) -> Urgency:
    """:func:`assess_urgency` on words already normalised (:func:`text_words`)."""
    ready = _compiled(lexicon or urgency_lexicon())
    by_rule: dict[int, list[Match]] = {}
    # One pass over the words finds the triggers of every rule; most texts have none.
    for match in ready.triggers.find(words):
        for index in ready.owners[match.phrase]:
            by_rule.setdefault(index, []).append(match)
    for index in sorted(by_rule):
        evidence = _fire(words, ready.rules[index], by_rule[index], ready)
        if evidence is not None:
            rule = ready.rules[index].rule
            return Urgency(URGENT, rule.category, evidence)
    return Urgency(ROUTINE)


def assess_urgency(text: str, lexicon: UrgencyLexicon | None = None) -> Urgency:
    """Whether a complaint is an emergency for 112, with the category and the words that say so.

    Parameters
    ----------
    text : str
        The complaint as the reporter wrote it; its words are those the router reads
        (``triage.text.normalization.normalized_words``), elongations folded.
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
    return assess_words(text_words(text), lexicon)
