"""Register transforms for synthetic complaints: slang, typos, elongation, emoji, code-mixing.

Rates differ by register so that formal letters stay nearly clean while WhatsApp-style
messages carry what real ones do: abbreviations, dropped punctuation, repeated letters,
Sundanese and English words. Tokens holding digits or ``@`` are never touched, so phone
numbers, NIKs and e-mail addresses keep their shape for the redaction tests.
"""

from __future__ import annotations

import math
import random
import re
from functools import cache

from triage.sample.loader import tables

# A whole token of letters with optional trailing punctuation: never part of an address.
_WORD = re.compile(r"(?<!\S)([^\W\d_]{4,})(?=[.,!?:;]*(?:\s|$))")

# A full stop after a word of four letters or more: not one of "Jl.", "Kel.", "No.".
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{4})\.(\s)")

# (slang share, typo share per word, elongation, interjection, emoji, lower-case)
_RATES: dict[str, tuple[float, float, float, float, float, float]] = {
    "formal": (0.0, 0.003, 0.0, 0.0, 0.0, 0.0),
    "semi": (0.12, 0.008, 0.05, 0.05, 0.1, 0.05),
    "chat": (0.6, 0.025, 0.35, 0.3, 0.4, 0.8),
    "operator": (0.0, 0.006, 0.0, 0.0, 0.0, 0.0),
}


@cache
def _slang_words() -> re.Pattern[str]:
    # Longest first, so that "sudah lama" is rewritten as a whole before "sudah".
    slang = tables().register.slang
    alternatives = "|".join(sorted(map(re.escape, slang), key=len, reverse=True))
    return re.compile(r"\b(" + alternatives + r")\b", re.IGNORECASE)


@cache
def _elongate_words() -> re.Pattern[str]:
    words = "|".join(map(re.escape, tables().register.elongate))
    return re.compile(r"\b(" + words + r")\b", re.IGNORECASE)


def _slang(text: str, share: float, rnd: random.Random) -> str:
    slang = tables().register.slang

    def swap(match: re.Match[str]) -> str:
        if rnd.random() >= share:
            return match.group(0)
        options = slang[match.group(0).lower()]
        return options[rnd.randrange(len(options))]

    return _slang_words().sub(swap, text)


def typo(word: str, rnd: random.Random) -> str:
    """Swap two neighbouring letters, drop one, or double one; never the first letter."""
    i = rnd.randrange(1, len(word) - 1)
    op = rnd.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _typos(text: str, share: float, rnd: random.Random) -> str:
    # Jump from typo to typo by geometric gaps instead of drawing once per word, and do not
    # even find the words when the first jump lands past the most a text this long can hold.
    log_keep = math.log(1.0 - share)
    i = int(math.log(1.0 - rnd.random()) / log_keep)
    if i >= (len(text) + 1) // 5:
        return text
    words = list(_WORD.finditer(text))
    out: list[str] = []
    last = 0
    while i < len(words):
        m = words[i]
        out += [text[last : m.start()], typo(m.group(0), rnd)]
        last = m.end()
        i += 1 + int(math.log(1.0 - rnd.random()) / log_keep)
    return "".join(out) + text[last:]


def _elongate(text: str, rnd: random.Random) -> str:
    matches = list(_elongate_words().finditer(text))
    if not matches:
        return text
    m = matches[rnd.randrange(len(matches))]
    word = m.group(0)
    return text[: m.start()] + word + word[-1] * rnd.randint(2, 4) + text[m.end() :]


def _chat_punctuation(text: str, rnd: random.Random) -> str:
    # People typing on a phone rarely end sentences with full stops.
    style = rnd.randrange(4)
    if style < 3:
        text = _SENTENCE_END.sub(("\\1", ",\\1", "..\\1")[style], text)
    text = text.rstrip(".")
    if rnd.random() < 0.15:
        text += "!" * rnd.randint(1, 3)
    elif rnd.random() < 0.1:
        text += "?" * rnd.randint(1, 2)
    return text


def informalise(text: str, register: str, rnd: random.Random) -> str:
    """Apply the register's slang, typos, elongation, interjections and emoji to ``text``."""
    slang, typos, elongation, interjection, emoji, lower = _RATES[register]
    if slang:
        text = _slang(text, slang, rnd)
    if rnd.random() < lower:
        text = text.lower()
    if register == "chat":
        text = _chat_punctuation(text, rnd)
    if rnd.random() < elongation:
        text = _elongate(text, rnd)
    decorations = tables().register
    if rnd.random() < interjection:
        word = decorations.interjections[rnd.randrange(len(decorations.interjections))]
        text = f"{word} {text}" if rnd.random() < 0.5 else f"{text} {word}"
    if typos:
        text = _typos(text, typos, rnd)
    if rnd.random() < emoji:
        text = f"{text} {decorations.emoji[rnd.randrange(len(decorations.emoji))]}"
    return text
