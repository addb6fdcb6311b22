"""Masking of personal data: e-mail addresses, URLs, NIK numbers and phone numbers.

Runs before anything is stored, logged or shown. Imports only ``triage.errors``; the
normaliser imports it, never the reverse.

Obfuscations are folded before the patterns look, in two layers:

- the *text* loses what a reader cannot see (Unicode format characters such as zero-width
  spaces, joiners, bidi marks and the BOM; soft hyphens; variation selectors) and writes
  digits of every script as ASCII; this folded text is what is returned and stored;
- a *shadow* of the same length, seen only by the patterns, also reads every character whose
  NFKC form is one ASCII character as that character (``＠`` → ``@``, ``．`` → ``.``) and
  look-alike letters glued to digits as digits (``O``/``o`` → 0, ``I``/``l`` → 1). Because
  both have the same length, a span found in the shadow is masked at the same place in the
  text, and ordinary words keep their letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from triage.errors import InputError

# Placeholders are the ones the city systems already use in exported data.
EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[telepon]"
NIK_TOKEN = "[nik]"
URL_TOKEN = "[url]"

# What find_personal_data reports, in this order.
PERSONAL_DATA_KINDS = ("email", "nik", "telepon")

# Starting only where a run of address characters starts keeps a long run without an
# address linear: otherwise each of its characters would start a new scan to its end.
_EMAIL = re.compile(r"(?=[\w.+-])(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|net|org|ly|co)/\S*", re.I
)
# Every _URL match holds one of these literals (same flags, so the same case folding).
_URL_LITERALS = re.compile(r"https?://|www\.|\.(?:com|id|net|org|ly|co)/", re.I)

# Written-out e-mail addresses: "budi [at] gmail [dot] com", "budi at gmail dot co dot id".
# A bracketed "at"/"dot" is unambiguous; a bare word "at" also ends English sentences
# ("meet at pasar.baru"), so with bare words the address must end in a common TLD.
_AT = r"(?P<at>\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|titik)\s*[\])}>]\s*|\s+(?:dot|titik)\s+|\.)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_SPELLED_EMAIL = re.compile(
    rf"(?=[\w.+-])(?<![\w.+-])[\w.+-]*\w{_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})+)(?![\w-])", re.I
)
_BARE_WORD = re.compile(r"\s(?:at|dot|titik)\s|\s@|@\s", re.I)
_DOMAIN_LABELS = re.compile(rf"{_LABEL}", re.I)
_COMMON_TLDS = frozenset(
    "com net org id info biz edu gov io co me us uk sg my au jp cn de nl fr ca".split()
)

# Separators people (and people hiding numbers) put between digits: up to three spaces,
# dots, dashes or slashes, maybe after a closing and before an opening bracket
# ("0812 - 3456 - 7890", "0812/3456/7890", "(0812) - 3456", "0812 (3456) 7890"); never a
# line break, which would join the numbers of a numbered list.
_SEP = r"[)\]]?[ \t./-]{0,3}[(\[]?"
# Never start a number inside another one, right after "digit." or "digit-": "Rp
# 2.000.000.000" and "Rp 100.000-150.000" hold no phone number.
_START = r"(?<!\d)(?<!\d[.-])"
# Each pattern below opens with a lookahead for its first character: Python's re then skips
# to candidate positions in C instead of trying its lookbehinds at every character (6x).
# NIK: 16 digits, sometimes written in groups; checked before phones so it is not half-masked.
# It starts with a province code (11 to 94), never 0, so two phone numbers are not one NIK.
_NIK = re.compile(rf"(?=[1-9]){_START}[1-9](?:{_SEP}\d){{15}}(?!\d)")
# The groups of digits just before a position: where its number began.
# Each group ends in at least one separator, so the search stays linear in the window.
_CLUSTER_TAIL = re.compile(r"(?:[(+]?\d+(?:[)\]][ \t./-]{0,3}[(\[]?|[ \t./-]{1,3}[(\[]?|[(\[]))+$")
# Indonesian mobile and landline numbers: 0 or (+)62 and 8 to 12 more digits, an area code
# maybe in brackets ("(022) 4231234"); grouped any way and glued to a word ("hp0812..."),
# since people write them so.
_PHONE = re.compile(
    rf"(?=[(+06]){_START}(?:\((?=[^)]{{2,6}}\)))?(?:(?:\+{_SEP})?6{_SEP}2|0)(?:{_SEP}\d){{8,12}}(?!\d)"
)
# Dates and times standing alone are not phone numbers: "05-03-2024 10.30" has 12 digits.
# They are protected only when no further digit is glued on ("08.12.2019.5678" is a number).
_DATE_OR_TIME = re.compile(
    r"(?=\d)(?<!\d)(?<!\d[./:-])(?:"
    r"(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:(?:19|20)\d\d|\d\d)"
    r"|(?:19|20)\d\d([./-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:[01]?\d|2[0-3])[.:][0-5]\d"
    r")(?![./:-]?\d)"
)
# Look-alike letters count as digits only glued to a real digit ("O8l2", "2O24"), or alone
# between digits and single separators ("0 8 l 2"); "lol" and "Oleh" keep their letters.
_LOOKALIKE = re.compile(
    r"(?=[0-9OoIl])(?<![0-9OoIl])[0-9OoIl]*(?:[0-9][OoIl]|[OoIl][0-9])[0-9OoIl]*"
    r"|(?<=[0-9][\s.-])[OoIl](?=[\s.-][0-9])"
)
# Where _LOOKALIKE could match: a digit beside a look-alike, or one separator from it.
_LOOKALIKE_HINT = re.compile(r"\d(?:(?<=[OoIl]\d)|[OoIl]|[\s.-][OoIl][\s.-]\d)")
_LOOKALIKE_DIGITS = str.maketrans("OoIl", "0011")
_DIGIT_RUN = re.compile(r"\d+")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def mask_personal_data(text: str) -> str:
    """Replace e-mail addresses, URLs, NIK numbers and phone numbers by placeholders.

    Obfuscations are folded first: invisible characters (zero-width spaces and joiners, soft
    hyphens, bidi marks, variation selectors) are removed, digits of every script read as
    ASCII, look-alike letters inside digit runs as digits, ``[at]``, ``(at)``, `` at ``,
    ``[dot]``, `` dot `` and at-sign look-alikes as ``@`` and ``.``, and up to three spaces,
    dots, dashes, slashes or brackets may stand between digits.

    Parameters
    ----------
    text : str
        Raw complaint text.

    Returns
    -------
    str
        The text without invisible characters, digits of other scripts as ASCII digits, and
        ``[email]``, ``[url]``, ``[nik]`` and ``[telepon]`` in place of personal data;
        everything else is unchanged (dates, times, amounts, RT/RW and house numbers stay).
        Idempotent.
    """
    return _mask(text, guarded=True, with_urls=True)[0]


def find_personal_data(value: str) -> tuple[str, ...]:
    """The kinds of personal data in ``value``: any of ``"email"``, ``"nik"``, ``"telepon"``.

    For boundary checks on fields that must not hold personal data (identifiers, reviewer
    names): the same folding and patterns as :func:`mask_personal_data`, but URLs are not
    taken out first, so a phone number inside a link is still found.

    Parameters
    ----------
    value : str
        The field's value.

    Returns
    -------
    tuple of str
        The kinds found, each once, in the order of ``PERSONAL_DATA_KINDS``; empty if none.

    Raises
    ------
    InputError
        If ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise InputError(f"expected a string, got {type(value).__name__}")
    return _mask(value, guarded=True, with_urls=False)[1]


def holds_personal_data(value: str) -> bool:
    """Whether ``value`` holds a phone number, NIK, e-mail address or URL, obfuscated or not.

    For identifiers and names that are matched as sent and so cannot be masked: an invisible
    character alone, or digits of another script, are not personal data.

    Raises
    ------
    InputError
        If ``value`` is not a string.
    """
    return bool(find_personal_data(value)) or URL_TOKEN in mask_personal_data(value)


def fold_invisible(text: str) -> str:
    """``text`` without format characters, soft hyphens and variation selectors.

    What a reader cannot see must not change a token either: ``"ban\\u200bjir"`` is
    ``"banjir"``. The normaliser applies it before tokenising.
    """
    if text.isascii():
        return text
    return text.translate(_TEXT_TABLE)


def ascii_digits(text: str) -> str:
    """Digits of every script written as ASCII digits (``"０８１２"`` → ``"0812"``)."""
    if text.isascii():
        return text
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def mask_if_text(value: object) -> object:
    """:func:`mask_personal_data` of a string; any other value (None, NaN, a number) as it is.

    For table columns with gaps: ``frame[column].map(mask_if_text)`` keeps each gap as it was.
    """
    return mask_personal_data(value) if isinstance(value, str) else value


def _text_char(char: str) -> str:
    """How one non-ASCII character is stored: removed if invisible, ASCII if a digit."""
    category = unicodedata.category(char)
    if category == "Cf" or _is_variation_selector(char) or char == "\u034f":
        return ""  # U+034F, the combining grapheme joiner, is Mn but as invisible as U+200D
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char


def _shadow_char(char: str) -> str:
    """How one non-ASCII character is read by the patterns: its NFKC form if one ASCII char."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 and folded.isascii() else char


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


class _TextTable(dict[int, str]):
    """A str.translate table that computes each character's entry on first use."""

    def __init__(self, per_char: Callable[[str], str]) -> None:
        # ASCII maps to itself, found in C: raising LookupError for it costs a Python call
        # per character of every text that is not all ASCII.
        super().__init__({code: chr(code) for code in range(128)})
        self._per_char = per_char

    def __missing__(self, code: int) -> str:
        result = self._per_char(chr(code))
        # Bounded, so that a flood of rare characters cannot grow it without end.
        if len(self) < _TABLE_LIMIT:
            self[code] = result
        return result


_TABLE_LIMIT = 20_000
_TEXT_TABLE = _TextTable(_text_char)
_SHADOW_TABLE = _TextTable(_shadow_char)


def _mask(text: str, *, guarded: bool, with_urls: bool) -> tuple[str, tuple[str, ...]]:
    """Masked text and the kinds of personal data found; ``guarded`` takes the cheap exits."""
    if not text.isascii():
        text = text.translate(_TEXT_TABLE)
    shadow = text if text.isascii() else text.translate(_SHADOW_TABLE)
    found: list[str] = []
    # Cheap tests first: most complaints hold no e-mail, URL, NIK or phone number, and the
    # full patterns backtrack at every word or digit.
    if not guarded or "@" in shadow:
        text, shadow, hits = _replace(_EMAIL, EMAIL_TOKEN, text, shadow)
        if hits:
            found.append("email")
    if not guarded or _may_spell_email(shadow):
        text, shadow, hits = _replace(_SPELLED_EMAIL, EMAIL_TOKEN, text, shadow, _is_email)
        if hits:
            found.append("email")
    if with_urls and (not guarded or _URL_LITERALS.search(shadow)):
        text, shadow, _ = _replace(_URL, URL_TOKEN, text, shadow)
    # A number needs look-alike letters beside its real digits once it has fewer than 5 of
    # them ("O8lOOO000O" is a phone with four).
    digits = _count_digits(shadow)
    hinted = bool(digits) and guarded and _LOOKALIKE_HINT.search(shadow) is not None
    if not guarded or digits >= 5 or hinted:
        numbers = shadow
        if not guarded or hinted:
            numbers = _LOOKALIKE.sub(_as_digits, numbers)
            digits = _count_digits(numbers)
        if not guarded or digits >= 9:  # the shortest phone number, 0 + 2 + 3 + 3 digits
            numbers = _DATE_OR_TIME.sub(lambda m: "x" * len(m.group()), numbers)
            if not guarded or digits >= 16:  # a NIK has 16 digits
                text, numbers, hits = _replace(_NIK, NIK_TOKEN, text, numbers, _is_nik)
                if hits:
                    found.append("nik")
            text, numbers, hits = _replace(_PHONE, PHONE_TOKEN, text, numbers)
            if hits:
                found.append("telepon")
    return text, tuple(kind for kind in PERSONAL_DATA_KINDS if kind in found)


def _as_digits(match: re.Match[str]) -> str:
    """A run of digits and look-alike letters with the letters read as digits.

    Not a letter at the run's edge that is glued to a word: "no35" is "no" and 35, and
    "5liter" is 5 and "liter"; inside the run ("08l2"), at a free edge ("O812") or as the
    0 of "08" ("hpO812") it is.
    """
    run, string = match.group(), match.string
    start, end = match.span()
    glued_before = start > 0 and string[start - 1].isalpha()
    glued_after = end < len(string) and string[end].isalpha()
    head = len(run) - len(run.lstrip("OoIl")) if glued_before else 0
    if head == 1 and run[0] in "Oo" and run[1] == "8":
        head = 0  # "hpO812...": an O before 8 is the 0 of the mobile prefix 08
    tail = len(run) - len(run.rstrip("OoIl")) if glued_after else 0
    middle = run[head : len(run) - tail].translate(_LOOKALIKE_DIGITS)
    return run[:head] + middle + run[len(run) - tail :]


def _count_digits(text: str) -> int:
    # Ten counts in C are cheaper than one regex scan; the shadow holds only ASCII digits.
    return sum(map(text.count, "0123456789"))


def _may_spell_email(shadow: str) -> bool:
    """Whether ``shadow`` holds "@" or a word "at" (bare or bracketed): cheaper than _AT."""
    if "@" in shadow:
        return True
    low = shadow.lower()
    at = low.find("at")
    while at >= 0:
        before = low[at - 1] if at else ""
        after = low[at + 2 : at + 3]
        if (before.isspace() or before in _OPENING) and (after.isspace() or after in _CLOSING):
            return True
        at = low.find("at", at + 1)
    return False


_OPENING = frozenset("[({<")
_CLOSING = frozenset("])}>")


def _replace(
    pattern: re.Pattern[str],
    token: str,
    text: str,
    shadow: str,
    accept: Callable[[re.Match[str]], bool] | None = None,
) -> tuple[str, str, int]:
    """Replace in ``text`` and ``shadow`` alike every span where ``pattern`` matches ``shadow``."""
    pieces_text: list[str] = []
    pieces_shadow: list[str] = []
    last = 0
    hits = 0
    position = 0
    while (match := pattern.search(shadow, position)) is not None:
        start, end = match.span()
        if accept is not None and not accept(match):
            position = start + 1  # a rejected span may overlap the real one: look again
            continue
        position = end
        pieces_text += (text[last:start], token)
        pieces_shadow += (shadow[last:start], token)
        last = end
        hits += 1
    if not hits:
        return text, shadow, 0
    pieces_text.append(text[last:])
    pieces_shadow.append(shadow[last:])
    return "".join(pieces_text), "".join(pieces_shadow), hits


def _is_nik(match: re.Match[str]) -> bool:
    """Whether 16 digits are a NIK: not a reference number, nor two phone numbers' parts.

    "08123-4567-890 / 0812-34567-890" holds 16 digits from "4567" on; they start inside the
    first phone number, which a NIK written alone never does.
    """
    # Written whole, digit by digit, or in groups of two or more: "400/12/436.7.2/2022", a
    # letter's reference number, has 16 digits too.
    sizes = {len(group) for group in _DIGIT_RUN.findall(match.group())}
    if 1 in sizes and len(sizes) > 1:
        return False
    shadow, start = match.string, match.start()
    tail = _CLUSTER_TAIL.search(shadow, max(0, start - 60), start)
    if tail is None:
        return True
    phone = _PHONE.match(shadow, tail.start())
    return phone is None or phone.end() <= start


def _is_email(match: re.Match[str]) -> bool:
    """Whether a spelled-out address is one: with bare words, it must end in a common TLD."""
    domain = match.group("domain")
    tld = _DOMAIN_LABELS.findall(domain)[-1].lower()
    if not tld.isalpha() or len(tld) < 2:
        return False
    if _BARE_WORD.search(match.group("at")) or _BARE_WORD.search(domain):
        return tld in _COMMON_TLDS
    return True
