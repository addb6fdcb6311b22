"""Outbreak-detection power on the simulation design of Noufaily et al. (2013), beside R.

Noufaily, Enki, Farrington, Garthwaite, Andrews and Charlett, "An improved algorithm for
outbreak detection in multiple surveillance systems", Statistics in Medicine 32 (2013).
Baselines are weekly negative-binomial counts with mean
``mu_t = exp(theta + beta t + sum_{j<=m} gamma1 cos(2 pi j t / 52) + gamma2 sin(2 pi j t / 52))``
and variance ``phi mu_t`` (Poisson where ``phi`` is 1): 28 scenarios, seven parameter sets
each with and without trend and with and without a seasonal harmonic.  Each series runs seven
52-week years, after four lead weeks that R's reference windows need.  The first five years
carry four outbreaks (k drawn from 2, 3, 5, 10) that a detector must not let inflate its
baseline; each of the last two carries one scored outbreak, k cycling through 2, 3, 5, 10
over the replicates.  An outbreak of size k has ``Poisson(k * sd)`` cases, sd the baseline's
standard deviation ``sqrt(phi mu)`` at its start week, spread over the following weeks by
``floor(lognormal(0, 0.5))``; the table of scenarios is reconstructed from the paper (the
scenario numbers here may not follow its order).

Scored: the last two years.  An outbreak is detected when any of its weeks alarms (outbreaks
that drew zero cases are left out); a false alarm is an alarm in a week without outbreak
cases, counted per series-year.  Every method is swept over its alpha (or threshold), and
its probability of detection (POD) is interpolated on that curve at 0.4 and 1.0 false alarms
per series-year.  R's ``surveillance::farringtonFlexible`` with Noufaily's settings runs on
the same series when ``Rscript`` and the package are installed.

    python benchmarks/noufaily.py [--replicates 2] [--seed 2013] [--no-r] [--two-harmonics]
        [--scored-k 1,2,3,4,5,6,7,8,9,10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

# One core, as the speed target says; must precede the numpy import to reach BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from triage.trends.detectors import EarsC, SeasonalNB  # noqa: E402

YEAR = 52
YEARS, SCORED_YEARS = 7, 2
# Farrington's reference windows (b = 5 years back, w = 3 weeks either side) need five years
# and three weeks before the first scored week: the seven years start after four lead weeks.
LEAD = 4
N_WEEKS = LEAD + YEARS * YEAR
FIRST_SCORED = N_WEEKS - SCORED_YEARS * YEAR
K_VALUES = (2, 3, 5, 10)
TARGETS = (0.2, 0.4, 0.6, 1.0, 1.5)


@dataclass(frozen=True)
class Scenario:
    """One of Noufaily's baseline parameter sets."""

    number: int
    theta: float
    beta: float
    gamma1: float
    gamma2: float
    m: int
    phi: float

    def mu(self, t: np.ndarray) -> np.ndarray:
        season = sum(
            self.gamma1 * np.cos(2 * np.pi * j * t / YEAR)
            + self.gamma2 * np.sin(2 * np.pi * j * t / YEAR)
            for j in range(1, self.m + 1)
        )
        return np.exp(self.theta + self.beta * t + season)


# (theta, beta, gamma1, gamma2, phi) of the seven parameter sets; each gives four scenarios:
# no trend / trend times no season / one harmonic.
_PARAMETER_SETS = (
    (0.1, 0.0025, 0.6, 0.6, 1.5),
    (-2.0, 0.005, 0.1, 0.3, 2.0),
    (1.5, 0.003, 0.2, -0.4, 1.0),
    (0.5, 0.002, 0.5, 0.5, 5.0),
    (2.5, 0.001, 1.0, 0.1, 3.0),
    (3.75, 0.001, 0.1, -0.1, 1.1),
    (5.0, 0.0001, 0.05, 0.01, 1.2),
)


def scenarios(harmonics: tuple[int, ...] = (0, 1)) -> tuple[Scenario, ...]:
    """Each parameter set without and with trend, times the numbers of harmonics given.

    ``(0, 1)`` gives the 28 scenarios the issue names; ``(0, 1, 2)`` adds the two-harmonic
    series (the same gamma on both, as in ``surveillance::sts_creation``), 42 in all.
    """
    per_set = 2 * len(harmonics)
    return tuple(
        Scenario(
            per_set * i + len(harmonics) * trended + j + 1,
            theta,
            beta * trended,
            g1 * (m > 0),
            g2 * (m > 0),
            m,
            phi,
        )
        for i, (theta, beta, g1, g2, phi) in enumerate(_PARAMETER_SETS)
        for trended in (0, 1)
        for j, m in enumerate(harmonics)
    )


SCENARIOS = scenarios()


@dataclass(frozen=True)
class Outbreak:
    series: int
    scenario: int
    k: int
    weeks: tuple[int, ...]  # weeks that received cases


def _baseline_counts(rng: np.random.Generator, mu: np.ndarray, phi: float) -> np.ndarray:
    if phi <= 1.0:
        return rng.poisson(mu).astype(float)
    return rng.negative_binomial(mu / (phi - 1.0), 1.0 / phi).astype(float)


def _add_outbreak(
    rng: np.random.Generator, y: np.ndarray, sd: float, start: int, k: int
) -> tuple[int, ...]:
    cases = int(rng.poisson(k * sd))
    weeks = np.minimum(start + np.floor(rng.lognormal(0.0, 0.5, cases)).astype(int), len(y) - 1)
    np.add.at(y, weeks, 1.0)
    return tuple(sorted(set(weeks.tolist())))


def simulate(
    replicates: int,
    seed: int,
    design: tuple[Scenario, ...] = SCENARIOS,
    scored_k: tuple[int, ...] = K_VALUES,
) -> tuple[pd.DataFrame, list[Outbreak]]:
    """Counts (weeks x series, scenario by scenario) and the scored outbreaks.

    Past outbreaks draw k from 2, 3, 5, 10; scored ones cycle through ``scored_k``.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(1 - LEAD, N_WEEKS + 1 - LEAD, dtype=float)
    columns: list[np.ndarray] = []
    outbreaks: list[Outbreak] = []
    for scenario in design:
        mu = scenario.mu(t)
        sd = np.sqrt(scenario.phi * mu)
        for r in range(replicates):
            series = len(columns)
            y = _baseline_counts(rng, mu, scenario.phi)
            # Past outbreaks end before the scored years begin.
            for start in rng.choice(FIRST_SCORED - 6, size=4, replace=False):
                _add_outbreak(rng, y, sd[start], int(start), int(rng.choice(K_VALUES)))
            for year in range(SCORED_YEARS):
                k = scored_k[(SCORED_YEARS * r + year) % len(scored_k)]
                start = FIRST_SCORED + year * YEAR + int(rng.integers(0, YEAR - 4))
                weeks = _add_outbreak(rng, y, sd[start], start, k)
                if weeks:
                    outbreaks.append(Outbreak(series, scenario.number, k, weeks))
            columns.append(y)
    index = pd.date_range("2015-12-07", periods=N_WEEKS, freq="7D")
    return pd.DataFrame(np.column_stack(columns), index=index), outbreaks


def true_baseline(
    replicates: int, design: tuple[Scenario, ...] = SCENARIOS
) -> tuple[np.ndarray, np.ndarray]:
    """The simulated mean and dispersion of every series (weeks x series), as simulated."""
    t = np.arange(1 - LEAD, N_WEEKS + 1 - LEAD, dtype=float)
    mean = np.column_stack([s.mu(t) for s in design for _ in range(replicates)])
    dispersion = np.column_stack(
        [np.full(t.size, s.phi) for s in design for _ in range(replicates)]
    )
    return mean, dispersion


def score(alarms: np.ndarray, outbreaks: list[Outbreak]) -> tuple[float, float]:
    """POD over outbreaks and false alarms per series-year, on the scored weeks."""
    cases = np.zeros_like(alarms, dtype=bool)
    detected = []
    for o in outbreaks:
        weeks = np.arange(o.weeks[0], o.weeks[-1] + 1)
        cases[list(o.weeks), o.series] = True
        detected.append(bool(alarms[weeks, o.series].any()))
    false = (alarms[FIRST_SCORED:] & ~cases[FIRST_SCORED:]).sum()
    return float(np.mean(detected)), float(false / (alarms.shape[1] * SCORED_YEARS))


def pod_at(curve: pd.DataFrame, rate: float) -> float:
    """POD interpolated at ``rate`` false alarms per series-year; NaN outside the sweep."""
    ordered = curve.sort_values("false/yr")
    x, y = ordered["false/yr"].to_numpy(), np.maximum.accumulate(ordered["POD"].to_numpy())
    if rate < x[0] or rate > x[-1]:
        return float("nan")
    return float(np.interp(rate, x, y))


def _seasonal_sweep(
    detector: SeasonalNB, alphas: tuple[float, ...], counts: pd.DataFrame
) -> dict[float, np.ndarray]:
    """Alarms at every alpha; the alpha-free estimate is computed once."""
    values = counts.to_numpy()
    assert isinstance(counts.index, pd.DatetimeIndex)
    estimate = detector.estimate(values, counts.index, "W", FIRST_SCORED)
    return {a: replace(detector, alpha=a).alarms(values, estimate, "W").alarm for a in alphas}


def _ears_sweep(alphas: tuple[float, ...], counts: pd.DataFrame) -> dict[float, np.ndarray]:
    since = counts.index[FIRST_SCORED]
    return {
        a: EarsC(method="C2", alpha=a).detect_wide(counts, since=since)["alarm"].to_numpy(bool)
        for a in alphas
    }


ALPHAS = (
    0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05,
    0.08, 0.12, 0.2,
)  # fmt: skip
# EARS' normal threshold on a seven-week window alarms far more often at the same alpha.
EARS_ALPHAS = (1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3)


# Our detector at its defaults and with the options measured against them.
EARLIER_DEFAULT = SeasonalNB(seasonality="farrington", years_back=5, cusum_reference=None)
SEASONAL_VARIANTS = {
    "SeasonalNB (default: 0-2 harmonics by QAIC, 7 years, CUSUM 0.75)": SeasonalNB(),
    "SeasonalNB two harmonics always (default before selection)": SeasonalNB(
        select_harmonics=False
    ),
    "SeasonalNB one harmonic always": SeasonalNB(harmonics=1, select_harmonics=False),
    "SeasonalNB earlier default (Farrington levels, two-week rule)": EARLIER_DEFAULT,
    "SeasonalNB harmonic, CUSUM 1, 5 years, 26 weeks out (first measured)": SeasonalNB(
        years_back=5, exclude_recent_weeks=26, cusum_reference=1.0
    ),
    "SeasonalNB default without holidays": SeasonalNB(holidays=False),
    "SeasonalNB default, min_cases=3": SeasonalNB(min_cases=3),
    "SeasonalNB default without the 5-in-4 rule (min_cases=0)": SeasonalNB(min_cases=0),
}


def python_methods(counts: pd.DataFrame) -> dict[str, dict[float, np.ndarray]]:
    """Alarms per method and alpha for our detectors."""
    methods = {name: _seasonal_sweep(d, ALPHAS, counts) for name, d in SEASONAL_VARIANTS.items()}
    return methods | {"EARS C2": _ears_sweep(EARS_ALPHAS, counts)}


def ceiling_methods(
    counts: pd.DataFrame, replicates: int, design: tuple[Scenario, ...] = SCENARIOS
) -> dict[str, dict[float, np.ndarray]]:
    """Our alarm rules given the true baseline: how far a better baseline could take them."""
    values = counts.to_numpy()
    mean, dispersion = true_baseline(replicates, design)
    method = np.full(values.shape, 2)
    method[:FIRST_SCORED] = 0
    truth = (np.where(method > 0, mean, np.nan), dispersion, method)
    rules = {
        "true baseline, two-week rule (ceiling)": EARLIER_DEFAULT,
        "true baseline, default's CUSUM 0.75 (ceiling)": SeasonalNB(),
    }
    return {
        name: {a: replace(rule, alpha=a).alarms(values, truth, "W").alarm for a in ALPHAS}
        for name, rule in rules.items()
    }


# Noufaily's settings as in surveillance's documentation of farringtonFlexible.  The GLM does
# not depend on alpha, so R runs once and returns each week's p-value; the 5-in-4 rule
# (limit54) is applied here the same way, so an alpha's alarms are p < alpha and the rule.
_R_SCRIPT = r"""
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
counts <- as.matrix(read.csv(args[1], check.names = FALSE))
first <- as.integer(args[3])
control <- list(range = first:nrow(counts), noPeriods = 10, b = 5, w = 3,
                populationOffset = FALSE, weightsThreshold = 2.58,
                pastWeeksNotIncluded = 26, pThresholdTrend = 1,
                thresholdMethod = "nbPlugin", alpha = as.numeric(args[4]),
                limit54 = c(0, 4))
out <- matrix(NA_real_, nrow = length(control$range), ncol = ncol(counts))
alarm <- out
for (s in seq_len(ncol(counts))) {
  series <- sts(observed = counts[, s, drop = FALSE], start = c(2016, 1), frequency = 52)
  fit <- farringtonFlexible(series, control = control)
  out[, s] <- fit@control$pvalue
  alarm[, s] <- fit@alarm[, 1]
}
write.csv(out, args[2], row.names = FALSE)
write.csv(alarm, paste0(args[2], ".alarm"), row.names = FALSE)
"""


def r_available() -> str | None:
    """Why R cannot run, or None when Rscript and surveillance are installed."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed"
    check = subprocess.run(
        ["Rscript", "-e", "library(surveillance)"], capture_output=True, text=True, check=False
    )
    return None if check.returncode == 0 else "R package 'surveillance' is not installed"


def farrington_flexible(counts: pd.DataFrame, check_alpha: float = 0.01) -> dict[float, np.ndarray]:
    """Alarms of R's farringtonFlexible (Noufaily settings) at every alpha of the sweep."""
    values = counts.to_numpy()
    with tempfile.TemporaryDirectory() as folder:
        source, result = Path(folder, "counts.csv"), Path(folder, "pvalues.csv")
        script = Path(folder, "noufaily.R")
        script.write_text(_R_SCRIPT)
        pd.DataFrame(values.astype(int)).to_csv(source, index=False)
        subprocess.run(
            ["Rscript", str(script), str(source), str(result), str(FIRST_SCORED + 1),
             str(check_alpha)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        pvalues = pd.read_csv(result).to_numpy(dtype=float)
        reference = pd.read_csv(Path(f"{result}.alarm")).to_numpy(dtype=float) > 0
    full = np.ones_like(values)
    full[FIRST_SCORED:] = np.nan_to_num(pvalues, nan=1.0)
    recent = pd.DataFrame(values).rolling(4, min_periods=1).sum().to_numpy()
    enough = recent >= 5
    sweep = {a: (full < a) & enough for a in ALPHAS}
    # The p-value route must give R's own alarms at the alpha R ran with.
    own = (full < check_alpha)[FIRST_SCORED:]
    mismatch = float(np.mean(own != reference))
    if mismatch > 0.001:
        raise RuntimeError(f"p-value alarms differ from R's in {mismatch:.2%} of weeks")
    return sweep


def curves(methods: dict[str, dict[float, np.ndarray]], outbreaks: list[Outbreak]) -> pd.DataFrame:
    rows = []
    for name, sweep in methods.items():
        for alpha, alarms in sweep.items():
            pod, false = score(alarms, outbreaks)
            rows.append({"method": name, "alpha": alpha, "false/yr": false, "POD": pod})
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which we do not depend on)."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replicates",
        type=int,
        default=2,
        help="series per scenario, even so that every k is scored equally often (default 2; "
        "R takes about 2 s a series)",
    )
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--no-r", action="store_true", help="skip R's farringtonFlexible")
    parser.add_argument(
        "--two-harmonics",
        action="store_true",
        help="add the scenarios with two harmonics (m = 2): 42 instead of 28",
    )
    parser.add_argument(
        "--scored-k",
        default="2,3,5,10",
        help="k of the scored outbreaks, cycled over the replicates (default 2,3,5,10; "
        "1,2,...,10 spreads them as two public re-implementations of the paper do)",
    )
    args = parser.parse_args()
    if args.replicates < 2 or args.replicates % 2:
        parser.error("--replicates must be an even number, at least 2")
    try:
        scored_k = tuple(int(k) for k in args.scored_k.split(","))
    except ValueError:
        parser.error(f"--scored-k must be whole numbers separated by commas, got {args.scored_k!r}")
    if not scored_k or min(scored_k) < 1:
        parser.error("--scored-k values must be 1 or more")
    design = scenarios((0, 1, 2) if args.two_harmonics else (0, 1))
    counts, outbreaks = simulate(args.replicates, args.seed, design, scored_k)
    print(f"## Noufaily benchmark: {len(design)} scenarios x {args.replicates} series, "
          f"{YEARS} years, last {SCORED_YEARS} scored, {len(outbreaks)} outbreaks "
          f"(seed {args.seed}, scored k {args.scored_k})\n")  # fmt: skip
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    methods = python_methods(counts) | ceiling_methods(counts, args.replicates, design)
    seconds["ours (all)"] = time.perf_counter() - began
    why_not = "skipped (--no-r)" if args.no_r else r_available()
    if why_not is None:
        began = time.perf_counter()
        methods["farringtonFlexible (R, Noufaily)"] = farrington_flexible(counts)
        seconds["R"] = time.perf_counter() - began
    else:
        print(f"R's farringtonFlexible: not run, {why_not}\n")
    table = curves(methods, outbreaks)
    summary = pd.DataFrame(
        [
            {"method": name} | {f"POD at {r:g} false/yr": pod_at(curve, r) for r in TARGETS}
            for name, curve in table.groupby("method", sort=False)
        ]
    )
    print("### POD at equal false alarms (interpolated on each method's sweep)\n")
    print(markdown(summary))
    print("\n### Curves: false alarms per series-year and POD, by alpha (or threshold)\n")
    print(markdown(table))
    print("\nSeconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))


if __name__ == "__main__":
    main()
