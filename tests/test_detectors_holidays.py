"""Moving Islamic holidays as covariates of the seasonal baseline."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from triage.calendar import FEATURES, holiday_dates, holiday_features
from triage.errors import InputError
from triage.sample.timing import lebaran
from triage.trends.detectors import SeasonalNB

WEEKS = pd.date_range("2019-01-07", "2024-12-30", freq="W-MON")


def test_dates_come_from_the_calendar() -> None:
    assert holiday_dates("Eid al-Fitr", 2023) == (date(2023, 4, 22),)
    assert holiday_dates("Eid al-Adha", 2024) == (date(2024, 6, 17),)
    # 2021's Idul Fitri shares its day with Ascension Day: both names on one date.
    assert holiday_dates("Eid al-Fitr", 2021) == (date(2021, 5, 13),)
    assert lebaran(2026) == [date(2026, 3, 21)]


def test_unknown_holiday_and_year_are_input_errors() -> None:
    with pytest.raises(InputError, match="unknown moving holiday"):
        holiday_dates("Nyepi", 2024)
    with pytest.raises(InputError, match="no Islamic holiday dates"):
        holiday_dates("Eid al-Fitr", 1800)


def test_features_are_shares_of_each_period() -> None:
    weeks = pd.date_range("2023-03-13", periods=8, freq="W-MON")
    features = holiday_features(weeks, "W")
    assert features.shape == (8, len(FEATURES))
    # Ramadan 2023 runs from 23 March (30 days before Idul Fitri on 22 April).
    assert features[1, 0] == pytest.approx(4 / 7)
    assert features[2:5, 0].tolist() == [1.0, 1.0, 1.0]
    assert features[5:7, 1].sum() == pytest.approx(11 / 7)  # the 11 days around Idul Fitri
    days = holiday_features(pd.date_range("2023-04-18", periods=3, freq="D"), "D")
    assert days[:, 0].tolist() == [1.0, 0.0, 0.0]
    assert days[1:, 1].tolist() == [1.0, 1.0]


def _lebaran_city(seed: int, spike_week: pd.Timestamp | None = None) -> pd.Series:
    """Weekly counts of 20 that double in the two Lebaran weeks of every year."""
    rng = np.random.default_rng(seed)
    factor = 1.0 + 1.5 * holiday_features(WEEKS, "W")[:, 1]
    counts = rng.poisson(20.0 * factor).astype(float)
    if spike_week is not None:
        counts[WEEKS.get_loc(spike_week)] += 45
    return pd.Series(counts, index=WEEKS)


def _lebaran_alarms(frame: pd.DataFrame, year: int) -> int:
    (day,) = holiday_dates("Eid al-Fitr", year)
    near = (frame.index >= pd.Timestamp(day) - pd.Timedelta(days=7)) & (
        frame.index <= pd.Timestamp(day) + pd.Timedelta(days=7)
    )
    return int(frame["alarm"][near].sum())


def test_a_yearly_lebaran_rise_alarms_only_without_holiday_covariates() -> None:
    plain, with_holidays = 0, 0
    for seed in range(6):
        counts = _lebaran_city(seed)
        for year in (2023, 2024):
            plain += _lebaran_alarms(SeasonalNB(holidays=False).detect(counts), year)
            with_holidays += _lebaran_alarms(SeasonalNB(holidays=True).detect(counts), year)
    # Seeded, default detector: 17 of 24 Lebaran weeks alarm without the covariates, 2 with
    # them (22 and 3 with the earlier Farrington-level, two-week default at alpha 0.01).
    assert plain >= 15
    assert with_holidays <= 3


def test_a_spike_inside_ramadan_still_alarms() -> None:
    week = pd.Timestamp("2024-03-25")  # the third week of Ramadan 2024
    for seed in range(3):
        frame = SeasonalNB(holidays=True).detect(_lebaran_city(seed, week))
        assert bool(frame.loc[week, "alarm"])
        assert frame.loc[week, "method"] == "seasonal"


def test_holidays_are_the_default() -> None:
    assert SeasonalNB().holidays


def test_holiday_covariates_keep_quiet_series_finite() -> None:
    # Two complaints a quarter: the holiday windows are nearly always empty, and the prior on
    # their coefficients must keep the expected count from collapsing to zero.
    rng = np.random.default_rng(3)
    counts = pd.Series(rng.poisson(0.15, len(WEEKS)).astype(float), index=WEEKS)
    frame = SeasonalNB(holidays=True, seasonality="harmonic").detect(counts)
    seasonal = frame[frame["method"] == "seasonal"]
    assert (seasonal["expected"] > 0.02).all()
