"""Poisson log-linear GLMs fitted to many count series at once (shared design matrix).

Every series of a grouped count table shares the same period index, hence the same design
matrix; only the counts and the prior weights differ.  Fitting them together turns thousands
of small IRLS loops into a few large matrix products, which is what makes seasonal baselines
for every kecamatan x topic pair affordable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

# A tiny ridge keeps the normal equations solvable when a seasonal level holds only zeros
# (its coefficient would otherwise run off to minus infinity).
_RIDGE = 1e-6
_ETA_LIMIT = 20.0


@dataclass(frozen=True)
class BatchFit:
    """Coefficients and fitted values of one Poisson GLM per series.

    Attributes
    ----------
    beta : ndarray of shape (n_series, n_params)
    mu : ndarray of shape (n_series, n_rows)
        Fitted means on the design rows.
    fisher_inv : ndarray of shape (n_series, n_params, n_params)
        Inverse of the (unscaled) Fisher information ``X' diag(w mu) X``; multiply by the
        dispersion to get the covariance of ``beta``.
    iterations : int
    """

    beta: np.ndarray
    mu: np.ndarray
    fisher_inv: np.ndarray
    iterations: int


def _pair_products(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns x_j * x_k (j <= k) that are not identically zero, with their (j, k) positions."""
    rows, cols = np.triu_indices(x.shape[1])
    products = x[:, rows] * x[:, cols]
    keep = np.any(products != 0, axis=0)
    return products[:, keep], rows[keep], cols[keep]


def _fisher(
    weights: np.ndarray,
    products: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    penalty: np.ndarray,
) -> np.ndarray:
    # One GEMM over all series instead of one X'WX per series.
    packed = weights @ products
    p = penalty.size
    info = np.zeros((weights.shape[0], p, p))
    info[:, rows, cols] = packed
    info[:, cols, rows] = packed
    info[:, np.arange(p), np.arange(p)] += penalty
    return info


def fit_poisson_batch(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    beta: np.ndarray | None = None,
    max_iter: int = 50,
    tol: float = 1e-7,
    penalty: np.ndarray | None = None,
) -> BatchFit:
    """Fit ``log E[y_s] = x @ beta_s`` for every series ``s`` by iteratively reweighted LS.

    Parameters
    ----------
    x : ndarray of shape (n_rows, n_params)
        Design matrix shared by every series.
    y : ndarray of shape (n_series, n_rows)
        Counts.
    weights : ndarray of shape (n_series, n_rows)
        Prior weights; zero removes a row from a series' fit.
    beta : ndarray of shape (n_series, n_params), optional
        Starting coefficients (e.g. the previous refit's), which saves most iterations.
    max_iter, tol
        Stop when the relative change of every series' deviance is below ``tol``.
    penalty : ndarray of shape (n_params,), optional
        Ridge penalty per coefficient, i.e. the precision of a normal prior centred on zero
        (a tiny ridge everywhere by default).  Covariates seen in a few periods only, such
        as holidays, need one so that two quiet Lebaran weeks do not send their coefficient
        towards minus infinity.

    Returns
    -------
    BatchFit
    """
    ridge = np.full(x.shape[1], _RIDGE) if penalty is None else np.maximum(penalty, _RIDGE)
    unique, inverse = np.unique(x, axis=0, return_inverse=True)
    if len(unique) * 2 <= len(x):
        # Rows with the same covariates share one mean: fitting their weighted totals is the
        # same likelihood (up to a constant) on far fewer rows.
        member = np.zeros((len(x), len(unique)))
        member[np.arange(len(x)), inverse] = 1.0
        total = weights @ member
        mean = (weights * y) @ member / np.maximum(total, 1e-300)
        fit = _irls(unique, mean, total, beta, max_iter, tol, ridge)
        return BatchFit(fit.beta, fit.mu[:, inverse], fit.fisher_inv, fit.iterations)
    return _irls(x, y, weights, beta, max_iter, tol, ridge)


def _irls(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    beta: np.ndarray | None,
    max_iter: int,
    tol: float,
    penalty: np.ndarray,
) -> BatchFit:
    products, rows, cols = _pair_products(x)
    p = x.shape[1]
    if beta is None:
        total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        level = (weights * y).sum(axis=1, keepdims=True) / total
        eta = np.log((y + level) / 2 + 0.1)
    else:
        eta = np.clip(beta @ x.T, -_ETA_LIMIT, _ETA_LIMIT)
    # The y log y part of the deviance does not change between iterations.
    with np.errstate(divide="ignore", invalid="ignore"):
        y_log_y = (weights * np.where(y > 0, y * np.log(y), 0.0)).sum(axis=1)
    wy = weights * y
    deviance = np.full(y.shape[0], np.inf)
    beta = np.zeros((y.shape[0], p))
    # Only series that have not converged yet are iterated: a few slow ones (a seasonal level
    # of zeros creeping towards minus infinity) must not keep the whole batch busy.
    active = np.arange(y.shape[0])
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported in the result
        w, e = weights[active], eta[active]
        mu = np.exp(e)
        working = w * mu
        z = e + (y[active] - mu) / mu
        info = _fisher(working, products, rows, cols, penalty)
        rhs = (working * z) @ x
        step = np.linalg.solve(info, rhs[:, :, None])[:, :, 0]
        e = np.clip(step @ x.T, -_ETA_LIMIT, _ETA_LIMIT)
        wy_active = wy[active]
        new_deviance = 2.0 * (
            y_log_y[active]
            - (wy_active * e).sum(axis=1)
            + (w * np.exp(e)).sum(axis=1)
            - wy_active.sum(axis=1)
        )
        change = np.abs(new_deviance - deviance[active]) / (np.abs(new_deviance) + 0.1)
        beta[active], eta[active], deviance[active] = step, e, new_deviance
        active = active[change >= tol]
        if active.size == 0:
            break
    mu = np.exp(eta)
    fisher_inv = np.linalg.inv(_fisher(weights * mu, products, rows, cols, penalty))
    return BatchFit(beta=beta, mu=mu, fisher_inv=fisher_inv, iterations=iterations)


def pearson_dispersion(
    y: np.ndarray, mu: np.ndarray, weights: np.ndarray, n_params: int
) -> np.ndarray:
    """Quasi-Poisson dispersion per series, floored at 1 (counts are never under-dispersed here)."""
    chi2 = (weights * (y - mu) ** 2 / np.maximum(mu, 1e-12)).sum(axis=1)
    dof = np.maximum((weights > 0).sum(axis=1) - n_params, 1)
    return np.maximum(chi2 / dof, 1.0)


def hat_diagonal(x: np.ndarray, fit: BatchFit, weights: np.ndarray) -> np.ndarray:
    """Leverages ``h_i = w_i mu_i x_i' I^-1 x_i`` of every row of every series."""
    unique, inverse = np.unique(x, axis=0, return_inverse=True)
    quad = np.einsum("np,spq,nq->sn", unique, fit.fisher_inv, unique, optimize=True)
    return np.clip(weights * fit.mu * quad[:, inverse], 0.0, 0.999)


def anscombe_residuals(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Anscombe residuals of Poisson counts, before scaling by dispersion and leverage."""
    mu = np.maximum(mu, 1e-12)
    return 1.5 * (np.cbrt(y) ** 2 - np.cbrt(mu) ** 2) / mu ** (1.0 / 6.0)


# Below this mean the quantile is found by summing probabilities from zero: P(0) cannot
# underflow (exp(-200) is far above the smallest double) and the loop stays short.
_SUMMED_BELOW = 200.0


def count_quantile(
    mean: np.ndarray, dispersion: np.ndarray, level: float | np.ndarray
) -> np.ndarray:
    """Smallest count ``q`` with ``P(Y <= q) >= level``, for ``Y`` of mean ``mean`` and variance
    ``dispersion * mean``: negative binomial, or Poisson where the dispersion is 1.

    Equal to ``scipy.stats.nbinom.ppf`` / ``poisson.ppf`` but about fifty times faster on the
    small means of complaint counts, by summing the probabilities with their recurrence.
    """
    mu = np.maximum(np.asarray(mean, dtype=float), 1e-12)
    phi = np.broadcast_to(np.asarray(dispersion, dtype=float), mu.shape)
    # A level per element (the CUSUM's bounds) or one for all.
    levels = np.broadcast_to(np.asarray(level, dtype=float), mu.shape)
    over = phi > 1.0 + 1e-9
    out = np.zeros(mu.shape)
    large = mu >= _SUMMED_BELOW
    if large.any():
        big_over, big_poisson = large & over, large & ~over
        size = mu[big_over] / (phi[big_over] - 1.0)
        out[big_over] = stats.nbinom.ppf(levels[big_over], size, 1.0 / phi[big_over])
        out[big_poisson] = stats.poisson.ppf(levels[big_poisson], mu[big_poisson])
    small = np.flatnonzero(~large)
    m, f, nb = mu.ravel()[small], phi.ravel()[small], over.ravel()[small]
    target = levels.ravel()[small]
    size = np.where(nb, m / np.where(nb, f - 1.0, 1.0), 0.0)
    fail = np.where(nb, 1.0 - 1.0 / f, 0.0)
    with np.errstate(invalid="ignore"):
        prob = np.exp(np.where(nb, size * np.log(np.where(nb, 1.0 / f, 1.0)), -m))
    total = prob.copy()
    result = np.zeros(small.size)
    active = np.flatnonzero(total < target)
    k = 0
    while active.size:
        ratio = np.where(
            nb[active], (k + size[active]) / (k + 1) * fail[active], m[active] / (k + 1)
        )
        prob[active] *= ratio
        total[active] += prob[active]
        k += 1
        done = total[active] >= target[active]
        result[active[done]] = k
        active = active[~done]
        if k > 100_000:  # rounding kept the sum below level: fall back to scipy
            break
    flat = out.ravel()
    flat[small] = result
    if active.size:
        rest = small[active]
        flat[rest] = np.where(
            over.ravel()[rest],
            stats.nbinom.ppf(levels.ravel()[rest],
                             mu.ravel()[rest] / (phi.ravel()[rest] - 1.0 + 1e-300),
                             1.0 / phi.ravel()[rest]),
            stats.poisson.ppf(levels.ravel()[rest], mu.ravel()[rest]),
        )  # fmt: skip
    return flat.reshape(mu.shape)
