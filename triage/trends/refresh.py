"""Refreshing the stored alerts: spike detection on the stored complaints, an upsert, and the
relations that turn one spike seen by several group sets into one headline.

:func:`refresh_alerts` runs :func:`triage.trends.counts.find_spikes_recorded` on the stored
complaints and upserts its alerts: an alert that overlaps a stored one of the same group and
frequency updates that row (its numbers grow as a spike goes on) and keeps its status, so a
rerun neither duplicates an alert nor reopens one a manager acknowledged.

One spike, one headline.  Detection runs once per group set, so one flood in one kecamatan
raises three alerts: the topic city-wide, the kecamatan (all topics) and the topic in the
kecamatan.  After the upsert the recent alerts of the frequency (last period within the
look-back) are related by two rules; an alert that is not a headline stores the id of the
headline it is shown under, and how it relates to it:

1. *context*: a broad alert B is explained by a narrower alert A when A's group values strictly
   contain B's ({Banjir, Coblong} contains {Banjir} and {Coblong}) and A's excess over expected
   in the periods both alarmed is at least :data:`EXPLAINED_SHARE` of B's whole excess.  B is
   shown under A ("also lifts the city-wide Banjir count").  Of several such A, the one with
   the largest share explains B (then the more severe, then the older alert).
2. *where*: a broad alert that no single alert explains stays a headline, and the alerts that
   narrow it down by place alone (Banjir in each flooded kecamatan under the city-wide Banjir)
   and exceed expected over the periods they share with it are shown under it.  Narrowing by
   topic is not "where": flood and noise complaints rising in one kecamatan are two spikes, so
   they stay two headlines, and the kecamatan's own alert, which neither explains alone, stays
   a third.
3. Every alert is stored under the end of its chain, so listings are one level deep: Kecamatan
   X, explained by Banjir in X, which is one place of the city-wide Banjir headline, is shown
   under the city-wide Banjir.

Relations are recomputed from the stored numbers at every refresh, so the same data give the
same relations, and a refresh of one group set (``--group topic``) still relates its alerts to
the stored ones of the others.  Alerts of different frequencies are never related.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.errors import InputError
from triage.periods import STEP_DAYS, check_day, local_today
from triage.store.alerts import AlertRow, AlertStore, group_values
from triage.store.schema import utcnow
from triage.store.trend_queries import TrendStore, parse_group
from triage.trends.alerts import Alert, describe_alert
from triage.trends.counts import find_spikes_recorded
from triage.trends.detectors import Detector, SeasonalNB
from triage.trends.sensitivity import split_topics, with_alpha

DEFAULT_GROUP_SETS: tuple[tuple[str, ...], ...] = (
    ("topic",),
    ("kecamatan",),
    ("topic", "kecamatan"),
)
# The dashboard charts two years before each alert; a longer series adds nothing readable.
CHART_DAYS = 2 * 364
# "Explains" means "accounts for most of".  Places split a city-wide count, so were the
# baselines additive only one place could claim over half of its excess; they are fitted per
# series and do not add up exactly, hence a margin above one half.  Not much more: a flood of
# 20 extra reports in one kecamatan while the rest of the city drifts up by 10 is still that
# kecamatan's spike (share 0.67).
EXPLAINED_SHARE = 0.6
PLACE_COLUMNS = frozenset({"kecamatan"})


@dataclass(frozen=True)
class RefreshSummary:
    """What one :func:`refresh_alerts` did."""

    as_of: date
    complaints: int
    detected: int
    inserted: int
    updated: int
    warnings: tuple[str, ...] = ()
    # Recent alerts now shown under a headline rather than as items of their own.
    related: int = 0


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
    sensitivity: Mapping[str, float] | None = None,
) -> RefreshSummary:
    """Detect spikes in the stored complaints and upsert the alerts that end recently.

    Parameters
    ----------
    store : AlertStore
        The store to write alerts to; the complaints are read on its engine.
    group_sets : sequence of sequences of str
        Each a list of group columns (``topic``, ``opd``, ``kecamatan``).
    freq : {"W", "D"}
    as_of : date, optional
        Local day to detect as of (complaints after it are ignored); default today.
    lookback_days : int
        Keep alerts whose last period starts within this many days before ``as_of``.
    detector : Detector, optional
        Defaults to ``SeasonalNB()``.
    sensitivity : mapping of str to float, optional
        Alpha per topic label (:mod:`triage.trends.sensitivity`), for the group sets that
        hold ``topic``; other topics and group sets keep the detector's alpha.  A listed
        topic without complaints is reported in the warnings.

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
    frame = TrendStore(store.engine, tenant_id=store.tenant_id).complaints_frame(as_of)
    cutoff = pd.Timestamp(as_of - timedelta(days=lookback_days))
    first_chart = cutoff - pd.Timedelta(days=CHART_DAYS)
    found: list[tuple[tuple[str, ...], Alert, dict[str, Any]]] = []
    caught: list[str] = []
    detector = detector or SeasonalNB()
    runs = _runs(frame, detector, sensitivity or {}, caught)
    for columns in sets if len(frame) else []:
        for part, part_detector in runs if "topic" in columns else [(frame, detector)]:
            if part.empty:
                continue
            report = find_spikes_recorded(
                part, group_cols=columns, freq=freq, detector=part_detector, since=first_chart
            )
            caught.extend(f"{','.join(columns)}: {message}" for message in report.warnings)
            found.extend(
                (columns, alert, chart_series(report.detection, alert.group, first_chart))
                for alert in report.alerts
                if alert.end >= cutoff
            )
    with store.session(write=True) as session:
        inserted, updated = _upsert(session, found, store.tenant_id)
        related = _relate(session, freq, cutoff.date(), store.tenant_id)
    return RefreshSummary(as_of, len(frame), len(found), inserted, updated, tuple(caught), related)


def _runs(
    frame: pd.DataFrame,
    detector: Detector,
    sensitivity: Mapping[str, float],
    caught: list[str],
) -> list[tuple[pd.DataFrame, Detector]]:
    """The complaints split by the alpha of their topic, each part with its detector."""
    if not sensitivity:
        return [(frame, detector)]
    topics = frame["topic"].astype(str) if len(frame) else pd.Series([], dtype=str)
    seen = set(topics)
    caught.extend(
        f"sensitivity: no complaints of topic {topic!r}"
        for topic in sorted(sensitivity)
        if topic not in seen
    )
    groups = split_topics(sensitivity)
    listed = topics.isin(list(sensitivity))
    runs = [(frame[~listed.to_numpy()], detector)]
    for alpha, chosen in groups.items():
        runs.append((frame[topics.isin(list(chosen)).to_numpy()], with_alpha(detector, alpha)))
    return runs


def _upsert(
    session: Session,
    found: Sequence[tuple[tuple[str, ...], Alert, dict[str, Any]]],
    tenant_id: int,
) -> tuple[int, int]:
    inserted = updated = 0
    now = utcnow()
    for columns, alert, series in found:
        start, end = alert.start.date(), alert.end.date()
        # Overlapping periods of the same group are the same spike seen again, perhaps
        # longer or with a shifted start as the baseline learnt more.
        candidates = session.scalars(
            select(AlertRow).where(
                AlertRow.tenant_id == tenant_id,
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
                tenant_id=tenant_id,
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


@dataclass(frozen=True)
class Spike:
    """What relating needs of one alert: its group values and its excess per period."""

    id: int
    values: frozenset[tuple[str, str]]
    severity: float
    # Observed minus expected per alarming period, keyed by the period's first day.
    excess: dict[str, float]

    @property
    def total(self) -> float:
        """The excess over all the alert's periods."""
        return sum(self.excess.values())

    def share_of(self, broader: Spike) -> float:
        """This alert's excess in the periods it shares with ``broader``, as a part of the
        broader alert's whole excess (0 when the broader one has none)."""
        total = broader.total
        if total <= 0:
            return 0.0
        return sum(self.excess.get(day, 0.0) for day in broader.excess) / total


Link = tuple[int, str, float]


def relate(spikes: Sequence[Spike]) -> dict[int, Link]:
    """Relate the alerts of one frequency by the rules of the module docstring.

    Parameters
    ----------
    spikes : sequence of Spike

    Returns
    -------
    dict of int to (int, str, float)
        For each alert shown under another: the headline's id, ``"context"`` or ``"where"``,
        and the share (at most 1, three decimals).  Headlines are not in it.
    """
    by_values: dict[frozenset[tuple[str, str]], list[Spike]] = defaultdict(list)
    for spike in spikes:
        by_values[spike.values].append(spike)
    parent: dict[int, Link] = {}
    for broad in spikes:
        shares = [(a.share_of(broad), a) for a in spikes if broad.values < a.values]
        best = _best([(share, a) for share, a in shares if share >= EXPLAINED_SHARE])
        if best is not None:
            parent[broad.id] = (best[1].id, "context", best[0])
    for narrow in spikes:
        unplaced = frozenset((c, v) for c, v in narrow.values if c not in PLACE_COLUMNS)
        if narrow.id in parent or not unplaced or unplaced == narrow.values:
            continue
        shares = [
            (narrow.share_of(b), b) for b in by_values.get(unplaced, []) if b.id not in parent
        ]
        best = _best([(share, b) for share, b in shares if share > 0])
        if best is not None:
            parent[narrow.id] = (best[1].id, "where", best[0])
    links = {}
    for spike_id, (headline, relation, share) in parent.items():
        # Context links lead to narrower alerts, "where" links to broader unexplained ones
        # that have none: chains end, and within len(parent) steps.
        for _ in range(len(parent)):
            if headline not in parent:
                break
            headline = parent[headline][0]
        links[spike_id] = (headline, relation, round(min(share, 1.0), 3))
    return links


def _best(options: list[tuple[float, Spike]]) -> tuple[float, Spike] | None:
    # Largest share, then the more severe, then the older alert: the same input, the same pick.
    return max(options, key=lambda o: (o[0], o[1].severity, -o[1].id), default=None)


def _spike(row: AlertRow) -> Spike:
    first, last = row.start_date.isoformat(), row.end_date.isoformat()
    series = row.series
    excess = {
        day: (observed or 0.0) - (expected or 0.0)
        for day, observed, expected in zip(
            series.get("dates", []),
            series.get("observed", []),
            series.get("expected", []),
            strict=False,
        )
        if first <= day <= last
    }
    values = frozenset(group_values(row.group_columns, row.group_key).items())
    return Spike(row.id, values, row.severity, excess)


def _relate(session: Session, freq: str, since: date, tenant_id: int) -> int:
    """Store the relations of the alerts of ``freq`` whose last period starts on or after
    ``since``; the number of them shown under a headline."""
    rows = session.scalars(
        select(AlertRow).where(
            AlertRow.tenant_id == tenant_id, AlertRow.freq == freq, AlertRow.end_date >= since
        )
    ).all()
    links = relate([_spike(row) for row in rows])
    for row in rows:
        link: tuple[int | None, str | None, float | None] = links.get(row.id, (None, None, None))
        if (row.headline_id, row.relation, row.share) != link:
            row.headline_id, row.relation, row.share = link
    session.flush()
    # An older alert shown under one that is now under a headline itself moves up with it.
    moved = {row.id: row.headline_id for row in rows if row.headline_id is not None}
    if moved:
        older = session.scalars(select(AlertRow).where(AlertRow.headline_id.in_(moved))).all()
        for row in older:
            if row.headline_id is not None:
                row.headline_id = moved[row.headline_id]
        session.flush()
    return len(links)
