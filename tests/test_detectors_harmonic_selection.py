"""Per-series choice of the seasonal harmonics (QAIC) in the harmonic baseline of SeasonalNB."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.trends.baselines import HarmonicBlock, Reweighting
from triage.trends.detectors import SeasonalNB

WEEKS_PER_YEAR = 365.25 / 7
N_WEEKS = 6 * 52
INDEX = pd.date_range("2018-01-01", periods=N_WEEKS, freq="7D")


def _series(harmonics: int, n_series: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Weekly Poisson counts (weeks x series) with 0, 1 or 2 strong annual harmonics."""
    angle = 2 * np.pi * np.arange(N_WEEKS) / WEEKS_PER_YEAR
    log_mu = np.full(N_WEEKS, 2.0) + sum(
        0.5 * np.cos(j * angle) + 0.4 * np.sin(j * angle) for j in range(1, harmonics + 1)
    )
    mu = np.exp(log_mu)
    counts = np.random.default_rng(seed).poisson(mu[:, None], size=(N_WEEKS, n_series))
    return counts.astype(float), mu


def _block(select: bool = True) -> HarmonicBlock:
    days = np.asarray((INDEX - INDEX[0]) / pd.Timedelta(days=1), dtype=float)
    return HarmonicBlock(INDEX, days, "W", (N_WEEKS - 4, N_WEEKS), 7, 2, 2, None, select)


@pytest.mark.parametrize(("harmonics", "most_chosen"), [(0, 0), (1, 1), (2, 2)])
def test_each_series_keeps_the_harmonics_its_season_has(harmonics: int, most_chosen: int) -> None:
    counts, _ = _series(harmonics, 40, seed=harmonics)
    block = _block()
    y = counts[block.rows].T
    chosen, fits = block.choose_harmonics(y, np.ones_like(y), Reweighting())
    assert np.bincount(chosen, minlength=3).argmax() == most_chosen
    # A real season is never dropped; QAIC keeps a spurious pair in a minority of series.
    assert (chosen >= harmonics).all()
    assert np.mean(chosen == harmonics) >= 0.7
    assert [part.shape for part in fits[0]] == [(40, 4), (40,), (40, 4)]


def test_selection_off_fits_every_harmonic_as_before() -> None:
    counts, _ = _series(0, 3, seed=5)
    frame = pd.DataFrame(counts, index=INDEX)
    fixed = SeasonalNB(select_harmonics=False).detect_wide(frame)["expected"]
    chosen = SeasonalNB().detect_wide(frame)["expected"]
    assert not np.allclose(fixed.iloc[-52:], chosen.iloc[-52:])


def test_selected_baseline_follows_a_two_harmonic_season() -> None:
    counts, mu = _series(2, 1, seed=9)
    frame = pd.DataFrame({"observed": counts[:, 0]}, index=INDEX)
    out = SeasonalNB(holidays=False).detect(frame)
    ratio = out["expected"].to_numpy()[-52:] / mu[-52:]
    assert np.abs(ratio - 1).max() < 0.2
