"""Fast incidents: a scan over the last hours against the same hours of earlier days.

A burst water main or a flooded underpass brings forty complaints in six hours; the weekly
model shows it a week later.  :class:`HourlyScan` looks, at every hour, at the windows of the
last 1 to 12 hours of a series of hourly counts and compares each with the same hours of the
previous ``baseline_days`` days (the day before left out, so that a burst that began last
evening does not raise its own baseline).  With ``S`` complaints in those hours over ``N``
days, the count expected in the window is ``S / N``; the p-value of the observed count is
taken from a negative binomial with that mean and the dispersion of the ``N`` daily window
sums (at least 1), widened by the uncertainty of the mean.  The smallest p-value over the
windows is the scan statistic; the hour alarms when it is below ``alpha / len(windows)``
(Bonferroni over the windows) and the window holds at least ``min_cases`` complaints.

:func:`find_bursts` counts stored-complaint-shaped rows per hour for each group set, scans
them, and relates the bursts of one hour by the headline rules of
:func:`triage.trends.relations.relate`, so one burst seen city-wide, in its kecamatan and as
its topic there is one headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from triage.errors import InputError
from triage.trends.alerts import GROUP_SEPARATOR
from triage.trends.counts import to_local_time
from triage.trends.relations import Spike, relate
from triage.trends.scan_windows import (
    HOURS_PER_DAY,
    WindowBest,
    WindowSettings,
    day_lag_sum,
    scan_rows,
)

DEFAULT_WINDOWS = (1, 2, 3, 6, 12)
# Hours x series scanned at a time: 4 to 8 MB per array.
BLOCK_CELLS = 1_000_000


@dataclass(frozen=True)
class ScanResult:
    """Per hour and series (hours x series): the most unusual window and its numbers."""

    observed: pd.DataFrame
    expected: pd.DataFrame
    p_value: pd.DataFrame
    window: pd.DataFrame
    alarm: pd.DataFrame
    # The variance-to-mean ratio the p-value of the chosen window used (at least 1).
    dispersion: pd.DataFrame | None = None


@dataclass(frozen=True)
class HourlyScan:
    """Scan of the last ``windows`` hours against the same hours of ``baseline_days`` days.

    ``alpha`` is the false-alarm rate per series and hour, before the Bonferroni split over
    the windows: 1e-6 is about one false alarm per 100 series-years.
    """

    windows: tuple[int, ...] = DEFAULT_WINDOWS
    baseline_days: int = 28
    skip_days: int = 1
    alpha: float = 1e-6
    min_cases: int = 10

    def check(self) -> None:
        """Raise :class:`InputError` for unusable settings."""
        if not self.windows or any(not 1 <= w <= HOURS_PER_DAY for w in self.windows):
            raise InputError(f"scan windows must be 1 to 24 hours, got {self.windows}")
        if self.baseline_days < 7:
            raise InputError(f"baseline_days must be at least 7, got {self.baseline_days}")
        if self.skip_days < 0:
            raise InputError(f"skip_days must not be negative, got {self.skip_days}")
        if not 0.0 < self.alpha < 0.5:
            raise InputError(f"alpha must be in (0, 0.5), got {self.alpha}")

    @property
    def history_hours(self) -> int:
        """Hours of counts needed before the first hour that can be scanned."""
        return (self.baseline_days + self.skip_days) * HOURS_PER_DAY + max(self.windows)

    def scan(self, counts: pd.DataFrame, since: pd.Timestamp | None = None) -> ScanResult:
        """Scan every column of an (hours x series) table of counts.

        Parameters
        ----------
        counts : DataFrame
            Counts on consecutive hours (a DatetimeIndex with no gaps or repeats; empty hours
            as zeros), one column per series.
        since : Timestamp, optional
            Hours before it are not scored: NaN numbers and no alarm (their counts still form
            the baseline).

        Returns
        -------
        ScanResult
            Hours without enough history have NaN numbers and no alarm.

        Raises
        ------
        InputError
            An index that is not consecutive hours, missing, negative or non-integer counts,
            bad settings, or fewer hours than :attr:`history_hours` plus one ("not enough
            history").
        """
        self.check()
        values = _check_hourly(counts)
        n_hours = values.shape[0]
        if n_hours <= self.history_hours:
            raise InputError(
                f"not enough history for the hourly scan: {n_hours} hours, need more than "
                f"{self.history_hours} ({self.baseline_days + self.skip_days} days and "
                f"{max(self.windows)} hours)"
            )
        start = self.history_hours
        if since is not None:
            start = max(start, int(counts.index.searchsorted(since)))
        # Series as rows: the layout pandas keeps a float table in (the transpose of the
        # frame's array is then a view), so a block of series is contiguous.
        rows = np.ascontiguousarray(values.T)
        settings = WindowSettings(
            self.windows,
            self.baseline_days,
            self.skip_days,
            self.alpha / len(self.windows),
            self.min_cases,
        )
        names = ("observed", "expected", "p_value", "window", "dispersion")
        best = {name: np.empty(rows.shape) for name in names}
        for array in best.values():
            array[:, :start] = np.nan
        alarm = np.zeros(rows.shape, bool)
        # Blocks of series: the arrays of a block stay within the processor's caches.
        width = max(1, BLOCK_CELLS // n_hours)
        for first in range(0, rows.shape[0], width):
            block = slice(first, first + width)
            out = WindowBest(alarm=alarm[block], **{name: best[name][block] for name in names})
            scan_rows(rows[block], start, settings, out)

        def table(data: np.ndarray) -> pd.DataFrame:
            return pd.DataFrame(data.T, index=counts.index, columns=counts.columns, copy=False)

        return ScanResult(alarm=table(alarm), **{name: table(best[name]) for name in names})

    def bound(self, expected: float, dispersion: float) -> int:
        """The largest count of a window that does not alarm, for its expected count and
        dispersion (the upper bound a burst is shown against)."""
        threshold = self.alpha / len(self.windows)
        if dispersion > 1.0 + 1e-9:
            k = stats.nbinom.isf(threshold, expected / (dispersion - 1.0), 1.0 / dispersion)
        else:
            k = stats.poisson.isf(threshold, expected)
        # isf gives the smallest k with P(Y > k) <= threshold; the alarm needs P(Y >= x) below
        # it, so x = k + 1 alarms and k does not, unless min_cases asks for more.
        return int(max(k, self.min_cases - 1))


def _check_hourly(counts: pd.DataFrame) -> np.ndarray:
    index = counts.index
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError("hourly counts need a DatetimeIndex of hours")
    if len(index) < 2:
        raise InputError("not enough history for the hourly scan: fewer than two hours")
    steps = np.diff(index.asi8)
    hour = pd.Timedelta(hours=1) / pd.Timedelta(1, unit=index.unit)
    if (steps <= 0).any():
        raise InputError("hours must be in increasing order with no repeats")
    if (steps != hour).any():
        raise InputError("hours must be consecutive (reindex so that missing hours are zeros)")
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        raise InputError("hourly counts contain missing values; use zeros for empty hours")
    if (values < 0).any():
        raise InputError("hourly counts must not be negative")
    if (values != np.round(values)).any():
        raise InputError("hourly counts must be whole numbers")
    return values


@dataclass(frozen=True)
class Burst:
    """An alarming hour of one group: the window that stood out, and its headline relation.

    ``headline`` is the index (in the list :func:`find_bursts` returns) of the burst this one
    is shown under, with ``relation`` ``"context"`` or ``"where"``; None for a headline.
    """

    group_columns: tuple[str, ...]
    group: str
    hour: pd.Timestamp
    window_hours: int
    observed: float
    expected: float
    p_value: float
    headline: int | None = None
    relation: str | None = None

    @property
    def start(self) -> pd.Timestamp:
        """The first hour of the window."""
        return self.hour - pd.Timedelta(hours=self.window_hours - 1)


def hourly_counts(
    data: pd.DataFrame,
    group_cols: Sequence[str],
    until: pd.Timestamp,
    start: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Complaints per local hour (naive Asia/Jakarta) and group, zeros for empty hours, from
    ``start`` (default: the first complaint's hour) to ``until``; complaints outside are left out.

    Raises
    ------
    InputError
        A missing column or an unparseable ``created_at``.
    """
    missing = [c for c in ("created_at", *group_cols) if c not in data.columns]
    if missing:
        raise InputError(f"complaints need the column(s) {', '.join(missing)}")
    hours = to_local_time(data["created_at"], "created_at").dt.floor("h")
    keys = [data[c].astype(str).to_numpy() for c in group_cols]
    labels = (
        np.array([GROUP_SEPARATOR.join(parts) for parts in zip(*keys, strict=True)])
        if keys
        else np.full(len(data), "all")
    )
    frame = pd.DataFrame({"hour": hours.to_numpy(), "group": labels})
    table = frame.groupby(["hour", "group"]).size().unstack(fill_value=0)
    if start is None:
        start = table.index.min() if len(table) else until
    index = pd.date_range(start.floor("h"), until.floor("h"), freq="h")
    return table.reindex(index, fill_value=0).astype(float)


def find_bursts(
    data: pd.DataFrame,
    group_sets: Sequence[Sequence[str]],
    as_of: pd.Timestamp,
    scan: HourlyScan | None = None,
    lookback_hours: int = 24,
) -> list[Burst]:
    """Bursts in the last ``lookback_hours`` up to ``as_of`` (local time), related into
    headlines hour by hour.

    Parameters
    ----------
    data : DataFrame
        Complaints with ``created_at`` and the group columns.
    group_sets : sequence of sequences of str
        As for the weekly refresh: e.g. topic; kecamatan; topic and kecamatan.
    as_of : Timestamp
        The last hour to scan (naive local time).
    scan : HourlyScan, optional
    lookback_hours : int

    Returns
    -------
    list of Burst
        One per alarming hour and group, in time order; within an hour, headlines first.
    """
    scan = scan or HourlyScan()
    since = as_of.floor("h") - pd.Timedelta(hours=lookback_hours - 1)
    found: list[Burst] = []
    for columns in group_sets:
        counts = hourly_counts(data, columns, as_of)
        result = scan.scan(counts, since=since)
        hours, series = np.nonzero(result.alarm.to_numpy())
        for t, s in zip(hours, series, strict=True):
            found.append(
                Burst(
                    tuple(columns),
                    str(counts.columns[s]),
                    counts.index[t],
                    int(result.window.iat[t, s]),
                    float(result.observed.iat[t, s]),
                    float(result.expected.iat[t, s]),
                    float(result.p_value.iat[t, s]),
                )
            )
    out: list[Burst] = []
    for hour in sorted({b.hour for b in found}):
        bursts = [b for b in found if b.hour == hour]
        spikes = [
            Spike(
                i,
                frozenset(zip(b.group_columns, b.group.split(GROUP_SEPARATOR), strict=True)),
                b.observed - b.expected,
                {f"{hour:%Y-%m-%dT%H}": b.observed - b.expected},
            )
            for i, b in enumerate(bursts)
        ]
        links = relate(spikes)
        order = sorted(range(len(bursts)), key=lambda i: (i in links, -spikes[i].severity))
        position = {i: len(out) + k for k, i in enumerate(order)}
        for i in order:
            link = links.get(i)
            out.append(
                replace(
                    bursts[i],
                    headline=None if link is None else position[link[0]],
                    relation=None if link is None else link[1],
                )
            )
    return out


@dataclass(frozen=True)
class BurstAlert:
    """The alarming hours of one group, merged into one alert: hours less than a day apart
    are one burst.  Times are naive local (Asia/Jakarta) hours.

    ``window_start`` is the first hour of the earliest alarming window, ``window_end`` the end
    of the last alarming hour; the numbers are those of the most unusual window (``peak`` is
    its last hour): ``observed`` complaints in ``window_hours`` hours against ``expected``,
    ``upperbound`` the largest count of that window that would not have alarmed.
    ``series`` is the hourly chart around the burst (dates, observed, expected, alarm).
    """

    group_columns: tuple[str, ...]
    group: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    peak: pd.Timestamp
    window_hours: int
    observed: float
    expected: float
    upperbound: float
    p_value: float
    hours: int
    series: dict[str, list[object]]
    # The first alarming hour (the burst is known at its end).
    first_alarm: pd.Timestamp | None = None

    @property
    def group_values(self) -> dict[str, str]:
        """Each group column with its value."""
        return dict(zip(self.group_columns, self.group.split(GROUP_SEPARATOR), strict=True))


# The chart of a burst: two days before its window, up to a day after.
CHART_BEFORE_HOURS = 48
CHART_AFTER_HOURS = 24


def scan_alerts(
    data: pd.DataFrame,
    group_sets: Sequence[Sequence[str]],
    as_of: pd.Timestamp,
    since: pd.Timestamp,
    scan: HourlyScan | None = None,
    first_hour: pd.Timestamp | None = None,
) -> list[BurstAlert]:
    """Bursts of every group whose alarming hours end at or after ``since``, up to the hour
    ``as_of`` (naive local time), one :class:`BurstAlert` per burst.

    Parameters
    ----------
    data : DataFrame
        Complaints with ``created_at`` and the group columns.
    group_sets : sequence of sequences of str
    as_of, since : Timestamp
        The last hour scanned and the first hour reported.
    scan : HourlyScan, optional
    first_hour : Timestamp, optional
        When the complaint history starts (default: the first complaint in ``data``): hours
        from then on without complaints are zeros, not missing history.

    Raises
    ------
    InputError
        Fewer hours of history than the scan needs ("not enough history"), bad settings or
        bad complaint rows.
    """
    scan = scan or HourlyScan()
    scan.check()
    local = to_local_time(data["created_at"], "created_at") if len(data) else None
    if first_hour is None:
        first_hour = local.min().floor("h") if local is not None else as_of.floor("h")
    # Only the hours the reported ones rest on: three years of hours would fill memory.
    begin = max(first_hour.floor("h"), since.floor("h") - pd.Timedelta(hours=scan.history_hours))
    recent = data[(local >= begin).to_numpy()] if local is not None else data
    found: list[BurstAlert] = []
    for columns in group_sets:
        counts = hourly_counts(recent, columns, as_of, start=begin)
        result = scan.scan(counts, since=since)
        alarm = result.alarm.to_numpy()
        for s in np.flatnonzero(alarm.any(axis=0)):
            found.extend(_merge_hours(scan, counts, result, int(s), tuple(columns)))
    return found


def _merge_hours(
    scan: HourlyScan, counts: pd.DataFrame, result: ScanResult, s: int, columns: tuple[str, ...]
) -> list[BurstAlert]:
    hours = np.flatnonzero(result.alarm.to_numpy()[:, s])
    # A new burst after a quiet day; hours closer than that are one incident.
    breaks = np.flatnonzero(np.diff(hours) >= HOURS_PER_DAY) + 1
    out = []
    p_values = result.p_value.to_numpy()[:, s]
    windows = result.window.to_numpy()[:, s]
    dispersion = result.dispersion.to_numpy()[:, s] if result.dispersion is not None else None
    for run in np.split(hours, breaks):
        peak = int(run[np.argmin(p_values[run])])
        starts = run - windows[run].astype(int) + 1
        first, last = int(starts.min()), int(run.max())
        # A window may reach back into quiet hours: the burst begins with its first complaint.
        column = counts.iloc[:, s].to_numpy()
        while first < last and column[first] == 0:
            first += 1
        expected = float(result.expected.iat[peak, s])
        spread = 1.0 if dispersion is None else float(dispersion[peak])
        out.append(
            BurstAlert(
                group_columns=columns,
                group=str(counts.columns[s]),
                window_start=counts.index[first],
                window_end=counts.index[last] + pd.Timedelta(hours=1),
                peak=counts.index[peak],
                window_hours=int(windows[peak]),
                observed=float(result.observed.iat[peak, s]),
                expected=expected,
                upperbound=float(scan.bound(expected, spread)),
                p_value=float(p_values[peak]),
                hours=len(run),
                series=_chart(scan, counts.iloc[:, s], first, last, run),
                first_alarm=counts.index[int(run.min())],
            )
        )
    return out


def _chart(
    scan: HourlyScan, column: pd.Series, first: int, last: int, alarms: np.ndarray
) -> dict[str, list[object]]:
    """Hourly counts around a burst beside the mean of the same hour on the baseline days."""
    lo = max(first - CHART_BEFORE_HOURS, 0)
    hi = min(last + CHART_AFTER_HOURS, len(column) - 1)
    values = column.to_numpy(dtype=float)
    lags = scan.skip_days + 1, scan.skip_days + scan.baseline_days
    expected = day_lag_sum(values, *lags) / scan.baseline_days
    chosen = set(alarms.tolist())
    return {
        "dates": [f"{t:%Y-%m-%dT%H:00}" for t in column.index[lo : hi + 1]],
        "observed": [float(v) for v in values[lo : hi + 1]],
        "expected": [round(float(v), 3) for v in expected[lo : hi + 1]],
        "upperbound": [None] * (hi + 1 - lo),
        "alarm": [t in chosen for t in range(lo, hi + 1)],
    }


__all__ = [
    "DEFAULT_WINDOWS",
    "Burst",
    "BurstAlert",
    "HourlyScan",
    "ScanResult",
    "find_bursts",
    "hourly_counts",
    "scan_alerts",
]
