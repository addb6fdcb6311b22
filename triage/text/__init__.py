"""Text: from a citizen's raw message to normalised, stemmed tokens.

Masking of personal data, Unicode and slang normalisation, our lexicons, Sastrawi's stemmer.
Imports only ``triage.errors`` and ``triage.resources`` (data); nothing of the model or store.
"""

from __future__ import annotations

# Saved models pickle ``triage.text.TextNormalizer`` and ``triage.text.char_wb_ngrams`` (the
# module before the move into this folder): keep both names here so that they still load.
from triage.text.masking import (
    find_personal_data,
    fold_invisible,
    holds_personal_data,
    mask_if_text,
    mask_personal_data,
)
from triage.text.normalization import TextNormalizer, char_wb_ngrams, normalize, tokens

__all__ = [
    "TextNormalizer",
    "char_wb_ngrams",
    "find_personal_data",
    "fold_invisible",
    "holds_personal_data",
    "mask_if_text",
    "mask_personal_data",
    "normalize",
    "tokens",
]
