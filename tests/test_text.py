"""Text normalisation: masking, slang, elongation, stopwords, stemming, and its contracts."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from triage.text.normalization import (
    TextNormalizer,
    fold_elongation,
    mask_if_text,
    mask_personal_data,
    normalize,
    tokens,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("hubungi 0812-3456-7890 ya", "hubungi [telepon] ya"),
        ("wa +62 812 3456 7890", "wa [telepon]"),
        ("telp (022) 4231234", "telp [telepon]"),
        ("NIK 3273012345678901 tolong", "NIK [nik] tolong"),
        ("NIK 3273 0123 4567 8901", "NIK [nik]"),
        ("email budi.s@mail.co.id", "email [email]"),
        ("lihat https://bit.ly/abc123 dan www.contoh.id/x", "lihat [url] dan [url]"),
        ("rt 05 rw 08 no 12", "rt 05 rw 08 no 12"),
        ("tanggal 12-01-2024 jam 10.30", "tanggal 12-01-2024 jam 10.30"),
        ("no.hp08123456789 atau wa0812 3456 789", "no.hp[telepon] atau wa[telepon]"),
        ("hub 08123-4567-890 / 0812-34567-890", "hub [telepon] / [telepon]"),
        ("telp ０８１２ ３４５６ ７８９０", "telp [telepon]"),
        ("kantor 022 4231234 atau (0274)512345", "kantor [telepon] atau [telepon]"),
        ("RT ０５ sudah 3 kali, biaya Rp 1.500.000", "RT 05 sudah 3 kali, biaya Rp 1.500.000"),
        ("kode 0812345 dan 62 orang", "kode 0812345 dan 62 orang"),
    ],
)
def test_mask_personal_data(raw: str, masked: str) -> None:
    assert mask_personal_data(raw) == masked


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, 7])
def test_mask_if_text_leaves_values_that_are_not_text_as_they_are(value: object) -> None:
    assert mask_if_text(value) is value
    assert mask_if_text("wa 081234567890") == "wa [telepon]"


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("parahhh", "parah"),
        ("tolonggg", "tolong"),
        ("maaaaf", "maaf"),
        ("jalan", "jalan"),
        ("bangettt", "banget"),
    ],
)
def test_fold_elongation(word: str, folded: str) -> None:
    assert fold_elongation(word) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jln rusak parahhh", ["jalan", "rusak", "parah"]),
        ("lampu pju gak nyala", ["lampu", "pju", "tidak", "nyala"]),
        ("di gg mawar kel sukajadi", ["gang", "mawar", "lurah", "sukajadi"]),
        ("sampah belum diangkut", ["sampah", "belum", "angkut"]),
        ("banjir-banjir terus", ["banjir", "terus"]),
        ("rumah no 12", ["rumah", "nomor", "0"]),
        ("hub 081234567890", ["hubung", "telepon"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize("negation", ["tidak", "belum", "bukan", "jangan", "tanpa", "kurang"])
def test_negations_survive(negation: str) -> None:
    assert negation in tokens(f"air {negation} mengalir")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokens_never_crash(text: str) -> None:
    out = tokens(text)
    assert all(isinstance(t, str) and t and " " not in t for t in out)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_masking_and_normalize_are_idempotent(text: str) -> None:
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once
    assert normalize(normalize(text)) == normalize(text)


def test_transformer_contract() -> None:
    docs = ["jalan rusak parah", "", "lampu pju mati"]
    normalizer = TextNormalizer()
    assert normalizer.fit(docs) is normalizer
    out = normalizer.transform(pd.Series(docs + [None]))
    assert out[1] == ""
    assert out[3] == ""
    assert clone(normalizer).get_params() == normalizer.get_params()
    again = pickle.loads(pickle.dumps(normalizer))
    assert again.transform(docs) == normalizer.transform(docs)
    assert TextNormalizer(stemming=False).transform(["perbaikan jalan"]) == ["perbaikan jalan"]
    with pytest.raises(TypeError):
        normalizer.transform("one string")


@pytest.mark.parametrize("doc", ["jalan rusak parah", "a bb ccc dddd", "x", "", "abcdefgh ij"])
def test_cached_char_ngrams_match_scikit_learn(doc: str) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from triage.text.normalization import char_wb_ngrams

    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    assert sorted(char_wb_ngrams(doc)) == sorted(reference(doc))


def test_word_cache_gives_the_same_tokens_as_a_cold_start() -> None:
    from triage.text.normalization import clear_stem_cache

    text = "Jln gg mawar rusak parahhh, air gak ngalir udh 3 hari. Hub 081234567890"
    warm = tokens(text)
    clear_stem_cache()
    assert tokens(text) == warm
    assert tokens(text, stemming=False) != warm


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("NIK 3 2 7 3 0 1 2 3 4 5 6 7 8 9 0 1 ya", "NIK [nik] ya"),
        ("buka http://localhost/lapor", "buka [url]"),
    ],
)
def test_fast_paths_do_not_skip_personal_data(raw: str, masked: str) -> None:
    assert mask_personal_data(raw) == masked


# Pieces that make the masking patterns fire or nearly fire: digits (ASCII and Arabic-Indic),
# separators, URL starts and endings in odd cases (re.I also folds ſ, K, ı), e-mail parts.
_PII_PIECES = st.sampled_from(
    ["0", "8", "62", "+62", "(022)", "021", "123", "4567", "١٢٣", "１２", "０", "1234", " ", ".",
     "-", "/", "hp", "O", "l", "\u200b", "\u00ad", "\ufe0f", " at ", "[at]", "(dot)", " dot ",
     "＠", "－", "05-03-2024", "10.30",
     "@", "www.", "WwW.",
     "http://", "httpſ://", "HTTPS://", ".co.id/", ".CoM/", ".ıd/", "a", "budi", "\u212a"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@example("telp 021123456 ya")  # the shortest phone number: 9 digits
@example("NIK 3 2 7 3 0 1 2 3 4 5 6 7 8 9 0 1")  # 16 digits, none adjacent
@example("lapor HTTPſ://x dan WwW.surabaya atau kota.go.ıd/lapor")
@given(st.lists(_PII_PIECES | st.text(max_size=2), max_size=40).map("".join))
def test_masking_prechecks_skip_only_what_the_patterns_would_not_match(text: str) -> None:
    from triage.text import masking as module

    masked, kinds = module._mask(text, guarded=False, with_urls=True)
    assert mask_personal_data(text) == masked
    assert module.find_personal_data(text) == module._mask(text, guarded=False, with_urls=False)[1]
