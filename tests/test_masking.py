"""Masking of personal data against obfuscation, without over-masking ordinary numbers."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.pii_cases import FILLER, HiddenData, complaints_with, survives
from triage import TriageModel
from triage.errors import InputError
from triage.text import (
    find_personal_data,
    fold_invisible,
    holds_personal_data,
    mask_personal_data,
    tokens,
)
from triage.text.masking import PERSONAL_DATA_KINDS


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("wa 0812\u200b3456\u200b7890 ya", "wa [telepon] ya"),
        ("wa 0812\u00ad3456\u2060789\ufeff0", "wa [telepon]"),
        ("NIK 3273\u200d0123\u200c4567\u200e8901", "NIK [nik]"),
        ("email budi\u200b@gmail.com", "email [email]"),
        ("email budi[at]gmail.com", "email [email]"),
        ("email budi (at) gmail (dot) co (dot) id", "email [email]"),
        ("email budi at gmail dot com ya", "email [email] ya"),
        ("email budi＠gmail．com", "email [email]"),
        ("email budi {AT} mail [dot] surabaya [dot] go [dot] id", "email [email]"),
        ("hp O8l2-3456-789O", "hp [telepon]"),
        ("hpO8123456789 no35 5liter", "hp[telepon] no35 5liter"),
        ("hp 0 8 l 2 3 4 5 6 7 8 9 0", "hp [telepon]"),
        ("hp ٠٨١٢٣٤٥٦٧٨٩٠", "hp [telepon]"),
        ("hp ０８１２／３４５６／７８９０", "hp [telepon]"),
        ("hp (0812) 3456/7890", "hp [telepon]"),
        ("hp 0812 - 3456 - 7890", "hp [telepon]"),
        ("hp 0812/3456/7890", "hp [telepon]"),
        ("hp (0812 3456 7890)", "hp ([telepon])"),
        ("wa 0812-3456-7890/0813-1111-2222", "wa [telepon]/[telepon]"),
        ("NIK 3273.0123.4567.8901", "NIK [nik]"),
        ("NIK 3273/0123/4567/8901", "NIK [nik]"),
    ],
)
def test_obfuscated_personal_data_is_masked(raw: str, masked: str) -> None:
    assert mask_personal_data(raw) == masked


@pytest.mark.parametrize(
    "text",
    [
        "meet at 5",
        "saya tunggu at rumah.kos nomor 3",
        "dia di rumah at jl.merdeka",
        "RT 03 RW 05 kel. Sukajadi",
        "Jl. Merdeka No. 12",
        "tanggal 12-03-2024 jam 10.30",
        "tgl 05-03-2024 10.30 banjir lagi",
        "dari 01-02-2024 - 05-02-2024 belum diangkut",
        "2024-03-05 08.15 lampu mati",
        "jam 09.30 0812 belum datang",
        "biaya Rp 150.000",
        "Rp 2.000.000.000 untuk 120 rumah",
        "Oleh lol 10 menit",
        "sudah 3 kali (at) kantor",
        "kode pos 60111 di gang 3",
        "no 12/34 blok C",
    ],
)
def test_ordinary_numbers_and_words_survive(text: str) -> None:
    assert mask_personal_data(text) == text
    assert find_personal_data(text) == ()


_BENIGN = st.one_of(
    st.builds("RT {:02d} RW {:02d}".format, st.integers(1, 20), st.integers(1, 15)),
    st.builds("Jl. Merdeka No. {}".format, st.integers(1, 300)),
    st.builds(
        "{:02d}{sep}{:02d}{sep}{}".format,
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2000, 2030),
        sep=st.sampled_from("-/."),
    ),
    st.builds("{:02d}.{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda n: "Rp " + f"{n * 500:,}".replace(",", "."), st.integers(1, 4_000_000)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FILLER), _BENIGN), min_size=1, max_size=5))
def test_dates_times_amounts_and_addresses_are_not_masked(pieces: list[tuple[str, str]]) -> None:
    text = " ".join(f"{word} {number}" for word, number in pieces)
    assert mask_personal_data(text) == text


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["telepon", "nik", "email"]).flatmap(complaints_with))
def test_obfuscated_personal_data_does_not_survive(case: HiddenData) -> None:
    masked = mask_personal_data(case.text)
    assert not survives(case, masked), (case.obfuscations, case.written)
    assert case.kind in find_personal_data(case.text)


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("reviewer-07", ()),
        ("budi santoso", ()),
        ("budi\u200b@gmail.com", ("email",)),
        ("budi 0812 3456 7890", ("telepon",)),
        ("3273012345678901", ("nik",)),
        ("https://wa.me/6281234567890", ("telepon",)),
        ("a@b.co 0812-3456-7890 3273 0123 4567 8901", PERSONAL_DATA_KINDS),
    ],
)
def test_find_personal_data(value: str, kinds: tuple[str, ...]) -> None:
    assert find_personal_data(value) == kinds


def test_find_personal_data_wants_a_string() -> None:
    with pytest.raises(InputError, match="expected a string"):
        find_personal_data(None)  # type: ignore[arg-type]


_INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\ufe0f"]


@pytest.mark.parametrize("invisible", _INVISIBLES)
def test_invisible_characters_change_no_token(invisible: str) -> None:
    assert tokens(f"ban{invisible}jir di gg ma{invisible}war") == tokens("banjir di gg mawar")
    assert fold_invisible(f"ban{invisible}jir") == "banjir"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(FILLER), min_size=1, max_size=8),
    st.lists(st.tuples(st.sampled_from(_INVISIBLES), st.integers(0, 200)), min_size=1),
)
@example(["banjir", "di", "rumah"], [("\u200b", 3)])
def test_invisible_characters_change_no_decision(
    trained_model: TriageModel, words: list[str], marks: list[tuple[str, int]]
) -> None:
    plain = hidden = " ".join(words)
    for mark, position in marks:
        at = position % (len(hidden) + 1)
        hidden = hidden[:at] + mark + hidden[at:]
    decisions = trained_model.decide([{"text": plain}, {"text": hidden}])
    assert decisions[0] == decisions[1]


@pytest.mark.parametrize(
    ("value", "holds"),
    [
        ("lapor-connector", False),
        ("web\u200bform", False),  # an invisible character is not personal data
        ("TRK-\u0661\u0662\u0663", False),  # nor are digits of another script
        ("andi 0813\u200b1111\u200b2222", True),
        ("budi[at]gmail[dot]com", True),
        ("https://lapor.go.id/x", True),
    ],
)
def test_holds_personal_data(value: str, holds: bool) -> None:
    assert holds_personal_data(value) is holds


@pytest.mark.parametrize("text", [" O8lOOO000O ", " O2l2OOO22 ", "wa ke O8l2OOOO0O0 ya"])
def test_a_phone_written_mostly_in_look_alike_letters_is_masked(text: str) -> None:
    # Found by the random test above: fewer than five real digits, the rest look-alikes.
    assert "[telepon]" in mask_personal_data(text)
