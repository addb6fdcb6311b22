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

4. *same*: with ``scan`` given, the refresh also runs the hourly burst scan
   (:func:`triage.trends.scan.scan_alerts`) and stores each burst as an alert of kind
   ``"burst"`` (freq ``"H"``, with its window of hours).  Bursts are related among themselves
   by rules 1-3, then a weekly (or daily) headline of the same incident is shown under the
   burst that came first (:func:`triage.trends.relations.relate_kinds`: group values that nest,
   the burst no more than a week before the spike's first period), with its own related alerts.
   So the flooded underpass is one headline from its first hours to the weekly rise it causes.

Weeks end on the refresh's last complete day.  By default (``week_start=None``) weekly
detection judges the seven days that end on the day before today (or on ``as_of`` when that is
earlier), so a refresh run every day judges a new week each day: an incident that starts on a
Sunday is not kept waiting for the end of the next ISO week.  An alert seen again on weeks that
start on another weekday overlaps the stored one by days, not by first days, and updates it
(one alert, not seven); relations compare the alerts' excess per day
(:func:`triage.trends.relations.daily_excess`), so alerts last updated on different days still
relate.  ``week_start=0`` gives ISO weeks (Monday first) with the running week judged as it
fills, as before.

Relations are recomputed from the stored numbers at every refresh, so the same data give the
same relations, and a refresh of one group set (``--group topic``) still relates its alerts to
the stored ones of the others.  Alerts of different frequencies are related only through rule 4.

A burst seen again (its hours overlap or come within a day of a stored burst of the same group)
updates that row: its window widens, and its numbers are those of the most unusual window yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.errors import InputError
from triage.periods import (
    LOCAL_TIME,
    STEP_DAYS,
    check_day,
    check_week_start,
    local_day_start,
    local_today,
    week_start_after,
)
from triage.store.alerts import BURST_FREQ, AlertRow, AlertStore, group_values
from triage.store.schema import as_utc, utcnow
from triage.store.trend_queries import TrendStore, parse_group
from triage.trends.alerts import Alert, describe_alert
from triage.trends.counts import find_spikes_recorded, to_local_time
from triage.trends.detectors import Detector, SeasonalNB
from triage.trends.relations import (
    EXPLAINED_SHARE,
    Incident,
    Span,
    Spike,
    daily_excess,
    overlapping,
    relate,
    relate_kinds,
)
from triage.trends.scan import BurstAlert, HourlyScan, scan_alerts
from triage.trends.sensitivity import scaled_alpha, split_topics, with_alpha

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
    # Recent alerts now shown under a headline rather than as items of their own.
    related: int = 0
    # Bursts found by the hourly scan (0 when it did not run), and how many of them were new.
    bursts: int = 0
    new_bursts: int = 0


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
    scan: HourlyScan | None = None,
    now: pd.Timestamp | None = None,
    week_start: int | None = None,
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
        topic without complaints is reported in the warnings.  The burst scan's alpha is
        scaled by the same factor (:func:`triage.trends.sensitivity.scaled_alpha`).
    scan : HourlyScan, optional
        Also scan the hours of the look-back for bursts and store them (kind ``"burst"``).
        Without enough history (about a month) the scan is skipped with a warning.
    now : Timestamp, optional
        The local hour to scan up to when ``as_of`` is today (default: the current hour);
        for an earlier ``as_of``, its last hour.  Also what "today" is for the weeks.
    week_start : int, optional
        For ``freq="W"``: the weekday weeks start on, 0 (Monday, ISO weeks) to 6, with the
        running week judged as it fills.  None (the default): weeks end on the last complete
        day, ``as_of`` or the day before today if that is earlier, and complaints after it wait
        for the next day's refresh (bursts are scanned up to the current hour all the same).

    Returns
    -------
    RefreshSummary

    Raises
    ------
    InputError
        For an unknown group column or frequency, a day out of range, a negative look-back
        or a ``week_start`` that is no weekday number.
    """
    if freq not in STEP_DAYS:
        raise InputError(f"unknown frequency {freq!r}; use 'D' or 'W'")
    if lookback_days < 0:
        raise InputError("the look-back must not be negative")
    if week_start is not None:
        check_week_start(week_start)
    sets = [parse_group(",".join(columns)) for columns in group_sets]
    as_of = check_day(as_of or local_today(), "detection day")
    frame = TrendStore(store.engine, tenant_id=store.tenant_id).complaints_frame(as_of)
    cutoff = pd.Timestamp(as_of - timedelta(days=lookback_days))
    first_chart = cutoff - pd.Timedelta(days=CHART_DAYS)
    found: list[tuple[tuple[str, ...], Alert, dict[str, Any]]] = []
    caught: list[str] = []
    detector = detector or SeasonalNB()
    weeks = _Weeks.of(freq, week_start, as_of, now)
    judged = weeks.complete(frame)
    runs = _runs(judged, detector, sensitivity or {}, caught)
    for columns in sets if len(judged) else []:
        for part, part_detector in runs if "topic" in columns else [(judged, detector)]:
            if part.empty:
                continue
            report = find_spikes_recorded(
                part,
                group_cols=columns,
                freq=freq,
                detector=part_detector,
                since=first_chart,
                until=weeks.until,
                week_start=weeks.start,
            )
            caught.extend(f"{','.join(columns)}: {message}" for message in report.warnings)
            found.extend(
                (columns, alert, chart_series(report.detection, alert.group, first_chart))
                for alert in report.alerts
                if alert.end >= cutoff
            )
    bursts: list[BurstAlert] = []
    if scan is not None:
        scan.check()
        last_hour = _last_hour(as_of, now)
        bursts = _bursts(frame, sets, scan, detector, sensitivity or {}, cutoff, last_hour, caught)
    with store.session(write=True) as session:
        inserted, updated = _upsert(session, found, store.tenant_id)
        new_bursts, _ = _upsert_bursts(session, frame, bursts, store.tenant_id)
        related = _relate(session, cutoff.date(), store.tenant_id)
    return RefreshSummary(
        as_of,
        len(frame),
        len(found),
        inserted,
        updated,
        tuple(caught),
        related,
        len(bursts),
        new_bursts,
    )


@dataclass(frozen=True)
class _Weeks:
    """The periods one refresh judges: the weekday weeks start on and, for weeks that end
    on the last complete day, that day (None: every complaint up to ``as_of`` counts)."""

    start: int
    last_day: date | None

    @classmethod
    def of(cls, freq: str, week_start: int | None, as_of: date, now: pd.Timestamp | None) -> _Weeks:
        if freq != "W" or week_start is not None:
            return cls(week_start or 0, None)
        today = (now if now is not None else pd.Timestamp.now(LOCAL_TIME)).date()
        last_day = min(as_of, today - timedelta(days=1))
        return cls(week_start_after(last_day), last_day)

    @property
    def until(self) -> pd.Timestamp | None:
        """The first day of the last week judged."""
        if self.last_day is None:
            return None
        return pd.Timestamp(self.last_day - timedelta(days=6))

    def complete(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The complaints of the judged days."""
        if self.last_day is None or frame.empty:
            return frame
        end = pd.Timestamp(local_day_start(self.last_day + timedelta(days=1)))
        return frame[(frame["created_at"] < end).to_numpy()]


def _last_hour(as_of: date, now: pd.Timestamp | None) -> pd.Timestamp:
    """The last local hour to scan: now on ``as_of``'s day, else that day's last hour."""
    end = pd.Timestamp(as_of) + pd.Timedelta(hours=23)
    current = now if now is not None else pd.Timestamp.now(LOCAL_TIME).tz_localize(None)
    return min(end, current.floor("h"))


def _runs(
    frame: pd.DataFrame,
    detector: Detector,
    sensitivity: Mapping[str, float],
    caught: list[str],
) -> list[tuple[pd.DataFrame, Detector]]:
    """The complaints split by the alpha of their topic, each part with its detector."""
    return [
        (part, detector if alpha is None else with_alpha(detector, alpha))
        for part, alpha in _parts(frame, sensitivity, caught)
    ]


def _parts(
    frame: pd.DataFrame, sensitivity: Mapping[str, float], caught: list[str] | None = None
) -> list[tuple[pd.DataFrame, float | None]]:
    """The complaints split by the alpha of their topic (None: the default alpha)."""
    if not sensitivity:
        return [(frame, None)]
    topics = frame["topic"].astype(str) if len(frame) else pd.Series([], dtype=str)
    seen = set(topics)
    if caught is not None:
        caught.extend(
            f"sensitivity: no complaints of topic {topic!r}"
            for topic in sorted(sensitivity)
            if topic not in seen
        )
    listed = topics.isin(list(sensitivity))
    parts: list[tuple[pd.DataFrame, float | None]] = [(frame[~listed.to_numpy()], None)]
    for alpha, chosen in split_topics(sensitivity).items():
        parts.append((frame[topics.isin(list(chosen)).to_numpy()], alpha))
    return parts


def _bursts(
    frame: pd.DataFrame,
    sets: Sequence[tuple[str, ...]],
    scan: HourlyScan,
    detector: Detector,
    sensitivity: Mapping[str, float],
    cutoff: pd.Timestamp,
    last_hour: pd.Timestamp,
    caught: list[str],
) -> list[BurstAlert]:
    """The bursts of every group set, with the topics' sensitivity; not enough history (or
    no complaints) is a warning, not an error."""
    if frame.empty:
        caught.append("bursts: no complaints to scan")
        return []
    first_hour = to_local_time(frame["created_at"], "created_at").min().floor("h")
    base = getattr(detector, "alpha", None)
    parts = _parts(frame, sensitivity) if isinstance(base, float) else [(frame, None)]
    found: list[BurstAlert] = []
    try:
        for columns in sets:
            for part, alpha in parts if "topic" in columns else [(frame, None)]:
                tuned = scan if alpha is None else scaled_alpha(scan, alpha, float(base or 1.0))
                if part.empty:
                    continue
                found.extend(scan_alerts(part, [columns], last_hour, cutoff, tuned, first_hour))
    except InputError as exc:
        caught.append(f"bursts: {exc}")
        return []
    return found


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
        # longer or with a shifted start as the baseline learnt more, or on weeks that start
        # on another weekday: periods overlap by their days, not only by their first days.
        length = timedelta(days=STEP_DAYS[alert.freq] - 1)
        candidates = session.scalars(
            select(AlertRow).where(
                AlertRow.tenant_id == tenant_id,
                AlertRow.group_columns == ",".join(columns),
                AlertRow.group_key == alert.group,
                AlertRow.freq == alert.freq,
                AlertRow.start_date <= end + length,
                AlertRow.end_date >= start - length,
            )
        ).all()
        row = min(candidates, key=lambda r: r.start_date, default=None)
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
            # The alert covers every day it was seen on: a view on weeks of another weekday,
            # or one that joins two stored alerts, widens it (the later one is shown under it).
            start = min(start, *(r.start_date for r in candidates))
            end = max(end, *(r.end_date for r in candidates))
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


def _aware(hour: pd.Timestamp) -> datetime:
    """A naive local hour as an aware UTC datetime, as the store keeps times."""
    return hour.tz_localize(LOCAL_TIME).tz_convert("UTC").to_pydatetime()


def _few(expected: float) -> str:
    # A burst's expected count is often a small fraction: 0.02, not 0.0.
    return f"{expected:.1f}" if expected >= 0.1 else f"{expected:.2f}"


def describe_burst(burst: BurstAlert, lang: str = "en") -> str:
    """One sentence for a burst, in English (``"en"``) or Indonesian (``"id"``).

    Examples
    --------
    ``Burst: Air PDAM in Kecamatan Coblong: 40 complaints in 6 hours to 2024-08-13 14:00,
    where 0.4 were expected (upper bound 10)``
    """
    values = burst.group_values
    place = values.get("kecamatan")
    what = " / ".join(v for c, v in values.items() if c != "kecamatan")
    end = f"{burst.peak + pd.Timedelta(hours=1):%Y-%m-%d %H:00}"
    if lang == "id":
        subject = (what or "Semua pengaduan") + (f" di Kecamatan {place}" if place else "")
        expected = _few(burst.expected).replace(".", ",")
        return (
            f"Lonjakan cepat: {subject}: {burst.observed:.0f} pengaduan dalam "
            f"{burst.window_hours} jam sampai {end}, padahal perkiraan {expected} "
            f"(batas atas {burst.upperbound:.0f})"
        )
    subject = (what or "All complaints") + (f" in Kecamatan {place}" if place else "")
    return (
        f"Burst: {subject}: {burst.observed:.0f} complaints in {burst.window_hours} hours to "
        f"{end}, where {_few(burst.expected)} were expected (upper bound {burst.upperbound:.0f})"
    )


MAX_EXAMPLES = 5


def _examples(frame: pd.DataFrame, burst: BurstAlert) -> list[str]:
    """The ids of the first complaints of the burst's group in its window."""
    local = to_local_time(frame["created_at"], "created_at")
    chosen = (local >= burst.window_start) & (local < burst.window_end)
    for column, value in burst.group_values.items():
        chosen &= frame[column].astype(str) == value
    return [str(i) for i in frame.loc[chosen.to_numpy(), "id"].head(MAX_EXAMPLES)]


# Hours of one group less than a day apart are one burst, in the scan and across refreshes.
BURST_GAP = pd.Timedelta(hours=24)


def _upsert_bursts(
    session: Session, frame: pd.DataFrame, bursts: Sequence[BurstAlert], tenant_id: int
) -> tuple[int, int]:
    inserted = updated = 0
    now = utcnow()
    for burst in bursts:
        columns = ",".join(burst.group_columns)
        start, end = _aware(burst.window_start), _aware(burst.window_end)
        candidates = session.scalars(
            select(AlertRow).where(
                AlertRow.tenant_id == tenant_id,
                AlertRow.group_columns == columns,
                AlertRow.group_key == burst.group,
                AlertRow.freq == BURST_FREQ,
                AlertRow.start_date <= (burst.window_end + BURST_GAP).date(),
                AlertRow.end_date >= (burst.window_start - BURST_GAP).date(),
            )
        ).all()
        near = [
            r
            for r in candidates
            if r.window_start is not None
            and r.window_end is not None
            and as_utc(r.window_start) <= end + BURST_GAP
            and as_utc(r.window_end) >= start - BURST_GAP
        ]
        row = min(near, key=lambda r: as_utc(r.window_start or start), default=None)
        score = float(-np.log10(max(burst.p_value, 1e-300)))
        if row is None:
            row = AlertRow(
                tenant_id=tenant_id,
                group_columns=columns,
                group_key=burst.group,
                freq=BURST_FREQ,
                kind="burst",
                status="open",
                created_at=now,
                score=-1.0,
                periods=0,
            )
            session.add(row)
            inserted += 1
        else:
            updated += 1
            start = min(start, as_utc(row.window_start or start))
            end = max(end, as_utc(row.window_end or end))
        row.window_start, row.window_end = start, end
        row.start_date = start.astimezone(LOCAL_TIME).date()
        row.end_date = (end - timedelta(hours=1)).astimezone(LOCAL_TIME).date()
        row.periods = max(row.periods, burst.hours)
        # The most unusual window seen so far stands for the burst.
        if score >= row.score:
            row.observed, row.expected = burst.observed, burst.expected
            row.upperbound = burst.upperbound
            row.severity = burst.observed - burst.upperbound
            row.score, row.last_year, row.method = score, None, "scan"
            row.reason = (
                f"{burst.observed:.0f} complaints in {burst.window_hours} hours against "
                f"{burst.expected:.2f} expected from the same hours of earlier days "
                f"(p = {burst.p_value:.1e})"
            )
            row.summary, row.summary_id = describe_burst(burst), describe_burst(burst, "id")
            row.series = burst.series
            row.top_words, row.example_ids = [], _examples(frame, burst)
        row.updated_at = now
        session.flush()
    return inserted, updated


def _spike(row: AlertRow) -> Spike:
    values = frozenset(group_values(row.group_columns, row.group_key).items())
    if row.kind == "burst":
        # A burst's excess is its peak window's, on the day it began: bursts of one incident
        # seen by several group sets share that day.
        return Spike(row.id, values, row.severity, {row.start_date.isoformat(): _excess(row)})
    first, last = row.start_date.isoformat(), row.end_date.isoformat()
    series = row.series
    dates = series.get("dates", [])
    # The alarming periods of the newest view within the days the alert covers.
    excess = {
        day: (observed or 0.0) - (expected or 0.0)
        for day, observed, expected, alarm in zip(
            dates,
            series.get("observed", []),
            series.get("expected", []),
            series.get("alarm", [True] * len(dates)),
            strict=False,
        )
        if first <= day <= last and alarm
    }
    return Spike(row.id, values, row.severity, daily_excess(excess, STEP_DAYS[row.freq]))


def _last_day(row: AlertRow) -> date:
    """The last day an alert covers: the last day of its last period (a burst's own day)."""
    return row.end_date + timedelta(days=STEP_DAYS.get(row.freq, 1) - 1)


def _span(row: AlertRow) -> Span:
    group = (row.freq, row.group_columns, row.group_key)
    return Span(row.id, group, row.start_date, _last_day(row))


def _excess(row: AlertRow) -> float:
    return row.observed - row.expected


def _incident(row: AlertRow) -> Incident:
    began = "" if row.window_start is None else as_utc(row.window_start).isoformat()
    values = frozenset(group_values(row.group_columns, row.group_key).items())
    return Incident(row.id, row.kind, values, row.start_date, _last_day(row), began)


def _relate(session: Session, since: date, tenant_id: int) -> int:
    """Store the relations of the alerts whose last period starts on or after ``since``;
    the number of them shown under a headline."""
    rows = session.scalars(
        select(AlertRow).where(AlertRow.tenant_id == tenant_id, AlertRow.end_date >= since)
    ).all()
    links: dict[int, tuple[int, str, float | None]] = {}
    merged = overlapping([_span(row) for row in rows if row.kind != "burst"])
    links.update({alert: (earlier, "same", None) for alert, earlier in merged.items()})
    rows_left = [row for row in rows if row.id not in merged]
    for freq in sorted({row.freq for row in rows_left}):
        links.update(relate([_spike(row) for row in rows_left if row.freq == freq]))
    heads = [row for row in rows if row.id not in links]
    same = relate_kinds([_incident(row) for row in heads])
    for spike_id, (headline, relation, share) in list(links.items()):
        if headline in same:
            links[spike_id] = (same[headline], relation, share)
    links.update({spike_id: (burst, "same", None) for spike_id, burst in same.items()})
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


__all__ = [
    "CHART_DAYS",
    "DEFAULT_GROUP_SETS",
    "EXPLAINED_SHARE",
    "RefreshSummary",
    "Spike",
    "chart_series",
    "describe_burst",
    "refresh_alerts",
    "relate",
]
