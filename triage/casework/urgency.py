"""Urgency: does a complaint describe an emergency that belongs with 112, and by which words?

Rules live in ``triage/resources/urgency_lexicon.txt`` (its header explains the format and the
near-miss decisions). A rule fires on a trigger phrase that is not negated ("tidak ada
kebakaran"), not hypothetical or past ("rawan kecelakaan", "bekas kebakaran") and, when the
rule asks for one, has a companion within a few words ("kecelakaan" needs a victim: "korban",
"luka", "pingsan"; "tidak ada korban" is no victim) and, when it asks for a second one, that
too ("tumbang" needs a tree near it and a victim). The evidence is the words that fired, as
written.  Word classes (``<neg>``), affixed roots (``~tindih``), the spelling table and
one-letter typos of long lexicon words are in ``urgency_words``.

The words are the router's (``normalized_words``, cached per text), and a lexicon is compiled
once into phrase sets: one pass over the words finds every rule's triggers, and the windows
around a trigger are looked at only when there is one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from triage.casework.phrases import (
    IdentityCache,
    Match,
    Phrase,
    PhraseSet,
    parse_phrases,
    read_sections,
    text_words,
)
from triage.casework.urgency_words import WordFolder, WordForms
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
    # A second companion group, also required, within ``also_window`` words of the trigger.
    also: tuple[Phrase, ...] = ()
    also_window: int = 0


@dataclass(frozen=True)
class UrgencyLexicon:
    """The rules with the negation and blocker phrases every rule shares, and how a text's
    words are folded before matching (``spelling``; typos of lexicon words at least
    ``typo_min_length`` letters long, none when 0)."""

    rules: tuple[UrgencyRule, ...]
    negators: tuple[Phrase, ...]
    next_word_negators: tuple[Phrase, ...]
    negators_after: tuple[Phrase, ...]
    blockers: tuple[Phrase, ...]
    spelling: Mapping[str, str] = field(default_factory=dict)
    typo_min_length: int = 0


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


_RULE_KEYS = {"category", "trigger", "with", "window", "and", "and_window"}
_RULE_KEYS |= {"not_after", "not_before"}


def _number(name: str, key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DataFileError(f"{LEXICON_FILE} [{name}]: {key} must be a number") from None


def _rule(name: str, fields: dict[str, str], forms: WordForms) -> UrgencyRule:
    unknown = set(fields) - _RULE_KEYS
    if unknown or "trigger" not in fields or "category" not in fields:
        raise DataFileError(
            f"{LEXICON_FILE} [{name}]: needs category and trigger"
            + (f"; unknown keys {sorted(unknown)}" if unknown else "")
        )

    def phrases(key: str) -> tuple[Phrase, ...]:
        try:
            return forms.expand(parse_phrases(fields.get(key, "")))
        except ValueError as error:
            raise DataFileError(f"{LEXICON_FILE} [{name}] {key}: {error}") from None

    companions, also = phrases("with"), phrases("and")
    return UrgencyRule(
        name=name,
        category=fields["category"].strip(),
        triggers=phrases("trigger"),
        companions=companions,
        window=_number(name, "window", fields.get("window", "8" if companions else "0")),
        not_after=phrases("not_after"),
        not_before=phrases("not_before"),
        also=also,
        also_window=_number(name, "and_window", fields.get("and_window", "8" if also else "0")),
    )


def _word_forms(sections: dict[str, dict[str, str]]) -> tuple[WordForms, int]:
    """The [classes], [affixes] and [spelling] sections (removed from ``sections``)."""
    classes = sections.pop("classes", {})
    affixes = sections.pop("affixes", {})
    spelling_section = sections.pop("spelling", {})
    typo_min_length = _number("spelling", "typo_min_length", spelling_section.pop("typos", "0"))
    spelling = {
        variant: canonical.strip()
        for canonical, variants in spelling_section.items()
        for (variant,) in parse_phrases(variants)
    }
    forms = WordForms(
        classes={name: tuple(" ".join(p) for p in parse_phrases(v)) for name, v in classes.items()},
        prefixes=tuple(" ".join(p) for p in parse_phrases(affixes.get("prefixes", ""))),
        suffixes=tuple(" ".join(p) for p in parse_phrases(affixes.get("suffixes", ""))),
        spelling=spelling,
    )
    return forms, typo_min_length


@functools.cache
def urgency_lexicon() -> UrgencyLexicon:
    """The bundled lexicon, read and checked once per process."""
    sections = read_sections(LEXICON_FILE)
    forms, typo_min_length = _word_forms(sections)
    negation = sections.pop("negation", {})
    blockers = sections.pop("blockers", {})
    if not sections:
        raise DataFileError(f"{LEXICON_FILE} holds no rules")
    return UrgencyLexicon(
        rules=tuple(_rule(name, fields, forms) for name, fields in sections.items()),
        negators=forms.expand(parse_phrases(negation.get("before", ""))),
        next_word_negators=forms.expand(parse_phrases(negation.get("before_1", ""))),
        negators_after=forms.expand(parse_phrases(negation.get("after", ""))),
        blockers=forms.expand(parse_phrases(blockers.get("before", ""))),
        spelling=forms.spelling,
        typo_min_length=typo_min_length,
    )


@dataclass(frozen=True)
class _CompiledRule:
    rule: UrgencyRule
    companions: PhraseSet
    not_after: PhraseSet
    not_before: PhraseSet
    also: PhraseSet


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
    fold: WordFolder


def _single_words(rules: Sequence[UrgencyRule]) -> set[str]:
    """The one-word triggers and companions written in full: what a typo may be read as."""
    every = (p for r in rules for p in (*r.triggers, *r.companions, *r.also))
    return {p[0] for p in every if len(p) == 1 and p[0].isalpha()}


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
                PhraseSet(rule.also),
            )
            for rule in lexicon.rules
        ),
        triggers=PhraseSet(owners),
        owners={phrase: tuple(indices) for phrase, indices in owners.items()},
        negators=PhraseSet(lexicon.negators),
        next_word_negators=PhraseSet(lexicon.next_word_negators),
        negators_after=PhraseSet(lexicon.negators_after),
        blockers=PhraseSet(lexicon.blockers),
        fold=WordFolder(lexicon.spelling, _single_words(lexicon.rules), lexicon.typo_min_length),
    )


_compiled: IdentityCache[UrgencyLexicon, _Compiled] = IdentityCache(_compile, 64)


def _negated(words: Sequence[str], match: Match, lexicon: _Compiled) -> bool:
    return (
        lexicon.negators.ends_before(words, match, _NEGATION_SPAN)
        or lexicon.next_word_negators.ends_before(words, match, 1)
        or lexicon.negators_after.starts_after(words, match, _NEGATION_AFTER_SPAN)
        or lexicon.blockers.ends_before(words, match, _BLOCKER_SPAN)
    )


def _companion(
    words: Sequence[str], trigger: Match, phrases: PhraseSet, window: int, lexicon: _Compiled
) -> Match | None:
    """The first of ``phrases`` within ``window`` words of ``trigger``, apart from it, not
    negated; only the words that near are read."""
    reach = window + phrases.longest
    for companion in phrases.find(words, trigger.start - reach, trigger.end + reach):
        near = companion.start - trigger.end < window and trigger.start - companion.end < window
        overlaps = companion.start < trigger.end and trigger.start < companion.end
        if near and not overlaps and not _negated(words, companion, lexicon):
            return companion
    return None


def _fire(
    words: Sequence[str],
    written: Sequence[str],
    rule: _CompiledRule,
    triggers: list[Match],
    lexicon: _Compiled,
) -> str | None:
    for trigger in triggers:
        # Companions first: most triggers ("anak", "jatuh") have none near, and that is
        # one look at the words around them instead of the negation checks' several.
        evidence = [trigger]
        for wanted, phrases, window in (
            (rule.rule.companions, rule.companions, rule.rule.window),
            (rule.rule.also, rule.also, rule.rule.also_window),
        ):
            if wanted:
                companion = _companion(words, trigger, phrases, window, lexicon)
                if companion is None:
                    break
                evidence.append(companion)
        else:
            if (
                _negated(words, trigger, lexicon)
                or rule.not_after.ends_before(words, trigger, _BLOCKER_SPAN)
                or rule.not_before.starts_after(words, trigger, _NOT_BEFORE_SPAN)
            ):
                continue
            parts = sorted(evidence, key=lambda m: m.start)
            # A hypothetical word between the pieces voids them all: "dahan itu dikhawatirkan
            # patah kena siswa", "tolong dipangkas sebelum patah kena kepala orang lewat".
            if _blocked_between(words, parts, lexicon):
                continue
            # The words as the reporter wrote them, not as folded for matching.
            return " … ".join(" ".join(written[m.start : m.end]) for m in parts)
    return None


def _blocked_between(words: Sequence[str], parts: list[Match], lexicon: _Compiled) -> bool:
    if len(parts) < 2:
        return False
    found = lexicon.blockers.find(words, parts[0].end, parts[-1].start)
    return any(not any(p.start < b.end and b.start < p.end for p in parts) for b in found)


def assess_words(words: Sequence[str], lexicon: UrgencyLexicon | None = None) -> Urgency:
    """:func:`assess_urgency` on words already normalised (:func:`text_words`)."""
    ready = _compiled(lexicon or urgency_lexicon())
    folded = ready.fold(words)
    by_rule: dict[int, list[Match]] = {}
    # One pass over the words finds the triggers of every rule; most texts have none.
    for match in ready.triggers.find(folded):
        for index in ready.owners[match.phrase]:
            by_rule.setdefault(index, []).append(match)
    for index in sorted(by_rule):
        evidence = _fire(folded, words, ready.rules[index], by_rule[index], ready)
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
