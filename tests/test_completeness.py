"""Completeness: what a complaint lacks (isi, objek, lokasi) and the question to ask for it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from triage.casework.completeness import (
    MISSING_ITEMS,
    QUESTIONS,
    Completeness,
    assess_completeness,
    completeness_lexicon,
)
from triage.errors import InputError

CASES = Path(__file__).parent / "data" / "completeness_cases.csv"


def _cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _expected(row: dict[str, str]) -> set[str]:
    return set(filter(None, row["missing"].split(";")))


def test_the_case_set_covers_every_item() -> None:
    rows = _cases()
    assert len(rows) >= 80
    for item in MISSING_ITEMS:
        assert sum(item in _expected(r) for r in rows) >= 8
    assert sum(not _expected(r) for r in rows) >= 30


@pytest.mark.parametrize("item", MISSING_ITEMS)
def test_precision_and_recall_per_item(item: str) -> None:
    tp = fp = fn = 0
    for row in _cases():
        got = assess_completeness(row["text"], kelurahan=row["kelurahan"] or None).missing
        expected = item in _expected(row)
        tp += expected and item in got
        fp += not expected and item in got
        fn += expected and item not in got
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("lampu jalan mati", ("lokasi",)),
        ("lampu jalan mati di jalan kenanga", ()),
        ("lampu jalan mati depan masjid", ()),
        ("jalan rusak di rt 4 rw 2", ()),
        ("jalan rusak di rt04/rw02", ()),
        ("tolong segera diperbaiki", ("objek",)),
        ("ini fotonya", ("isi",)),
        ("Selamat pagi!!", ("isi",)),
        ("???", ("isi",)),
        ("ktp saya belum jadi", ()),
        ("bansos tidak cair", ()),
        ("bpjs ditolak di rumah sakit", ()),
        ("spp sekolah naik terus", ()),
    ],
)
def test_examples(text: str, missing: tuple[str, ...]) -> None:
    assert assess_completeness(text).missing == missing


def test_each_missing_item_comes_with_its_question() -> None:
    verdict = assess_completeness("selokan mampet")
    assert verdict == Completeness(("lokasi",), (QUESTIONS["lokasi"],))
    assert not verdict.complete
    assert "RT/RW" in verdict.questions[0]
    assert assess_completeness("selokan mampet di gang mawar").complete
    assert set(QUESTIONS) == set(MISSING_ITEMS)


def test_a_place_given_as_a_field_is_enough() -> None:
    assert assess_completeness("selokan mampet", kelurahan="Sukamaju").complete
    assert assess_completeness("selokan mampet", location="  ").missing == ("lokasi",)
    assert assess_completeness("selokan mampet", location="depan pos ronda").complete


def test_tenant_place_names_count_as_a_location() -> None:
    assert assess_completeness("sampah menumpuk di cicadas").missing == ("lokasi",)
    places = ["Cicadas", "Sukaluyu"]
    assert assess_completeness("sampah menumpuk di cicadas", known_places=places).complete


def test_a_long_request_naming_something_unknown_is_not_asked_for_an_object() -> None:
    text = "tolong segera diperbaiki karena sudah lama sekali dan warga resah setiap hari sekali"
    assert assess_completeness(text).complete


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"text": None}, "text must be a string"), ({"text": "x", "kelurahan": 3}, "kelurahan")],
)
def test_bad_input_is_an_input_error(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        assess_completeness(**kwargs)  # type: ignore[arg-type]


def test_the_bundled_lexicon_loads() -> None:
    lexicon = completeness_lexicon()
    assert ("jalan",) in lexicon.place_bound
    assert ("ktp",) in lexicon.placeless
    assert "raya" in lexicon.street_generic
