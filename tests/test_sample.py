"""Tests of the synthetic corpus generator (``triage.sample.generator``) and ``triage sample``."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import training.cli
from triage.errors import DataFileError, InputError
from triage.sample.compose import Request, _row_state, expand
from triage.sample.generator import (
    CHANNELS,
    COLUMNS,
    SPIKE_COLUMNS,
    SampleCorpus,
    generate_sample,
    places,
    spikes_path,
    write_sample,
)
from triage.sample.loader import FILES, TOPIC_FILES, load_tables, tables
from triage.sample.people import email_address, nik_number, phone_number
from triage.sample.register import informalise, typo
from triage.sample.timing import _MONTHLY, SPIKE_PLANS
from triage.sample.vocab import SEASONS, SLOTS, TopicSpec

AREA_OFFICE = r"^(?:Kecamatan|Kelurahan) "
TOPICS = tables().topics


@pytest.fixture(scope="module")
def big() -> SampleCorpus:
    """The corpus `make sample` writes (10,000 rows, seed 7): about a second."""
    return generate_sample(rows=10000, seed=7)


@pytest.fixture(scope="module")
def small() -> SampleCorpus:
    return generate_sample(rows=600, seed=3, start="2023-01-01", end="2023-12-31")


def test_same_seed_same_corpus() -> None:
    a, b = generate_sample(rows=300, seed=5), generate_sample(rows=300, seed=5)
    pd.testing.assert_frame_equal(a.complaints, b.complaints)
    pd.testing.assert_frame_equal(a.spikes, b.spikes)


def test_other_seed_other_corpus() -> None:
    a, b = generate_sample(rows=300, seed=5), generate_sample(rows=300, seed=6)
    assert (a.complaints["text"] != b.complaints["text"]).mean() > 0.95


def test_columns_and_dtypes(small: SampleCorpus) -> None:
    df = small.complaints
    assert tuple(df.columns) == COLUMNS
    assert len(df) == 600
    assert df["id"].dtype == "int64"
    assert df["id"].tolist() == list(range(1, 601))
    assert pd.api.types.is_datetime64_dtype(df["created_at"])
    assert df["created_at"].is_monotonic_increasing
    for column in COLUMNS[2:]:
        assert pd.api.types.is_string_dtype(df[column]), column
        assert df[column].notna().all(), column
    assert set(df["channel"]) <= set(CHANNELS)
    assert df["created_at"].min() >= pd.Timestamp("2023-01-01")
    assert df["created_at"].max() < pd.Timestamp("2024-01-01")
    assert (df["text"].str.len() > 0).all()


def test_labels_cover_the_city(big: SampleCorpus) -> None:
    df = big.complaints
    agencies = df.loc[~df["opd"].str.contains(AREA_OFFICE), "opd"].unique()
    assert len(agencies) >= 14
    assert df["topic"].nunique() >= 25
    assert df["kecamatan"].nunique() == 30
    assert df["kelurahan"].nunique() > 140
    assert set(df["channel"]) == set(CHANNELS)


def test_gazetteer_has_every_kelurahan() -> None:
    all_places = places()
    assert len(all_places) == 151
    assert len({p.kelurahan for p in all_places}) == 151
    city = tables().city
    assert {p.kecamatan for p in all_places} == set(city.population)
    assert city.flood_prone <= set(city.population)
    assert all(p.streets for p in all_places)


def test_area_office_rows_name_their_own_area(big: SampleCorpus) -> None:
    df = big.complaints
    area = df[df["opd"].str.contains(AREA_OFFICE)]
    assert 0.07 <= len(area) / len(df) <= 0.11
    kecamatan = area[area["opd"].str.startswith("Kecamatan ")]
    kelurahan = area[area["opd"].str.startswith("Kelurahan ")]
    assert len(kecamatan) > 100
    assert len(kelurahan) > 100
    assert (kecamatan["opd"] == "Kecamatan " + kecamatan["kecamatan"]).all()
    assert (kelurahan["opd"] == "Kelurahan " + kelurahan["kelurahan"]).all()


def test_topics_with_several_agencies(big: SampleCorpus) -> None:
    per_topic = big.complaints.groupby("topic")["opd"].nunique()
    assert per_topic["Pohon Tumbang atau Rawan Tumbang"] == 3
    assert per_topic["Banjir dan Genangan"] >= 2
    assert (per_topic >= 2).sum() >= 10


def test_texts_are_distinct(big: SampleCorpus) -> None:
    assert big.complaints["text"].nunique() > 9500


def test_templates_are_fully_expanded(big: SampleCorpus) -> None:
    df = big.complaints
    for column in ("title", "text"):
        assert not df[column].str.contains(r"[{}]").any(), column
        assert not df[column].str.contains(r"\bdi di\b|\bRT RT\b").any(), column


@pytest.mark.parametrize(
    ("what", "pattern", "minimum"),
    [
        ("NIK", r"\b3273\d{12}\b", 20),
        ("mobile number", r"(?:\+62 ?|\b62|\b0)8\d{2}[- ]?\d{4}[- ]?\d{3,4}\b", 300),
        ("e-mail address", r"\b[\w.]+@[a-z]+(?:\.[a-z]+)+\b", 50),
        ("RT/RW", r"\bRT \d{1,2}/RW \d{2}\b", 300),
        ("street", r"\bJl\. [A-Z]", 1000),
        ("slang", r"\b(?:gak|udh|yg|jln|tdk|bgt|sy|dgn|tlg|krn|blm|sdh|gimana)\b", 500),
        ("elongated letters", r"\b\w*([a-z])\1{2,}\b", 100),
        ("Sundanese", r"(?i)\b(?:punten|hatur nuhun|nuhun|teu|pisan|euy)\b", 300),
        ("English", r"(?i)\b(?:please|urgent|viral)\b", 100),
        ("emoji", r"[\U0001F300-\U0001FAFF\u26A0\u203C]", 500),
        ("formal letter", r"^(?:Yth\.|Kepada Yth\.|Dengan hormat)", 300),
        ("second problem", r"(?i)\b(?:selain itu|sekalian mau lapor|satu lagi|belum lagi)\b", 200),
    ],
)
def test_real_world_register(big: SampleCorpus, what: str, pattern: str, minimum: int) -> None:
    assert big.complaints["text"].str.count(pattern).gt(0).sum() >= minimum, what


def test_lengths_range_from_one_line_to_letters(big: SampleCorpus) -> None:
    lengths = big.complaints["text"].str.len()
    assert lengths.quantile(0.05) < 120
    assert lengths.quantile(0.95) > 600
    assert (big.complaints["text"].str.count("\n\n") >= 3).sum() > 200
    assert (big.complaints["title"] == "").mean() > 0.2


def test_whatsapp_titles_are_mostly_empty(big: SampleCorpus) -> None:
    df = big.complaints
    empty = df["title"].eq("").groupby(df["channel"]).mean()
    assert empty["whatsapp"] > 0.6
    assert empty["lapor"] < 0.2


def _monthly_mean(counts: pd.Series, months: set[int]) -> float:
    return float(counts[counts.index.month.isin(months)].mean())


@pytest.mark.parametrize(
    ("topic", "high", "low"),
    [
        ("Banjir dan Genangan", {12, 1, 2}, {6, 7, 8}),
        ("Pohon Tumbang atau Rawan Tumbang", {12, 1, 2}, {6, 7, 8}),
        ("Jalan Berlubang atau Rusak", {12, 1, 2}, {6, 7, 8}),
        ("Drainase dan Saluran Tersumbat", {12, 1, 2}, {6, 7, 8}),
        ("Kebakaran", {7, 8, 9}, {12, 1, 2}),
        ("PPDB dan Zonasi", {6, 7}, {10, 11, 12}),
    ],
)
def test_seasons(big: SampleCorpus, topic: str, high: set[int], low: set[int]) -> None:
    df = big.complaints
    rows = df[df["topic"] == topic].set_index("created_at")
    counts = rows["id"].resample("MS").count()
    assert _monthly_mean(counts, high) > 1.8 * _monthly_mean(counts, low)


def test_traffic_rises_before_lebaran(big: SampleCorpus) -> None:
    df = big.complaints
    days = df.loc[df["topic"] == "Kemacetan Lalu Lintas", "created_at"].dt.normalize()
    per_day = days.value_counts().reindex(pd.date_range("2022-01-01", "2024-12-31"), fill_value=0)
    lebaran = [pd.Timestamp("2022-05-02"), pd.Timestamp("2023-04-22")]
    before = [pd.date_range(d - pd.Timedelta(days=30), d) for d in lebaran]
    ramadan = per_day[before[0].union(before[1])].mean()
    assert ramadan > 1.4 * per_day.mean()


def test_fewer_complaints_on_sundays_and_more_each_year(big: SampleCorpus) -> None:
    created = big.complaints["created_at"]
    per_weekday = created.dt.day_of_week.value_counts()
    assert per_weekday[6] < 0.7 * per_weekday[0]
    per_year = created.dt.year.value_counts()
    assert per_year[2024] > 1.1 * per_year[2022]


def test_spikes_are_in_range_and_visible(big: SampleCorpus) -> None:
    df, spikes = big.complaints, big.spikes
    assert tuple(spikes.columns) == SPIKE_COLUMNS
    assert 4 <= len(spikes) <= 6
    assert spikes["kecamatan"].isna().any()
    assert spikes["kecamatan"].notna().any()
    assert spikes["extra_rows"].sum() < 0.1 * len(df)
    day = df["created_at"].dt.normalize()
    for spike in spikes.itertuples():
        # Eight weeks of baseline come first, so that a detector can find every spike.
        assert pd.Timestamp("2022-02-26") <= spike.start <= spike.end <= pd.Timestamp("2024-12-31")
        mask = df["topic"] == spike.topic
        if isinstance(spike.kecamatan, str):
            mask &= df["kecamatan"] == spike.kecamatan
        inside = mask & day.between(spike.start, spike.end)
        days_inside = (spike.end - spike.start).days + 1
        rate_inside = inside.sum() / days_inside
        rate_outside = (mask & ~inside).sum() / (1096 - days_inside)
        assert inside.sum() >= spike.extra_rows, spike
        assert rate_inside > 5 * rate_outside, spike


def test_only_spike_rows_talk_about_the_incident(big: SampleCorpus) -> None:
    df = big.complaints
    spike = big.spikes.set_index("topic").loc["Sampah Menumpuk"]
    talk = df[df["text"].str.contains(r"(?i)TPA sedang ditutup|petugas kebersihan sedang mogok")]
    assert len(talk) >= 5
    assert talk["created_at"].dt.normalize().between(spike["start"], spike["end"]).all()
    assert (talk["topic"] == "Sampah Menumpuk").all()


def test_tiny_corpus_has_no_spikes_and_one_day_range_works() -> None:
    one = generate_sample(rows=1, seed=0)
    assert len(one.complaints) == 1
    assert one.spikes.empty
    assert tuple(one.spikes.columns) == SPIKE_COLUMNS
    day = generate_sample(rows=1000, seed=1, start="2024-02-29", end="2024-02-29")
    assert len(day.complaints) == 1000
    assert (day.complaints["created_at"].dt.date.astype(str) == "2024-02-29").all()
    assert (day.spikes["start"] == pd.Timestamp("2024-02-29")).all()


@settings(max_examples=12, deadline=None)
@given(
    rows=st.integers(1, 900),
    seed=st.integers(0, 2**63),
    start=st.dates(date(1990, 1, 1), date(2060, 12, 31)),
    span=st.integers(0, 1500),
)
def test_any_valid_arguments_give_a_consistent_corpus(
    rows: int, seed: int, start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    corpus = generate_sample(rows=rows, seed=seed, start=start.isoformat(), end=end.isoformat())
    df, spikes = corpus.complaints, corpus.spikes
    assert len(df) == rows
    assert df["created_at"].min() >= pd.Timestamp(start)
    assert df["created_at"].max() < pd.Timestamp(end + timedelta(days=1))
    kecamatan = df["opd"].str.startswith("Kecamatan ")
    kelurahan = df["opd"].str.startswith("Kelurahan ")
    assert (df.loc[kecamatan, "opd"].str[10:] == df.loc[kecamatan, "kecamatan"]).all()
    assert (df.loc[kelurahan, "opd"].str[10:] == df.loc[kelurahan, "kelurahan"]).all()
    assert spikes["extra_rows"].sum() < rows
    assert (spikes["start"] >= pd.Timestamp(start)).all()
    assert (spikes["end"] <= pd.Timestamp(end)).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0}, "rows"),
        ({"rows": -3}, "rows"),
        ({"rows": 2.5}, "rows"),
        ({"seed": -1}, "seed"),
        ({"start": "2024-13-01"}, "start"),
        ({"end": "kemarin"}, "end"),
        ({"start": "2024-02-30"}, "start"),
        ({"start": "2024-01-02", "end": "2024-01-01"}, "before"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        generate_sample(**kwargs)  # type: ignore[arg-type]


def test_write_sample_round_trip(tmp_path: Path, small: SampleCorpus) -> None:
    out, spikes_out = write_sample(small, tmp_path / "a" / "b" / "corpus.csv")
    assert spikes_out == tmp_path / "a" / "b" / "corpus.spikes.csv"
    raw = out.read_text(encoding="utf-8").splitlines()
    assert raw[0] == ",".join(COLUMNS)
    back = pd.read_csv(out, keep_default_na=False, dtype={"id": "int64"})
    assert back["created_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert back["text"].tolist() == small.complaints["text"].tolist()
    assert back["title"].tolist() == small.complaints["title"].tolist()
    spikes = pd.read_csv(spikes_out, keep_default_na=False)
    assert tuple(spikes.columns) == SPIKE_COLUMNS
    assert spikes["start"].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    city_wide = small.spikes["kecamatan"].isna().to_numpy()
    assert (spikes.loc[city_wide, "kecamatan"] == "").all()


@pytest.mark.parametrize(
    ("out", "expected"),
    [("x/corpus.csv", "x/corpus.spikes.csv"), ("x/corpus", "x/corpus.spikes.csv")],
)
def test_spikes_path(out: str, expected: str) -> None:
    assert spikes_path(Path(out)) == Path(expected)


@pytest.fixture
def only_sample_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # The other sub-commands are other modules' business; this tests ours alone.
    monkeypatch.setattr(training.cli, "COMMAND_MODULES", ("training.sample_cmd",))


@pytest.mark.usefixtures("only_sample_command")
def test_cli_writes_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "dir" / "complaints.csv"
    argv = ["sample", "--out", str(out), "--rows", "400", "--seed", "2"]
    assert training.cli.main(argv) == 0
    assert "400 complaints" in capsys.readouterr().out
    frame = pd.read_csv(out, keep_default_na=False)
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == 400
    assert (tmp_path / "new" / "dir" / "complaints.spikes.csv").exists()


@pytest.mark.usefixtures("only_sample_command")
@pytest.mark.parametrize(
    "args",
    [
        ["--rows", "0"],
        ["--start", "2024-01-05", "--end", "2024-01-01"],
        ["--start", "01/02/2024"],
        ["--end", "2024-02-31"],
        ["--seed", "-4"],
    ],
)
def test_cli_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    out = tmp_path / "complaints.csv"
    assert training.cli.main(["sample", "--out", str(out), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("triage sample: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.usefixtures("only_sample_command")
@pytest.mark.parametrize(("name", "message"), [("x7.txt", "must name a .csv"), ("d", ".csv")])
def test_cli_refuses_an_output_that_is_not_a_csv_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    assert training.cli.main(["sample", "--out", str(tmp_path / name), "--rows", "5"]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.key)
def test_topic_tables_are_complete(topic: TopicSpec) -> None:
    assert len(topic.problems) >= 3
    assert len(topic.details) >= 2
    assert topic.requests
    assert topic.titles
    assert topic.mentions
    if topic.area:
        assert topic.routes == ()
    else:
        assert sum(r.weight for r in topic.routes) == pytest.approx(1.0)


def test_every_template_expands() -> None:
    rnd = random.Random(0)
    slots = {
        name: (lambda: "X") for name in ("LOC", "JALAN", "KEL", "KEC", "TEMPAT", "ANGKA", "RT")
    }
    for topic in TOPICS:
        for template in topic.problems + topic.details + topic.requests + topic.titles:
            text = expand(template, rnd, slots)
            assert not re.search(r"[{}]", text), (topic.key, template)


@pytest.mark.parametrize("register", ["formal", "semi", "chat", "operator"])
@pytest.mark.parametrize("seed", range(5))
def test_register_keeps_personal_data_intact(register: str, seed: int) -> None:
    text = (
        "Sudah tiga hari tidak ada. Hubungi 0812-3456-7890 atau budi.s@gmail.com, "
        "NIK 3273010101900001. Tolong parah sekali."
    )
    out = informalise(text, register, random.Random(seed))
    for token in ("0812-3456-7890", "budi.s@gmail.com", "3273010101900001"):
        assert token in out


@pytest.mark.parametrize("seed", range(3))
def test_personal_data_is_shaped_like_the_real_thing(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(50):
        digits = re.sub(r"\D", "", phone_number(rnd))
        local = "0" + digits[2:] if digits.startswith("62") else digits
        assert local.startswith("08")
        assert 10 <= len(local) <= 13
        nik = nik_number(rnd, 12)
        assert re.fullmatch(r"327312\d{10}", nik)
        assert 1 <= int(nik[6:8]) % 40 <= 28
        assert 1 <= int(nik[8:10]) <= 12
        assert re.fullmatch(r"[a-z._]+\d*@[a-z.]+", email_address(rnd, "Asep Suryana"))


@pytest.mark.parametrize("word", ["tolong", "jalan", "sampah", "berlubang"])
def test_typo_changes_one_letter_at_most(word: str) -> None:
    rnd = random.Random(1)
    for _ in range(20):
        changed = typo(word, rnd)
        assert abs(len(changed) - len(word)) <= 1
        assert changed[0] == word[0]
        assert sorted(set(changed)) == sorted(set(word)) or len(changed) != len(word)


# The sha256 of `write_sample(generate_sample(rows=300, seed=7), ...)`. Whoever edits a phrase
# table, the composer or the timing changes the corpus, and with it every figure measured on
# it: this pin makes that visible. Change it only on purpose, in the commit that changes the
# corpus and says why (a new pandas that writes CSV differently would also move it).
PINNED_SAMPLE_SHA256 = {
    "complaints": "7ef8739fa7234753c3924d7ffda1bc4bbec94933708e768aef056b0e69647372",
    "spikes": "df389f4ce6752169184417e3a74ff3c22b805a2858949e9023174ce3caddbede",
}


def test_the_sample_is_pinned(tmp_path: Path) -> None:
    out, spikes_out = write_sample(generate_sample(rows=300, seed=7), tmp_path / "s.csv")
    digests = {
        "complaints": hashlib.sha256(out.read_bytes()).hexdigest(),
        "spikes": hashlib.sha256(spikes_out.read_bytes()).hexdigest(),
    }
    assert digests == PINNED_SAMPLE_SHA256


def test_tables_are_read_once_and_every_file_is_read() -> None:
    assert tables() is tables()
    shipped = {p.name for p in (Path(training.cli.__file__).parents[1] / "triage" / "sample"
                                / "tables").iterdir()}  # fmt: skip
    assert shipped == set(FILES)


def test_the_tables_fit_the_code_that_uses_them() -> None:
    # Slots the loader accepts are the slots the composer fills, seasons are timing's.
    place = places()[0]
    request = Request(TOPICS[0], (), place, "lapor", "semi", 9)
    assert set(_row_state(request, random.Random(0)).slots) == SLOTS
    assert set(SEASONS) == set(_MONTHLY)
    keys = {t.key for t in TOPICS}
    assert {plan.topic for plan in SPIKE_PLANS} <= set(tables().spike_notes) <= keys


@pytest.fixture
def table_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped tables, to break one entry of."""
    source = Path(training.cli.__file__).parents[1] / "triage" / "sample" / "tables"
    return Path(shutil.copytree(source, tmp_path / "tables"))


def _edit(folder: Path, name: str, change: Callable[[object], object]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(data) or data, ensure_ascii=False), encoding="utf-8")


def _set(path: tuple[str | int, ...], value: object) -> Callable[[object], None]:
    def change(data: object) -> None:
        for step in path[:-1]:
            data = data[step]  # type: ignore[index]
        if value is _DELETE:
            del data[path[-1]]  # type: ignore[attr-defined]
        else:
            data[path[-1]] = value  # type: ignore[index]

    return change


_DELETE = object()
_BANJIR = r"\[0\] \(topic 'banjir'\)"


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("topics_city.json", _set((0, "routes", 0, "opd"), "DINAS_X"),
         _BANJIR + r"\.routes\[0\]\.opd: unknown agency 'DINAS_X'"),
        ("topics_city.json", _set((0, "routes", 0, "weight"), 0.9),
         _BANJIR + r"\.routes: the route weights .* add up to 1, not 1.28"),
        ("topics_city.json", _set((0, "routes", 1, "weight"), "0.28"),
         _BANJIR + r"\.routes\[1\]\.weight: expected a number, got str"),
        ("topics_city.json", _set((0, "problems", 2), "banjir {LOC"),
         _BANJIR + r"\.problems\[2\]: 'banjir \{LOC' leaves a brace open"),
        ("topics_city.json", _set((0, "titles", 0), "Banjir}"), r"closes a brace it never"),
        ("topics_city.json", _set((0, "details", 1), "di {LOKASI}"), r"unknown slot \{LOKASI\}"),
        ("topics_city.json", _set((0, "season"), "monsoon"), r"season: unknown season 'monsoon'"),
        ("topics_city.json", _set((0, "emergncy"), True), r"\[0\]: unknown field 'emergncy'"),
        ("topics_city.json", _set((0, "emergency"), "yes"), r"emergency: expected true or false"),
        ("topics_city.json", _set((0, "mentions"), []), r"mentions: needs at least 1 entry"),
        ("topics_city.json", _set((0, "key"), "Banjir!"), r"\[0\]\.key: must be a lower-case"),
        ("topics_city.json", _set((0, "routes", 0, "cues", 0), "{a|b}"), r"used as written"),
        ("topics_service.json", _set((1, "problems"), _DELETE), r"missing field 'problems'"),
        ("topics_service.json", _set((1, "key"), "banjir"),
         r"topics_service.json, entry \[1\]: 'banjir' is already used by a topic in topics_c"),
        ("topics_service.json", lambda d: {"topics": d}, r"expected a list, got dict"),
        ("agencies.json", _set(("DLH",), 3), r"agencies.json, entry DLH: expected a str"),
        ("topics_external.json", _set((0, "routes", 0, "opd"), "DSDABM"),
         r"\.opd: unknown agency 'DSDABM' \(see external_bodies.csv\)"),
        ("topics_external.json", _set((1, "key"), "banjir"), r"'banjir' is already used"),
        ("topics_external.json", _set((0, "area"), True), r"routes must be empty"),
        ("topics_external.json", _set((2, "problems", 0), "{KOTA}"), r"unknown slot \{KOTA\}"),
        ("neighbours.json", _set((0, 1), "banjir_bandang"), r"\[0\]: names no topic"),
        ("spike_notes.json", _set(("meteor",), ["Langit runtuh."]), r"entry meteor: names no"),
        ("letters.json", _set(("frames", "semi", 2), "Mau lapor."),
         r"letters.json, entry frames.semi\[2\]: 'Mau lapor.' lacks the \{P\}"),
        ("letters.json", _set(("secondary", 0), "Selain itu."), r"lacks the \{M\}"),
        ("letters.json", _set(("history", "place"), ["a", "b"]), r"history.place: needs at le"),
        ("letters.json", _set(("openers", "chat"), _DELETE), r"openers: needs exactly the keys"),
        ("letters.json", _set(("closers",), _DELETE), r"letters.json: missing field 'closers'"),
        ("city.json", _set(("flood_prone", 0), "Atlantis"), r"'Atlantis' is not a kecamatan"),
        ("city.json", _set(("population", "Andir"), -97), r"population.Andir: expected a posi"),
        ("register.json", _set(("slang", "Tidak"), ["gak"]), r"slang.Tidak: .* lower-case"),
        ("register.json", _set(("elongate", 0), "pa rah"), r"elongate\[0\]: 'pa rah' must be"),
        ("register.json", _set(("emoji", 0), "{x}"), r"emoji\[0\]: '\{x\}' is used as writ"),
    ],
)  # fmt: skip
def test_a_malformed_table_names_its_file_and_entry(
    table_copy: Path, name: str, change: Callable[[object], object], message: str
) -> None:
    _edit(table_copy, name, change)
    with pytest.raises(DataFileError, match=message) as caught:
        load_tables(table_copy)
    assert str(caught.value).startswith(f"sample table {name}")
    assert "\n" not in str(caught.value)


def test_a_broken_or_missing_table_file(table_copy: Path) -> None:
    (table_copy / "people.json").write_text('{"first_names": [', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"people.json is not valid JSON: .* line 1"):
        load_tables(table_copy)
    (table_copy / TOPIC_FILES[1]).unlink()
    with pytest.raises(DataFileError, match=r"topics_service.json cannot be read"):
        load_tables(table_copy)
    assert load_tables(Path(training.cli.__file__).parents[1] / "triage/sample/tables") == tables()


EXTERNAL_TOPICS = {t.label for t in tables().external}


def test_external_complaints_come_from_a_stream_of_their_own(
    big: SampleCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.sample.generator as generator

    df = big.complaints
    external = df["topic"].isin(EXTERNAL_TOPICS)
    assert round(0.03 * (len(df) - big.spikes["extra_rows"].sum())) == external.sum()
    bodies = {"PT PLN (Persero)", "Dinas Pendidikan Provinsi", "BPJS Kesehatan"}
    assert bodies <= set(df.loc[external, "opd"])
    assert not df.loc[external, "opd"].str.match(AREA_OFFICE).any()
    monkeypatch.setattr(generator, "EXTERNAL_SHARE", 0.0)
    without = generate_sample(rows=10000, seed=7)
    # The same moments and spikes; every other row exactly as without the external ones.
    pd.testing.assert_series_equal(df["created_at"], without.complaints["created_at"])
    pd.testing.assert_frame_equal(big.spikes, without.spikes)
    pd.testing.assert_frame_equal(df[~external], without.complaints[~external])
    assert not without.complaints["topic"].isin(EXTERNAL_TOPICS).any()
