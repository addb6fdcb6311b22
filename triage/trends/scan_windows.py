"""The hourly scan's arithmetic: window sums, their baselines and tail probabilities.

Series are rows here (series x hours), the layout pandas keeps a float table in, so that a
block of series is contiguous and a cumulative sum runs along memory.  :func:`scan_rows`
fills, for one block, the numbers of the most unusual window of every scored hour;
:class:`~triage.trends.scan.HourlyScan` states the statistic and lays the blocks out.

Every number is what the plain formulas give: the sums are of whole numbers (exact in
float64), and each tail probability, expected count and dispersion is computed by the same
operations in the same order, once per distinct (observed, baseline total, baseline sum of
squares) of a window instead of once per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

HOURS_PER_DAY = 24
# Whole numbers below this are exact in float64: the integer sums then give the same floats.
_EXACT = 2**53


@dataclass(frozen=True)
class WindowBest:
    """Per series and hour (series x hours, each contiguous), the chosen window's numbers;
    :func:`scan_rows` fills the scored hours."""

    observed: np.ndarray
    expected: np.ndarray
    p_value: np.ndarray
    window: np.ndarray
    dispersion: np.ndarray
    alarm: np.ndarray


@dataclass(frozen=True)
class WindowSettings:
    """What :func:`scan_rows` needs of an :class:`~triage.trends.scan.HourlyScan`."""

    windows: tuple[int, ...]
    baseline_days: int
    skip_days: int
    threshold: float
    min_cases: int


def scan_rows(values: np.ndarray, start: int, settings: WindowSettings, out: WindowBest) -> None:
    """Fill ``out`` from hour ``start`` on with the most unusual window, for a block of series.

    ``values`` is (series x hours) of whole non-negative counts, and every scored hour has
    ``max(windows)`` hours before it.  ``out.alarm`` must be all False on entry.
    """
    n_series, n_hours = values.shape
    n = float(settings.baseline_days)
    lags = settings.skip_days + 1, settings.skip_days + settings.baseline_days
    counts = values.astype(_count_dtype(values, settings))
    cumulative = _running_total(counts)
    # The counts of the same hour on each of the baseline days; a window's baseline total is
    # the sum of these over its hours (sums are linear).
    lagged_cumulative = _running_total(day_lag_sum(counts, *lags))
    sums = np.zeros(counts.shape, counts.dtype)
    for k, w in enumerate(settings.windows):
        sums[:, : w - 1] = 0
        np.subtract(cumulative[:, w:], cumulative[:, :-w], out=sums[:, w - 1 :])
        # The baseline's spread needs every day's window sum, squared, over the baseline days.
        squares = day_lag_sum(sums * sums, *lags, start=start)
        # Cells (series, hour >= start) with complaints, as flat positions in the block and
        # in the scored part: a later window can only be more unusual there (elsewhere its
        # p-value is 1), and in sparse hourly counts they are a small part of the cells.
        scored = np.flatnonzero(sums[:, start:] > 0)
        cells = scored + (scored // (n_hours - start) + 1) * start
        found = sums.reshape(-1)[cells]
        # A window's baseline total from the running total of the lagged counts (one column
        # longer per series, hence the row number added).
        ends = cells + cells // n_hours + 1
        flat = lagged_cumulative.reshape(-1)
        total = flat[ends] - flat[ends - w]
        if k == 0:
            every = lagged_cumulative[:, start + 1 :] - lagged_cumulative[:, start + 1 - w : -w]
            _first_window(sums[:, start:], every, squares, w, start, n, out)
            p = _window_tail(found, total, squares.reshape(-1)[scored], n).p_value
            out.p_value.reshape(-1)[cells] = p
        else:
            tails = _window_tail(found, total, squares.reshape(-1)[scored], n)
            p = tails.p_value
            keep = np.flatnonzero(~(p >= out.p_value.reshape(-1)[cells]))
            chosen = cells[keep]
            expected, dispersion = tails.baseline(keep)
            for target, value in (
                (out.p_value, p[keep]),
                (out.observed, found[keep]),
                (out.expected, expected),
                (out.dispersion, dispersion),
            ):
                target.reshape(-1)[chosen] = value
            out.window.reshape(-1)[chosen] = float(w)
        alarming = (p < settings.threshold) & (found >= settings.min_cases)
        out.alarm.reshape(-1)[cells[alarming]] = True


def _count_dtype(values: np.ndarray, settings: WindowSettings) -> type[np.generic]:
    """The narrowest type that holds every running total and squared window sum exactly:
    integers add many times faster than floats, and narrower ones faster still."""
    days = settings.baseline_days
    top = float(values.max(initial=0.0)) * max(settings.windows)
    largest = max(top * top * days, float(values.sum(axis=1).max(initial=0.0)) * days)
    if largest < 2**31:
        return np.int32
    return np.int64 if largest < _EXACT else np.float64


def _first_window(
    observed: np.ndarray,
    total: np.ndarray,
    squares: np.ndarray,
    w: int,
    start: int,
    n: float,
    out: WindowBest,
) -> None:
    """The first window's observed, expected count, dispersion and window at every scored
    cell: where no later window is more unusual, they are the ones reported."""
    scored = (slice(None), slice(start, None))
    out.observed[scored] = observed
    out.window[scored] = float(w)
    # P(Y >= 0) is 1: the cells with complaints are filled in by the caller.
    out.p_value[scored] = 1.0
    _baseline(total, squares, n, out.expected[scored], out.dispersion[scored])


def _baseline(
    total: np.ndarray,
    squares: np.ndarray,
    n: float,
    expected: np.ndarray | None = None,
    dispersion: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The expected count of a window and its dispersion (at least 1, widened by the
    uncertainty of the mean), from its baseline days' total and sum of squares; written
    into ``expected`` and ``dispersion`` when given."""
    mean = total / n
    spread = mean * mean
    spread *= n
    np.subtract(squares, spread, out=spread)
    spread /= n - 1
    # Where the mean is 0 so is every baseline day, and 0 / 0 is NaN: fmax makes it 1.
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(spread, mean, out=spread)
    dispersion = np.fmax(spread, 1.0, out=dispersion if dispersion is not None else spread)
    dispersion *= 1.0 + 1.0 / n
    # Half a complaint over the baseline days: an empty window of past days still leaves a
    # small chance of one, so a lone complaint is not impossible.
    expected = np.maximum(mean, 0.5 / n, out=expected if expected is not None else mean)
    return expected, dispersion


@dataclass(frozen=True)
class _Tails:
    """P-values of some windows, and their expected counts and dispersions by distinct row
    (``codes`` maps a window to its row; None when every window is its own row)."""

    p_value: np.ndarray
    codes: np.ndarray | None
    expected: np.ndarray
    dispersion: np.ndarray

    def baseline(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected counts and dispersions of the windows ``chosen`` (a mask or positions)."""
        rows = chosen if self.codes is None else self.codes[chosen]
        return self.expected[rows], self.dispersion[rows]


def _window_tail(observed: np.ndarray, total: np.ndarray, squares: np.ndarray, n: float) -> _Tails:
    """P-values, expected counts and dispersions of windows with complaints, computed once per
    distinct (observed, total, squares): hourly counts repeat few of them."""
    codes, unique = _distinct_rows(observed, total, squares)
    if codes is not None:
        observed, total, squares = unique
    expected, dispersion = _baseline(total, squares, n)
    p = upper_tail(observed.astype(float), expected, dispersion)
    return _Tails(p if codes is None else p[codes], codes, expected, dispersion)


def _distinct_rows(
    *columns: np.ndarray,
) -> tuple[np.ndarray | None, tuple[np.ndarray, ...]]:
    """Codes into the distinct rows of some columns of whole non-negative numbers, and those
    rows; no codes when the columns are empty or too large to pack exactly into one key."""
    if len(columns[0]) == 0:
        return None, columns
    sizes = [int(c.max()) + 1 for c in columns]
    if float(np.prod([float(s) for s in sizes])) >= _EXACT:
        return None, columns
    key = np.zeros(len(columns[0]), np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key *= size
        key += column.astype(np.int64)
    codes, keys = pd.factorize(key)
    rows = []
    for size in reversed(sizes):
        keys, row = np.divmod(keys, size)
        rows.append(row)
    return codes, tuple(reversed(rows))


def upper_tail(observed: np.ndarray, mean: np.ndarray, dispersion: np.ndarray) -> np.ndarray:
    """P(Y >= observed) for Y of mean ``mean`` and variance ``dispersion * mean``."""
    k = np.nan_to_num(observed) - 1.0
    over = dispersion > 1.0 + 1e-9
    p = np.empty(k.shape)
    # Each distribution only where it applies: the tail functions dominate the scan's time.
    size = mean[over] / (dispersion[over] - 1.0)
    p[over] = stats.nbinom.sf(k[over], size, 1.0 / dispersion[over])
    p[~over] = stats.poisson.sf(k[~over], mean[~over])
    return np.where(np.isnan(observed), np.nan, p)


def _running_total(values: np.ndarray) -> np.ndarray:
    """Cumulative sums along the hours, with a zero column first."""
    out = np.zeros((values.shape[0], values.shape[1] + 1), values.dtype)
    np.cumsum(values, axis=1, dtype=values.dtype, out=out[:, 1:])
    return out


def day_lag_sum(values: np.ndarray, first: int, last: int, start: int = 0) -> np.ndarray:
    """Per hour from ``start`` on, the sum of ``values`` at the same hour ``first`` to
    ``last`` days earlier (days before the series count as zeros).  Hours are the last axis."""
    *lead, n_hours = values.shape
    # Sums over 1, 2, 4, 8... consecutive days by doubling, and the days wanted as a sum of
    # those (28 days: 4 + 8 + 16): six shifted additions of contiguous arrays, where a running
    # total over days would step through memory a day at a time.
    days = last - first + 1
    span = values
    total: np.ndarray | None = None
    covered, width = 0, 1
    while True:
        if days & width:
            if total is None:
                total = span.copy() if span is values else span
            else:
                _add_shifted(total, span, covered * HOURS_PER_DAY)
            covered += width
        if 2 * width > days:
            break
        span, width = _doubled(span, width * HOURS_PER_DAY), 2 * width
    lag = first * HOURS_PER_DAY
    if total is not None and lag <= start:
        return np.ascontiguousarray(total[..., start - lag : n_hours - lag])
    out = np.zeros((*lead, n_hours - start), values.dtype)
    begin = max(start, lag)
    if total is not None and begin < n_hours:
        out[..., begin - start :] = total[..., begin - lag : n_hours - lag]
    return out


def _doubled(values: np.ndarray, hours: int) -> np.ndarray:
    """``values[t] + values[t - hours]`` along the last axis (zero before the series)."""
    out = np.empty_like(values)
    cut = min(hours, values.shape[-1])
    out[..., :cut] = values[..., :cut]
    np.add(values[..., cut:], values[..., : values.shape[-1] - cut], out=out[..., cut:])
    return out


def _add_shifted(target: np.ndarray, values: np.ndarray, hours: int) -> None:
    """``target[t] += values[t - hours]`` along the last axis, where ``t - hours`` exists."""
    n_hours = target.shape[-1]
    if hours < n_hours:
        target[..., hours:] += values[..., : n_hours - hours]
