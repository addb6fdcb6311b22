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
:func:`triage.trends.refresh.relate`, so one burst seen city-wide, in its kecamatan and as
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
from triage.trends.refresh import Spike, relate

HOURS_PER_DAY = 24
DEFAULT_WINDOWS = (1, 2, 3, 6, 12)


@dataclass(frozen=True)
class ScanResult:
    """Per hour and series (hours x series): the most unusual window and its numbers."""

    observed: pd.DataFrame
    expected: pd.DataFrame
    p_value: pd.DataFrame
    window: pd.DataFrame
    alarm: pd.DataFrame


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

    def _check(self) -> None:
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
            Hours before it are not reported (their counts still form the baseline).

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
        self._check()
        values = _check_hourly(counts)
        n_hours = values.shape[0]
        if n_hours <= self.history_hours:
            raise InputError(
                f"not enough history for the hourly scan: {n_hours} hours, need more than "
                f"{self.history_hours} ({self.baseline_days + self.skip_days} days and "
                f"{max(self.windows)} hours)"
            )
        cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
        best_p = np.full(values.shape, np.nan)
        best = {name: np.full(values.shape, np.nan) for name in ("observed", "expected", "w")}
        ready = np.arange(n_hours) >= self.history_hours
        threshold = self.alpha / len(self.windows)
        alarm = np.zeros(values.shape, bool)
        for w in self.windows:
            sums = np.full(values.shape, np.nan)
            sums[w - 1 :] = cumulative[w:] - cumulative[:-w]
            total = np.zeros(values.shape)
            squares = np.zeros(values.shape)
            for d in range(self.skip_days + 1, self.skip_days + self.baseline_days + 1):
                lagged = _shift(sums, d * HOURS_PER_DAY)
                total += np.nan_to_num(lagged)
                squares += np.nan_to_num(lagged) ** 2
            n = float(self.baseline_days)
            mean = total / n
            with np.errstate(divide="ignore", invalid="ignore"):
                spread = (squares - n * mean**2) / (n - 1)
                dispersion = np.where(mean > 0, np.maximum(spread / mean, 1.0), 1.0)
            # Half a complaint over the baseline days: an empty window of past days still
            # leaves a small chance of one, so a lone complaint is not impossible.
            expected = np.maximum(mean, 0.5 / n)
            p = _upper_tail(sums, expected, dispersion * (1.0 + 1.0 / n))
            p[~ready] = np.nan
            better = ready[:, None] & ~(p >= best_p)
            best_p = np.where(better, p, best_p)
            best["observed"] = np.where(better, sums, best["observed"])
            best["expected"] = np.where(better, expected, best["expected"])
            best["w"] = np.where(better, w, best["w"])
            alarm |= ready[:, None] & (p < threshold) & (sums >= self.min_cases)
        if since is not None:
            alarm[counts.index < since] = False

        def table(data: np.ndarray) -> pd.DataFrame:
            return pd.DataFrame(data, index=counts.index, columns=counts.columns)

        return ScanResult(
            observed=table(best["observed"]),
            expected=table(best["expected"]),
            p_value=table(best_p),
            window=table(best["w"]),
            alarm=table(alarm),
        )


def _shift(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    if lag < len(values):
        out[lag:] = values[:-lag]
    return out


def _upper_tail(observed: np.ndarray, mean: np.ndarray, dispersion: np.ndarray) -> np.ndarray:
    """P(Y >= observed) for Y of mean ``mean`` and variance ``dispersion * mean``."""
    k = np.nan_to_num(observed) - 1.0
    over = dispersion > 1.0 + 1e-9
    size = mean / np.where(over, dispersion - 1.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        nb = stats.nbinom.sf(k, size, 1.0 / np.where(over, dispersion, 2.0))
        poisson = stats.poisson.sf(k, mean)
    p = np.where(over, nb, poisson)
    return np.where(np.isnan(observed), np.nan, p)


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
    data: pd.DataFrame, group_cols: Sequence[str], until: pd.Timestamp
) -> pd.DataFrame:
    """Complaints per local hour (naive Asia/Jakarta) and group, zeros for empty hours.

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
    start = table.index.min() if len(table) else until
    index = pd.date_range(start, until.floor("h"), freq="h")
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


__all__ = ["DEFAULT_WINDOWS", "Burst", "HourlyScan", "ScanResult", "find_bursts", "hourly_counts"]
