"""A small synthetic complaint history with one known spike, stored and turned into alerts.

130 weeks from Monday 2022-01-03: "Banjir" follows a rainy season (December to March), "Sampah"
is steady, both split over two kecamatan; in the last week Coblong gets 25 extra flood
complaints.  Every fourth complaint needed review, so 75% were routed automatically.

:func:`weekly_counts` builds other histories of the same kind (more kecamatan, a "Kebisingan"
noise topic, other extra complaints in the last week) for the alert-relation tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import insert

from triage.store import make_engine, upgrade
from triage.store.alerts import AlertStore
from triage.store.schema import Complaint, Prediction
from triage.trends.refresh import RefreshSummary, refresh_alerts

FIRST_WEEK = date(2022, 1, 3)
WEEKS = 130
LAST_WEEK = FIRST_WEEK + timedelta(weeks=WEEKS - 1)
AS_OF = LAST_WEEK + timedelta(days=6)
SPIKE = 25
SPIKE_WORDS = "banjir setinggi lutut rumah terendam"
JAKARTA = ZoneInfo("Asia/Jakarta")
OPD = {
    "Banjir": "Dinas Sumber Daya Air",
    "Sampah": "Dinas Lingkungan Hidup",
    "Kebisingan": "Satpol PP",
}
KECAMATAN = ("Coblong", "Sukajadi")
Extra = dict[tuple[str, str], int]


def weekly_counts(
    seed: int = 3,
    kecamatan: Sequence[str] = KECAMATAN,
    topics: Sequence[str] = ("Banjir", "Sampah"),
    extra: Extra | None = None,
) -> dict[tuple[str, str], np.ndarray]:
    """Complaints per (topic, kecamatan) and week, with ``extra`` complaints per (topic,
    kecamatan) added to the last week (default: the 25 floods in Coblong)."""
    rng = np.random.default_rng(seed)
    months = np.array([(FIRST_WEEK + timedelta(weeks=w)).month for w in range(WEEKS)])
    rainy = np.isin(months, (12, 1, 2, 3))
    means = {"Banjir": np.where(rainy, 4.0, 1.0), "Sampah": np.full(WEEKS, 3.0)}
    counts = {}
    for place in kecamatan:
        for topic in topics:
            counts[topic, place] = rng.poisson(means.get(topic, np.full(WEEKS, 1.0)))
    for group, n in (extra if extra is not None else {("Banjir", "Coblong"): SPIKE}).items():
        counts[group][-1] += n
    return counts


def complaint_rows(
    counts: dict[tuple[str, str], np.ndarray] | None = None, extra: Extra | None = None
) -> list[dict[str, object]]:
    """One dict per complaint, ids from 1, in time order within each group; the ``extra``
    complaints of the last week (default: the Coblong floods) use the spike's words."""
    rows: list[dict[str, object]] = []
    extra = extra if extra is not None else {("Banjir", "Coblong"): SPIKE}
    for (topic, kecamatan), series in (counts or weekly_counts()).items():
        for week, n in enumerate(series):
            for i in range(int(n)):
                local = datetime.combine(
                    FIRST_WEEK + timedelta(weeks=week, days=i % 7), datetime.min.time()
                ).replace(hour=9, tzinfo=JAKARTA)
                spike = week == WEEKS - 1 and i >= n - extra.get((topic, kecamatan), 0)
                text = SPIKE_WORDS if spike else f"laporan {topic.lower()}"
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "source": "seed",
                        "external_id": str(len(rows) + 1),
                        "created_at": local.astimezone(UTC),
                        "received_at": local.astimezone(UTC),
                        "kecamatan": kecamatan,
                        "text": f"{text} di {kecamatan.lower()}",
                        "status": "routed",
                        "opd": OPD[topic],
                        "topic": topic,
                    }
                )
    return rows


def auto_routed_share(first: date, last: date) -> float:
    """The share of complaints of local days ``first`` to ``last`` that needed no review."""
    days = [
        int(row["id"]) % 4 != 0  # type: ignore[call-overload]
        for row in complaint_rows()
        if first <= row["created_at"].astimezone(JAKARTA).date() <= last  # type: ignore[attr-defined]
    ]
    return sum(days) / len(days)


def seed(url: str, rows: list[dict[str, object]] | None = None) -> None:
    """Migrate the database at ``url`` and store the complaints (default: the history with the
    Coblong flood) with one prediction each."""
    upgrade(url)
    rows = rows if rows is not None else complaint_rows()
    predictions = [
        {
            "complaint_id": row["id"],
            "model_version": "seed",
            "opd": row["opd"],
            "opd_confidence": 0.9,
            "topic": row["topic"],
            "topic_confidence": 0.9,
            "needs_review": int(row["id"]) % 4 == 0,  # type: ignore[call-overload]
            "latency_ms": 1.0,
            "created_at": row["created_at"],
        }
        for row in rows
    ]
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(Complaint), rows)
            connection.execute(insert(Prediction), predictions)
    finally:
        engine.dispose()


_TEMPLATES: dict[Path, Path] = {}


def seeded_copy(factory: pytest.TempPathFactory, directory: Path) -> str:
    """The URL of a fresh copy of the seeded, refreshed database (built once per session)."""
    base = factory.getbasetemp()
    if base not in _TEMPLATES:
        url, _ = seeded_database(factory.mktemp("alerts"))
        _TEMPLATES[base] = Path(url.removeprefix("sqlite:///"))
    shutil.copyfile(_TEMPLATES[base], directory / "triage.db")
    return f"sqlite:///{directory / 'triage.db'}"


def seeded_database(directory: Path) -> tuple[str, RefreshSummary]:
    """A SQLite file with the complaints and the alerts of one refresh as of :data:`AS_OF`."""
    url = f"sqlite:///{directory / 'alerts.db'}"
    seed(url)
    engine = make_engine(url)
    try:
        summary = refresh_alerts(AlertStore(engine), as_of=AS_OF)
    finally:
        engine.dispose()
    return url, summary
