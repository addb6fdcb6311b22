"""Bulk imports linked to incidents: a LAPOR! export's new complaints are linked in time
order inside the import's transaction, closed ones are signed but absorb nothing, a re-import
changes nothing, and later intakes find the imported complaints.  ``add_many`` links too.

On SQLite and, when reachable, the local PostgreSQL.  Every text is written for the tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests import test_lapor_import as lapor
from tests.test_lapor_import import (
    HEADER,
    add_tenant,
    query,
    report,
    run_import,
    write_export,
)
from triage.store import ComplaintStore, NewComplaint, NewPrediction, make_engine

# The databases of test_lapor_import: SQLite and, when reachable, PostgreSQL.
migrated, url = lapor.migrated, lapor.url
WITH_KELURAHAN = (*HEADER, "Kelurahan")
POTHOLE = (
    "jalan berlubang besar di Gg. Sawahan depan musholla, motor sering jatuh mohon segera "
    "diperbaiki"
)
# Other words, same problem and alley: one incident in the same kelurahan, none elsewhere.
LOOK_ALIKE = (
    "mohon diperbaiki segera jalan di Gg. Sawahan berlubang besar, motor warga sering jatuh"
)
SAME_HOLE = "lubang besar di jalan Gg. Sawahan makin parah, motor jatuh lagi, tolong diperbaiki"
RUBBISH = "sampah menumpuk di tps kertajaya belum diangkut seminggu, bau sekali"
RUBBISH_AGAIN = "tps kertajaya penuh, sampah menumpuk belum diangkut seminggu dan bau"


def row(
    tracking_id: str, text: str, at: str, kelurahan: str, **changes: object
) -> dict[str, object]:
    cells = {
        "Isi Laporan Awal": text,
        "Tanggal/Waktu Laporan Masuk": f"2023-01-31 {at}:00",
        "Kelurahan": kelurahan,
        "Kategori": "Jalan Rusak",
        "Instansi Terdisposisi": "Dinas Pekerjaan Umum",
        **changes,
    }
    return report(tracking_id, **cells)


def export_rows() -> list[dict[str, object]]:
    """Out of time order on purpose: the import links oldest first."""
    return [
        row("LPR-B", POTHOLE + " !!", "08:05", "Ngagel", Status="Arsip"),  # sent again
        row("LPR-A", POTHOLE, "08:00", "Ngagel"),
        row("LPR-C", LOOK_ALIKE, "08:20", "Darmo"),
        row("LPR-D", SAME_HOLE, "08:30", "Ngagel"),
        row("LPR-E", RUBBISH, "07:00", "Kertajaya", Status="Selesai", Kategori="Sampah"),
        row("LPR-F", RUBBISH_AGAIN, "09:00", "Kertajaya", Kategori="Sampah"),
    ]


def links(url: str) -> dict[str, tuple[str, str | None]]:
    """external id -> (the external id of its incident's first, of its original or None)."""
    rows = query(
        url,
        "SELECT c.external_id, i.external_id, d.external_id FROM complaints c "
        "JOIN complaints i ON i.id = c.incident_id "
        "LEFT JOIN complaints d ON d.id = c.duplicate_of",
    )
    return {mine: (incident, original) for mine, incident, original in rows}


def imported(url: str, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.csv", export_rows(), WITH_KELURAHAN)
    assert run_import(url, path) == 0


def test_an_import_links_its_complaints_in_time_order(url: str, tmp_path: Path) -> None:
    imported(url, tmp_path)
    assert links(url) == {
        "LPR-A": ("LPR-A", None),
        "LPR-B": ("LPR-A", "LPR-A"),  # the duplicate, though the file lists it first
        "LPR-C": ("LPR-C", None),  # the look-alike in another kelurahan starts its own
        "LPR-D": ("LPR-A", None),  # the same hole in other words, same kelurahan
        "LPR-E": ("LPR-E", None),
        "LPR-F": ("LPR-F", None),  # E was already resolved: it absorbs nothing
    }
    # Every imported complaint is signed, the closed ones too.
    assert query(url, "SELECT count(*) FROM incident_signatures")[0][0] == 6
    places = query(url, "SELECT c.external_id, c.kelurahan FROM complaints c ORDER BY 1")
    assert places[0] == ("LPR-A", "Ngagel")


def test_a_second_import_of_the_same_file_changes_no_link(url: str, tmp_path: Path) -> None:
    imported(url, tmp_path)
    tables = ("complaints", "complaint_events", "incident_signatures", "incident_bands")
    order = {"incident_signatures": "complaint_id"}
    snapshot = [query(url, f"SELECT * FROM {t} ORDER BY {order.get(t, 'id')}") for t in tables]
    imported(url, tmp_path)
    assert [
        query(url, f"SELECT * FROM {t} ORDER BY {order.get(t, 'id')}") for t in tables
    ] == snapshot


def test_a_later_file_and_a_later_intake_link_to_imported_complaints(
    url: str, tmp_path: Path
) -> None:
    imported(url, tmp_path)
    later = [row("LPR-G", SAME_HOLE + " sekali", "10:00", "Ngagel")]
    assert run_import(url, write_export(tmp_path / "later.csv", later, WITH_KELURAHAN)) == 0
    assert links(url)["LPR-G"][0] == "LPR-A"
    engine = make_engine(url)
    try:
        guess = NewPrediction("test-1", "Dinas Lingkungan Hidup", 0.9, "Sampah", 0.9, False, 1.0)
        record, _ = ComplaintStore(engine).add(
            NewComplaint(
                "web",
                "W-1",
                RUBBISH,
                kelurahan="Kertajaya",
                created_at=datetime(2023, 1, 31, 4, tzinfo=UTC),
            ),
            guess,
        )
    finally:
        engine.dispose()
    ids = dict(query(url, "SELECT external_id, id FROM complaints"))
    # The resolved E is seen as closed: the same text joins the open F, not E.
    assert (record.incident_id, record.duplicate_of) == (ids["LPR-F"], None)


def test_a_failing_import_leaves_no_link_behind(url: str, tmp_path: Path) -> None:
    bad = [*export_rows(), row("LPR-X", POTHOLE, "11:00", "Ngagel", Status="Dialihkan")]
    assert run_import(url, write_export(tmp_path / "bad.csv", bad, WITH_KELURAHAN)) == 1
    assert query(url, "SELECT count(*) FROM incident_signatures")[0][0] == 0
    assert query(url, "SELECT count(*) FROM complaints")[0][0] == 0


def test_imports_link_within_their_tenant_only(url: str, tmp_path: Path) -> None:
    imported(url, tmp_path)
    add_tenant(url, "surabaya")
    theirs = [row("SBY-1", POTHOLE, "08:10", "Ngagel")]
    path = write_export(tmp_path / "sby.csv", theirs, WITH_KELURAHAN)
    assert run_import(url, path, "--tenant", "surabaya") == 0
    assert links(url)["SBY-1"] == ("SBY-1", None)


def test_add_many_links_in_time_order(url: str) -> None:
    engine = make_engine(url)
    guess = NewPrediction("test-1", "Dinas Pekerjaan Umum", 0.9, "Jalan Rusak", 0.9, False, 1.0)

    def new(
        external_id: str, text: str, hour: int, kelurahan: str
    ) -> tuple[NewComplaint, NewPrediction]:
        when = datetime(2023, 1, 31, hour, tzinfo=UTC)
        return NewComplaint("seed", external_id, text, kelurahan=kelurahan, created_at=when), guess

    try:
        stored = ComplaintStore(engine).add_many(
            [
                new("S-2", POTHOLE + " !!", 2, "Ngagel"),
                new("S-1", POTHOLE, 1, "Ngagel"),
                new("S-3", LOOK_ALIKE, 3, "Darmo"),
            ]
        )
    finally:
        engine.dispose()
    assert stored == 3
    assert links(url) == {
        "S-1": ("S-1", None),
        "S-2": ("S-1", "S-1"),
        "S-3": ("S-3", None),
    }
