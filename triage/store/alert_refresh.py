"""Refreshing the stored alerts: spike detection on the stored complaints, then an upsert.

:func:`refresh_alerts` runs :func:`triage.trends.find_spikes` on the stored complaints and
upserts its alerts: an alert that overlaps a stored one of the same group and frequency updates
that row (its numbers grow as a spike goes on) and keeps its status, so a rerun neither
duplicates an alert nor reopens one a manager acknowledged.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from triage.alerts import Alert, describe_alert
from triage.detectors import STEP_DAYS, Detector
from triage.errors import InputError
from triage.store.alerts import AlertRow, AlertStore, check_day, local_today, parse_group
from triage.store.schema import utcnow
from triage.trends import find_spikes, period_start, to_local_time

DEFAULT_GROUP_SETS: tuple[tuple[str, ...], ...] = (
    ("topic",),
    ("kecamatan",),
    ("topic", "kecamatan"),
)
# The dashboard charts two years before each alert; a longer series adds nothing readable.
CHART_DAYS = 2 * 364


@dataclass(frozen=True)
class RefreshSummary:
    """What one :func:`refresh_alerts` did."""

    as_of: date
    complaints: int
    detected: int
    inserted: int
    updated: int
    warnings: tuple[str, ...] = ()


def _finite(values: np.ndarray) -> list[float | None]:
    return [round(float(v), 3) if np.isfinite(v) else None for v in values]


def chart_series(detection: pd.DataFrame, group: str, first: pd.Timestamp) -> dict[str, Any]:
    """The detector's rows of one group from ``first`` on, as JSON-ready lists."""
    rows = detection[(detection["group"] == group) & (detection["date"] >= first)]
    return {
        "dates": [f"{d:%Y-%m-%d}" for d in rows["date"]],
        "observed": _finite(rows["observed"].to_numpy(dtype=float)),
        "expected": _finite(rows["expected"].to_numpy(dtype=float)),
        "upperbound": _finite(rows["upperbound"].to_numpy(dtype=float)),
        "alarm": [bool(a) for a in rows["alarm"]],
    }


def refresh_alerts(
    store: AlertStore,
    group_sets: Sequence[Sequence[str]] = DEFAULT_GROUP_SETS,
    *,
    freq: str = "W",
    as_of: date | None = None,
    lookback_days: int = 56,
    detector: Detector | None = None,
) -> RefreshSummary:
    """Detect spikes in the stored complaints and upsert the alerts that end recently.

    Parameters
    ----------
    store : AlertStore
        The store to read complaints from and write alerts to.
    group_sets : sequence of sequences of str
        Each a list of group columns (``topic``, ``opd``, ``kecamatan``).
    freq : {"W", "D"}
    as_of : date, optional
        Local day to detect as of (complaints after it are ignored); default today.
    lookback_days : int
        Keep alerts whose last period starts within this many days before ``as_of``.
    detector : Detector, optional
        Defaults to ``SeasonalNB()``.

    Returns
    -------
    RefreshSummary

    Raises
    ------
    InputError
        For an unknown group column or frequency, a day out of range or a negative look-back.
    """
    if freq not in STEP_DAYS:
        raise InputError(f"unknown frequency {freq!r}; use 'D' or 'W'")
    if lookback_days < 0:
        raise InputError("the look-back must not be negative")
    sets = [parse_group(",".join(columns)) for columns in group_sets]
    as_of = check_day(as_of or local_today(), "detection day")
    frame = store.complaints_frame(as_of)
    cutoff = pd.Timestamp(as_of - timedelta(days=lookback_days))
    first_chart = cutoff - pd.Timedelta(days=CHART_DAYS)
    found: list[tuple[tuple[str, ...], Alert, dict[str, Any]]] = []
    caught: list[str] = []
    periods = period_start(to_local_time(frame["created_at"]), freq) if len(frame) else None
    if periods is not None and periods.nunique() > 1:
        for columns in sets:
            with warnings.catch_warnings(record=True) as messages:
                warnings.simplefilter("always")
                report = find_spikes(
                    frame, group_cols=columns, freq=freq, detector=detector, since=first_chart
                )
            caught.extend(f"{','.join(columns)}: {m.message}" for m in messages)
            found.extend(
                (columns, alert, chart_series(report.detection, alert.group, first_chart))
                for alert in report.alerts
                if alert.end >= cutoff
            )
    inserted, updated = _upsert(store, found)
    return RefreshSummary(as_of, len(frame), len(found), inserted, updated, tuple(caught))


def _upsert(
    store: AlertStore, found: Sequence[tuple[tuple[str, ...], Alert, dict[str, Any]]]
) -> tuple[int, int]:
    inserted = updated = 0
    now = utcnow()
    with store.session(write=True) as session:
        for columns, alert, series in found:
            start, end = alert.start.date(), alert.end.date()
            # Overlapping periods of the same group are the same spike seen again, perhaps
            # longer or with a shifted start as the baseline learnt more.
            candidates = session.scalars(
                select(AlertRow).where(
                    AlertRow.group_columns == ",".join(columns),
                    AlertRow.group_key == alert.group,
                    AlertRow.freq == alert.freq,
                    AlertRow.start_date <= end,
                    AlertRow.end_date >= start,
                )
            ).all()
            row = min(candidates, key=lambda r: (r.start_date != start, r.start_date), default=None)
            if row is None:
                row = AlertRow(
                    group_columns=",".join(columns),
                    group_key=alert.group,
                    freq=alert.freq,
                    status="open",
                    created_at=now,
                )
                session.add(row)
                inserted += 1
            else:
                updated += 1
            row.start_date, row.end_date = start, end
            row.periods = len(alert.periods)
            row.observed, row.expected = alert.observed, alert.expected
            row.upperbound, row.severity = alert.upperbound, alert.severity
            row.score, row.last_year = alert.peak_score, alert.last_year
            row.method, row.reason = alert.method, alert.reason
            row.summary, row.summary_id = describe_alert(alert), describe_alert(alert, "id")
            row.top_words, row.example_ids = list(alert.top_words), list(alert.example_ids)
            row.series = series
            row.updated_at = now
            session.flush()
    return inserted, updated
