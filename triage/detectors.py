"""Spike detectors for count series: a seasonal negative-binomial baseline and EARS C1-C3.

A detector follows the pandas contract of R ``surveillance`` and epysurv: a frame with a
regular DatetimeIndex (days, or weeks starting Monday) and an ``observed`` column goes in; the
same frame comes out with ``expected``, ``upperbound``, ``score`` and ``alarm`` (plus
``method``, saying which baseline produced the row).  ``score`` is
``(observed - expected) / (upperbound - expected)``, so a score above 1 means the count is
beyond the upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from triage.errors import InputError
from triage.glm_batch import (
    anscombe_residuals,
    fit_poisson_batch,
    hat_diagonal,
    pearson_dispersion,
)

DAYS_PER_YEAR = 365.25
STEP_DAYS = {"D": 1, "W": 7}
METHODS = ("none", "recent", "seasonal")
"""Values of the ``method`` column: no baseline yet, recent window, seasonal GLM."""

# Smallest distance between expected and upper bound used by the score, so that a near-zero
# baseline does not turn a single complaint into an infinite score.
_MIN_SPREAD = 0.5


def infer_freq(index: pd.Index) -> str:
    """Return ``"D"`` or ``"W"`` for a regular daily or weekly DatetimeIndex.

    Raises
    ------
    InputError
        If the index is not a DatetimeIndex of consecutive days or weeks.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError("counts need a DatetimeIndex of periods")
    if len(index) < 2:
        raise InputError("counts need at least two periods")
    steps = np.unique(np.diff(index.asi8)) / (86_400 * 10**9 / _unit_scale(index))
    for freq, days in STEP_DAYS.items():
        if steps.size == 1 and steps[0] == days:
            return freq
    raise InputError(
        "periods must be consecutive days or weeks with no gaps "
        "(reindex so that missing periods are zeros)"
    )


def _unit_scale(index: pd.DatetimeIndex) -> int:
    # asi8 counts in the index's own unit (ns, us, ms or s under pandas 3).
    return {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 10**9}[index.unit]


def _days(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray((index - index[0]) / pd.Timedelta(days=1), dtype=float)


def nb_upper_bound(expected: np.ndarray, dispersion: np.ndarray, alpha: float) -> np.ndarray:
    """The (1 - alpha) quantile of a count with mean ``expected`` and variance ``dispersion *
    expected`` (negative binomial; Poisson where the dispersion is 1)."""
    mu = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    phi = np.broadcast_to(np.asarray(dispersion, dtype=float), mu.shape)
    upper = stats.poisson.ppf(1.0 - alpha, mu)
    over = phi > 1.0 + 1e-6
    size = mu[over] / (phi[over] - 1.0)
    upper[over] = stats.nbinom.ppf(1.0 - alpha, size, 1.0 / phi[over])
    return np.where(np.isnan(expected), np.nan, upper)


def spike_score(observed: np.ndarray, expected: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``(observed - expected) / (upper - expected)``: above 1 exactly when observed > upper."""
    return (observed - expected) / np.maximum(upper - expected, _MIN_SPREAD)


@dataclass(frozen=True)
class Baseline:
    """Arrays of shape (n_periods, n_series) produced by a detector."""

    expected: np.ndarray
    upperbound: np.ndarray
    score: np.ndarray
    alarm: np.ndarray
    method: np.ndarray


class Detector:
    """Base class: subclasses implement ``baseline(counts, index, freq)`` on a 2-D array."""

    def baseline(self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str) -> Baseline:
        raise NotImplementedError

    def detect(self, counts: pd.DataFrame | pd.Series) -> pd.DataFrame:
        """Add ``expected``, ``upperbound``, ``score``, ``alarm`` and ``method`` to a series.

        Parameters
        ----------
        counts : DataFrame with an ``observed`` column, or Series
            Counts on a regular daily or weekly DatetimeIndex (missing periods as zeros).

        Returns
        -------
        DataFrame
            A copy of ``counts`` with the five detector columns.

        Raises
        ------
        InputError
            Irregular index, missing ``observed`` column, negative or missing counts.
        """
        frame = counts.to_frame("observed") if isinstance(counts, pd.Series) else counts.copy()
        if "observed" not in frame.columns:
            raise InputError("counts frame needs an 'observed' column")
        wide = self.detect_wide(frame[["observed"]])
        for column in ("expected", "upperbound", "score", "alarm", "method"):
            frame[column] = wide[column]["observed"].to_numpy()
        return frame

    def detect_wide(self, counts: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Run the detector on every column of a (periods x series) count table.

        Returns
        -------
        dict of str to DataFrame
            ``observed``, ``expected``, ``upperbound``, ``score``, ``alarm`` and ``method``
            tables shaped like ``counts``.
        """
        freq = infer_freq(counts.index)
        values = counts.to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(values).any():
            raise InputError("counts contain missing values; use zeros for empty periods")
        if (values < 0).any():
            raise InputError("counts must not be negative")
        assert isinstance(counts.index, pd.DatetimeIndex)
        result = self.baseline(values, counts.index, freq)
        names = np.asarray(METHODS, dtype=object)

        def table(data: np.ndarray) -> pd.DataFrame:
            return pd.DataFrame(data, index=counts.index, columns=counts.columns)

        return {
            "observed": counts,
            "expected": table(result.expected),
            "upperbound": table(result.upperbound),
            "score": table(result.score),
            "alarm": table(result.alarm),
            "method": table(names[result.method]),
        }


@dataclass(frozen=True)
class EarsC(Detector):
    """EARS C1, C2 or C3 (Hutwagner et al. 2003), as in R ``surveillance::earsC``.

    C1 compares each count with the mean and standard deviation of the previous ``baseline``
    periods; C2 leaves a gap of two periods first; C3 sums the C2 exceedances of the last three
    periods.  The threshold is ``mean + z(1 - alpha) * sd`` (normal approximation).
    """

    method: str = "C2"
    alpha: float = 0.001
    baseline_periods: int = 7

    def baseline(self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str) -> Baseline:
        if self.method not in ("C1", "C2", "C3"):
            raise InputError(f"unknown EARS method {self.method!r}; use C1, C2 or C3")
        lag = 0 if self.method == "C1" else 2
        n = self.baseline_periods
        frame = pd.DataFrame(counts)
        window = frame.shift(1 + lag).rolling(n, min_periods=n)
        mean = window.mean().to_numpy()
        sd = window.std(ddof=1).to_numpy()
        z = stats.norm.ppf(1.0 - self.alpha)
        if self.method == "C3":
            c2 = (counts - mean) / sd
            excess = pd.DataFrame(np.where(np.isfinite(c2), np.maximum(c2 - 1.0, 0.0), np.nan))
            statistic = (excess.shift(1) + excess.shift(2)).to_numpy() + c2
            upper = mean + sd * (z - (excess.shift(1) + excess.shift(2)).to_numpy())
            alarm = statistic > z
        else:
            upper = mean + z * sd
            alarm = counts > upper
        ready = np.isfinite(upper)
        return Baseline(
            expected=mean,
            upperbound=upper,
            score=spike_score(counts, mean, upper),
            alarm=alarm & ready,
            method=np.where(ready, 1, 0),
        )


@dataclass(frozen=True)
class SeasonalNB(Detector):
    """Seasonal negative-binomial baseline after Farrington (1996) and Noufaily et al. (2013).

    With at least ``min_years`` of history before a period, the expected count comes from a
    quasi-Poisson log-linear model of the last ``years_back`` years: a 10-level seasonal factor
    whose first level is the ``half_window_weeks`` around the same time of year, a day-of-week
    factor for daily counts, and a linear trend kept only when it is significant, rests on
    three years of data and does not extrapolate beyond the counts seen.  The most recent
    ``exclude_recent_weeks`` are left out, and past spikes are down-weighted (Anscombe residual
    above ``reweight_threshold`` gets weight ``(threshold / residual)**2``) so they do not
    inflate the baseline; expected values below ``residual_floor`` count as that floor when
    judging residuals, so that one complaint in a quiet series is not taken for a spike.  The
    upper bound is the negative-binomial ``1 - alpha`` quantile with the estimated dispersion,
    widened by the uncertainty of the expected value.

    With a shorter history, the baseline falls back to the last ``recent_weeks`` (weighted mean
    per day of week for daily counts, spikes down-weighted the same way) and ``method`` says
    ``"recent"``.  No alarm is raised while fewer than ``min_cases`` complaints arrived in the
    last ``min_cases_periods`` periods (Farrington's 5-in-4 rule).  ``overdispersion=False`` and
    ``reweight=False`` give a plain Poisson GLM threshold, used as a benchmark reference.
    """

    alpha: float = 0.01
    years_back: int = 5
    half_window_weeks: int = 3
    min_years: float = 2.0
    exclude_recent_weeks: int = 26
    recent_weeks: int = 13
    reweight_threshold: float = 2.58
    residual_floor: float = 0.5
    min_cases: int = 5
    min_cases_periods: int | None = None
    refit_every: int | None = None
    overdispersion: bool = True
    reweight: bool = True

    def baseline(self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str) -> Baseline:
        if not 0.0 < self.alpha < 0.5:
            raise InputError(f"alpha must be in (0, 0.5), got {self.alpha}")
        n_periods = counts.shape[0]
        nonzero = counts > 0
        start = np.where(nonzero.any(axis=0), nonzero.argmax(axis=0), n_periods)
        valid = np.arange(n_periods)[:, None] >= start[None, :]
        expected, dispersion, method = self._recent(counts, valid, index, freq)
        self._seasonal(counts, valid, start, index, freq, expected, dispersion, method)
        upper = nb_upper_bound(expected, dispersion, self.alpha)
        score = spike_score(counts, expected, upper)
        alarm = (score > 1.0) & (method > 0) & self._enough_cases(counts, freq)
        return Baseline(expected, upper, score, alarm, method)

    def _enough_cases(self, counts: np.ndarray, freq: str) -> np.ndarray:
        periods = self.min_cases_periods or (4 if freq == "W" else 7)
        recent = pd.DataFrame(counts).rolling(periods, min_periods=1).sum().to_numpy()
        return recent >= self.min_cases

    def _weights(self, residual: np.ndarray) -> np.ndarray:
        if not self.reweight:
            return np.ones_like(residual)
        limit = self.reweight_threshold
        return np.where(residual > limit, (limit / np.maximum(residual, limit)) ** 2, 1.0)

    def _recent(
        self, counts: np.ndarray, valid: np.ndarray, index: pd.DatetimeIndex, freq: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-seasonal baseline from the recent window, for every period."""
        window = self.recent_weeks * 7 // STEP_DAYS[freq]
        classes = index.day_of_week.to_numpy() if freq == "D" else np.zeros(len(index), int)
        weights = valid.astype(float)
        for _ in range(3 if self.reweight else 1):
            mean, dispersion, support = _window_stats(counts, weights, classes, window)
            reference = np.maximum(np.nan_to_num(mean), self.residual_floor)
            residual = anscombe_residuals(counts, reference) / np.sqrt(dispersion)
            weights = valid * self._weights(np.nan_to_num(residual))
        if not self.overdispersion:
            dispersion = np.ones_like(dispersion)
        # Predictive variance: the count's own variance plus that of the estimated mean.
        dispersion = dispersion * (1.0 + 1.0 / np.maximum(support, 1.0))
        history = _rolling_sum(valid.astype(float), window)
        ready = (history >= min(window, 4 if freq == "W" else 28)) & np.isfinite(mean)
        return np.where(ready, mean, np.nan), dispersion, np.where(ready, 1, 0)

    def _seasonal(
        self,
        counts: np.ndarray,
        valid: np.ndarray,
        start: np.ndarray,
        index: pd.DatetimeIndex,
        freq: str,
        expected: np.ndarray,
        dispersion: np.ndarray,
        method: np.ndarray,
    ) -> None:
        """Overwrite ``expected``/``dispersion``/``method`` where the seasonal model applies."""
        step = STEP_DAYS[freq]
        days = _days(index)
        start_days = np.where(start < len(days), days[np.minimum(start, len(days) - 1)], np.inf)
        block = self.refit_every or (1 if freq == "W" else 14)
        first = np.searchsorted(days, start_days.min() + self.min_years * DAYS_PER_YEAR)
        for t0 in range(int(first), len(days), block):
            t1 = min(t0 + block, len(days))
            history = (days[t0] - start_days) / DAYS_PER_YEAR
            eligible = np.flatnonzero(history >= self.min_years)
            if eligible.size == 0:
                continue
            fit = _SeasonalBlock(self, days, step, freq, index, t0, t1)
            if fit.rows.size == 0:
                continue
            mu, phi = fit.predict(counts[:, eligible].T, valid[:, eligible].T, history[eligible])
            expected[t0:t1, eligible] = mu
            dispersion[t0:t1, eligible] = phi
            method[t0:t1, eligible] = 2


class _SeasonalBlock:
    """Design of one refit: past rows, their seasonal levels, and the periods to predict."""

    def __init__(
        self,
        detector: SeasonalNB,
        days: np.ndarray,
        step: int,
        freq: str,
        index: pd.DatetimeIndex,
        t0: int,
        t1: int,
    ) -> None:
        self.detector = detector
        half = (detector.half_window_weeks * 7 + (days[t1 - 1] - days[t0]) / 2) / DAYS_PER_YEAR
        centre = (days[t0] + days[t1 - 1]) / 2
        earliest = days[t0] - (detector.years_back + half) * DAYS_PER_YEAR
        lo = np.searchsorted(days, earliest)
        hi = t0 - detector.exclude_recent_weeks * 7 // step
        self.rows = np.arange(lo, max(hi, lo))
        self.t0, self.t1 = t0, t1
        phase = ((days[self.rows] - centre) / DAYS_PER_YEAR) % 1.0
        level = np.where(
            (phase < half) | (phase > 1.0 - half),
            0,
            1 + np.minimum(((phase - half) / ((1.0 - 2.0 * half) / 9.0)).astype(int), 8),
        )
        trend = (days - days[t0]) / DAYS_PER_YEAR
        parts_fit = [np.ones((self.rows.size, 1)), np.eye(10)[level][:, 1:]]
        parts_new = [np.ones((t1 - t0, 1)), np.zeros((t1 - t0, 9))]
        if freq == "D":
            dow = index.day_of_week.to_numpy()
            parts_fit.append(np.eye(7)[dow[self.rows]][:, 1:])
            parts_new.append(np.eye(7)[dow[t0:t1]][:, 1:])
        self.x_fit = np.hstack([*parts_fit, trend[self.rows, None]])
        self.x_new = np.hstack([*parts_new, trend[t0:t1, None]])

    def _fit(
        self, x_fit: np.ndarray, x_new: np.ndarray, y: np.ndarray, prior: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Reweighted quasi-Poisson fit: mean, dispersion, var(log mean), z of last coefficient."""
        detector = self.detector
        p = x_fit.shape[1]
        fit = fit_poisson_batch(x_fit, y, prior)
        weights = prior
        phi = pearson_dispersion(y, fit.mu, prior, p)
        if detector.reweight:
            leverage = hat_diagonal(x_fit, fit, prior)
            reference = np.maximum(fit.mu, detector.residual_floor)
            residual = anscombe_residuals(y, reference) / np.sqrt(phi[:, None] * (1.0 - leverage))
            weights = prior * detector._weights(residual)
            # Farrington's gamma: the weights of a series still sum to its number of rows.
            weights *= prior.sum(axis=1, keepdims=True) / np.maximum(
                weights.sum(axis=1, keepdims=True), 1e-12
            )
            fit = fit_poisson_batch(x_fit, y, weights, beta=fit.beta)
            phi = pearson_dispersion(y, fit.mu, weights, p)
        if not detector.overdispersion:
            phi = np.ones_like(phi)
        mu = np.exp(np.clip(fit.beta @ x_new.T, -20.0, 20.0))
        var_eta = phi[:, None] * np.einsum("np,spq,nq->sn", x_new, fit.fisher_inv, x_new)
        z_last = fit.beta[:, -1] / np.sqrt(phi * fit.fisher_inv[:, -1, -1])
        return mu, phi, var_eta, z_last

    def predict(
        self, y_all: np.ndarray, valid_all: np.ndarray, history: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Expected counts and predictive dispersion, shaped (block periods, series)."""
        y = y_all[:, self.rows]
        prior = valid_all[:, self.rows].astype(float)
        mu, phi, var_eta, _ = self._fit(self.x_fit[:, :-1], self.x_new[:, :-1], y, prior)
        trended = np.flatnonzero(history >= 3.0)
        if trended.size:
            t_mu, t_phi, t_var, t_z = self._fit(self.x_fit, self.x_new, y[trended], prior[trended])
            # Farrington's rule: keep a trend only if significant and within the counts seen.
            seen = np.where(prior[trended] > 0, y[trended], 0.0).max(axis=1)
            keep = (np.abs(t_z) > stats.norm.ppf(0.975)) & (t_mu.max(axis=1) <= seen)
            chosen = trended[keep]
            mu[chosen], phi[chosen], var_eta[chosen] = t_mu[keep], t_phi[keep], t_var[keep]
        dispersion = phi[:, None] + mu * var_eta
        return mu.T, dispersion.T


def _rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum of the ``window`` rows before each row (the row itself excluded)."""
    cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    upto = cumulative[:-1]
    before = np.vstack([np.zeros((window, values.shape[1])), cumulative[:-1]])[: len(values)]
    return upto - before


def _window_stats(
    counts: np.ndarray, weights: np.ndarray, classes: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean per class (day of week), dispersion and weight total of the past window.

    The mean of a period is that of the earlier periods of its own class; the dispersion pools
    the Pearson statistics of every class in the window.
    """
    mean = np.full(counts.shape, np.nan)
    support = np.zeros(counts.shape)
    chi2 = np.zeros(counts.shape)
    total = np.zeros(counts.shape)
    n_classes = np.zeros(counts.shape)
    for cls in np.unique(classes):
        mask = (classes == cls)[:, None]
        w = _rolling_sum(weights * mask, window)
        wy = _rolling_sum(weights * counts * mask, window)
        wyy = _rolling_sum(weights * counts**2 * mask, window)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(w > 0, wy / w, np.nan)
            pearson = np.where(level > 0, wyy / level - 2 * wy + level * w, 0.0)
        own = np.broadcast_to(mask, counts.shape)
        mean = np.where(own, level, mean)
        support = np.where(own, w, support)
        chi2 += np.nan_to_num(pearson)
        total += w
        n_classes += w > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = np.where(total - n_classes > 0, chi2 / (total - n_classes), 1.0)
    return mean, np.maximum(np.nan_to_num(dispersion, nan=1.0), 1.0), support


__all__ = [
    "METHODS",
    "Baseline",
    "Detector",
    "EarsC",
    "SeasonalNB",
    "infer_freq",
    "nb_upper_bound",
    "spike_score",
]
