"""Incidents and duplicates: the index, its text features and the ``triage incidents`` command."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product
from pathlib import Path

import pandas as pd
import pytest

from training.cli import main
from triage.casework.incidents import Candidate, IncidentIndex
from triage.casework.incidents_table import link_complaints
from triage.casework.incidents_text import street_names
from triage.errors import InputError

T0 = datetime(2024, 3, 4, 8, 0)
POTHOLE = "Jalan Rusak dan Berlubang"

# One written table, rows out of time order on purpose: the command sorts them.
# 1-3: one pothole on Gg. Sawahan told three times in other words within a day; 2 is 1
#      re-sent after four minutes.  4: the same alley, another problem.  5: the same problem
#      in another kelurahan.  6: the pothole again five weeks after 1 was closed.
#      7, 8: a fallen tree told twice without a topic, on a named street.
ROWS = [
    (
        "c3",
        "2024-03-04 19:30",
        "aspal di gang sawahan rusak dan ada lubang dalam, motor sering jatuh",
        "Ngagel",
        POTHOLE,
    ),  # noqa: E501
    (
        "c1",
        "2024-03-04 08:00",
        "Mohon perbaikan jalan berlubang besar di Gg. Sawahan depan musholla",
        "Ngagel",
        POTHOLE,
    ),  # noqa: E501
    (
        "c2",
        "2024-03-04 08:04",
        "Mohon perbaikan jalan berlubang besar di Gg. Sawahan depan musholla!!",
        "Ngagel",
        POTHOLE,
    ),  # noqa: E501
    (
        "c4",
        "2024-03-04 21:00",
        "lampu PJU di gg sawahan mati sudah tiga malam, gelap sekali",
        "Ngagel",
        "PJU",
    ),  # noqa: E501
    (
        "c5",
        "2024-03-05 07:00",
        "jalan berlubang besar di gang sawahan membahayakan anak sekolah",
        "Darmo",
        POTHOLE,
    ),  # noqa: E501
    (
        "c6",
        "2024-04-08 09:00",
        "gg. sawahan berlubang lagi, aspal terkelupas dekat musholla",
        "Ngagel",
        POTHOLE,
    ),  # noqa: E501
    (
        "c7",
        "2024-03-06 10:00",
        "pohon besar tumbang menutup jl. kenjeran, lalu lintas macet",
        "Tambaksari",
        "",
    ),  # noqa: E501
    (
        "c8",
        "2024-03-06 10:40",
        "ada pohon tumbang di jalan Kenjeran, tolong segera dipotong petugas",
        "Tambaksari",
        "",
    ),  # noqa: E501
]
CLOSED = {"c1": "2024-03-20 12:00", "c3": "2024-03-20 12:00"}
EXPECTED = {
    "c1": ("c1", ""),
    "c2": ("c1", "c1"),
    "c3": ("c1", ""),
    "c4": ("c4", ""),
    "c5": ("c5", ""),
    "c6": ("c6", ""),
    "c7": ("c7", ""),
    "c8": ("c7", ""),
}


def table() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["id", "created_at", "text", "kelurahan", "topic"])
    frame["closed_at"] = frame["id"].map(CLOSED)
    return frame


def test_index_links_duplicates_and_one_incident() -> None:
    index = IncidentIndex()
    first = index.add("a", ROWS[1][2], T0, kelurahan="Ngagel", topic=POTHOLE)
    assert (first.incident, first.duplicate_of, first.reason) == ("a", None, "new")
    again = index.add("b", ROWS[2][2], T0 + timedelta(minutes=4), kelurahan="Ngagel", topic=POTHOLE)
    assert (again.incident, again.duplicate_of, again.matched) == ("a", "a", "a")
    assert again.reason.startswith("duplicate: text")
    told = index.add("c", ROWS[0][2], T0 + timedelta(hours=11), kelurahan="Ngagel", topic=POTHOLE)
    assert (told.incident, told.duplicate_of) == ("a", None)
    assert "gang sawahan" in told.reason


@pytest.mark.parametrize(
    ("text", "kelurahan", "topic"),
    [
        ("lampu PJU di gg sawahan mati, gelap sekali", "Ngagel", "PJU"),
        ("jalan berlubang besar di gang sawahan", "Darmo", POTHOLE),
        ("jalan berlubang besar di Gg. Melati", "Ngagel", POTHOLE),
    ],
    ids=["same-street-other-problem", "same-problem-other-kelurahan", "other-street"],
)
def test_index_does_not_link_look_alikes(text: str, kelurahan: str, topic: str) -> None:
    index = IncidentIndex()
    index.add("a", ROWS[1][2], T0, kelurahan="Ngagel", topic=POTHOLE)
    link = index.add("b", text, T0 + timedelta(hours=3), kelurahan=kelurahan, topic=topic)
    assert (link.incident, link.duplicate_of) == ("b", None)


def test_closed_complaint_absorbs_nothing() -> None:
    # A long window, so that only the closing keeps the repaired pothole apart.
    index = IncidentIndex(incident_window=timedelta(days=60))
    index.add("a", ROWS[1][2], T0, kelurahan="Ngagel", topic=POTHOLE)
    index.add("a2", ROWS[2][2], T0 + timedelta(minutes=4), kelurahan="Ngagel", topic=POTHOLE)
    later = T0 + timedelta(weeks=5)
    assert index.add("b", ROWS[5][2], later, kelurahan="Ngagel", topic=POTHOLE).incident == "a"
    assert index.close("a") is True
    # Closing the original closes its re-sent copy too; "b" is still open.
    assert "a2" not in index
    assert index.close("never-seen") is False
    index.close("b")
    link = index.add("c", ROWS[5][2], later + timedelta(hours=1), kelurahan="Ngagel", topic=POTHOLE)
    assert (link.incident, link.duplicate_of) == ("c", None)


def test_window_and_eviction_bound_memory() -> None:
    index = IncidentIndex(duplicate_window=timedelta(hours=2), incident_window=timedelta(hours=20))
    for day in range(30):
        index.add(
            f"d{day}", ROWS[1][2], T0 + timedelta(days=day), kelurahan="Ngagel", topic=POTHOLE
        )
    # One per day, each after the window of the one before: none linked, one kept.
    assert len(index) == 1
    link = index.add("late", ROWS[1][2], T0 + timedelta(days=29, hours=3), kelurahan="Ngagel")
    assert (link.incident, link.duplicate_of) == ("d29", None)  # an incident, no duplicate
    with pytest.raises(InputError, match="older than the index's horizon"):
        index.add("old", ROWS[1][2], T0, kelurahan="Ngagel")


def test_windows_per_topic() -> None:
    index = IncidentIndex(windows={"Saluran": timedelta(days=10)})
    index.add(
        "a", "saluran di gg. sawahan buntu, air meluap", T0, kelurahan="Ngagel", topic="Saluran"
    )
    link = index.add(
        "b",
        "gang sawahan saluran mampet",
        T0 + timedelta(days=7),
        kelurahan="Ngagel",
        topic="Saluran",
    )
    assert link.incident == "a"


@pytest.mark.parametrize(("reporter", "duplicate_of"), [("u1", "a"), ("u2", None)])
def test_same_reporter_with_edited_text_is_a_duplicate(
    reporter: str, duplicate_of: str | None
) -> None:
    index = IncidentIndex()
    index.add("a", "sampah menumpuk di depan pasar sejak seminggu, bau sekali", T0, reporter="u1")
    edited = "sampah menumpuk di depan pasar sejak seminggu, bau sekali dan banyak lalat, mohon"
    link = index.add("b", edited, T0 + timedelta(hours=2), reporter=reporter)
    assert link.duplicate_of == duplicate_of
    if duplicate_of:
        assert link.reason.startswith("duplicate: same reporter")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ix: ix.add("a", "dup", T0), "already in the index"),
        (lambda ix: ix.add("b", " ... !! ", T0), "no words"),
        (lambda ix: ix.add("b", "text", T0, status="pending"), "status"),
        (lambda ix: ix.add("b", "text", "2024-03-04"), "must be a datetime"),
    ],
    ids=["repeated-id", "no-words", "bad-status", "string-time"],
)
def test_index_refuses_bad_input(call: object, message: str) -> None:
    index = IncidentIndex()
    index.add("a", "jalan rusak", T0)
    with pytest.raises(InputError, match=message):
        call(index)  # type: ignore[operator]


def test_index_refuses_bad_settings() -> None:
    with pytest.raises(InputError, match="incident_window"):
        IncidentIndex(incident_window=timedelta(0))
    with pytest.raises(InputError, match="duplicate_threshold"):
        IncidentIndex(duplicate_threshold=1.5)


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        ("Jl. Kenjeran No. 5 berlubang", {"jalan kenjeran"}),
        ("jln raya darmo, dekat pasar", {"jalan raya darmo"}),
        ("jalan rusak parah di gg lebar 3 rt 2", {"gang lebar 3"}),
        ("di JL.A.Yani depan", {"jalan a yani"}),
        ("jalan Pahlawan macet", {"jalan pahlawan"}),
        ("jalan berlubang di depan rumah", set()),
        ("gang sempit gelap", set()),
        ("jalan raya berlubang", set()),
    ],
)
def test_street_names(text: str, streets: set[str]) -> None:
    assert street_names(text) == streets


def test_link_complaints_table() -> None:
    links = link_complaints(table())
    assert list(links.columns) == ["id", "incident", "duplicate_of"]
    assert list(links["id"]) == [row[0] for row in ROWS]  # input order kept
    got = {row.id: (row.incident, row.duplicate_of) for row in links.itertuples()}
    assert got == EXPECTED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_incidents_command(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"complaints{suffix}"
    if suffix == ".csv":
        table().to_csv(source, index=False)
    else:
        table().to_excel(source, index=False)
    output = tmp_path / "out" / "links.csv"
    code, out, err = run(capsys, "incidents", "--input", str(source), "--output", str(output))
    assert (code, err) == (0, "")
    assert "8 complaints: 5 incidents, 1 duplicates" in out
    written = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["id", "incident", "duplicate_of"]
    assert {row.id: (row.incident, row.duplicate_of) for row in written.itertuples()} == EXPECTED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="created_at"), "missing column(s): created_at"),
        (lambda f: f.assign(created_at=f["created_at"].where(f["id"] != "c4", "4 Maret")), "'c4'"),
        (
            lambda f: f.assign(created_at=f["created_at"].where(f["id"] != "c5", "")),
            "no created_at",
        ),
        (lambda f: f.assign(id="same"), "appears more than once"),
        (lambda f: f.assign(closed_at="2024-01-01"), "closed before it was created"),
        (lambda f: f.assign(text=f["text"].where(f["id"] != "c7", "")), "no text"),
    ],
    ids=["missing-column", "bad-date", "no-date", "repeated-id", "closed-early", "no-text"],
)
def test_incidents_command_bad_input(
    tmp_path: Path, change: object, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "complaints.csv"
    change(table()).to_csv(source, index=False)  # type: ignore[operator]
    output = tmp_path / "links.csv"
    code, out, err = run(capsys, "incidents", "--input", str(source), "--output", str(output))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("triage incidents: error:")
    assert message in err
    assert not output.exists()


def test_topic_known_on_one_side_only() -> None:
    # The earlier complaint has no topic: it is in the kelurahan's block without one, which
    # a complaint with a topic is compared with too.
    index = IncidentIndex()
    index.add("a", ROWS[6][2], T0, kelurahan="Tambaksari")
    link = index.add(
        "b", ROWS[7][2], T0 + timedelta(minutes=40), kelurahan="tambaksari ", topic="Pohon"
    )
    assert (link.incident, link.duplicate_of) == ("a", None)
    reworded = "pohon tumbang di jl. kenjeran belum dipotong"
    other = index.add("c", reworded, T0 + timedelta(hours=1), kelurahan="Tambaksari", topic="PJU")
    assert other.incident == "a"  # "a" has no topic to disagree; "b" (Pohon) is another one
    assert other.matched == "a"


def test_eviction_empties_every_block() -> None:
    index = IncidentIndex(duplicate_window=timedelta(hours=1), incident_window=timedelta(hours=2))
    for i, (_, text, _, place, topic) in enumerate(ROWS):
        index.add(f"x{i}", text, T0 + timedelta(minutes=i), kelurahan=place, topic=topic or None)
    index.add("late", "lampu mati", T0 + timedelta(days=1))
    assert len(index) == 1
    assert index.close("late") is True
    assert len(index) == 0


def test_a_bad_date_is_named_without_echoing_the_cell() -> None:
    # A mis-chosen column may hold complaint text with a phone number: never in the message.
    frame = pd.DataFrame(
        {"id": ["a"], "created_at": ["hubungi 081234567890"], "text": ["jalan rusak"]}
    )
    with pytest.raises(InputError, match="'a': its created_at is not a date") as caught:
        link_complaints(frame)
    assert "0812" not in str(caught.value)


# The table above, the look-alikes and a report without a kelurahan, each pair at five ages.
PAIRS = [(r[2], r[3], r[4] or None) for r in ROWS] + [
    ("lampu PJU di gg sawahan mati, gelap sekali", "Ngagel", "PJU"),
    ("jalan berlubang besar di Gg. Melati", "Ngagel", POTHOLE),
    ("Mohon perbaikan jalan berlubang besar di Jl. Darmo depan musholla", "Ngagel", POTHOLE),
    ("jalan berlubang besar", None, POTHOLE),
]


@pytest.mark.parametrize(
    "index",
    [
        IncidentIndex(),
        IncidentIndex(windows={POTHOLE: timedelta(days=5), "PJU": timedelta(hours=2)}),
    ],
    ids=["default", "windows-per-topic"],
)
def test_worth_judging_rejects_only_what_match_rejects(index: IncidentIndex) -> None:
    # A store lookup skips the rows worth_judging rejects: it must never reject a link.
    skipped = linked = 0
    for (new, old), hours in product(product(PAIRS, PAIRS), (-1, 0.1, 3, 30, 80)):
        ours = index.features(new[0], T0 + timedelta(hours=hours), kelurahan=new[1], topic=new[2])
        theirs = index.features(old[0], T0, kelurahan=old[1], topic=old[2])
        link = index.match("new", ours, incidents=[Candidate("old", theirs, "old", "old")])
        worth = index.worth_judging(
            ours,
            when=theirs.when,
            place=theirs.place,
            topic=theirs.topic,
            streets=theirs.streets,
            similarity=float((ours.hashvalues == theirs.hashvalues).mean()),
        )
        assert worth or link.matched is None, (new, old, hours, link)
        skipped += not worth
        linked += link.matched is not None
    assert skipped > 0
    assert linked > 0
