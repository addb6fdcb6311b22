"""The CUSUM option and the harmonic baseline of SeasonalNB, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from triage.errors import InputError
from triage.trends.cusum import count_cdf, cusum_bounds, mid_p_scores
from triage.trends.detectors import SeasonalNB
from triage.trends.glm_batch import count_quantile

WEEKS_PER_YEAR = 365.25 / 7


def test_mid_p_score_of_a_poisson_count() -> None:
    # Poisson(2): P(Y <= 2) = 0.676676, P(Y <= 3) = 0.857123; mid-p 0.766900 -> z 0.72868.
    z = mid_p_scores(np.array([3.0]), np.array([2.0]), np.array([1.0]))
    assert z[0] == pytest.approx(0.72868, abs=1e-4)


def test_count_cdf_is_negative_binomial_with_variance_phi_mu() -> None:
    y, mean, phi = np.array([0.0, 4.0, 12.0]), np.full(3, 5.0), np.full(3, 2.5)
    reference = stats.nbinom.cdf(y, 5.0 / 1.5, 1 / 2.5)
    np.testing.assert_allclose(count_cdf(y, mean, phi), reference)
    assert count_cdf(np.array([-1.0]), np.array([5.0]), np.array([2.5]))[0] == 0.0


def test_quantile_takes_one_level_per_count() -> None:
    mean = np.array([0.5, 3.0, 40.0, 250.0])
    dispersion = np.array([1.0, 2.0, 1.0, 3.0])
    level = np.array([0.9, 0.99, 0.5, 0.999])
    one_by_one = [
        count_quantile(mean[i : i + 1], dispersion[i : i + 1], level[i])[0] for i in range(4)
    ]
    np.testing.assert_array_equal(count_quantile(mean, dispersion, level), one_by_one)


def _cusum(counts: list[float], alpha: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    y = np.array(counts, dtype=float)[:, None]
    mean, dispersion = np.full_like(y, 10.0), np.ones_like(y)
    return cusum_bounds(y, mean, dispersion, np.ones_like(y, dtype=bool), alpha, 1.0)


def test_after_a_quiet_week_the_bound_is_the_one_week_quantile() -> None:
    # Poisson(10): P(Y <= 17) = 0.98572, P(Y <= 18) = 0.99281, so the mid-p value of 18 is
    # 0.98927 < 0.99: 18 does not alarm, 19 (mid-p 0.99468) does.
    upper, alarm = _cusum([10, 18])
    assert upper[:, 0].tolist() == [18.0, 18.0]
    assert not alarm.any()
    _, alarm = _cusum([10, 19])
    assert alarm[:, 0].tolist() == [False, True]


def test_evidence_builds_up_and_restarts_after_an_alarm() -> None:
    # z(16) = 1.776 under Poisson(10): with reference 1 one such week carries 0.776, two
    # exceed the threshold z(0.99) - 1 = 1.326 although neither is beyond the bound of 18.
    # The statistic then restarts, so the next weeks are judged afresh.
    upper, alarm = _cusum([10, 16, 16, 10, 10, 10, 16])
    assert alarm[:, 0].tolist() == [False, False, True, False, False, False, False]
    assert upper[:, 0].tolist() == [18.0, 18.0, 15.0, 18.0, 18.0, 18.0, 18.0]


def test_cusum_alarm_is_exactly_observed_above_bound() -> None:
    rng = np.random.default_rng(4)
    y = rng.poisson(8.0, size=(300, 5)).astype(float)
    y[100:103] += 6
    mean, dispersion = np.full_like(y, 8.0), np.full_like(y, 1.3)
    upper, alarm = cusum_bounds(y, mean, dispersion, np.ones_like(y, dtype=bool), 0.01, 0.5)
    np.testing.assert_array_equal(alarm, y > upper)


def weekly_poisson(years: float, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(int(years * WEEKS_PER_YEAR))
    mu = np.exp(2.0 + 0.6 * np.cos(2 * np.pi * t / WEEKS_PER_YEAR))
    index = pd.date_range("2018-01-01", periods=len(t), freq="7D")
    return pd.DataFrame({"observed": rng.poisson(mu).astype(float)}, index=index), mu


def test_harmonic_baseline_recovers_a_smooth_season() -> None:
    counts, mu = weekly_poisson(6, seed=3)
    # Without holiday covariates: this series has no holiday effect for them to find, and
    # their three extra coefficients widen the error (to 18% here).
    out = SeasonalNB(seasonality="harmonic", holidays=False).detect(counts)
    last_year = slice(-52, None)
    assert (out["method"].iloc[last_year] == "seasonal").all()
    ratio = out["expected"].to_numpy()[last_year] / mu[last_year]
    assert np.abs(ratio - 1).max() < 0.15


# A fixed, seeded series: six years of seasonal Poisson counts, two raised weeks in the last
# year (290, 291).  The weeks before 104 have only the recent baseline, which lags the season;
# there the two-week rule applies, since a CUSUM on it alarmed on the seasonal rise (weeks 40,
# 43, 51, 57, 96 and 100 did before it was kept to the seasonal baseline).
GOLDEN_ALARMS = [159, 181, 230, 290, 291]


def test_golden_alarms_of_harmonic_cusum_detector() -> None:
    counts, _ = weekly_poisson(6, seed=3)
    counts.iloc[290:292, 0] += [7.0, 9.0]
    # The option as first measured: five years, 26 recent weeks left out, judged at alpha.
    detector = SeasonalNB(
        seasonality="harmonic",
        harmonics=1,
        cusum_reference=1.0,
        years_back=5,
        exclude_recent_weeks=26,
        span=1,
        alpha=0.01,
    )
    out = detector.detect(counts)
    assert np.flatnonzero(out["alarm"].to_numpy()).tolist() == GOLDEN_ALARMS
    alarmed = out[out["alarm"]]
    assert (alarmed["observed"] > alarmed["upperbound"]).all()
    assert (alarmed["score"] > 1).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seasonality": "weekly"}, "unknown seasonality"),
        ({"seasonality": "harmonic", "harmonics": 0}, "harmonics must be"),
        ({"cusum_reference": -1.0}, "cusum_reference must be"),
    ],
)
def test_bad_options_raise_input_error(kwargs: dict, message: str) -> None:
    counts, _ = weekly_poisson(1, seed=1)
    with pytest.raises(InputError, match=message):
        SeasonalNB(**kwargs).detect(counts)
