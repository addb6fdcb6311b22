"""Intake lookup time of incidents with a year of 1M stored complaints: in memory and in the store.

    python benchmarks/bench_incidents.py [--stored 1000000] [--lookups 10000] [--kelurahan 150]
    python benchmarks/bench_incidents.py --store sqlite [--lookups 2000] [--load-process]
    python benchmarks/bench_incidents.py --store postgresql [--lookups 2000]

Generates the stored complaints (a simple synthetic text generator: problem phrases, street
names per kelurahan, filler words; every 20th complaint re-sent within minutes, every 10th a
second report of an earlier problem on its street), spread over a year with more complaints
in the larger kelurahan.

Without ``--store``, the in-memory :class:`IncidentIndex`: only what lies inside the longest
window before now is loaded; then the next ``--lookups`` complaints are added one by one.

With ``--store``, the service's path: the 1M complaints and their signatures are bulk
inserted into a fresh migrated database (SQLite file or a scratch PostgreSQL schema; their
links are not replayed: each stands alone, and those older than a week are mostly closed);
then ``--lookups`` complaints go through ``ComplaintStore.add`` one by one, and the parts of
the intake lookup are timed: ``features`` (stems, streets, MinHash: before the transaction),
``lookup`` (the two candidate queries and the match: the match runs twice, once inside the
timing), the CPU time of these two and ``link`` (lock, lookup, match,
storing the signature and bands, pruning), beside the whole ``add`` (complaint, prediction,
link, commit).  ``--load-process`` runs a second process that ingests other complaints into
the same database meanwhile, as a second gunicorn worker would.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from triage.casework.incidents import Candidate, IncidentIndex, Link
from triage.store import ComplaintStore, IncidentLinker, NewComplaint, NewPrediction, make_engine
from triage.store.database import scratch_schema, upgrade
from triage.store.incident_queries import (
    IncidentBand,
    IncidentSignature,
    Prepared,
    signature_row,
)
from triage.store.schema import Complaint
from triage.text import tokens

PROBLEMS: dict[str, tuple[str, ...]] = {
    "Jalan Rusak dan Berlubang": (
        "jalan berlubang",
        "aspal rusak",
        "lubang besar",
        "aspal mengelupas",
    ),
    "PJU": ("lampu pju mati", "penerangan jalan padam", "lampu jalan tidak menyala"),
    "Saluran Tepi Jalan": ("saluran buntu", "got mampet", "air meluap dari saluran"),
    "Pohon": ("pohon tumbang", "dahan patah", "pohon rawan tumbang perlu perantingan"),
    "Sampah": ("sampah menumpuk", "sampah belum diangkut", "tumpukan sampah bau"),
    "Bansos": ("belum menerima bansos", "mohon bantuan sosial", "bansos tidak tepat sasaran"),
    "Parkir": ("parkir liar", "juru parkir menarik tarif", "parkir di bahu jalan"),
}
FILLERS = (
    "mohon segera ditindaklanjuti", "sudah seminggu", "sangat membahayakan pengendara",
    "warga resah", "terima kasih", "tolong dibantu pak", "sejak kemarin malam",
    "anak sekolah lewat sini", "sudah pernah lapor", "dekat masjid", "depan toko",
)  # fmt: skip
SYLLABLES = ("ka", "ra", "ngan", "su", "mo", "de", "wa", "ti", "jo", "ba", "ru", "sa", "li")


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def generate(stored: int, kelurahan: int, seed: int) -> list[tuple[str, str, datetime, str, str]]:
    """``stored`` complaints (id, text, created_at, kelurahan, topic) in time order."""
    rng = random.Random(seed)
    places = [f"kel-{_name(rng)}-{i}" for i in range(kelurahan)]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(kelurahan)]
    streets = {
        place: [f"{rng.choice(('Jl.', 'Gg.'))} {_name(rng).title()}" for _ in range(40)]
        for place in places
    }  # noqa: E501
    start = datetime(2024, 1, 1)
    seconds = sorted(rng.uniform(0, 365 * 86400) for _ in range(stored))
    rows: list[tuple[str, str, datetime, str, str]] = []
    for i, offset in enumerate(seconds):
        when = start + timedelta(seconds=offset)
        if rows and i % 20 == 0:
            # Re-sent: the previous complaint again, a word changed.
            _, text, _, place, topic = rows[-1]
            text = text + " " + rng.choice(FILLERS)
        elif rows and i % 10 == 0:
            # Another citizen, the same problem on the same street, other words.
            _, _, _, place, topic = rows[-rng.randint(1, min(len(rows), 50))]
            street = rng.choice(streets[place])
            text = f"{rng.choice(PROBLEMS[topic])} di {street} {rng.choice(FILLERS)}"
        else:
            place = rng.choices(places, weights)[0]
            topic = rng.choice(list(PROBLEMS))
            words = [rng.choice(PROBLEMS[topic]), "di", rng.choice(streets[place])]
            words += rng.sample(FILLERS, rng.randint(1, 4))
            text = " ".join(words)
        rows.append((str(i), text, when, place, topic))
    return rows


def _resident() -> float:
    """Resident memory of this process now, in MiB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


Row = tuple[str, str, datetime, str, str]
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHUNK = 20_000


def _percentiles(name: str, times: list[float]) -> None:
    times = sorted(times)
    p50 = statistics.median(times) * 1000
    p99 = times[int(0.99 * (len(times) - 1))] * 1000
    print(f"  {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {times[-1] * 1000:.2f} ms")


def run_memory(stored: list[Row], intake: list[Row]) -> None:
    """The in-memory index: load the recent complaints, then time lookups + inserts."""
    index = IncidentIndex()
    horizon = max(index.incident_window, index.duplicate_window)
    now = stored[-1][2]
    recent = [row for row in stored if row[2] >= now - horizon]
    # Normalising the texts once first loads the lexicons and fills the per-word stem cache,
    # which belong to the process (the model shares them), not to the index measured here.
    for row in recent:
        tokens(row[1])
    before = _resident()
    began = time.perf_counter()
    for complaint_id, text, when, place, topic in recent:
        index.add(complaint_id, text, when, kelurahan=place, topic=topic)
    load = time.perf_counter() - began
    memory = _resident() - before
    print(
        f"start-up: {len(recent):,} of {len(stored):,} stored complaints lie in the last "
        f"{horizon.days} days; indexed in {load:.1f} s; resident memory +{memory:.1f} MiB"
    )
    # Wall time is what a caller waits; CPU time of this thread leaves out the waits for a
    # core when other processes share the machine (the load average is printed with it).
    wall: list[float] = []
    cpu: list[float] = []
    kinds = {"new": 0, "duplicate": 0, "incident": 0}
    for complaint_id, text, when, place, topic in intake:
        began, began_cpu = time.perf_counter(), time.thread_time()
        link = index.add(complaint_id, text, when, kelurahan=place, topic=topic)
        wall.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
        kinds[link.reason.split(":")[0]] += 1
    print(f"intake: {len(wall):,} lookups+inserts; index holds {len(index):,}; links {kinds}")
    _percentiles("wall", wall)
    _percentiles("cpu", cpu)


class TimedLinker(IncidentLinker):
    """The store's linker, timing its parts."""

    def __init__(self) -> None:
        super().__init__()
        self.times: dict[str, list[float]] = {
            "features": [],
            "lookup": [],
            "link": [],
            "features+lookup+match cpu": [],
        }
        self._cpu = self._match_cpu = 0.0
        self.kinds = {"new": 0, "duplicate": 0, "incident": 0}

    def prepare(
        self, text_: str, created_at: datetime, kelurahan: str | None, topic: str | None
    ) -> Prepared | None:
        began, began_cpu = time.perf_counter(), time.thread_time()
        try:
            return super().prepare(text_, created_at, kelurahan, topic)
        finally:
            self.times["features"].append(time.perf_counter() - began)
            self._cpu = time.thread_time() - began_cpu

    def lookup(
        self, session: Session, prepared: Prepared, tenant_id: int
    ) -> dict[str, list[Candidate]]:
        began, began_cpu = time.perf_counter(), time.thread_time()
        try:
            found = super().lookup(session, prepared, tenant_id)
            # The match, timed with the candidates as the linker runs it next.
            self.index.match("timing", prepared.features, **found)
            return found
        finally:
            self.times["lookup"].append(time.perf_counter() - began)
            self._match_cpu = time.thread_time() - began_cpu

    def link(self, session: Session, row: Complaint, prepared: Prepared | None) -> Link | None:
        began = time.perf_counter()
        try:
            found = super().link(session, row, prepared)
        finally:
            self.times["link"].append(time.perf_counter() - began)
        self.times["features+lookup+match cpu"].append(self._cpu + self._match_cpu)
        if found is not None:
            self.kinds[found.reason.split(":")[0]] += 1
        return found


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh migrated database of that kind."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-incidents-") as directory:
            url = f"sqlite:///{Path(directory) / 'triage.db'}"
            upgrade(url)
            yield url
        return
    with scratch_schema(POSTGRES_URL, "bench_incidents") as url:
        upgrade(url)
        yield url


def bulk_load(url: str, stored: list[Row]) -> None:
    """The stored complaints with their signatures (and the bands of the last two days)."""
    linker = IncidentLinker()
    engine = make_engine(url)
    newest = stored[-1][2].replace(tzinfo=UTC)
    band_since = newest - linker.index.duplicate_window - timedelta(days=1)
    began = time.perf_counter()
    try:
        for start in range(0, len(stored), CHUNK):
            complaints, signatures, bands = [], [], []
            for offset, (_, text, when, place, topic) in enumerate(stored[start : start + CHUNK]):
                number = start + offset + 1
                when = when.replace(tzinfo=UTC)
                old = newest - when > timedelta(days=7)
                complaints.append(
                    {
                        "id": number,
                        "source": "bench",
                        "external_id": str(number),
                        "created_at": when,
                        "received_at": when,
                        "kelurahan": place,
                        "text": text,
                        "status": "routed",
                        "topic": topic,
                        "state": "selesai" if old and number % 5 else "belum_terverifikasi",
                        "urgent": False,
                        "missing": "",
                        "incident_id": number,
                    }
                )
                prepared = linker.prepare(text, when, place, topic)
                assert prepared is not None
                features = prepared.features
                signatures.append(signature_row(number, features))
                if when >= band_since:
                    bands += [
                        {"band": band, "complaint_id": number, "created_at": when}
                        for band in prepared.bands
                    ]
            with engine.begin() as connection:
                connection.execute(insert(Complaint.__table__), complaints)
                connection.execute(insert(IncidentSignature.__table__), signatures)
                if bands:
                    connection.execute(insert(IncidentBand.__table__), bands)
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql(f"SELECT setval('complaints_id_seq', {len(stored)})")
                connection.exec_driver_sql("ANALYZE")
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    print(
        f"bulk load: {len(stored):,} complaints and signatures "
        f"in {time.perf_counter() - began:.0f} s"
    )


def ingest(url: str, rows: list[Row], linker: IncidentLinker, source: str) -> list[float]:
    """Each row through ComplaintStore.add; the wall time of each call."""
    store = ComplaintStore(make_engine(url), incidents=linker)
    times = []
    try:
        for complaint_id, text, when, place, topic in rows:
            new = NewComplaint(
                source=source,
                external_id=complaint_id,
                text=text,
                kelurahan=place,
                created_at=when.replace(tzinfo=UTC),
            )
            prediction = NewPrediction("bench", "DSDABM", 0.9, topic, 0.8, False, 1.0)
            began = time.perf_counter()
            store.add(new, prediction)
            times.append(time.perf_counter() - began)
    finally:
        store.dispose()
    return times


def run_store(kind: str, stored: list[Row], intake: list[Row], load_process: bool) -> None:
    """The service's path against a store of ``len(stored)`` complaints; with
    ``load_process``, a second batch of intakes while another process ingests."""
    with database(kind) as url:
        bulk_load(url, stored)
        # Warm the lexicons and stem cache (the model shares them in the service).
        for row in intake[:200]:
            tokens(row[1])
        half = len(intake) // 2 if load_process else len(intake)
        _timed(url, kind, intake[:half], "")
        if not load_process:
            return
        other = subprocess.Popen(
            [sys.executable, __file__, "--worker", url, "--stored", str(len(stored))]
        )
        try:
            time.sleep(30)  # its own generation and start-up
            _timed(url, kind, intake[half:], " while a second process ingests")
        finally:
            other.terminate()
            other.wait()


def _timed(url: str, kind: str, rows: list[Row], loaded: str) -> None:
    linker = TimedLinker()
    wall = ingest(url, rows, linker, "bench-intake")
    print(f"{kind} intake{loaded}: {len(wall):,} complaints through ComplaintStore.add")
    print(f"  links {linker.kinds}")
    for name in linker.times:
        _percentiles(name, linker.times[name])
    _percentiles("add (whole intake, committed)", wall)
    print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def worker(url: str, stored: int, seed: int) -> None:
    """The second process: ingest other complaints until stopped."""
    rows = generate(stored + 20_000, 150, seed + 1)[stored:]
    ingest(url, rows, IncidentLinker(), "bench-worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument(
        "--lookups", type=int, default=None, help="default 10,000; 2,000 in a store"
    )
    parser.add_argument("--kelurahan", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", choices=("sqlite", "postgresql"))
    parser.add_argument("--load-process", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.stored, args.seed)
        return
    lookups = args.lookups or (4_000 if args.store and args.load_process else 2_000)
    lookups = lookups if args.store else (args.lookups or 10_000)

    began = time.perf_counter()
    rows = generate(args.stored + lookups, args.kelurahan, args.seed)
    stored, intake = rows[: args.stored], rows[args.stored :]
    print(f"generated {len(rows):,} complaints in {time.perf_counter() - began:.0f} s")
    # The service keeps the stored complaints in the database, not in Python objects: frozen,
    # the generated million no longer make every full garbage collection walk them.
    gc.collect()
    gc.freeze()
    if args.store:
        run_store(args.store, stored, intake, args.load_process)
    else:
        run_memory(stored, intake)
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process memory {rss:.0f} MiB (including the generated complaints)")


if __name__ == "__main__":
    main()
