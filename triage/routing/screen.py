"""A screen for lexicon phrases: whether a complaint may hold one, from its set of words.

The conduct check and the authority decision read a complaint's tokens in full only when it
may hold one of their phrases.  A phrase matches only where every one of its tokens is a
token of the text, and a token can only come from a raw word among its
:func:`~triage.text.normalization.spellings` (the word set holds the pieces of hyphenated
and the folds of elongated words too).  So a text whose
:func:`~triage.text.normalization.normalized_word_set` misses some token of every phrase
cannot match any: the screen never turns away a text the full reading would accept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from triage.text.normalization import spellings

# A phrase as the screen sees it: for each of its tokens, the raw words that give it.
_Needs = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class PhraseScreen:
    """Phrases indexed by their longest token's spellings; ``keys`` None screens nothing."""

    keys: frozenset[str] | None
    needs: Mapping[str, tuple[_Needs, ...]]

    @classmethod
    def of(cls, phrases: Iterable[Sequence[str]], *, clitic: bool = False) -> PhraseScreen:
        """The screen of token ``phrases``; ``clitic``: a token may also be written with
        "-nya" (the authority tokens fold it)."""
        needs: dict[str, list[_Needs]] = {}
        for phrase in phrases:
            # Any number becomes "0": not a word to look for, the others still are.
            tokens = [token for token in dict.fromkeys(phrase) if token != "0"]
            if not tokens:
                return cls(None, {})
            forms: list[frozenset[str]] = []
            for token in tokens:
                found = spellings(token)
                extra = spellings(f"{token}nya") if clitic else frozenset()
                if found is None or extra is None:
                    return cls(None, {})
                forms.append(found | extra)
            needed = tuple(forms)
            # Indexed by its longest token, most often its rarest.
            key = max(range(len(tokens)), key=lambda i: len(tokens[i]))
            for form in needed[key]:
                needs.setdefault(form, []).append(needed)
        return cls(frozenset(needs), {form: tuple(group) for form, group in needs.items()})

    def may_hold(self, seen: AbstractSet[str]) -> bool:
        """Whether a text with the word set ``seen`` may hold one of the phrases."""
        if self.keys is None:
            return True
        for form in self.keys & seen:  # most often empty
            for needed in self.needs[form]:
                if all(not forms.isdisjoint(seen) for forms in needed):
                    return True
        return False
