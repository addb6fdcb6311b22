"""Intake lookup time of the incident index with a year of 1M stored complaints.

    python benchmarks/bench_incidents.py [--stored 1000000] [--lookups 10000] [--kelurahan 150]

Generates the stored complaints (a simple synthetic text generator: problem phrases, street
names per kelurahan, filler words; every 20th complaint re-sent within minutes, every 10th a
second report of an earlier problem on its street), spread over a year with more complaints
in the larger kelurahan.  The service indexes on start-up only what lies inside the longest
window before now, so that is what is loaded; then the next ``--lookups`` complaints are
added one by one (lookup and insert, as at intake) and timed.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import time
from datetime import datetime, timedelta

from triage.casework.incidents import IncidentIndex
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--kelurahan", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    began = time.perf_counter()
    rows = generate(args.stored + args.lookups, args.kelurahan, args.seed)
    stored, intake = rows[: args.stored], rows[args.stored :]
    print(f"generated {len(rows):,} complaints in {time.perf_counter() - began:.0f} s")
    # The service keeps the stored complaints in the database, not in Python objects: frozen,
    # the generated million no longer make every full garbage collection walk them.
    gc.collect()
    gc.freeze()

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
    for name, times in (("wall", wall), ("cpu", cpu)):
        times.sort()
        p50 = statistics.median(times) * 1000
        p99 = times[int(0.99 * (len(times) - 1))] * 1000
        print(f"  {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {times[-1] * 1000:.2f} ms")
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process memory {rss:.0f} MiB (including the 1M generated complaints)")


if __name__ == "__main__":
    main()
