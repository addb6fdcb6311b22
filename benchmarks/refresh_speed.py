"""Seconds of one ``refresh_alerts`` on the stored sample city, with weeks ending on the last
complete day (the default) and with ISO weeks, the hourly scan included.

The sample (``triage sample --rows 10000 --seed 7``: three years) is stored in a temporary
SQLite file, and each setting refreshes a fresh copy of it as of the sample's last day.

    .venv/bin/python benchmarks/refresh_speed.py [--rows 10000] [--seed 7] [--repeat 3]
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
from sqlalchemy import insert  # noqa: E402

from triage.periods import LOCAL_TIME  # noqa: E402
from triage.sample.generator import generate_sample  # noqa: E402
from triage.store import make_engine, upgrade  # noqa: E402
from triage.store.alerts import AlertStore  # noqa: E402
from triage.store.schema import Complaint  # noqa: E402
from triage.trends.refresh import refresh_alerts  # noqa: E402
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "sample.db"
        last_day = store_sample(template, args.rows, args.seed)
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
