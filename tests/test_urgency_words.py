"""Word forms of the urgency lexicon: classes, affixed roots, spellings and typos."""

from __future__ import annotations

import pytest

from triage.casework.urgency_words import WordFolder, WordForms, affixed_forms

PREFIXES, SUFFIXES = ("di", "ter", "ke", "ka"), ("an", "nya", "in", "e")


@pytest.mark.parametrize(
    ("root", "form"),
    [
        ("tabrak", "ditabrak"),
        ("tabrak", "ketabrak"),
        ("tabrak", "katabrak"),
        ("tabrak", "nabrak"),
        ("tabrak", "menabrak"),
        ("tabrak", "tabrakan"),
        ("seruduk", "nyeruduk"),
        ("seruduk", "menyeruduk"),
        ("pukul", "mukulin"),
        ("pukul", "memukul"),
        ("amuk", "ngamuk"),
        ("amuk", "mengamuk"),
        ("bacok", "membacok"),
        ("juntai", "ngejuntai"),
        ("tindih", "ketindihan"),
        ("lindas", "kelindas"),
    ],
)
def test_affixed_forms(root: str, form: str) -> None:
    assert form in affixed_forms(root, PREFIXES, SUFFIXES)


def test_affixed_forms_keep_to_the_root() -> None:
    forms = affixed_forms("tabrak", PREFIXES, SUFFIXES)
    assert "tabrak" in forms
    assert not {"tarik", "ditarik", "menarik", "bakar"} & forms


def test_classes_and_roots_are_written_out() -> None:
    forms = WordForms(
        classes={"neg": ("gak", "belum ada"), "hit": ("~timpa", "kena <neg>")},
        prefixes=("ke",),
        spelling={"dalem": "dalam", "blm": "belum"},
    )
    assert forms.expand([("<neg>", "bisa", "bangun")]) == (
        ("gak", "bisa", "bangun"),
        ("belum", "ada", "bisa", "bangun"),
    )
    assert ("masih", "di", "dalam") in forms.expand([("masih", "di", "dalem")])
    assert ("kena", "gak") in forms.expand([("<hit>",)])
    assert ("ketimpa",) in forms.expand([("~timpa",)])
    assert forms.expand([("blm", "ketemu")]) == (("belum", "ketemu"),)


@pytest.mark.parametrize(
    ("classes", "message"),
    [({}, "unknown word class <x>"), ({"x": ("a", "<x>")}, "names itself")],
)
def test_bad_classes(classes: dict[str, tuple[str, ...]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WordForms(classes=classes).expand([("<x>",)])


TARGETS = ("kebakaran", "kecelakaan", "menodong", "dibacok", "terbakar")


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("kebakran", "kebakaran"),  # a letter missing
        ("kbakaran", "kebakaran"),
        ("kebakaaran", "kebakaran"),  # a letter too many
        ("kebakaren", "kebakaran"),  # a letter changed
        ("kecelakaa", "kecelakaan"),
        ("kecelaakan", "kecelakaan"),  # two letters swapped
        ("terbakar", "terbakar"),  # the word itself
        ("menolong", "menolong"),  # a word of its own (stem "tolong"), not "menodong"
        ("dibacak", "dibacak"),  # too short to be read as "dibacok"
        ("pebakaran", "pebakaran"),  # the first letter must agree
        ("rumah", "rumah"),
    ],
)
def test_typos_of_long_lexicon_words(word: str, folded: str) -> None:
    fold = WordFolder({"yg": "yang"}, TARGETS, 8)
    assert fold(("di", word, "yg")) == ("di", folded, "yang")
    assert fold(("di", word, "yg")) == ("di", folded, "yang")  # remembered


def test_nothing_to_fold_gives_the_same_words() -> None:
    words = ("pohon", "tumbang")
    assert WordFolder({}, TARGETS, 8)(words) is words
    assert WordFolder({}, TARGETS, 0)(("kebakran",)) == ("kebakran",)
