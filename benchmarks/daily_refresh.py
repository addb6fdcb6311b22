"""What a refresh run every day stores, from one detector pass per week anchor.

A daily refresh (``triage alerts refresh``, weeks ending on the last complete day) judges on day
D the weeks that end on D, i.e. weeks starting on the weekday after D.  Every week's baseline
rests only on earlier weeks, so one pass over the whole span per anchor (seven in all) gives
the alarms that each day's refresh would have seen.  :func:`stored_alerts` replays the days:
on day D the alerts of D's anchor, cut to the weeks that have ended by D and whose last week
began within the look-back, are upserted as the refresh upserts them (same group, periods that
share a day: one stored alert, updated to the newest view).  What it returns is what a manager
would find stored after the last day.  Used by ``benchmarks/headlines.py``.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from triage.trends.alerts import Alert, AlertPeriod
from triage.trends.counts import find_spikes
from triage.trends.detectors import SeasonalNB
from triage.trends.relations import Span, Spike, daily_excess, overlapping

DAY = pd.Timedelta(days=1)
WEEK = pd.Timedelta(days=7)
LOOKBACK = pd.Timedelta(days=56)


def anchored_alerts(
    data: pd.DataFrame,
    group_sets: Sequence[Sequence[str]],
    detector: SeasonalNB,
    since: pd.Timestamp,
    anchors: Sequence[int] = range(7),
) -> dict[int, list[Alert]]:
    """The weekly alerts of every group set, for weeks starting on each weekday of ``anchors``."""
    found: dict[int, list[Alert]] = {}
    for anchor in anchors:
        found[anchor] = []
        for columns in group_sets:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                report = find_spikes(
                    data, group_cols=columns, detector=detector, since=since, week_start=anchor
                )
            found[anchor].extend(report.alerts)
    return found


@dataclass
class StoredAlert:
    """One stored alert after the daily refreshes.

    ``first`` and ``last`` are the first days of its first and last weeks over every view
    (the refresh widens a stored alert to every day it was seen on); ``view`` is the newest
    view, ``excess`` the newest view's alarming weeks within those days (what the refresh
    relates), ``seen`` every alarming week any view showed.
    """

    id: int
    values: frozenset[tuple[str, str]]
    first_shown: pd.Timestamp
    view: tuple[AlertPeriod, ...]
    severity: float
    first: pd.Timestamp
    last: pd.Timestamp
    seen: dict[pd.Timestamp, AlertPeriod] = field(default_factory=dict)
    excess: dict[str, float] = field(default_factory=dict)
    # Days per period: 7 for weeks, 1 for the daily model.
    days: int = 7

    @property
    def period(self) -> pd.Timedelta:
        return pd.Timedelta(days=self.days)

    def spike(self) -> Spike:
        """As :func:`triage.trends.refresh` relates stored alerts: excess spread over days."""
        return Spike(self.id, self.values, self.severity, daily_excess(self.excess, self.days))

    def span(self) -> Span:
        group = (str(self.days), *sorted(f"{c}={v}" for c, v in self.values))
        return Span(self.id, group, self.first.date(), (self.last + self.period - DAY).date())


@dataclass(frozen=True)
class Replay:
    """The stored alerts, the later of two that overlap shown under the earlier (as the
    refresh shows them), and how often one view overlapped two stored alerts of its group."""

    alerts: list[StoredAlert]
    merged: dict[int, int]
    bridged: int


def _excess(
    alerts: Sequence[Alert], first: pd.Timestamp, last: pd.Timestamp, day: pd.Timestamp
) -> dict[str, float]:
    return {
        f"{p.date:%Y-%m-%d}": p.observed - p.expected
        for a in alerts
        for p in a.periods
        if first <= p.date <= last and p.date + WEEK - DAY <= day
    }


def stored_alerts(
    anchored: dict[int, list[Alert]], first_day: pd.Timestamp, last_day: pd.Timestamp
) -> Replay:
    """Replay a refresh on every day from ``first_day`` to ``last_day`` (weeks ending on it)."""
    if any(not 0 <= anchor <= 6 for anchor in anchored):
        raise ValueError("anchors are weekday numbers, 0 (Monday) to 6")
    by_group: dict[frozenset[tuple[str, str]], list[StoredAlert]] = defaultdict(list)
    of_group: dict[tuple[int, frozenset[tuple[str, str]]], list[Alert]] = defaultdict(list)
    for anchor, alerts in anchored.items():
        for alert in alerts:
            of_group[anchor, frozenset(alert.group_values)].append(alert)
    newest: dict[int, tuple[int, pd.Timestamp]] = {}
    stored: list[StoredAlert] = []
    bridged = 0
    day = first_day
    while day <= last_day:
        anchor = (day + DAY).day_of_week
        for alert in anchored.get(anchor, []):
            view = tuple(p for p in alert.periods if p.date + WEEK - DAY <= day)
            # The refresh of the next morning keeps alerts whose last week began within the
            # look-back.
            if not view or view[-1].date < day + DAY - LOOKBACK:
                continue
            key = frozenset(alert.group_values)
            near = [
                s
                for s in by_group[key]
                if s.first <= view[-1].date + WEEK - DAY and s.last >= view[0].date - WEEK + DAY
            ]
            bridged += len(near) > 1
            severity = sum(p.observed - p.upperbound for p in view)
            if near:
                row = min(near, key=lambda s: s.first)
                row.view, row.severity = view, severity
                row.first = min(view[0].date, *(s.first for s in near))
                row.last = max(view[-1].date, *(s.last for s in near))
            else:
                row = StoredAlert(
                    len(stored), key, day + DAY, view, severity, view[0].date, view[-1].date
                )
                stored.append(row)
                by_group[key].append(row)
            row.seen.update({p.date: p for p in view})
            newest[row.id] = (anchor, day)
        day += DAY
    for row in stored:
        anchor, seen_on = newest[row.id]
        row.excess = _excess(of_group[anchor, row.values], row.first, row.last, seen_on)
    return Replay(stored, overlapping([row.span() for row in stored]), bridged)


def as_stored(alerts: Sequence[Alert], first_id: int = 0, days: int = 7) -> list[StoredAlert]:
    """Alerts of one pass (ISO weeks, or days) as stored alerts: each its own, every period
    seen."""
    return [
        StoredAlert(
            first_id + i,
            frozenset(a.group_values),
            a.start + pd.Timedelta(days=days),
            a.periods,
            a.severity,
            a.start,
            a.end,
            {p.date: p for p in a.periods},
            {f"{p.date:%Y-%m-%d}": p.observed - p.expected for p in a.periods},
            days,
        )
        for i, a in enumerate(alerts)
    ]


__all__ = ["Replay", "StoredAlert", "anchored_alerts", "as_stored", "stored_alerts"]
