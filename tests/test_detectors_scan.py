"""The hourly burst scan: a flooded underpass alarms within the day, ordinary days do not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.errors import InputError
from triage.trends.scan import HourlyScan, find_bursts, hourly_counts

# Two complaints an hour by day, a few at night: a busy topic of a city.
_PROFILE = np.array([0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 2.5, 3.0, 3.0, 2.5,
                     2.0, 2.0, 2.0, 2.0, 1.8, 1.5, 1.5, 1.8, 1.8, 1.5, 1.0, 0.6])  # fmt: skip
HOURS = pd.date_range("2024-01-01", periods=60 * 24, freq="h")
BURST_START = pd.Timestamp("2024-02-25 08:00")


def _hourly(seed: int, n_series: int = 1, burst: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mean = _PROFILE[HOURS.hour.to_numpy()][:, None] * np.ones(n_series)
    counts = rng.poisson(mean).astype(float)
    if burst:
        # 40 complaints over six hours: a burst main.
        start = HOURS.get_loc(BURST_START)
        counts[start : start + 6, 0] += np.diff(np.linspace(0, burst, 7).round())
    return pd.DataFrame(counts, index=HOURS, columns=[f"s{i}" for i in range(n_series)])


def test_a_burst_of_40_in_six_hours_alarms_within_hours() -> None:
    counts = _hourly(seed=1, burst=40)
    result = HourlyScan().scan(counts)
    alarms = counts.index[result.alarm["s0"].to_numpy()]
    assert len(alarms) > 0
    first = alarms.min()
    assert BURST_START <= first <= BURST_START + pd.Timedelta(hours=4)
    assert alarms.max() <= BURST_START + pd.Timedelta(hours=18)
    assert result.expected.loc[first, "s0"] < result.observed.loc[first, "s0"] / 3


def test_ordinary_days_raise_almost_no_alarms() -> None:
    # 50 series x 30 scanned days = 36,000 series-hours: at 1e-6 per hour, none expected.
    result = HourlyScan().scan(_hourly(seed=2, n_series=50))
    assert int(result.alarm.to_numpy().sum()) <= 1
    scanned = result.p_value.dropna(how="all")
    assert len(scanned) == len(HOURS) - HourlyScan().history_hours


def test_find_bursts_makes_one_headline_of_one_burst() -> None:
    rng = np.random.default_rng(5)
    rows = []
    for hour in HOURS:
        for topic, kec in (("Air PDAM", "Coblong"), ("Air PDAM", "Sukajadi"), ("Jalan", "Coblong")):
            for _ in range(rng.poisson(_PROFILE[hour.hour] / 2)):
                rows.append((hour + pd.Timedelta(minutes=int(rng.integers(60))), topic, kec))
    for k in range(40):
        rows.append((BURST_START + pd.Timedelta(minutes=9 * k), "Air PDAM", "Coblong"))
    data = pd.DataFrame(rows, columns=["created_at", "topic", "kecamatan"])
    as_of = pd.Timestamp("2024-02-25 23:00")
    bursts = find_bursts(data, [("topic",), ("kecamatan",), ("topic", "kecamatan")], as_of)
    assert bursts
    first_hour = min(b.hour for b in bursts)
    assert first_hour < BURST_START + pd.Timedelta(hours=4)
    headlines = {b.group for b in bursts if b.headline is None}
    assert headlines == {"Air PDAM|Coblong"}
    for burst in bursts:
        if burst.headline is not None:
            assert bursts[burst.headline].group == "Air PDAM|Coblong"
            assert bursts[burst.headline].hour == burst.hour
    assert all(b.group != "Jalan" and not b.group.startswith("Jalan") for b in bursts)


def test_hourly_counts_fill_empty_hours() -> None:
    data = pd.DataFrame(
        {
            "created_at": ["2024-03-01T08:10:00+07:00", "2024-03-01T10:59:00+07:00"],
            "topic": ["Banjir", "Banjir"],
        }
    )
    counts = hourly_counts(data, ["topic"], pd.Timestamp("2024-03-01 12:00"))
    assert counts["Banjir"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    with pytest.raises(InputError, match="kecamatan"):
        hourly_counts(data, ["kecamatan"], pd.Timestamp("2024-03-01 12:00"))


def _frame(values: list[float], index: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    index = (
        index if index is not None else pd.date_range("2024-01-01", periods=len(values), freq="h")
    )
    return pd.DataFrame({"s": values}, index=index)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (_frame([1.0] * 100), "not enough history for the hourly scan: 100 hours"),
        (_frame([1.0]), "fewer than two hours"),
        (_frame([1.0, -1.0] * 400), "must not be negative"),
        (_frame([1.0, 0.5] * 400), "whole numbers"),
        (_frame([1.0, np.nan] * 400), "missing values"),
        (
            _frame(
                [1.0] * 3,
                pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 00:00", "2024-01-01 01:00"]),
            ),
            "increasing order with no repeats",
        ),
        (
            _frame(
                [1.0] * 3,
                pd.DatetimeIndex(["2024-01-01 02:00", "2024-01-01 01:00", "2024-01-01 03:00"]),
            ),
            "increasing order",
        ),
        (_frame([1.0] * 3, pd.date_range("2024-01-01", periods=3, freq="2h")), "consecutive"),
        (pd.DataFrame({"s": [1.0, 2.0]}), "DatetimeIndex"),
    ],
)
def test_bad_hourly_counts_are_one_line_errors(counts: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        HourlyScan().scan(counts)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"windows": ()}, "windows"),
        ({"windows": (0, 3)}, "windows"),
        ({"baseline_days": 3}, "baseline_days"),
        ({"alpha": 0.0}, "alpha"),
        ({"skip_days": -1}, "skip_days"),
    ],
)
def test_bad_scan_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        HourlyScan(**settings).scan(_hourly(seed=0))  # type: ignore[arg-type]


def test_all_zero_series_never_alarm() -> None:
    zeros = pd.DataFrame({"s": 0.0}, index=HOURS)
    result = HourlyScan().scan(zeros)
    assert not result.alarm.to_numpy().any()


def test_golden_alarms_on_a_fixed_series() -> None:
    """Every number of the alarms on a fixed series: working hours with one complaint an hour,
    a few more in a fixed pattern, and on the last day 35 complaints from 09:00 to 15:00.

    The figures were produced by the scan as first written (a sum over the 28 lagged days) and
    are kept by the running-total version: both give these hours, windows and p-values.
    """
    hours = pd.date_range("2024-03-01", periods=33 * 24, freq="h")
    day, hour = np.arange(len(hours)) // 24, hours.hour.to_numpy()
    base = ((day * 7 + hour * 3) % 5 == 0).astype(float) + (hour >= 8) * (hour <= 17)
    burst = np.zeros(len(hours))
    burst[32 * 24 + 9 : 32 * 24 + 15] = [3, 6, 8, 8, 6, 4]
    counts = pd.DataFrame({"quiet": base, "burst": base + burst}, index=hours)
    result = HourlyScan().scan(counts)
    assert not result.alarm["quiet"].any()
    assert result.p_value["quiet"].min() == pytest.approx(0.160926187, rel=1e-6)
    alarms = np.flatnonzero(result.alarm["burst"].to_numpy())
    assert [hours[i].hour for i in alarms] == list(range(11, 23))
    assert (hours[alarms[0]].day, hours[alarms[0]].month) == (2, 4)
    column = {name: getattr(result, name)["burst"].to_numpy()[alarms] for name in
              ("window", "observed", "expected", "p_value")}  # fmt: skip
    assert column["window"].tolist() == [3, 3, 6, 6, 6, 12, 12, 12, 12, 12, 12, 12]
    assert column["observed"].tolist() == [20, 26, 38, 42, 39, 46, 48, 48, 47, 46, 42, 36]
    assert column["expected"].round(4).tolist() == [
        3.6071, 3.5714, 7.2143, 7.2143, 7.2143, 11.3929,
        12.3571, 12.3929, 12.4286, 11.4286, 10.3929, 9.3571,
    ]  # fmt: skip
    assert column["p_value"] == pytest.approx(
        [5.988326e-09, 1.692653e-13, 5.806278e-15, 1.018474e-17, 1.225333e-15, 6.064205e-14,
         6.437584e-14, 7.084648e-14, 2.765644e-13, 6.706000e-14, 6.950319e-13, 9.751668e-11],
        rel=1e-5,
    )  # fmt: skip
