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

from triage.calendar import holiday_features
from triage.errors import InputError
from triage.periods import STEP_DAYS
from triage.trends.baselines import (
    DAYS_PER_YEAR,
    HarmonicBlock,
    Reweighting,
    SeasonalBlock,
    recent_baseline,
)
from triage.trends.cusum import cusum_bounds
from triage.trends.glm_batch import count_quantile

METHODS = ("none", "recent", "seasonal")
"""Values of the ``method`` column: no baseline yet, recent window, seasonal GLM."""

SEASONALITIES = ("farrington", "harmonic")
"""Seasonal models of :class:`SeasonalNB`: ten Farrington levels, or annual harmonics."""

# Recent weeks left out of the seasonal fit when ``exclude_recent_weeks`` is None: Noufaily's
# 26 for the ten Farrington levels; 2 for the harmonic GLM, whose reweighting already keeps a
# past spike out and whose trend then rests on the latest data (measured in
# docs/spikes-benchmark.md: 26 -> 8 -> 2 weeks raised POD at every false-alarm rate).
_EXCLUDED_WEEKS = {"farrington": 26, "harmonic": 2}

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
    expected`` (negative binomial; Poisson where the dispersion is 1); NaN where expected is."""
    expected = np.asarray(expected, dtype=float)
    dispersion = np.broadcast_to(np.asarray(dispersion, dtype=float), expected.shape)
    upper = np.full(expected.shape, np.nan)
    known = np.isfinite(expected)
    upper[known] = count_quantile(expected[known], dispersion[known], 1.0 - alpha)
    return upper


def spike_score(observed: np.ndarray, expected: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``(observed - expected) / (upper - expected)``: above 1 exactly when observed > upper.

    Written as ``1 + (observed - upper) / spread`` with the spread floored, which is the same
    where the bound is well above the expected count and keeps the equivalence where it is not.
    """
    return 1.0 + (observed - upper) / np.maximum(upper - expected, _MIN_SPREAD)


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

    def baseline(
        self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str, first: int = 0
    ) -> Baseline:
        """Detector arrays for every period; periods before ``first`` may be left unevaluated."""
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
            Irregular index (gaps, repeated or unordered periods), fewer than two periods,
            missing ``observed`` column, negative, missing or non-integer counts.  A series
            too short for any baseline (or all zeros) is no error: its periods come back
            with ``method`` ``"none"`` and no alarm.
        """
        frame = counts.to_frame("observed") if isinstance(counts, pd.Series) else counts.copy()
        if "observed" not in frame.columns:
            raise InputError("counts frame needs an 'observed' column")
        wide = self.detect_wide(frame[["observed"]])
        for column in ("expected", "upperbound", "score", "alarm", "method"):
            frame[column] = wide[column]["observed"].to_numpy()
        return frame

    def detect_wide(
        self, counts: pd.DataFrame, since: pd.Timestamp | None = None
    ) -> dict[str, pd.DataFrame]:
        """Run the detector on every column of a (periods x series) count table.

        Periods before ``since`` (all history still feeds the baseline) may be skipped by
        the costlier detectors: their ``alarm`` is False.

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
        if (values != np.round(values)).any():
            raise InputError("counts must be whole numbers of complaints")
        assert isinstance(counts.index, pd.DatetimeIndex)
        first = 0 if since is None else int(counts.index.searchsorted(since))
        result = self.baseline(values, counts.index, freq, first)
        result.alarm[:first] = False
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

    def baseline(
        self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str, first: int = 0
    ) -> Baseline:
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
            with np.errstate(divide="ignore", invalid="ignore"):
                c2 = (counts - mean) / sd
            excess = pd.DataFrame(np.where(np.isfinite(c2), np.maximum(c2 - 1.0, 0.0), np.nan))
            carried = (excess.shift(1) + excess.shift(2)).to_numpy()
            statistic = carried + c2
            upper = mean + sd * (z - carried)
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
    quasi-Poisson log-linear model of the last ``years_back`` years (all history, up to seven
    years, by default).  The season is, by default (``seasonality="harmonic"``), up to
    ``harmonics`` annual sine-cosine pairs fitted on every week of those years: with
    ``select_harmonics=True`` (the default) each series keeps 0 to ``harmonics`` of them,
    whichever fit has the least quasi-AIC at each refit, so a series without a season is not
    given one and one with two bends keeps both; ``select_harmonics=False`` always fits
    ``harmonics`` (the default before issue #14's selection).  ``"farrington"`` gives
    Noufaily's 10-level factor whose first level is the ``half_window_weeks`` around the same
    time of year.  Daily counts add a day-of-week factor, and a linear trend is kept only when
    it is significant, rests on three years of data and does not extrapolate beyond the
    counts seen.  The most recent ``exclude_recent_weeks`` are left out (None: 2 weeks for
    the harmonic model, Noufaily's 26 for the ten levels), and past spikes are down-weighted
    (Anscombe residual above ``reweight_threshold`` gets weight ``(threshold / residual)**2``)
    so they do not inflate the baseline; expected values below ``residual_floor`` count as
    that floor when judging residuals, so that one complaint in a quiet series is not taken
    for a spike.  The predictive distribution is negative binomial with the estimated
    dispersion, widened by the uncertainty of the expected value.

    Alarms on the seasonal baseline come from a restarting CUSUM of the standardised
    residuals (``cusum_reference`` standard deviations allowed per period, 0.75 by default;
    :mod:`triage.trends.cusum`): evidence builds up over consecutive periods, and a period
    after a quiet one alarms when it is beyond the ``1 - alpha / span`` quantile.  With
    ``cusum_reference=None``, and always on the recent baseline below (which lags a season,
    so that summing its residuals would alarm on every seasonal rise), the two-period rule
    applies instead: with ``span=2`` a period alarms when it, or it and the period before
    together, exceed their bound (each test at ``alpha / 2``).  The defaults and what they
    gave on the Noufaily benchmark and the sample city are in ``docs/spikes-benchmark.md``.

    With a shorter history, the baseline falls back to the last ``recent_weeks`` (weighted mean
    per day of week for daily counts, shrunk towards the all-days mean, spikes down-weighted
    the same way) and ``method`` says ``"recent"``.  A series' history starts
    ``recent_weeks`` before its first complaint.  No alarm is raised while fewer than
    ``min_cases`` complaints arrived in the last ``min_cases_periods`` periods (Farrington's
    5-in-4 rule; 5 in 7 days for daily counts).  ``overdispersion=False``, ``reweight=False``,
    ``cusum_reference=None`` and ``span=1`` give a plain Poisson GLM threshold, used as a
    benchmark reference.

    Daily models are refitted every 28 days and weekly ones every week (``refit_every``).

    ``holidays=True`` (the default) adds the moving Islamic holidays
    (:mod:`triage.calendar`: the Ramadan weeks, the days around Idul Fitri and around
    Idul Adha, as shares of each period) as covariates of the seasonal GLM, so that the
    Lebaran rise seen in past years is expected again at this year's date rather than at
    last year's; their coefficients are shrunk towards "no effect"
    (:data:`triage.trends.baselines.HOLIDAY_PRECISION`).  Measured in
    ``benchmarks/headlines.py``; ``holidays=False`` gives the baseline without them.
    """

    alpha: float = 0.002
    years_back: int = 7
    half_window_weeks: int = 3
    min_years: float = 2.0
    exclude_recent_weeks: int | None = None
    recent_weeks: int = 13
    reweight_threshold: float = 2.58
    residual_floor: float = 0.5
    min_cases: int = 5
    min_cases_periods: int | None = None
    refit_every: int | None = None
    overdispersion: bool = True
    reweight: bool = True
    span: int = 2
    seasonality: str = "harmonic"
    harmonics: int = 2
    cusum_reference: float | None = 0.75
    holidays: bool = True
    select_harmonics: bool = True

    def baseline(
        self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str, first: int = 0
    ) -> Baseline:
        if not 0.0 < self.alpha < 0.5:
            raise InputError(f"alpha must be in (0, 0.5), got {self.alpha}")
        if self.seasonality not in SEASONALITIES:
            raise InputError(
                f"unknown seasonality {self.seasonality!r}; use one of {', '.join(SEASONALITIES)}"
            )
        if self.seasonality == "harmonic" and not 1 <= self.harmonics <= 4:
            raise InputError(f"harmonics must be 1 to 4, got {self.harmonics}")
        if self.cusum_reference is not None and not 0.0 <= self.cusum_reference <= 3.0:
            raise InputError(f"cusum_reference must be in [0, 3], got {self.cusum_reference}")
        if self.span not in (1, 2):
            raise InputError(f"span must be 1 or 2, got {self.span}")
        if self.exclude_recent_weeks is not None and self.exclude_recent_weeks < 0:
            raise InputError(
                f"exclude_recent_weeks must be 0 or more, got {self.exclude_recent_weeks}"
            )
        return self.alarms(counts, self.estimate(counts, index, freq, first), freq)

    def estimate(
        self, counts: np.ndarray, index: pd.DatetimeIndex, freq: str, first: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Expected counts, predictive dispersion and method codes (periods x series).

        The costly half of :meth:`baseline`, independent of ``alpha``: benchmarks reuse it
        to try several false-alarm rates.
        """
        n_periods = counts.shape[0]
        nonzero = counts > 0
        # A series starts one recent window before its first complaint: the quiet weeks
        # before a sparse group's first spike are history, the years before a topic existed
        # are not.
        window = self.recent_weeks * 7 // STEP_DAYS[freq]
        first_seen = np.where(nonzero.any(axis=0), nonzero.argmax(axis=0), n_periods + window)
        start = np.maximum(first_seen - window, 0)
        valid = np.arange(n_periods)[:, None] >= start[None, :]
        expected, dispersion, method = self._recent(counts, valid, index, freq)
        self._seasonal(counts, valid, start, index, freq, first, (expected, dispersion, method))
        expected[:first] = np.nan
        method[:first] = 0
        return expected, dispersion, method

    def alarms(
        self,
        counts: np.ndarray,
        estimate: tuple[np.ndarray, np.ndarray, np.ndarray],
        freq: str,
    ) -> Baseline:
        """Upper bounds, scores and alarms at this detector's ``alpha`` for an estimate."""
        expected, dispersion, method = estimate
        enough = self._enough_cases(counts, freq)
        upper = self._upper_bound(counts, expected, dispersion)
        if self.cusum_reference is not None:
            # Evidence is carried over only on the seasonal baseline: the recent window lags
            # a season, and summing its residuals alarms on every seasonal rise.
            ready = (method == 2) & np.isfinite(expected)
            # Like the two-period rule's own test, a period after a quiet one is judged at
            # alpha / span, so alpha keeps about the false-alarm rate it had.
            carried, _ = cusum_bounds(
                counts,
                expected,
                dispersion,
                ready,
                self.alpha / self.span,
                self.cusum_reference,
                enough,
            )
            upper = np.where(ready, carried, upper)
        with np.errstate(invalid="ignore"):
            score = spike_score(counts, expected, upper)
            alarm = (score > 1.0) & (method > 0) & enough
        return Baseline(expected, upper, score, alarm, method)

    def _upper_bound(
        self, counts: np.ndarray, expected: np.ndarray, dispersion: np.ndarray
    ) -> np.ndarray:
        """The count above which a period alarms, at an overall false-alarm rate ``alpha``.

        With ``span=2`` the period alarms if it exceeds its own bound, or if it and the period
        before exceed the bound of their sum (each test at ``alpha / 2``): outbreaks spread
        over two weeks are caught even when neither week stands out alone.  The bound reported
        is then ``min(own bound, bound of the sum - min(previous count, its own bound))``.
        """
        if self.span == 1:
            return nb_upper_bound(expected, dispersion, self.alpha)
        if self.span != 2:
            raise InputError(f"span must be 1 or 2, got {self.span}")
        alpha = self.alpha / 2
        own = nb_upper_bound(expected, dispersion, alpha)
        total = expected[1:] + expected[:-1]
        variance = dispersion[1:] * expected[1:] + dispersion[:-1] * expected[:-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            pair = nb_upper_bound(total, np.maximum(variance / total, 1.0), alpha)
        # The previous period counts at most up to its own bound, so that after a lone spike
        # the next, ordinary period does not alarm on the strength of the spike.
        combined = own.copy()
        combined[1:] = np.fmin(own[1:], pair - np.fmin(counts[:-1], own[:-1]))
        return combined

    @property
    def reweighting(self) -> Reweighting:
        return Reweighting(self.reweight_threshold, self.residual_floor, self.reweight)

    def _enough_cases(self, counts: np.ndarray, freq: str) -> np.ndarray:
        periods = self.min_cases_periods or (4 if freq == "W" else 7)
        recent = pd.DataFrame(counts).rolling(periods, min_periods=1).sum().to_numpy()
        return recent >= self.min_cases

    def _recent(
        self, counts: np.ndarray, valid: np.ndarray, index: pd.DatetimeIndex, freq: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-seasonal baseline from the recent window, for every period."""
        window = self.recent_weeks * 7 // STEP_DAYS[freq]
        classes = index.day_of_week.to_numpy() if freq == "D" else np.zeros(len(index), int)
        mean, dispersion, support = recent_baseline(
            counts, valid, classes, window, self.reweighting
        )
        if not self.overdispersion:
            dispersion = np.ones_like(dispersion)
        # Predictive variance: the count's own variance plus that of the estimated mean.
        dispersion = dispersion * (1.0 + 1.0 / np.maximum(support, 1.0))
        history = np.arange(len(index))[:, None] - np.maximum(valid.argmax(axis=0), 0)[None, :]
        ready = (np.minimum(history, window) >= min(window, 4 if freq == "W" else 28)) & (
            np.isfinite(mean) & valid
        )
        return np.where(ready, mean, np.nan), dispersion, np.where(ready, 1, 0)

    def _seasonal(
        self,
        counts: np.ndarray,
        valid: np.ndarray,
        start: np.ndarray,
        index: pd.DatetimeIndex,
        freq: str,
        first: int,
        out: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> None:
        """Overwrite expected, dispersion and method (``out``) where the seasonal model applies."""
        expected, dispersion, method = out
        days = _days(index)
        start_days = np.where(start < len(days), days[np.minimum(start, len(days) - 1)], np.inf)
        # The fit rests on data at least exclude_recent_weeks old, so a daily model refitted
        # every four weeks loses little against one refitted every day, at a 28th of the cost.
        block = self.refit_every or (1 if freq == "W" else 28)
        ready = np.searchsorted(days, start_days.min() + self.min_years * DAYS_PER_YEAR)
        shape = self.harmonics if self.seasonality == "harmonic" else self.half_window_weeks
        excluded = self.exclude_recent_weeks
        if excluded is None:
            excluded = _EXCLUDED_WEEKS[self.seasonality]
        covariates = holiday_features(index, freq) if self.holidays else None
        # Each refit starts from the previous one's coefficients (a series, once eligible,
        # stays so); a series without them makes the whole block start afresh.
        warm: np.ndarray | None = None
        for t0 in range(max(int(ready), first), len(days), block):
            t1 = min(t0 + block, len(days))
            history = (days[t0] - start_days) / DAYS_PER_YEAR
            eligible = np.flatnonzero(history >= self.min_years)
            if eligible.size == 0:
                continue
            args = (index, days, freq, (t0, t1), self.years_back, shape, excluded, covariates)
            start_beta = None if warm is None else warm[eligible]
            if start_beta is not None and np.isnan(start_beta).any():
                start_beta = None
            design = (
                HarmonicBlock(*args, select=self.select_harmonics, start=start_beta)
                if self.seasonality == "harmonic"
                else SeasonalBlock(*args)
            )
            if design.rows.size == 0:
                continue
            mu, phi = design.predict(
                counts[:, eligible].T,
                valid[:, eligible].T,
                history[eligible],
                self.reweighting,
                self.overdispersion,
            )
            if isinstance(design, HarmonicBlock) and design.beta_ is not None:
                if warm is None:
                    warm = np.full((counts.shape[1], design.beta_.shape[1]), np.nan)
                warm[eligible] = design.beta_
            expected[t0:t1, eligible] = mu
            dispersion[t0:t1, eligible] = phi
            method[t0:t1, eligible] = 2


__all__ = [
    "METHODS",
    "SEASONALITIES",
    "Baseline",
    "Detector",
    "EarsC",
    "SeasonalNB",
    "infer_freq",
    "nb_upper_bound",
    "spike_score",
]
