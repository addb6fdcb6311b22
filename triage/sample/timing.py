"""When synthetic complaints arrive: seasons, Ramadan and Lebaran, weekdays, trend, spikes.

The daily intensity of each topic is a product of factors, each one a pattern the trend
detector should find or ignore: a rainy-season cycle (November–April, peak December–
February), a dry-season one, traffic around Ramadan, Lebaran and city events, fewer
complaints at weekends, a slow growth in volume, and a little week-to-week noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from triage.calendar import holiday_dates
from triage.sample.loader import tables

_MONTHLY: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 12,
    "rain": (1.9, 1.8, 1.5, 1.2, 0.75, 0.5, 0.4, 0.35, 0.45, 0.75, 1.3, 1.8),
    "dry": (0.7, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6, 1.5, 1.2, 0.9, 0.7),
    "dengue": (1.6, 1.9, 1.8, 1.4, 1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 0.9, 1.2),
    "school": (0.4, 0.4, 0.4, 0.4, 1.2, 3.5, 3.0, 0.8, 0.4, 0.4, 0.4, 0.4),
    "ramadan": (1.0,) * 12,
    "lebaran": (1.0,) * 12,
}
# Monday first: complaints are written at work and on weekdays.
_WEEKDAY = np.array([1.15, 1.12, 1.08, 1.04, 0.98, 0.72, 0.58])
_TREND_PER_YEAR = 0.17
_HOURS = np.array([0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 1.5, 2.5, 3.5, 4.0, 4.0, 3.6,
                   3.0, 3.2, 3.2, 3.0, 2.6, 2.3, 2.2, 2.6, 2.8, 2.4, 1.6, 0.8])  # fmt: skip


def lebaran(year: int) -> list[date]:
    """Idul Fitri (1 Syawal) dates in ``year``, from the ``holidays`` package's calendar."""
    return list(holiday_dates("Eid al-Fitr", year))


def _event_factors(days: pd.DatetimeIndex, season: str) -> np.ndarray:
    factor = np.ones(len(days))
    if season not in ("ramadan", "lebaran"):
        return factor
    day_values = days.values.astype("datetime64[D]")
    for year in range(days[0].year - 1, days[-1].year + 2):
        for idul_fitri in lebaran(year):
            d = np.datetime64(idul_fitri, "D")
            offset = (day_values - d).astype(int)
            if season == "ramadan":
                factor[(offset >= -30) & (offset < -3)] *= 1.8
                factor[(offset >= -3) & (offset <= 7)] *= 2.3
            else:  # bansos, THR and prices peak in the weeks before Lebaran
                factor[(offset >= -35) & (offset < 0)] *= 1.9
    if season == "ramadan":
        month_day = days.month * 100 + days.day
        # New Year's Eve, the Asian-African Conference anniversary week, the city's birthday.
        factor[(month_day == 1231) | (month_day == 101)] *= 2.0
        factor[(month_day >= 418) & (month_day <= 424)] *= 1.4
        factor[(month_day >= 923) & (month_day <= 927)] *= 1.5
    return factor


def daily_weights(
    days: pd.DatetimeIndex, seasons: list[str], weights: list[float], rng: np.random.Generator
) -> np.ndarray:
    """Relative intensity, shape ``(len(days), len(seasons))``, of each topic on each day."""
    years = (days - days[0]).days.to_numpy() / 365.25
    common = _WEEKDAY[days.day_of_week.to_numpy()] * (1.0 + _TREND_PER_YEAR * years)
    months = days.month.to_numpy() - 1
    weeks = ((days - days[0]).days.to_numpy() // 7).astype(int)
    out = np.empty((len(days), len(seasons)))
    for j, (season, weight) in enumerate(zip(seasons, weights, strict=True)):
        noise = rng.lognormal(0.0, 0.12, size=weeks.max() + 1)[weeks]
        monthly = np.asarray(_MONTHLY[season])[months]
        out[:, j] = weight * common * monthly * noise * _event_factors(days, season)
    return out


@cache
def hour_cum_weights(channel: str) -> tuple[float, ...]:
    """Cumulative weights of the hours of the day; the 112 line rings at night too."""
    hours = _HOURS + (1.2 if channel == "112" else 0.0)
    return tuple(np.cumsum(hours).tolist())


@dataclass(frozen=True)
class SpikePlan:
    """A kind of incident the generator can inject, before it is placed in time."""

    topic: str
    local: bool
    months: tuple[int, ...]
    min_days: int
    max_days: int
    share: float


@dataclass(frozen=True)
class PlacedSpike:
    """A :class:`SpikePlan` placed in time: extra rows of ``topic`` from ``start`` to ``end``."""

    topic: str
    kecamatan: str | None
    start: date
    end: date
    extra_rows: int


SPIKE_PLANS: tuple[SpikePlan, ...] = (
    SpikePlan("banjir", True, (11, 12, 1, 2, 3), 7, 21, 0.009),
    SpikePlan("pdam", False, (6, 7, 8, 9, 10), 5, 8, 0.010),
    SpikePlan("sampah", False, tuple(range(1, 13)), 10, 16, 0.012),
    SpikePlan("pohon", True, (11, 12, 1, 2, 3, 4), 3, 6, 0.004),
    SpikePlan("dbd", True, (1, 2, 3, 4), 14, 21, 0.004),
    SpikePlan("kemacetan", True, tuple(range(1, 13)), 10, 20, 0.004),
)
_MIN_SPIKE_ROWS = 3
_BASELINE_DAYS = 8 * 7


def plan_spikes(rows: int, first: date, last: date, rng: np.random.Generator) -> list[PlacedSpike]:
    """Choose 4–6 incidents (the first three kinds always) and place them in the range."""
    n_extra = int(rng.integers(1, 4))
    chosen = list(SPIKE_PLANS[:3]) + [
        SPIKE_PLANS[3 + i] for i in sorted(rng.choice(3, size=n_extra, replace=False))
    ]
    total_days = (last - first).days + 1
    spikes = []
    for plan in chosen:
        extra = round(rows * plan.share)
        if extra < _MIN_SPIKE_ROWS:
            continue
        length = min(int(rng.integers(plan.min_days, plan.max_days + 1)), total_days)
        # Leave a baseline before the first spike when the range is long enough for one:
        # a detector cannot flag what happens in the corpus's first weeks.
        lead = _BASELINE_DAYS if total_days >= length + 2 * _BASELINE_DAYS else 0
        starts = [first + timedelta(days=i) for i in range(lead, total_days - length + 1)]
        in_season = [d for d in starts if d.month in plan.months]
        start = (in_season or starts)[int(rng.integers(len(in_season or starts)))]
        kecamatan = None
        if plan.local:
            city = tables().city
            pool = sorted(city.flood_prone) if plan.topic == "banjir" else sorted(city.population)
            kecamatan = pool[int(rng.integers(len(pool)))]
        end = start + timedelta(days=length - 1)
        spikes.append(PlacedSpike(plan.topic, kecamatan, start, end, extra))
    return sorted(spikes, key=lambda s: s.start)


def spike_days(spike: PlacedSpike, rng: np.random.Generator) -> np.ndarray:
    """Day offsets of a spike's rows: a quick rise, then a slower decay."""
    length = (spike.end - spike.start).days + 1
    peak = max(1, length // 3)
    shape = np.array([(i + 1) / peak if i < peak else (length - i) / (length - peak + 1)
                      for i in range(length)])  # fmt: skip
    return rng.choice(length, size=spike.extra_rows, p=shape / shape.sum())
