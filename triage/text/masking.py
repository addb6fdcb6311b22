"""Masking of personal data: e-mail addresses, URLs, NIK numbers and phone numbers.

Runs before anything is stored, logged or shown. Imports nothing of Triase; the normaliser
imports it, never the reverse.
"""

from __future__ import annotations

import re
import unicodedata

# Placeholders are the ones the city systems already use in exported data.
EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[telepon]"
NIK_TOKEN = "[nik]"
URL_TOKEN = "[url]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|net|org|ly|co)/\S*", re.I
)
# NIK: 16 digits, sometimes written in groups; checked before phones so it is not half-masked.
_NIK = re.compile(r"(?<!\d)(?:\d[ .-]?){15}\d(?!\d)")
# Indonesian mobile and landline numbers: 0 or (+)62 and 8 to 12 more digits, or an area code
# in brackets and 6 to 8 more; grouped any way (0812-3456-7890, 08123-4567-890, 0812 34567
# 890) and glued to a word ("hp08123456789"), since people write them so.
_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+?62|0)(?:[\s.-]?\d){8,12}|\(0\d{2,3}\)(?:[\s.-]?\d){6,8})(?!\d)"
)
# Digits of other scripts: full-width (０８１２) and Arabic-Indic numbers are masked alike.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
# Every _URL match holds one of these literals (same flags, so the same case folding).
_URL_LITERALS = re.compile(r"https?://|www\.|\.(?:com|id|net|org|ly|co)/", re.I)
_DIGIT = re.compile(r"\d")


def mask_personal_data(text: str) -> str:
    """Replace e-mail addresses, URLs, NIK numbers and phone numbers by placeholders.

    Parameters
    ----------
    text : str
        Raw complaint text.

    Returns
    -------
    str
        The text with ``[email]``, ``[url]``, ``[nik]`` and ``[telepon]`` in place of personal
        data and digits of other scripts as ASCII digits; everything else is unchanged.
        Idempotent.
    """
    text = ascii_digits(text)
    # Cheap tests first, each implied by its pattern: most complaints hold no e-mail, URL,
    # NIK or phone number, and the full patterns backtrack at every word or digit.
    if "@" in text:
        text = _EMAIL.sub(EMAIL_TOKEN, text)
    if _URL_LITERALS.search(text):
        text = _URL.sub(URL_TOKEN, text)
    digits = len(_DIGIT.findall(text))
    if digits >= 16:  # a NIK has 16 digits
        text = _NIK.sub(NIK_TOKEN, text)
        digits = len(_DIGIT.findall(text))
    if digits >= 9:  # the shortest phone number, 0 + 2 + 3 + 3 digits
        text = _PHONE.sub(PHONE_TOKEN, text)
    return text


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
