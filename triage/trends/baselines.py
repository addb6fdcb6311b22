"""The two baselines behind :class:`triage.detectors.SeasonalNB`, on (periods x series) arrays.

``recent_baseline``: weighted mean of the recent window (per day of week for daily counts).
``SeasonalBlock``: one refit of the seasonal quasi-Poisson GLM for a block of periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from triage.trends.glm_batch import (
    BatchFit,
    anscombe_residuals,
    fit_poisson_batch,
    hat_diagonal,
    pearson_dispersion,
)

DAYS_PER_YEAR = 365.25
_TREND_YEARS = 3.0  # Farrington: no trend on fewer than three years of data
_PRIOR_PERIODS = 2.0
# Prior precision of a holiday coefficient: a normal prior of sd 0.32 on its log rate ratio
# (a factor of 1.4 either way is plausible, one of 2.5 needs the data to say so).  A city-wide
# topic's Lebaran weeks carry information in the hundreds and barely notice it; a series
# with a complaint a month is shrunk towards "no holiday effect", and a past outbreak that
# happened to fall in Ramadan is not learnt as a Ramadan effect (sd 0.5 let one in ten
# seeded test series miss a later spike that way).
HOLIDAY_PRECISION = 10.0


@dataclass(frozen=True)
class Reweighting:
    """How past spikes are down-weighted: Anscombe residuals above ``threshold`` get weight
    ``(threshold / residual)**2``; expected values below ``floor`` count as ``floor``."""

    threshold: float = 2.58
    floor: float = 0.5
    enabled: bool = True

    def weights(self, counts: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
        if not self.enabled:
            return np.ones_like(counts)
        residual = anscombe_residuals(counts, np.maximum(mean, self.floor)) / scale
        limit = self.threshold
        return np.where(residual > limit, (limit / np.maximum(residual, limit)) ** 2, 1.0)


def _class_window_sums(
    values: np.ndarray, rows: np.ndarray, window: int, n_periods: int
) -> np.ndarray:
    """For every period t, the sum of ``values`` over the class rows in [t - window, t)."""
    cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    t = np.arange(n_periods)
    return cumulative[np.searchsorted(rows, t)] - cumulative[np.searchsorted(rows, t - window)]


def window_stats(
    counts: np.ndarray, weights: np.ndarray, classes: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean per class (day of week), dispersion and weight total of the past window.

    The mean of a period is that of the earlier periods of its own class in the window, shrunk
    towards the mean of all classes by ``_PRIOR_PERIODS`` pseudo-periods (thirteen Sundays
    without a complaint do not make a Sunday complaint impossible); the dispersion pools the
    Pearson statistics of every class.
    """
    n = counts.shape[0]
    everything = np.arange(n)
    overall_w = _class_window_sums(weights, everything, window, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = _class_window_sums(weights * counts, everything, window, n) / overall_w
    prior = _PRIOR_PERIODS if len(np.unique(classes)) > 1 else 0.0
    mean = np.full(counts.shape, np.nan)
    support = np.zeros(counts.shape)
    chi2 = np.zeros(counts.shape)
    n_classes = np.zeros(counts.shape)
    for cls in np.unique(classes):
        rows = np.flatnonzero(classes == cls)
        y, w_rows = counts[rows], weights[rows]
        w = _class_window_sums(w_rows, rows, window, n)
        wy = _class_window_sums(w_rows * y, rows, window, n)
        wyy = _class_window_sums(w_rows * y * y, rows, window, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(w > 0, (wy + prior * overall) / (w + prior), np.nan)
            pearson = np.where(level > 0, wyy / level - 2 * wy + level * w, 0.0)
        mean[rows], support[rows] = level[rows], w[rows] + prior
        chi2 += np.nan_to_num(pearson)
        n_classes += w > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = overall_w - n_classes
        dispersion = np.where(dof > 0, chi2 / dof, 1.0)
    return mean, np.maximum(np.nan_to_num(dispersion, nan=1.0), 1.0), support


def recent_baseline(
    counts: np.ndarray,
    valid: np.ndarray,
    classes: np.ndarray,
    window: int,
    reweighting: Reweighting,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, dispersion and weight total of the recent window before every period.

    Each period's residual is taken against its own prospective mean, and the weights are
    re-estimated three times, so a spike does not lift the baseline of the weeks after it.
    """
    weights = valid.astype(float)
    for _ in range(3 if reweighting.enabled else 1):
        mean, dispersion, support = window_stats(counts, weights, classes, window)
        weights = valid * reweighting.weights(counts, np.nan_to_num(mean), np.sqrt(dispersion))
    return mean, dispersion, support


def _predictive(
    mu: np.ndarray, phi: np.ndarray, var_eta: np.ndarray, overdispersion: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts and predictive dispersion (periods x series) of fitted series."""
    if not overdispersion:
        phi = np.ones_like(phi)
    # Predictive variance: the count's own variance plus that of the estimated mean.
    dispersion = phi[:, None] + mu * var_eta
    return mu.T, dispersion.T


def _prediction(fit: BatchFit, phi: np.ndarray, x_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and var(log mean) of a fit at the new rows, (series x rows)."""
    mu = np.exp(np.clip(fit.beta @ x_new.T, -20.0, 20.0))
    var_eta = phi[:, None] * np.einsum("np,spq,nq->sn", x_new, fit.fisher_inv, x_new)
    return mu, var_eta


def _penalty(n_params: int, covariates: np.ndarray | None) -> np.ndarray:
    """Ridge per coefficient: none to speak of, but :data:`HOLIDAY_PRECISION` on the
    covariates, which sit just before the trend (the last column)."""
    penalty = np.zeros(n_params)
    if covariates is not None:
        penalty[n_params - 1 - covariates.shape[1] : n_params - 1] = HOLIDAY_PRECISION
    return penalty


def _common_columns(
    index: pd.DatetimeIndex,
    days: np.ndarray,
    freq: str,
    t0: int,
    covariates: np.ndarray | None,
) -> np.ndarray:
    """The design columns every baseline shares, after its seasonal ones, for every period:
    day of week (daily counts), the covariates, and the trend in years from ``t0``, last
    (the fit without a trend drops the last column)."""
    columns = []
    if freq == "D":
        columns.append(np.eye(7)[index.day_of_week.to_numpy()][:, 1:])
    if covariates is not None:
        columns.append(covariates)
    columns.append(((days - days[t0]) / DAYS_PER_YEAR)[:, None])
    return np.hstack(columns)


class SeasonalBlock:
    """Design of one refit: past rows, their seasonal levels, and the periods to predict.

    Following Noufaily et al. (2013), the seasonal factor has ten levels: the
    ``half_window_weeks`` around the block's time of year in past years, and nine equal parts
    of the rest of the year.  Daily counts add a day-of-week factor, and ``covariates``
    (periods x k, e.g. :func:`triage.calendar.holiday_features`) add k columns whose
    effect is learnt from the same periods of past years; the trend stays the last column.
    """

    def __init__(
        self,
        index: pd.DatetimeIndex,
        days: np.ndarray,
        freq: str,
        block: tuple[int, int],
        years_back: int,
        half_window_weeks: int,
        exclude_recent_weeks: int,
        covariates: np.ndarray | None = None,
    ) -> None:
        t0, t1 = block
        half = (half_window_weeks * 7 + (days[t1 - 1] - days[t0]) / 2) / DAYS_PER_YEAR
        centre = (days[t0] + days[t1 - 1]) / 2
        lo = int(np.searchsorted(days, days[t0] - (years_back + half) * DAYS_PER_YEAR))
        hi = int(np.searchsorted(days, days[t0] - exclude_recent_weeks * 7))
        self.rows = np.arange(lo, max(hi, lo))
        phase = ((days[self.rows] - centre) / DAYS_PER_YEAR) % 1.0
        level = np.where(
            (phase < half) | (phase > 1.0 - half),
            0,
            1 + np.minimum(((phase - half) / ((1.0 - 2.0 * half) / 9.0)).astype(int), 8),
        )
        common = _common_columns(index, days, freq, t0, covariates)
        seasonal_fit = np.hstack([np.ones((self.rows.size, 1)), np.eye(10)[level][:, 1:]])
        seasonal_new = np.hstack([np.ones((t1 - t0, 1)), np.zeros((t1 - t0, 9))])
        self.x_fit = np.hstack([seasonal_fit, common[self.rows]])
        self.x_new = np.hstack([seasonal_new, common[t0:t1]])
        self.penalty = _penalty(self.x_fit.shape[1], covariates)

    def predict(
        self,
        counts: np.ndarray,
        valid: np.ndarray,
        history: np.ndarray,
        reweighting: Reweighting,
        overdispersion: bool,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Expected counts and predictive dispersion, shaped (block periods, series).

        ``counts`` and ``valid`` are (series x periods); ``history`` is each series' years of
        data.  A trend is kept, as in Farrington's rule, only where three years of data back
        it, it is significant at 5% and its prediction stays within the counts seen.
        """
        y = counts[:, self.rows]
        prior = valid[:, self.rows].astype(float)
        return _predictive(*self._fit_series(y, prior, history, reweighting), overdispersion)

    def _fit_series(
        self, y: np.ndarray, prior: np.ndarray, history: np.ndarray, reweighting: Reweighting
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, dispersion and var(log mean) of every series at the new rows."""
        columns = np.arange(self.x_fit.shape[1])
        return self._fit_with_trend_choice(columns, y, prior, history, reweighting)

    def _fit_with_trend_choice(
        self,
        columns: np.ndarray,
        y: np.ndarray,
        prior: np.ndarray,
        history: np.ndarray,
        reweighting: Reweighting,
        without_trend: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, dispersion and var(log mean) of the design ``columns`` (the trend last),
        the trend kept only where Farrington's rule allows it; ``without_trend`` is the
        fit without the trend when it is already known."""
        level = columns[:-1]
        if without_trend is None:
            mu, phi, var_eta, _ = self._fit(
                self.x_fit[:, level],
                self.x_new[:, level],
                y,
                prior,
                reweighting,
                self.penalty[level],
            )
        else:
            mu, phi, var_eta = (part.copy() for part in without_trend)
        trended = np.flatnonzero(history >= _TREND_YEARS)
        if trended.size:
            t_mu, t_phi, t_var, t_z = self._fit(
                self.x_fit[:, columns],
                self.x_new[:, columns],
                y[trended],
                prior[trended],
                reweighting,
                self.penalty[columns],
            )
            seen = np.where(prior[trended] > 0, y[trended], 0.0).max(axis=1)
            keep = (np.abs(t_z) > stats.norm.ppf(0.975)) & (t_mu.max(axis=1) <= seen)
            chosen = trended[keep]
            mu[chosen], phi[chosen], var_eta[chosen] = t_mu[keep], t_phi[keep], t_var[keep]
        return mu, phi, var_eta

    @staticmethod
    def _reweighted_fit(
        x_fit: np.ndarray,
        y: np.ndarray,
        prior: np.ndarray,
        reweighting: Reweighting,
        penalty: np.ndarray,
        start: np.ndarray | None = None,
    ) -> tuple[BatchFit, np.ndarray, np.ndarray]:
        """Quasi-Poisson fit with past spikes down-weighted: the fit, its weights and phi
        (``start``: coefficients to start the first fit from)."""
        p = x_fit.shape[1]
        fit = fit_poisson_batch(x_fit, y, prior, beta=start, penalty=penalty)
        weights = prior
        phi = pearson_dispersion(y, fit.mu, prior, p)
        if reweighting.enabled:
            leverage = hat_diagonal(x_fit, fit, prior)
            scale = np.sqrt(phi[:, None] * (1.0 - leverage))
            weights = prior * reweighting.weights(y, fit.mu, scale)
            # Farrington's gamma: the weights of a series still sum to its number of rows.
            weights *= prior.sum(axis=1, keepdims=True) / np.maximum(
                weights.sum(axis=1, keepdims=True), 1e-12
            )
            fit = fit_poisson_batch(x_fit, y, weights, beta=fit.beta, penalty=penalty)
            phi = pearson_dispersion(y, fit.mu, weights, p)
        return fit, weights, phi

    @staticmethod
    def _fit(
        x_fit: np.ndarray,
        x_new: np.ndarray,
        y: np.ndarray,
        prior: np.ndarray,
        reweighting: Reweighting,
        penalty: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Reweighted quasi-Poisson fit: mean, dispersion, var(log mean), z of last coefficient."""
        fit, _, phi = SeasonalBlock._reweighted_fit(x_fit, y, prior, reweighting, penalty)
        mu, var_eta = _prediction(fit, phi, x_new)
        z_last = fit.beta[:, -1] / np.sqrt(phi * fit.fisher_inv[:, -1, -1])
        return mu, phi, var_eta, z_last


class HarmonicBlock(SeasonalBlock):
    """Design of one refit of a smooth seasonal GLM on all history (``years_back`` years).

    Instead of Farrington's ten seasonal levels, ``harmonics`` annual sine-cosine pairs: the
    same 52 weeks of a year inform every week's expected count, so the baseline needs far
    fewer parameters and its bound is tighter.  Rows, exclusion of recent weeks, day-of-week
    factor, trend and reweighting are as in :class:`SeasonalBlock`.

    With ``select=True`` each series keeps only the harmonics its data support: 0 to
    ``harmonics`` pairs, chosen by quasi-AIC (:meth:`choose_harmonics`) on the fit without
    trend, before the trend is chosen as usual; ``start`` (series x columns of that largest
    model, e.g. the previous refit's ``beta_``) starts its fit.
    """

    def __init__(
        self,
        index: pd.DatetimeIndex,
        days: np.ndarray,
        freq: str,
        block: tuple[int, int],
        years_back: int,
        harmonics: int,
        exclude_recent_weeks: int,
        covariates: np.ndarray | None = None,
        select: bool = False,
        start: np.ndarray | None = None,
    ) -> None:
        t0, t1 = block
        lo = int(np.searchsorted(days, days[t0] - years_back * DAYS_PER_YEAR))
        hi = int(np.searchsorted(days, days[t0] - exclude_recent_weeks * 7))
        self.rows = np.arange(lo, max(hi, lo))
        angle = 2 * np.pi * days / DAYS_PER_YEAR
        waves = [f(j * angle) for j in range(1, harmonics + 1) for f in (np.cos, np.sin)]
        seasonal = np.column_stack([np.ones(len(days)), *waves])
        design = np.hstack([seasonal, _common_columns(index, days, freq, t0, covariates)])
        self.x_fit = design[self.rows]
        self.x_new = design[t0:t1]
        self.penalty = _penalty(design.shape[1], covariates)
        self.harmonics = harmonics
        self.select = select
        # The previous refit's coefficients of the largest model without trend (its design
        # columns do not depend on the block): a warm start saves most IRLS iterations.
        self.start = start
        self.beta_: np.ndarray | None = None

    def columns(self, harmonics: int) -> np.ndarray:
        """Design columns of the model with the first ``harmonics`` pairs (trend last)."""
        others = np.arange(1 + 2 * self.harmonics, self.x_fit.shape[1])
        return np.concatenate([np.arange(1 + 2 * harmonics), others])

    def _fit_series(
        self, y: np.ndarray, prior: np.ndarray, history: np.ndarray, reweighting: Reweighting
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.select:
            return super()._fit_series(y, prior, history, reweighting)
        chosen, fits = self.choose_harmonics(y, prior, reweighting)
        shape = (y.shape[0], self.x_new.shape[0])
        mu, var_eta, phi = np.zeros(shape), np.zeros(shape), np.ones(y.shape[0])
        for harmonics in np.unique(chosen):
            members = np.flatnonzero(chosen == harmonics)
            mu[members], phi[members], var_eta[members] = self._fit_with_trend_choice(
                self.columns(int(harmonics)),
                y[members],
                prior[members],
                history[members],
                reweighting,
                tuple(part[members] for part in fits[harmonics]),
            )
        return mu, phi, var_eta

    def choose_harmonics(
        self, y: np.ndarray, prior: np.ndarray, reweighting: Reweighting
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
        """Harmonic pairs per series, the least quasi-AIC among 0..``harmonics``, and the
        mean, dispersion and var(log mean) of each model without trend at the new rows.

        Every model is fitted on the weights of the largest one (so a past spike is
        down-weighted alike in all of them) and judged by its Poisson deviance over the
        largest model's dispersion plus two per coefficient (QAIC, with the dispersion of
        the largest model as Lebreton et al. 1992 do).
        """
        full = self.columns(self.harmonics)[:-1]
        fit, weights, phi_full = self._reweighted_fit(
            self.x_fit[:, full], y, prior, reweighting, self.penalty[full], self.start
        )
        self.beta_ = fit.beta
        criteria, fits = [], []
        for harmonics in range(self.harmonics + 1):
            level = self.columns(harmonics)[:-1]
            own, phi = fit, phi_full
            if harmonics < self.harmonics:
                start = fit.beta[:, np.searchsorted(full, level)]
                own = fit_poisson_batch(
                    self.x_fit[:, level], y, weights, beta=start, penalty=self.penalty[level]
                )
                phi = pearson_dispersion(y, own.mu, weights, level.size)
            criteria.append(_deviance(y, own.mu, weights) / phi_full + 2.0 * level.size)
            mu, var_eta = _prediction(own, phi, self.x_new[:, level])
            fits.append((mu, phi, var_eta))
        return np.argmin(np.stack(criteria), axis=0), fits


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted Poisson deviance per series."""
    mu = np.maximum(mu, 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(y > 0, y * np.log(y / mu), 0.0)
    return 2.0 * (weights * (ratio - (y - mu))).sum(axis=1)
