"""Bad input to the weekly and daily detectors: one-line errors, or a stated lack of history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.errors import InputError
from triage.trends.detectors import EarsC, SeasonalNB


def _series(values: list[float], index: pd.DatetimeIndex | None = None) -> pd.Series:
    if index is None:
        index = pd.date_range("2024-01-01", periods=len(values), freq="W-MON")
    return pd.Series(values, index=index, dtype=float)


WEEK = ["2024-01-01", "2024-01-08", "2024-01-15"]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (_series([3.0]), "at least two periods"),
        (_series([3.0, -1.0, 2.0]), "must not be negative"),
        (_series([3.0, 1.5, 2.0]), "whole numbers"),
        (_series([3.0, np.nan, 2.0]), "missing values"),
        (_series([1.0, 2.0, 3.0], pd.DatetimeIndex([WEEK[0], WEEK[0], WEEK[1]])), "consecutive"),
        (_series([1.0, 2.0, 3.0], pd.DatetimeIndex([WEEK[1], WEEK[0], WEEK[2]])), "consecutive"),
        (_series([1.0, 2.0, 3.0], pd.DatetimeIndex([WEEK[0], WEEK[1], "2024-01-29"])), "gaps"),
        (pd.Series([1.0, 2.0, 3.0]), "DatetimeIndex"),
    ],
)
@pytest.mark.parametrize("detector", [SeasonalNB(), EarsC()], ids=["seasonal", "ears"])
def test_bad_counts_are_one_line_errors(
    counts: pd.Series, message: str, detector: SeasonalNB | EarsC
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        detector.detect(counts)
    assert "\n" not in str(raised.value)


def test_short_and_all_zero_series_say_not_enough_history() -> None:
    short = SeasonalNB().detect(_series([4.0, 6.0, 5.0]))
    assert (short["method"] == "none").all()
    assert not short["alarm"].any()
    zeros = SeasonalNB().detect(_series([0.0] * 200))
    assert (zeros["method"] == "none").all()
    assert not zeros["alarm"].any()
