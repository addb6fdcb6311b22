"""Hypothesis strategies for personal data hidden the ways people hide it, and the check of
what a reader could still recover from masked text.

Imports nothing of Triase, so that the same cases can be run against an older masking
(see benchmarks/masking_probe.py).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st

# Filler words carry no digits and none of the look-alike letters O, o, I, l, so that every
# digit a reader recovers from the masked text came from the hidden number.
FILLER = (
    "banjir sampah rusak parah di depan rumah warga sudah minggu tapi tidak ada segera "
    "hubungi saya ke wa hp kirim at pak bu air macet pasar gang dekat sekarang kenapa terima "
    "kasih dari dan yang ini itu nik ktp surat nama bapak ibu anak kami mereka cepat aduan"
).split()
PUNCTUATION = (",", ".", "!", "?", ":")

# Every decimal digit of every script, found by its Unicode category rather than typed in.
_NON_ASCII_DIGITS: dict[int, list[str]] = {d: [] for d in range(10)}
for _code in range(128, sys.maxunicode + 1):
    _char = chr(_code)
    if unicodedata.category(_char) == "Nd":
        _NON_ASCII_DIGITS[unicodedata.decimal(_char)].append(_char)

INVISIBLE = st.one_of(
    st.characters(categories=["Cf"]),  # zero-width space/joiners, word joiner, BOM, bidi, U+00AD
    st.characters(min_codepoint=0xFE00, max_codepoint=0xFE0F),  # variation selectors
    st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]),
)
LOOKALIKE_LETTERS = {"0": ("O", "o"), "1": ("l", "I")}
# Between groups of digits: what people type, and the full-width forms of it.
GROUP_SEPARATORS = (" ", ".", "-", "/", " - ", " / ", ". ", "  ", "－", "．", "\u3000")
# Between single digits ("0 8 1 2"): one character, as people space out a number.
DIGIT_SEPARATORS = (" ", ".", "-")
AT_SIGNS = ("@", "[at]", "(at)", "{at}", " at ", " [at] ", "[ at ]", " (at) ", " AT ", "＠", "﹫")
DOTS = (".", "[dot]", "(dot)", " dot ", " [dot] ", "(DOT)", " titik ")
DOMAINS = (
    "gmail.com",
    "yahoo.co.id",
    "mail.surabaya.go.id",
    "outlook.com",
    "ymail.com",
    "its.ac.id",
    "kantor-kita.net",
    "warga.org",
    "pemkot.id",
)


@dataclass(frozen=True)
class HiddenData:
    """Personal data as written in a complaint, and what must not survive masking."""

    kind: str  # "telepon", "nik" or "email"
    secret: str  # the digits of the number, or local@domain
    written: str  # as obfuscated
    text: str  # the whole complaint
    obfuscations: tuple[str, ...]


@st.composite
def phone_digits(draw: st.DrawFn) -> tuple[str, str]:
    """(prefix as written, digits): Indonesian mobile numbers and landlines."""
    kind = draw(st.sampled_from(["08", "628", "+628", "landline"]))
    if kind == "landline":
        area = draw(st.sampled_from(["21", "22", "24", "31", "61", "274", "341", "361", "411"]))
        local = draw(st.text("0123456789", min_size=6, max_size=8))
        return "", "0" + area + draw(st.sampled_from("2345678")) + local[1:]
    total = draw(st.integers(10, 13))  # digits of the 08... form
    rest = draw(st.text("0123456789", min_size=total - 3, max_size=total - 3))
    body = "8" + draw(st.sampled_from("1235789")) + rest
    if kind == "08":
        return "", "0" + body
    return ("+" if kind.startswith("+") else ""), "62" + body


def _groups(draw: st.DrawFn, digits: str, first: int, kind: str) -> list[str]:
    style = draw(st.sampled_from(["plain", "groups", "each"]))
    if style == "plain":
        return [digits]
    if style == "each":
        return list(digits)
    if kind == "nik":
        sizes = draw(st.sampled_from([(4, 4, 4, 4), (6, 6, 4), (4, 4, 8), (8, 8)]))
    else:
        sizes = [first]
        while sum(sizes) < len(digits):
            sizes.append(draw(st.integers(3, 4)))
    out, at = [], 0
    for size in sizes:
        if at < len(digits):
            out.append(digits[at : at + size])
        at += size
    return out


@st.composite
def hidden_number(draw: st.DrawFn, kind: str) -> tuple[str, str, tuple[str, ...]]:
    """(digits, written form, obfuscations applied) of a phone number or a NIK."""
    if kind == "nik":
        prefix = ""
        digits = str(draw(st.integers(11, 94))) + draw(
            st.text("0123456789", min_size=14, max_size=14)
        )
        first = 4
    else:
        prefix, digits = draw(phone_digits())
        first = 4 if digits.startswith("08") else 3 if digits.startswith("0") else 2
    groups = _groups(draw, digits, first, kind)
    applied: list[str] = []
    single = all(len(g) == 1 for g in groups)
    chars: list[str] = []  # written characters; digits still ASCII here
    for i, group in enumerate(groups):
        if i:
            options = DIGIT_SEPARATORS if single else GROUP_SEPARATORS
            chars.extend(draw(st.sampled_from(options)))
        chars.extend(group)
    if len(groups) > 1:
        applied.append("separators")
    if kind != "nik" and len(groups) > 1 and not single and draw(st.booleans()):
        # "(0812) 3456 7890", "(022) 4231234"
        width = len(groups[0])
        chars = ["(", *chars[:width], ")", *chars[width:]]
        applied.append("brackets")
    if draw(st.booleans()):
        chars = _letter_lookalikes(draw, chars)
        if any(c in "OoIl" for c in chars):
            applied.append("letters")
    if draw(st.booleans()):
        for i, char in enumerate(chars):
            if char.isdigit() and draw(st.booleans()):
                chars[i] = draw(st.sampled_from(_NON_ASCII_DIGITS[int(char)]))
        applied.append("script digits")
    written = prefix + "".join(chars)
    if draw(st.booleans()):
        written = _insert_invisible(draw, written)
        applied.append("invisible")
    return digits, written, tuple(applied)


def _letter_lookalikes(draw: st.DrawFn, chars: list[str]) -> list[str]:
    """O/o for 0, l/I for 1, each beside a real digit (no two look-alikes side by side)."""
    out = list(chars)
    for i, char in enumerate(chars):
        if char not in LOOKALIKE_LETTERS or not draw(st.booleans()):
            continue
        left = out[i - 1] if i else ""
        right = chars[i + 1] if i + 1 < len(chars) else ""
        glued = left.isdigit() or right.isdigit()
        # Alone between single separators, as in "0 8 l 2": a digit two places either side.
        spaced = (
            i >= 2
            and i + 2 < len(chars)
            and left in DIGIT_SEPARATORS
            and right in DIGIT_SEPARATORS
            and out[i - 2].isdigit()
            and chars[i + 2].isdigit()
        )
        if glued or spaced:
            out[i] = draw(st.sampled_from(LOOKALIKE_LETTERS[char]))
    return out


def _insert_invisible(draw: st.DrawFn, written: str) -> str:
    positions = draw(st.lists(st.integers(0, len(written)), min_size=1, max_size=6))
    for position in sorted(positions, reverse=True):
        written = written[:position] + draw(INVISIBLE) + written[position:]
    return written


@st.composite
def hidden_email(draw: st.DrawFn) -> tuple[str, str, tuple[str, ...]]:
    """(local@domain, written form, obfuscations applied) of an e-mail address."""
    local = draw(st.from_regex(r"[a-z][a-z0-9_]{1,10}(?:\.[a-z0-9]{1,6})?", fullmatch=True))
    domain = draw(st.sampled_from(DOMAINS))
    at = draw(st.sampled_from(AT_SIGNS))
    applied = ["at"] if at != "@" else []
    labels = domain.split(".")
    written = local + at + labels[0]
    for label in labels[1:]:
        dot = draw(st.sampled_from(DOTS))
        if dot != ".":
            applied.append("dot")
        written += dot + label
    if draw(st.booleans()):
        written = _insert_invisible(draw, written)
        applied.append("invisible")
    return f"{local}@{domain}", written, tuple(dict.fromkeys(applied))


@st.composite
def complaints_with(draw: st.DrawFn, kind: str) -> HiddenData:
    """A complaint of filler words with one phone number, NIK or e-mail address hidden in it."""
    if kind == "email":
        secret, written, applied = draw(hidden_email())
        glue = draw(st.sampled_from([" ", ": ", "\n", " (", " ke "]))
        after = draw(st.sampled_from([" ", ", ", " ", "\n", ") "]))
    else:
        secret, written, applied = draw(hidden_number(kind))
        glue = draw(st.sampled_from([" ", ": ", "", "\n", " (", " ke ", "="]))
        after = draw(st.sampled_from([" ", ", ", "\n", ") ", ""]))
    words = st.lists(st.sampled_from(FILLER + list(PUNCTUATION)), max_size=8).map(" ".join)
    before, behind = draw(words), draw(words)
    visible = [c for c in written if unicodedata.category(c) != "Cf" and c.isprintable()]
    if not glue and visible[0] in "OoIl":
        glue = "="  # glued to a word, "noO812" is read as the word "noO" and 812 (by design)
    if not after and behind[:1].isalnum():
        after = " "  # a word glued on after the number would be part of it
    text = f"{before}{glue}{written}{after}{behind}"
    return HiddenData(kind, secret, written, text, applied)


_PLACEHOLDER = re.compile(r"\[(?:email|telepon|nik|url)\]")
_SPELLED_AT = re.compile(r"\s*[\[({]\s*at\s*[\])}]\s*|\s+at\s+", re.I)
_SPELLED_DOT = re.compile(r"\s*[\[({]\s*(?:dot|titik)\s*[\])}]\s*|\s+(?:dot|titik)\s+", re.I)


def read_back(masked: str) -> str:
    """What a reader sees in ``masked``: nothing invisible, NFKC, every digit as ASCII."""
    visible = "".join(
        char
        for char in _PLACEHOLDER.sub(" | ", masked)
        if unicodedata.category(char) != "Cf" and not "\ufe00" <= char <= "\ufe0f"
    )
    visible = unicodedata.normalize("NFKC", visible)
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in visible
    )


def survives(case: HiddenData, masked: str) -> bool:
    """Whether a reader can still recover the hidden data from ``masked``.

    A number survives when any 9 of its digits in a row can be read, look-alike letters read
    as digits; an address when ``local@domain`` can be read with [at]/[dot] spelt out.
    """
    seen = read_back(masked)
    if case.kind == "email":
        spelled = _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", seen)).lower()
        return case.secret in spelled.replace(" ", "")
    digits = "".join(re.findall(r"\d", seen.translate(str.maketrans("OoIl", "0011"))))
    return any(case.secret[i : i + 9] in digits for i in range(len(case.secret) - 8))
