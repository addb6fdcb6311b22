"""A CUSUM of a baseline's standardised residuals: evidence that builds up over weeks.

The one-period and two-period bounds of :class:`triage.trends.detectors.SeasonalNB` look at
today (and yesterday) alone.  The CUSUM carries forward what the previous periods left:
``S_t = max(0, S_{t-1} + z_t - reference)``, ``z_t`` the normal score of the count under the
baseline's negative-binomial predictive distribution (mid-p, so small counts are not judged
too harshly or too kindly), and it alarms when ``S_t`` exceeds ``threshold``; it then
restarts at zero.  With ``threshold = z(1 - alpha) - reference`` a period that follows a
quiet one alarms exactly when its count is beyond the ``1 - alpha`` quantile, as with the
one-period bound; after a raised period the bound is lower.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from triage.trends.glm_batch import count_quantile

# Normal scores are clipped here: a count that the baseline calls impossible must not carry
# an infinite statistic into the following periods.
_Z_LIMIT = 8.0


def count_cdf(y: np.ndarray, mean: np.ndarray, dispersion: np.ndarray) -> np.ndarray:
    """``P(Y <= y)`` for ``Y`` of mean ``mean`` and variance ``dispersion * mean``.

    Negative binomial where the dispersion is above 1, Poisson where it is 1; 0 below zero.
    """
    mu = np.maximum(mean, 1e-12)
    over = dispersion > 1.0 + 1e-9
    size = mu / np.where(over, dispersion - 1.0, 1.0)
    prob = 1.0 / np.where(over, dispersion, 2.0)
    return np.where(over, stats.nbinom.cdf(y, size, prob), stats.poisson.cdf(y, mu))


def mid_p_scores(counts: np.ndarray, mean: np.ndarray, dispersion: np.ndarray) -> np.ndarray:
    """Normal scores ``z(P(Y < y) + P(Y = y) / 2)`` of counts under their baselines."""
    below = count_cdf(counts - 1.0, mean, dispersion)
    at_most = count_cdf(counts, mean, dispersion)
    return np.clip(stats.norm.ppf((below + at_most) / 2.0), -_Z_LIMIT, _Z_LIMIT)


def _mid_p_bound(mean: np.ndarray, dispersion: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Largest count whose mid-p value is at most ``level`` (so a count above it exceeds)."""
    quantile = count_quantile(mean, dispersion, level)  # smallest q with P(Y <= q) >= level
    mid = (count_cdf(quantile - 1.0, mean, dispersion) + count_cdf(quantile, mean, dispersion)) / 2
    # Below the quantile the mid-p value is below the level; at the quantile it may be either.
    return np.where(mid > level, quantile - 1.0, quantile)


def cusum_bounds(
    counts: np.ndarray,
    mean: np.ndarray,
    dispersion: np.ndarray,
    ready: np.ndarray,
    alpha: float,
    reference: float,
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and alarms of the restarting CUSUM, periods x series.

    Parameters
    ----------
    counts, mean, dispersion : ndarray of shape (n_periods, n_series)
        Observed counts and the baseline's predictive mean and dispersion.
    ready : ndarray of bool, same shape
        Where the baseline holds; elsewhere the statistic restarts at zero and nothing alarms.
    alpha : float
        Level of a period that follows a quiet one (threshold ``z(1 - alpha) - reference``).
    reference : float
        Allowance subtracted every period, in standard deviations: the CUSUM is tuned to
        raises of about twice this size.
    allowed : ndarray of bool, optional
        Where an alarm may be raised (e.g. enough recent cases); elsewhere the statistic
        keeps growing instead of restarting.

    Returns
    -------
    upperbound, alarm : ndarray
        The largest count that would not alarm, given the statistic carried over; whether
        the count exceeds it.  The upper bound is NaN where the baseline does not hold.
    """
    threshold = stats.norm.ppf(1.0 - alpha) - reference
    safe_mean = np.where(ready, mean, 1.0)
    safe_dispersion = np.where(ready, dispersion, 1.0)
    scores = np.where(ready, mid_p_scores(counts, safe_mean, safe_dispersion), 0.0)
    carried = np.zeros(counts.shape)
    alarm = np.zeros(counts.shape, dtype=bool)
    statistic = np.zeros(counts.shape[1])
    for t in range(counts.shape[0]):
        carried[t] = statistic
        statistic = np.where(ready[t], np.maximum(0.0, statistic + scores[t] - reference), 0.0)
        alarm[t] = ready[t] & (statistic > threshold)
        if allowed is not None:
            alarm[t] &= allowed[t]
        statistic = np.where(alarm[t], 0.0, statistic)
    level = stats.norm.cdf(np.minimum(threshold + reference - carried, _Z_LIMIT))
    upper = _mid_p_bound(safe_mean, safe_dispersion, level)
    return np.where(ready, upper, np.nan), alarm


__all__ = ["count_cdf", "cusum_bounds", "mid_p_scores"]
