"""Alarm rules compared on the Noufaily benchmark's *true* baselines (no estimation).

Every rule gets the simulated mean and dispersion of each series, so only the way evidence
is weighed differs: the one-week bound, joint bounds of the last k weeks (Bonferroni or
Simes over k, with and without a reset after an alarm), the two-week rule and NB CUSUMs.
POD is interpolated at equal false alarms per series-year as in ``noufaily.py``.

    python benchmarks/noufaily_rules.py [--replicates 8] [--seed 2013]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import replace

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import noufaily as nf  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from triage.trends.cusum import cusum_bounds, mid_p_scores  # noqa: E402
from triage.trends.detectors import SeasonalNB  # noqa: E402

ALPHAS = (1e-5, 3e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 3e-2, 5e-2, 8e-2, 0.12, 0.2)
Rule = Callable[[float], np.ndarray]


def _rolling(values: np.ndarray, k: int) -> np.ndarray:
    return pd.DataFrame(values).rolling(k, min_periods=k).sum().to_numpy()


def window_scores(
    y: np.ndarray, mean: np.ndarray, dispersion: np.ndarray, k_max: int
) -> np.ndarray:
    """Mid-p normal scores of the sums of the last 1..k_max weeks (k x weeks x series)."""
    scores = []
    for k in range(1, k_max + 1):
        total, expected = _rolling(y, k), _rolling(mean, k)
        variance = _rolling(dispersion * mean, k)
        ok = np.isfinite(expected) & (expected > 0)
        m = np.where(ok, expected, 1.0)
        d = np.where(ok, np.maximum(variance / m, 1.0), 1.0)
        scores.append(np.where(ok, mid_p_scores(np.nan_to_num(total), m, d), -np.inf))
    return np.stack(scores)


def windows(z: np.ndarray, allowed: np.ndarray, alpha: float, simes: bool) -> np.ndarray:
    p = np.sort(stats.norm.sf(z), axis=0)
    k = z.shape[0]
    if simes:
        combined = (p * k / np.arange(1, k + 1)[:, None, None]).min(axis=0)
    else:
        combined = p[0] * k
    return (combined < alpha) & allowed


def windows_with_reset(z: np.ndarray, allowed: np.ndarray, alpha: float) -> np.ndarray:
    """Bonferroni over k, windows never reaching back to or before the last alarm."""
    k_max, n_weeks, n_series = z.shape
    threshold = stats.norm.isf(alpha / k_max)
    last = np.full(n_series, -(10**9))
    alarm = np.zeros((n_weeks, n_series), dtype=bool)
    for t in range(n_weeks):
        best = np.full(n_series, -np.inf)
        for k in range(1, k_max + 1):
            best = np.where(t - last >= k, np.maximum(best, z[k - 1, t]), best)
        alarm[t] = (best > threshold) & allowed[t]
        last = np.where(alarm[t], t, last)
    return alarm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2013)
    args = parser.parse_args()
    if args.replicates < 2 or args.replicates % 2:
        parser.error("--replicates must be an even number, at least 2")
    counts, outbreaks = nf.simulate(args.replicates, args.seed)
    y = counts.to_numpy()
    mean, dispersion = nf.true_baseline(args.replicates)
    ready = np.zeros(y.shape, dtype=bool)
    ready[nf.FIRST_SCORED - 30 :] = True
    enough = SeasonalNB()._enough_cases(y, "W")
    allowed = enough & ready
    two_week = SeasonalNB(seasonality="farrington", cusum_reference=None)
    truth = (np.where(ready, mean, np.nan), dispersion, np.where(ready, 2, 0))
    z = {k: window_scores(y, mean, dispersion, k) for k in (1, 2, 3, 4)}
    rules: dict[str, Rule] = {
        "two-week rule (earlier default)": lambda a: (
            replace(two_week, alpha=a).alarms(y, truth, "W").alarm
        ),
        "one week alone": lambda a: windows(z[1], allowed, a, simes=False),
    }
    for k in (2, 3, 4):
        for simes in (False, True):
            name = f"last 1..{k} weeks, {'Simes' if simes else 'Bonferroni'}, no reset"
            rules[name] = lambda a, k=k, simes=simes: windows(z[k], allowed, a, simes)
        rules[f"last 1..{k} weeks, Bonferroni, reset after an alarm"] = lambda a, k=k: (
            windows_with_reset(z[k], allowed, a)
        )
    for reference in (0.5, 0.75, 1.0, 1.25, 1.5):
        rules[f"NB CUSUM, reference {reference}"] = lambda a, r=reference: cusum_bounds(
            y, mean, dispersion, ready, a, r, enough
        )[1]
    rules["NB CUSUM 1.0 without the 5-in-4 rule"] = lambda a: cusum_bounds(
        y, mean, dispersion, ready, a, 1.0
    )[1]
    rows = []
    for name, rule in rules.items():
        sweep = {}
        for alpha in ALPHAS:
            alarm = rule(alpha)
            alarm[: nf.FIRST_SCORED] = False
            sweep[alpha] = alarm
        curve = nf.curves({name: sweep}, outbreaks)
        rows.append({"rule": name} | {f"{r:g}": nf.pod_at(curve, r) for r in nf.TARGETS})
    print(
        f"## Rules on the true baseline ({args.replicates} series per scenario, seed {args.seed})\n"
    )
    print(nf.markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
