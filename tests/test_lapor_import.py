"""The SP4N-LAPOR! importer: the reader's checks, one transaction per file, idempotence on
Tracking ID, the reporter's identity never stored, and `triage train` on an export.

Every export here is synthetic: texts written for the tests, never rows of real data.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from tests.api.databases import BACKENDS, fresh_copy, migrated_database
from training.cli import main
from triage.casework.lifecycle import INITIAL, State
from triage.errors import DataFileError
from triage.sources.labelled import read_labelled_table
from triage.sources.lapor import (
    SHOWN_ERRORS,
    STATUS_STATES,
    Klasifikasi,
    LaporFileError,
    read_lapor,
)
from triage.store import TenantStore, make_engine
from triage.store.imports import lifecycle_path
from triage.tables import read_table

HEADER = (
    "Tracking ID",
    "Judul Laporan",
    "Isi Laporan Awal",
    "Tanggal/Waktu Laporan Masuk",
    "Kategori",
    "Klasifikasi Laporan",
    "Instansi Terdisposisi",
    "Status",
    "Anonim",
    "Rahasia",
    "Kecamatan",
    "Nama Pelapor",
    "No HP",
)
REPORTER = "Sutrisno Wibowo"


def report(tracking_id: str, **changes: object) -> dict[str, object]:
    """One synthetic LAPOR! row; ``changes`` override its cells."""
    row: dict[str, object] = {
        "Tracking ID": tracking_id,
        "Judul Laporan": "Lampu jalan mati",
        "Isi Laporan Awal": "lampu pju di depan sekolah mati sejak seminggu, hubungi 081234567890",
        "Tanggal/Waktu Laporan Masuk": "2023-01-31 14:05:00",
        "Kategori": "Penerangan Jalan",
        "Klasifikasi Laporan": "Pengaduan",
        "Instansi Terdisposisi": "Dinas Perhubungan",
        "Status": "Proses",
        "Anonim": "Tidak",
        "Rahasia": "Tidak",
        "Kecamatan": "Coblong",
        "Nama Pelapor": "Rina Marlina",
        "No HP": "081234567890",
    }
    row.update(changes)
    return row


def good_rows() -> list[dict[str, object]]:
    return [
        report("LPR-001"),
        report("LPR-002", Status="Belum Terverifikasi", **{"Instansi Terdisposisi": ""}),
        report(
            "LPR-003",
            Status="Selesai",
            Rahasia="Ya",
            **{
                "Nama Pelapor": REPORTER,
                "Isi Laporan Awal": f"saya {REPORTER} melapor sampah menumpuk di tps",
                "Tanggal/Waktu Laporan Masuk": "31/01/2023 14:05",
            },
        ),
        report("LPR-004", Status="Arsip", Anonim="Ya"),
        report("LPR-005", **{"Klasifikasi Laporan": "Aspirasi"}),
        report("LPR-006", **{"Klasifikasi Laporan": "Permintaan Informasi"}),
    ]


def write_export(
    path: Path, rows: list[dict[str, object]], header: tuple[str, ...] = HEADER
) -> Path:
    """Write rows as an .xlsx (with openpyxl) or a .csv, by the path's suffix."""
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(header))
        for row in rows:
            sheet.append([row.get(name) for name in header])
        book.save(path)
    else:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    with migrated_database(request.param, tmp_path_factory.mktemp("lapor")) as url:
        yield request.param, url


@pytest.fixture
def url(migrated: tuple[str, str], tmp_path: Path) -> str:
    return fresh_copy(*migrated, tmp_path)


def run_import(url: str, path: Path, *extra: str) -> int:
    return main(["import", "lapor", str(path), "--database-url", url, *extra])


def query(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def counts(url: str) -> tuple[int, int]:
    return (
        query(url, "SELECT count(*) FROM complaints")[0][0],
        query(url, "SELECT count(*) FROM complaint_events")[0][0],
    )


# --- the reader ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_reader_reads_both_formats_alike(tmp_path: Path, suffix: str) -> None:
    rows = read_lapor(write_export(tmp_path / f"export{suffix}", good_rows()))
    assert [r.tracking_id for r in rows] == [f"LPR-00{i}" for i in range(1, 7)]
    first = rows[0]
    assert first.created_at == datetime(2023, 1, 31, 7, 5, tzinfo=UTC)
    assert rows[2].created_at == first.created_at
    assert "[telepon]" in first.text
    assert "081234567890" not in first.text
    assert [r.state for r in rows[:4]] == [
        State.DITINDAKLANJUTI,
        State.BELUM_TERVERIFIKASI,
        State.SELESAI,
        State.DIARSIPKAN,
    ]
    assert rows[1].agency is None
    assert first.agency == "Dinas Perhubungan"
    assert [r.klasifikasi for r in rows[4:]] == [
        Klasifikasi.ASPIRASI,
        Klasifikasi.PERMINTAAN_INFORMASI,
    ]
    assert (rows[2].rahasia, rows[3].anonim, first.rahasia) == (True, True, False)


def test_column_names_compare_without_case_and_spaces(tmp_path: Path) -> None:
    header = tuple(name.upper().replace(" ", "  ") for name in HEADER)
    rows = [{h: v for h, v in zip(header, report("A-1").values(), strict=True)}]
    (row,) = read_lapor(write_export(tmp_path / "shouting.csv", rows, header))
    assert row.tracking_id == "A-1"
    assert row.topic == "Penerangan Jalan"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023-01-31 14:05:00", datetime(2023, 1, 31, 7, 5, tzinfo=UTC)),
        ("31/01/2023 14:05", datetime(2023, 1, 31, 7, 5, tzinfo=UTC)),
        ("31-01-2023 00:30:00", datetime(2023, 1, 30, 17, 30, tzinfo=UTC)),
        (datetime(2023, 1, 31, 14, 5), datetime(2023, 1, 31, 7, 5, tzinfo=UTC)),
        (44957.5, datetime(2023, 1, 31, 5, 0, tzinfo=UTC)),
    ],
)
def test_dates_are_jakarta_time_stored_in_utc(
    tmp_path: Path, cell: object, expected: datetime
) -> None:
    path = write_export(tmp_path / "dates.xlsx", [report("D-1", **{HEADER[3]: cell})])
    assert read_lapor(path)[0].created_at == expected


def test_the_reporters_identity_is_masked_in_the_text(tmp_path: Path) -> None:
    rows = read_lapor(write_export(tmp_path / "e.csv", good_rows()))
    secret = rows[2]
    assert REPORTER.lower() not in secret.text.lower()
    assert "[nama]" in secret.text
    assert not hasattr(secret, "reporter")


def test_every_status_of_the_mapping_is_reachable_from_a_new_complaint() -> None:
    for state in set(STATUS_STATES.values()):
        assert lifecycle_path(INITIAL, state) is not None, state
    assert lifecycle_path(State.SELESAI, State.BELUM_TERVERIFIKASI) is None
    assert lifecycle_path(State.SELESAI, State.SELESAI) == ()


BAD_ROWS = [
    ({"Isi Laporan Awal": ""}, "Isi Laporan Awal is empty"),
    ({"Tanggal/Waktu Laporan Masuk": "kemarin sore"}, "is not a date"),
    ({"Tanggal/Waktu Laporan Masuk": "31/02/2023 10:00"}, "is not a date"),
    ({"Klasifikasi Laporan": "Keluhan"}, "unknown Klasifikasi Laporan 'Keluhan'"),
    ({"Status": "Menunggu Godot"}, "unknown Status 'Menunggu Godot'"),
    ({"Anonim": "mungkin"}, "Anonim must be Ya or Tidak"),
    ({"Tracking ID": ""}, "Tracking ID is empty"),
    ({"Tracking ID": "LPR-001"}, "Tracking ID repeats row 2"),
]


@pytest.mark.parametrize(("cells", "message"), BAD_ROWS)
def test_each_bad_row_is_named_by_its_row_and_nothing_is_written(
    url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cells: dict[str, str],
    message: str,
) -> None:
    assert run_import(url, write_export(tmp_path / "good.xlsx", good_rows()[:2])) == 0
    before = counts(url)
    rows = [report("LPR-001"), report("NEW-1"), report("NEW-2", **cells)]
    capsys.readouterr()
    assert run_import(url, write_export(tmp_path / "bad.xlsx", rows)) == 1
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if "row 4: " in line]
    assert message in line
    assert "1 row cannot be read; nothing was loaded" in err
    assert "Traceback" not in err
    assert counts(url) == before


def test_a_blank_row_is_skipped_and_the_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = write_export(tmp_path / "gap.xlsx", [report("A"), {}, report("B", Status="??")])
    with pytest.raises(LaporFileError, match=r"row 4: unknown Status '\?\?'"):
        read_lapor(path)


def test_many_bad_rows_are_listed_up_to_a_limit(tmp_path: Path) -> None:
    rows = [report(f"B-{i}", Status="??") for i in range(SHOWN_ERRORS + 7)]
    with pytest.raises(LaporFileError) as caught:
        read_lapor(write_export(tmp_path / "bad.csv", rows))
    lines = str(caught.value).splitlines()
    assert lines[0].endswith(f"{SHOWN_ERRORS + 7} rows cannot be read; nothing was loaded")
    assert lines[1].strip().startswith("row 2: unknown Status")
    assert lines[-1].strip() == "and 7 more"
    assert len(caught.value.errors) == SHOWN_ERRORS + 7


def test_a_missing_column_is_one_line_naming_it(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = tuple(name for name in HEADER if name != "Status")
    path = write_export(tmp_path / "short.csv", good_rows(), header)
    assert run_import(url, path) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "missing column 'Status'" in err
    assert counts(url) == (0, 0)


# --- the import ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_good_file_imports_masked_with_its_disposition_and_state(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = write_export(tmp_path / f"export{suffix}", good_rows())
    assert run_import(url, path, "--tenant", "bandung") == 0
    out = capsys.readouterr().out
    assert "4 complaints added" in out
    assert "2 not complaints left out" in out
    stored = query(
        url,
        "SELECT external_id, source, channel, opd, topic, status, state, text "
        "FROM complaints ORDER BY external_id",
    )
    assert [row[0] for row in stored] == ["LPR-001", "LPR-002", "LPR-003", "LPR-004"]
    first = stored[0]
    assert first[1:7] == (
        "lapor",
        "lapor",
        "Dinas Perhubungan",
        "Penerangan Jalan",
        "routed",
        "ditindaklanjuti",
    )
    assert "[telepon]" in first[7]
    assert "0812" not in first[7]
    assert stored[1][3:7] == (None, "Penerangan Jalan", "needs_review", "belum_terverifikasi")
    assert [row[6] for row in stored[2:]] == ["selesai", "diarsipkan"]
    # Each state is reached through legal moves, one event each, numbered per complaint.
    events = query(
        url,
        "SELECT c.external_id, e.seq, e.from_state, e.to_state FROM complaint_events e "
        "JOIN complaints c ON c.id = e.complaint_id ORDER BY c.external_id, e.seq",
    )
    assert [e[1:] for e in events if e[0] == "LPR-001"] == [
        (1, "belum_terverifikasi", "terverifikasi"),
        (2, "terverifikasi", "terdisposisi"),
        (3, "terdisposisi", "ditindaklanjuti"),
    ]
    assert not [e for e in events if e[0] == "LPR-002"]


def test_a_second_import_of_the_same_file_adds_and_changes_nothing(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_export(tmp_path / "export.xlsx", good_rows())
    assert run_import(url, path) == 0
    tables = ("complaints", "complaint_events", "predictions", "corrections")
    snapshot = [query(url, f"SELECT * FROM {table} ORDER BY id") for table in tables]
    capsys.readouterr()
    assert run_import(url, path) == 0
    assert "0 complaints added, 0 moved on (0 events), 4 already stored" in capsys.readouterr().out
    assert [query(url, f"SELECT * FROM {table} ORDER BY id") for table in tables] == snapshot


def test_a_newer_status_moves_the_state_through_legal_events(url: str, tmp_path: Path) -> None:
    assert run_import(url, write_export(tmp_path / "jan.csv", good_rows()[:2])) == 0
    later = [report("LPR-001", Status="Selesai"), report("LPR-002", Status="Proses")]
    assert run_import(url, write_export(tmp_path / "feb.csv", later)) == 0
    states = query(url, "SELECT external_id, state FROM complaints ORDER BY external_id")
    assert states == [("LPR-001", "selesai"), ("LPR-002", "ditindaklanjuti")]
    seqs = query(
        url,
        "SELECT e.seq, e.to_state FROM complaint_events e JOIN complaints c "
        "ON c.id = e.complaint_id WHERE c.external_id = 'LPR-001' ORDER BY e.seq",
    )
    assert seqs[-1] == (4, "selesai")


def test_a_status_that_cannot_follow_the_stored_one_is_refused_whole(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(url, write_export(tmp_path / "jan.csv", [report("A", Status="Selesai")])) == 0
    before = query(url, "SELECT state FROM complaints"), counts(url)
    back = [report("NEW"), report("A", Status="Belum Terverifikasi")]
    assert run_import(url, write_export(tmp_path / "feb.csv", back)) == 1
    err = capsys.readouterr().err
    assert "row 3: stored as selesai, which cannot become belum_terverifikasi" in err
    assert (query(url, "SELECT state FROM complaints"), counts(url)) == before


def test_a_disposition_holding_personal_data_is_refused_by_its_row(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [report("A"), report("B", **{"Instansi Terdisposisi": "Pak RT 081234567890"})]
    assert run_import(url, write_export(tmp_path / "leak.csv", rows)) == 1
    err = capsys.readouterr().err
    assert "row 3: opd holds personal data" in err
    assert "081234567890" not in err
    assert counts(url) == (0, 0)


def test_rahasia_and_anonim_reports_keep_no_identity(url: str, tmp_path: Path) -> None:
    assert run_import(url, write_export(tmp_path / "secret.xlsx", good_rows())) == 0
    everything = json.dumps(
        [
            query(url, "SELECT * FROM complaints"),
            query(url, "SELECT * FROM complaint_events"),
            query(url, "SELECT * FROM predictions"),
        ],
        default=str,
    ).lower()
    for secret in (REPORTER, "Rina Marlina", "081234567890"):
        assert secret.lower() not in everything
    (kept,) = query(url, "SELECT text, raw_text FROM complaints WHERE external_id = 'LPR-003'")
    assert kept == ("saya [nama] melapor sampah menumpuk di tps", None)


def test_an_unknown_tenant_is_one_line_and_writes_nothing(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_export(tmp_path / "export.csv", good_rows())
    assert run_import(url, path, "--tenant", "atlantis") == 1
    err = capsys.readouterr().err.strip()
    assert err == "triage import: error: unknown tenant 'atlantis'; known: bandung"
    assert counts(url) == (0, 0)


def add_tenant(url: str, name: str) -> None:
    """A second tenant in the store, with a one-agency registry."""
    engine = make_engine(url)
    try:
        TenantStore(engine).create_tenant(
            name,
            display_name=f"Kota {name.title()}",
            level="kota",
            registry_csv="opd,urusan,description\nDinas Perhubungan,2.15,lampu jalan\n",
            registry_digest="d" * 16,
        )
    finally:
        engine.dispose()


def test_each_tenant_holds_its_own_imports(url: str, tmp_path: Path) -> None:
    add_tenant(url, "samarinda")
    path = write_export(tmp_path / "export.csv", good_rows())
    assert run_import(url, path, "--tenant", "samarinda") == 0
    assert run_import(url, path) == 0
    assert run_import(url, path, "--tenant", "samarinda") == 0
    per_tenant = query(
        url,
        "SELECT t.name, count(*) FROM complaints c JOIN tenants t ON t.id = c.tenant_id "
        "GROUP BY t.name ORDER BY t.name",
    )
    assert per_tenant == [("bandung", 4), ("samarinda", 4)]


def test_an_unreadable_file_is_one_line(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    assert run_import(url, path) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# --- training --------------------------------------------------------------------------


def lapor_corpus(corpus: pd.DataFrame) -> list[dict[str, object]]:
    """The tests' labelled corpus written as a LAPOR! export."""
    return [
        report(
            f"T-{i}",
            **{
                "Judul Laporan": "Laporan warga",
                "Isi Laporan Awal": row.text,
                "Tanggal/Waktu Laporan Masuk": row.created_at.replace("T", " "),
                "Kategori": row.topic,
                "Instansi Terdisposisi": row.opd,
            },
        )
        for i, row in enumerate(corpus.itertuples())
    ]


def test_a_lapor_export_reads_as_training_columns(tmp_path: Path, corpus: pd.DataFrame) -> None:
    frame = read_labelled_table(write_export(tmp_path / "train.csv", lapor_corpus(corpus)))
    assert list(frame.columns[:7]) == [
        "id",
        "created_at",
        "title",
        "text",
        "kecamatan",
        "opd",
        "topic",
    ]
    assert frame["opd"].tolist() == corpus["opd"].tolist()
    assert frame["created_at"].iloc[0] == "2024-01-01T00:00:00"
    assert not {"Nama Pelapor", "No HP"} & set(frame.columns)


def test_our_own_tables_read_unchanged(corpus_csv: Path) -> None:
    pd.testing.assert_frame_equal(read_labelled_table(corpus_csv), read_table(corpus_csv))


def test_train_learns_from_a_lapor_export(tmp_path: Path, corpus: pd.DataFrame) -> None:
    path = write_export(tmp_path / "train.xlsx", lapor_corpus(corpus))
    assert main(["train", "--data", str(path), "--out", str(tmp_path / "model")]) == 0
    metadata = json.loads((tmp_path / "model" / "metadata.json").read_text())
    assert metadata["n_rows"] == len(corpus)
    assert sum(metadata["label_counts"]["opd"].values()) == len(corpus)
    assert "Dinas Perhubungan" in metadata["label_counts"]["opd"]


def test_train_refuses_a_lapor_export_with_bad_rows(
    tmp_path: Path, corpus: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = lapor_corpus(corpus)
    rows[5]["Status"] = "??"
    path = write_export(tmp_path / "train.csv", rows)
    assert main(["train", "--data", str(path), "--out", str(tmp_path / "model")]) == 1
    assert "row 7: unknown Status" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()


def test_a_lapor_file_error_is_a_data_file_error() -> None:
    assert issubclass(LaporFileError, DataFileError)
