"""Seconds of one ``refresh_alerts`` on the stored sample city, with weeks ending on the last
complete day (the default) and with ISO weeks, the hourly scan included.

The sample (``triage sample --rows 10000 --seed 7``: three years) is stored in a temporary
SQLite file, and each setting refreshes a fresh copy of it as of the sample's last day.

    .venv/bin/python benchmarks/refresh_speed.py [--rows 10000] [--seed 7] [--repeat 3]

``--check-days N --check-from DAY`` instead runs the real refresh every morning (06:00, no
scan) for N days from DAY on a stored copy and compares its stored weekly alerts (group, first
and last week) with those of the replay in ``benchmarks/daily_refresh.py`` that
``benchmarks/headlines.py`` scores: the check that the benchmark measures what the refresh
stores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd  # noqa: E402
from daily_refresh import anchored_alerts, stored_alerts  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from triage.periods import LOCAL_TIME  # noqa: E402
from triage.sample.generator import generate_sample  # noqa: E402
from triage.store import make_engine, upgrade  # noqa: E402
from triage.store.alerts import AlertStore  # noqa: E402
from triage.store.schema import Complaint  # noqa: E402
from triage.trends.detectors import SeasonalNB  # noqa: E402
from triage.trends.refresh import CHART_DAYS, DEFAULT_GROUP_SETS, refresh_alerts  # noqa: E402
from triage.trends.scan import HourlyScan  # noqa: E402


def store_sample(path: Path, rows: int, seed: int) -> pd.Timestamp:
    """The sample's complaints in a migrated SQLite file; its last local day."""
    complaints = generate_sample(rows=rows, seed=seed).complaints
    url = f"sqlite:///{path}"
    upgrade(url)
    created = complaints["created_at"].dt.tz_localize(LOCAL_TIME).dt.tz_convert("UTC")
    records = [
        {
            "id": int(row.id),
            "source": "sample",
            "external_id": str(row.id),
            "created_at": stamp.to_pydatetime(),
            "received_at": stamp.to_pydatetime(),
            "kecamatan": row.kecamatan,
            "text": row.text,
            "status": "routed",
            "opd": row.opd,
            "topic": row.topic,
        }
        for row, stamp in zip(complaints.itertuples(), created, strict=True)
    ]
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(Complaint), records)
    finally:
        engine.dispose()
    return complaints["created_at"].max().normalize()


def check_replay(path: Path, rows: int, seed: int, first: pd.Timestamp, days: int) -> None:
    """Daily refreshes of the stored sample against the benchmark's replay of them."""
    engine = make_engine(f"sqlite:///{path}")
    store = AlertStore(engine)
    began = time.perf_counter()
    try:
        for day in range(days):
            morning = first + pd.Timedelta(days=day + 1, hours=6)
            refresh_alerts(store, as_of=morning.date(), now=morning)
        stored = [a for a in store.list_page("all", limit=10_000).items if a.freq == "W"]
    finally:
        engine.dispose()
    seconds = time.perf_counter() - began
    real = sorted((tuple(sorted(a.group_values.items())), a.start, a.end) for a in stored)
    complaints = generate_sample(rows=rows, seed=seed).complaints
    since = first - pd.Timedelta(days=56 + CHART_DAYS)
    found = anchored_alerts(complaints, DEFAULT_GROUP_SETS, SeasonalNB(), since)
    replay = stored_alerts(found, first, first + pd.Timedelta(days=days - 1))
    replayed = sorted(
        (tuple(sorted(a.values)), a.first.date(), a.last.date()) for a in replay.alerts
    )
    print(
        f"{days} daily refreshes from {first:%Y-%m-%d} ({seconds:.0f} s): {len(real)} stored "
        f"weekly alerts; replay: {len(replayed)}; identical: {real == replayed}"
    )
    for alert in sorted(set(real) ^ set(replayed)):
        print(f"  only {'stored' if alert in real else 'replayed'}: {alert}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check-days", type=int, metavar="N", help="compare N daily refreshes")
    parser.add_argument("--check-from", default="2024-01-01", help="first day of the check")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "sample.db"
        last_day = store_sample(template, args.rows, args.seed)
        if args.check_days:
            first = pd.Timestamp(args.check_from)
            check_replay(template, args.rows, args.seed, first, args.check_days)
            return
        print(f"sample rows={args.rows} seed={args.seed}, refresh as of {last_day:%Y-%m-%d}")
        print("| weeks | alerts | bursts | seconds (best of runs) | CPU seconds |")
        print("|---|---|---|---|---|")
        for label, week_start in (("ending on the last complete day", None), ("ISO", 0)):
            best = cpu_best = float("inf")
            for run in range(args.repeat):
                copy = Path(tmp) / f"run{run}.db"
                shutil.copyfile(template, copy)
                engine = make_engine(f"sqlite:///{copy}")
                began, cpu = time.perf_counter(), time.process_time()
                summary = refresh_alerts(
                    AlertStore(engine),
                    as_of=last_day.date(),
                    scan=HourlyScan(),
                    week_start=week_start,
                )
                best = min(best, time.perf_counter() - began)
                cpu_best = min(cpu_best, time.process_time() - cpu)
                engine.dispose()
            print(
                f"| {label} | {summary.detected} | {summary.bursts} | {best:.2f} | {cpu_best:.2f} |"
            )


if __name__ == "__main__":
    main()
