"""Urgency: emergencies for 112 are flagged with their evidence, routine and near misses are not."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from triage.casework import phrases
from triage.casework.urgency import (
    ROUTINE,
    URGENT,
    Urgency,
    UrgencyLexicon,
    UrgencyRule,
    assess_urgency,
    urgency_lexicon,
)
from triage.errors import DataFileError, InputError

DATA = Path(__file__).parent / "data"
CASES = DATA / "urgency_cases.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cases(split: str) -> list[dict[str, str]]:
    return [row for row in _read(CASES) if row["split"] == split]


def test_the_case_set_is_big_enough() -> None:
    dev = _cases("dev")
    assert sum(r["expected"] == URGENT for r in dev) >= 50
    assert sum(r["expected"] == ROUTINE for r in dev) >= 70
    assert sum(r["kind"] == "near" for r in dev) >= 30
    # Written after the lexicon was frozen; its figure is reported, not asserted (docs).
    assert len(_cases("heldout")) >= 30


KINDS = {"kebakaran", "kecelakaan", "banjir", "pohon", "kabel", "kekerasan", "hilang"}


def test_the_new_sets_are_big_enough_and_apart() -> None:
    dev, heldout = _read(DATA / "urgency_dev.csv"), _read(DATA / "urgency_heldout.csv")
    round3 = _read(DATA / "urgency_round3.csv")
    sizes = ((dev, 100, 150, 60), (heldout, 100, 300, 100), (round3, 80, 120, 50))
    for rows, emergencies, routine, near in sizes:
        assert sum(r["expected"] == URGENT for r in rows) >= emergencies
        assert sum(r["expected"] == ROUTINE for r in rows) >= routine
        assert sum(r["kind"] == "near" for r in rows) >= near
    # Round 3 has every kind the issue names, at least ten of each.
    kinds = [r["kind"] for r in round3 if r["expected"] == URGENT]
    assert {kind: kinds.count(kind) >= 10 for kind in KINDS} == dict.fromkeys(KINDS, True)
    # Written first and frozen before tuning (docs/casework.md); its figure is reported there.
    # Only counts are compared, so that a failure prints no held-out text.
    texts = {r["text"] for r in heldout}
    shared = (len(texts & {r["text"] for r in dev}), len(texts & {r["text"] for r in round3}))
    assert shared == (0, 0)
    assert not {r["text"] for r in dev} & {r["text"] for r in round3}


@pytest.mark.parametrize("name", ["old", "new", "round3"])
def test_targets_on_the_development_sets(name: str) -> None:
    # Round 3 was written before the round-3 tuning and then tuned on: a dev set now.
    files = {"new": "urgency_dev.csv", "round3": "urgency_round3.csv"}
    dev = _cases("dev") if name == "old" else _read(DATA / files[name])
    urgent = [assess_urgency(r["text"]).urgent for r in dev if r["expected"] == URGENT]
    routine = [assess_urgency(r["text"]).urgent for r in dev if r["expected"] == ROUTINE]
    assert sum(urgent) / len(urgent) >= 0.95
    assert sum(routine) / len(routine) <= 0.03


@pytest.mark.parametrize(
    ("text", "category", "evidence"),
    [
        ("Ada KEBAKARAN di gang 3!!!", "kebakaran", "kebakaran"),
        ("kecelakaan di perempatan, korbannya pingsan", "kecelakaan dengan korban", "korban"),
        ("tidak ada korban jiwa tapi ada yang luka parah kecelakaan", None, "luka"),
        ("air sudah sedada, minta evakuasi", "terjebak banjir", "evakuasi"),
        ("pohon tumbang menimpa rumah warga", "pohon tumbang menimpa", "menimpa rumah"),
        ("kabel listrik putus menjuntai ke jalan", "kabel listrik bertegangan", "putus"),
        ("ada kdrt di rumah sebelah", "kekerasan", "kdrt"),
        ("anak saya hilang sejak sore", "anak atau lansia hilang", "hilang"),
        ("tolooong kebakaraaan", "kebakaran", "kebakar"),
        ("omahe pak rt kobong", "kebakaran", "kobong"),
        ("imah tatangga kahuruan", "kebakaran", "kahuruan"),
        ("pohon jati tumbang kena rumah", "pohon tumbang menimpa", "pohon jati tumbang"),
        ("bapak2 ketabrak motor, kepalanya berdarah2", "kecelakaan dengan korban", "berdarah"),
        ("kabel pln pedot tiba nang dalan", "kabel listrik bertegangan", "pedot"),
        ("pagar sekolah nyetrum", "kabel listrik bertegangan", "nyetrum"),
        ("adikku kelelep nang kali", "orang hanyut atau tenggelam", "kelelep"),
        ("budak abdi leungit ti isuk", "anak atau lansia hilang", "leungit"),
        # affixed roots, <neg> companions, a spelling table and typos (urgency_words)
        ("pemotor diseruduk truk, kakinya gak bisa digerakin", None, "diseruduk"),
        ("motor nyungsep ke got, pengendaranya ketindihan", None, "ketindihan"),
        ("rumah pojok gang kebakran!!", "kebakaran", "kebakran"),
        ("pohon randu di depan balai rw tumbang nimpa warung, penjualnya kejepit", None, "kejepit"),
        ("kabel e pln pedot nang dalan", "kabel listrik bertegangan", "pedot"),
        ("caah naek, budak leutik palid", "orang hanyut atau tenggelam", "palid"),
        ("mobil terbakar di jalan tol, sopir masih di dalam", "kebakaran", "terbakar"),
        ("kakek saya pergi naik sepeda dari pagi, sampai malam belum kembali", None, "belum"),
    ],
)
def test_emergencies_carry_category_and_evidence(
    text: str, category: str | None, evidence: str
) -> None:
    verdict = assess_urgency(text)
    assert verdict.urgent
    assert verdict.level == URGENT
    if category:
        assert verdict.category == category
    assert evidence in (verdict.evidence or "")


@pytest.mark.parametrize(
    "text",
    [
        "kecelakaan motor, tidak ada korban",
        "kecelakaan tadi pagi, korban nihil",
        "tabrakan kecil, alhamdulillah tidak ada yang terluka",
        "pohon tumbang menutup jalan",
        "pohon tumbang, untung tidak menimpa rumah",
        "bekas kebakaran belum dibersihkan",
        "lampu jalan mati",
        "banjir setinggi mata kaki",
        "rawan kecelakaan tolong pasang rambu",
        "kabel wifi menjuntai",
        "KIA anak hilang",
        "bukan kebakaran, cuma bakar sampah",
        "hidran rusak, kalau kebakaran gimana",
        "tawuran sering terjadi di sini, mohon patroli",
        "hp saya dijambret kemarin, sudah lapor polisi",
        "pohon tumbang nang dalan, untung ora ono wong",
        "anak kucing saya hilang",
        "nama anak saya hilang dari daftar penerima",
        "kabel wifi semrawut di tiang",
        "",
        # fears and plans, similes, media, training (round 3)
        "tolong dahan beringin dipangkas sebelum patah kena kepala orang lewat",
        "dahan di halaman sd dikhawatirkan patah menimpa siswa waktu istirahat",
        "pabrik buang asap tiap malam, baunya kayak ban terbakar",
        "tolong perahu karet disiapkan di kelurahan untuk musim hujan",
        "pelatihan tim sar untuk karang taruna kapan dibuka",
        "tayangan sinetron banyak adegan kekerasan",
        "mobil mogok terjebak genangan air di bawah jembatan",
        "pohon tumbang menimpa pagar taman, cuma pagarnya penyok",
        "obor bambu di gapura mengeluarkan api, mohon izin pasang buat 17an",
    ],
)
def test_negated_hypothetical_and_near_misses_are_routine(text: str) -> None:
    assert assess_urgency(text) == Urgency(ROUTINE)


def test_a_small_injected_lexicon() -> None:
    rule = UrgencyRule("gas", "gas bocor", (("gas", "bocor"),), not_after=(("bekas",),))
    lexicon = UrgencyLexicon((rule,), (("tidak", "ada"),), (("tidak",),), (), (("takut",),))
    assert assess_urgency("Gas bocor di dapur", lexicon).evidence == "gas bocor"
    assert not assess_urgency("tidak ada gas bocor", lexicon).urgent
    assert not assess_urgency("takut gas bocor", lexicon).urgent
    assert not assess_urgency("kebakaran", lexicon).urgent


def test_a_question_mark_stands_for_any_one_word() -> None:
    rule = UrgencyRule("p", "p", (("pohon", "?", "tumbang"),))
    lexicon = UrgencyLexicon((rule,), (), (), (), ())
    assert assess_urgency("pohon jati tumbang", lexicon).evidence == "pohon jati tumbang"
    assert not assess_urgency("pohon tumbang", lexicon).urgent
    assert not assess_urgency("pohon jati besar tumbang", lexicon).urgent


def test_a_second_companion_group_is_also_needed() -> None:
    rule = UrgencyRule(
        "p", "p", (("tumbang",),), (("luka",),), window=3, also=(("pohon",),), also_window=4
    )
    lexicon = UrgencyLexicon((rule,), (), (), (), (("khawatir",),))
    assert assess_urgency("pohon jati tua tumbang, ada yang luka", lexicon).evidence == (
        "pohon … tumbang … luka"
    )
    assert not assess_urgency("tiang tumbang, ada yang luka", lexicon).urgent
    assert not assess_urgency("pohon jati tua sekali itu tumbang, ada yang luka", lexicon).urgent
    # A blocker between the pieces voids the match, wherever the trigger is.
    assert not assess_urgency("pohon khawatir tumbang, ada yang luka", lexicon).urgent


def test_evidence_is_the_words_as_written() -> None:
    rule = UrgencyRule("k", "k", (("kebakaran",),))
    lexicon = UrgencyLexicon((rule,), (), (), (), (), typo_min_length=8)
    assert assess_urgency("gudang kbakaran", lexicon).evidence == "kbakaran"
    assert not UrgencyLexicon((rule,), (), (), (), ()).typo_min_length
    assert not assess_urgency("gudang kbakaran", UrgencyLexicon((rule,), (), (), (), ())).urgent


def test_companion_must_be_within_the_window() -> None:
    rule = UrgencyRule("k", "k", (("kecelakaan",),), (("luka",),), window=2)
    lexicon = UrgencyLexicon((rule,), (), (), (), ())
    assert assess_urgency("kecelakaan satu luka", lexicon).urgent
    assert not assess_urgency("kecelakaan satu dua tiga luka", lexicon).urgent


def test_bad_input_and_bad_lexicons(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="must be a string"):
        assess_urgency(None)  # type: ignore[arg-type]
    monkeypatch.setattr(
        phrases.resources, "files", lambda _: Path(__file__).parent / "no-such-folder"
    )
    with pytest.raises(DataFileError, match="missing"):
        phrases.read_sections("urgency_lexicon.txt")


def test_lexicon_format_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phrases.resources, "files", lambda _: tmp_path)
    (tmp_path / "bad.txt").write_text("[a]\nno colon here\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 2"):
        phrases.read_sections("bad.txt")


@pytest.mark.parametrize(
    ("lexicon", "message"),
    [
        ("[r]\ncategory: c\ntrigger: <nope> api\n", r"\[r\] trigger: unknown word class <nope>"),
        ("[classes]\na: x | <a>\n[r]\ncategory: c\ntrigger: <a>\n", "names itself"),
        ("[r]\ncategory: c\ntrigger: api\nwith: x\nand_window: far\n", "and_window must be"),
        ("[spelling]\ntypos: many\n[r]\ncategory: c\ntrigger: api\n", "typo_min_length"),
    ],
)
def test_bad_word_forms_in_a_lexicon(
    lexicon: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phrases.resources, "files", lambda _: tmp_path)
    (tmp_path / "urgency_lexicon.txt").write_text(lexicon, encoding="utf-8")
    urgency_lexicon.cache_clear()
    try:
        with pytest.raises(DataFileError, match=message):
            urgency_lexicon()
    finally:
        urgency_lexicon.cache_clear()


def test_the_bundled_lexicon_loads_every_rule() -> None:
    lexicon = urgency_lexicon()
    assert len(lexicon.rules) >= 10
    assert all(rule.triggers for rule in lexicon.rules)
    assert {r.category for r in lexicon.rules} >= {"kebakaran", "kekerasan", "terjebak banjir"}
