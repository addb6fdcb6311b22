"""Relating alerts into headlines: one spike seen by several group sets, or by the weekly
model after the hourly scan, is one headline.

The rules are stated in :mod:`triage.trends.refresh`, which applies them to the stored alerts;
:func:`triage.trends.scan.find_bursts` applies them to the bursts of one hour.  Pure: spikes
in, links out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# "Explains" means "accounts for most of".  Places split a city-wide count, so were the
# baselines additive only one place could claim over half of its excess; they are fitted per
# series and do not add up exactly, hence a margin above one half.  Not much more: a flood of
# 20 extra reports in one kecamatan while the rest of the city drifts up by 10 is still that
# kecamatan's spike (share 0.67).
EXPLAINED_SHARE = 0.6
PLACE_COLUMNS = frozenset({"kecamatan"})


@dataclass(frozen=True)
class Spike:
    """What relating needs of one alert: its group values and its excess per period."""

    id: int
    values: frozenset[tuple[str, str]]
    severity: float
    # Observed minus expected per alarming period, keyed by the period's first day (or per
    # day, spread by :func:`daily_excess`, when periods of alerts need not line up).
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


def daily_excess(excess: dict[str, float], days: int) -> dict[str, float]:
    """Each period's excess (keyed by its first day, ``YYYY-MM-DD``) spread evenly over its
    ``days`` days, keyed by day.

    Weeks that start on different weekdays (refreshes on different days) share days though
    not first days.  Between weeks that line up, shares are the same as per period, since a
    shared week contributes all its days to both sums.
    """
    if days == 1:
        return dict(excess)
    spread: dict[str, float] = defaultdict(float)
    for first, value in excess.items():
        start = date.fromisoformat(first)
        for offset in range(days):
            spread[(start + timedelta(days=offset)).isoformat()] += value / days
    return dict(spread)


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


@dataclass(frozen=True)
class Span:
    """What merging needs of one stored alert: its group, frequency and days (both ends
    inclusive)."""

    id: int
    group: tuple[str, ...]
    first: date
    last: date


def overlapping(spans: Sequence[Span]) -> dict[int, int]:
    """Alerts of one group whose days overlap, each under the earliest of them.

    Refreshes on different weekdays see one spike on weeks that do not line up, and a later
    view can join two alerts stored apart: they are one alert to a manager.

    Returns
    -------
    dict of int to int
        For each alert shown under another of its group, that alert's id.
    """
    links: dict[int, int] = {}
    by_group: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    for span in spans:
        by_group[span.group].append(span)
    for group in by_group.values():
        group.sort(key=lambda s: (s.first, s.id))
        head, reach = group[0], group[0].last
        for span in group[1:]:
            if span.first <= reach:
                links[span.id] = head.id
                reach = max(reach, span.last)
            else:
                head, reach = span, span.last
    return links


def _best(options: list[tuple[float, Spike]]) -> tuple[float, Spike] | None:
    # Largest share, then the more severe, then the older alert: the same input, the same pick.
    return max(options, key=lambda o: (o[0], o[1].severity, -o[1].id), default=None)


@dataclass(frozen=True)
class Incident:
    """What relating across kinds needs of a headline: its kind, group values and days.

    ``first`` and ``last`` are the first and last local days the alert covers (a weekly
    alert's last week runs to its Sunday); ``began`` (an ISO time) orders the bursts.
    """

    id: int
    kind: str
    values: frozenset[tuple[str, str]]
    first: date
    last: date
    began: str


# A weekly alarm comes at the end of the week that alarmed, and a burst on a Sunday may only
# alarm the next week: a burst up to a week before a spike's first period is the same incident.
SAME_INCIDENT_DAYS = 7


def relate_kinds(headlines: Sequence[Incident]) -> dict[int, int]:
    """Spike and burst headlines of the same incident, each under the earliest burst of it.

    A spike (weekly or daily) and a burst are the same incident when their group values nest
    (equal, or one set holds the other: the city-wide Banjir count and Banjir in Coblong) and
    the burst began between :data:`SAME_INCIDENT_DAYS` before the spike's first day and its
    last day.  Incidents that share an alert are one.

    Returns
    -------
    dict of int to int
        For each headline shown under another, the burst headline's id.
    """
    root: dict[int, int] = {h.id: h.id for h in headlines}
    order = {h.id: (h.kind != "burst", h.began, h.id) for h in headlines}

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    bursts = [h for h in headlines if h.kind == "burst"]
    for spike in (h for h in headlines if h.kind != "burst"):
        for burst in bursts:
            nested = burst.values <= spike.values or spike.values <= burst.values
            near = spike.first - timedelta(days=SAME_INCIDENT_DAYS) <= burst.first <= spike.last
            if nested and near:
                a, b = find(spike.id), find(burst.id)
                # The earliest burst heads the incident; a spike never heads one with a burst.
                keep, drop = sorted((a, b), key=order.__getitem__)
                root[drop] = keep
    return {i: find(i) for i in root if find(i) != i}
