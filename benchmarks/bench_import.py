"""Rows per second importing a synthetic SP4N-LAPOR! export (``triage import lapor``).

Writes a ``--rows`` export (synthetic texts from a small phrase table, every LAPOR! status
and class, names and phones in some texts) as ``.csv`` and ``.xlsx``, then times reading and
checking it (:func:`triage.sources.lapor.read_lapor`) and importing it into a freshly migrated
SQLite database and, when reachable, PostgreSQL (a throw-away schema of the local server).
Each import is timed twice: the first adds every complaint (and links it to its incident),
the second (the same file again) adds nothing.  Prints one JSON object, with the links the
first import made (complaints joined to an earlier one's incident, and of them duplicates).

With ``--from-csv FILE`` (a complaints table: id, created_at, text, kecamatan, kelurahan, opd,
topic)
the export's texts, dates and labels are that table's, written only into a temporary folder
that is removed afterwards, so that masking meets real texts; ``--rows`` then takes the
first rows.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--from-csv FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from training.cli import main
from triage.sources.lapor import COLUMNS, read_lapor
from triage.store import upgrade
from triage.store.database import scratch_schema

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PROBLEMS = (
    ("Dinas Perhubungan", "Penerangan Jalan", "lampu jalan mati sudah {n} hari"),
    ("Dinas Lingkungan Hidup", "Sampah", "sampah menumpuk di tps belum diangkut {n} hari"),
    ("Dinas Pekerjaan Umum", "Jalan Rusak", "jalan berlubang dalam {n} cm membahayakan"),
    ("Dinas Kesehatan", "Pelayanan Kesehatan", "antrian puskesmas lama sekali {n} jam"),
    ("Dinas Kependudukan", "KTP", "ktp elektronik belum jadi setelah {n} bulan"),
)
STATUSES = ("Belum Terverifikasi", "Belum Ditindaklanjuti", "Proses", "Selesai", "Arsip")
CLASSES = ("Pengaduan",) * 8 + ("Aspirasi", "Permintaan Informasi")
# Optional in an export (older readers ignore it, so the script times them too).
KELURAHAN_COLUMN = "Kelurahan"
KELURAHAN = ("Dago", "Lebakgede", "Sekeloa", "Lebaksiliwangi", "Sadangserang", "Cipaganti")


def synthetic_export(rows: int, seed: int = 0) -> pd.DataFrame:
    """A LAPOR!-shaped table of made-up reports."""
    rnd = random.Random(seed)
    records = []
    for i in range(rows):
        opd, topic, phrase = rnd.choice(PROBLEMS)
        body = phrase.format(n=rnd.randint(2, 30))
        if i % 7 == 0:
            body += f", hubungi saya Warga Nomor{i} di 0812{rnd.randint(10**7, 10**8 - 1)}"
        records.append(
            {
                COLUMNS["tracking_id"]: f"BENCH{i:07d}",
                COLUMNS["title"]: topic,
                COLUMNS["text"]: body,
                COLUMNS["created_at"]: f"2023-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00",
                COLUMNS["category"]: topic,
                COLUMNS["klasifikasi"]: rnd.choice(CLASSES),
                COLUMNS["agency"]: opd,
                COLUMNS["status"]: rnd.choice(STATUSES),
                COLUMNS["anonim"]: rnd.choice(("Ya", "Tidak")),
                COLUMNS["rahasia"]: rnd.choice(("Ya", "Tidak", "Tidak")),
                COLUMNS["kecamatan"]: "Coblong",
                KELURAHAN_COLUMN: rnd.choice(KELURAHAN),
                "Nama Pelapor": f"Warga Nomor{i}",
            }
        )
    return pd.DataFrame(records)


def export_of(table: Path, rows: int, seed: int = 0) -> pd.DataFrame:
    """The first ``rows`` of a complaints table as a LAPOR!-shaped export."""
    frame = synthetic_export(rows, seed)
    source = pd.read_csv(table, dtype=str, keep_default_na=False).head(rows)
    if len(source) < rows:
        sys.exit(f"{table} has only {len(source)} rows")
    when = pd.to_datetime(source["created_at"], format="mixed")
    frame[COLUMNS["text"]] = source["text"].to_numpy()
    frame[COLUMNS["title"]] = ""
    frame[COLUMNS["created_at"]] = when.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    frame[COLUMNS["agency"]] = source["opd"].to_numpy()
    frame[COLUMNS["category"]] = source["topic"].to_numpy()
    frame[COLUMNS["kecamatan"]] = source["kecamatan"].to_numpy()
    frame[KELURAHAN_COLUMN] = source["kelurahan"].to_numpy()
    return frame


def postgres_reachable() -> bool:
    """Whether the local PostgreSQL answers."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """A freshly migrated database of the backend."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'import.db'}"
        upgrade(url)
        yield url
        return
    with scratch_schema(POSTGRES_URL, "bench_import") as url:
        upgrade(url)
        yield url


def timed_import(url: str, path: Path) -> float:
    """Seconds of one ``triage import lapor`` (its summary line goes to stderr)."""
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        code = main(["import", "lapor", str(path), "--database-url", url])
    seconds = time.perf_counter() - started
    if code != 0:
        sys.exit(f"import failed with exit code {code}")
    return seconds


def links(url: str) -> dict[str, int]:
    """Complaints joined to an earlier complaint's incident, and of them duplicates."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            joined, copies = connection.execute(
                text(
                    "SELECT count(*), count(duplicate_of) FROM complaints "
                    "WHERE incident_id IS NOT NULL AND incident_id <> id"
                )
            ).one()
    finally:
        engine.dispose()
    return {"joined": int(joined), "duplicates": int(copies)}


def main_bench(argv: list[str] | None = None) -> dict[str, object]:
    """Run the measurements; return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--from-csv", type=Path, help="take texts and labels from this table")
    args = parser.parse_args(argv)
    results: dict[str, object] = {
        "rows": args.rows,
        "texts": "real" if args.from_csv else "synthetic",
    }
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        frame = (
            export_of(args.from_csv, args.rows) if args.from_csv else synthetic_export(args.rows)
        )
        csv_path, xlsx_path = directory / "export.csv", directory / "export.xlsx"
        frame.to_csv(csv_path, index=False)
        frame.to_excel(xlsx_path, index=False)
        for name, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            started = time.perf_counter()
            rows = read_lapor(path)
            seconds = time.perf_counter() - started
            results[f"read_{name}_rows_per_s"] = round(len(rows) / seconds)
        backends = ["sqlite", *(["postgresql"] if postgres_reachable() else [])]
        for backend in backends:
            with database(backend, directory) as url:
                first = timed_import(url, csv_path)
                results[f"{backend}_links"] = links(url)
                again = timed_import(url, csv_path)
            results[f"{backend}_import_csv_rows_per_s"] = round(args.rows / first)
            results[f"{backend}_reimport_csv_rows_per_s"] = round(args.rows / again)
        if "postgresql" not in backends:
            results["postgresql"] = "not reachable"
    return results


if __name__ == "__main__":
    print(json.dumps(main_bench(), indent=2))
