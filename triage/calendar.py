"""Moving Islamic holidays as covariates of the seasonal baselines.

Idul Fitri (Lebaran) and Idul Adha move about eleven days earlier every solar year, so a
"same weeks of past years" baseline smears their effect over the season and then alarms on
the Lebaran rise itself.  The dates come from the ``holidays`` package (the government's
calendar, kept by others; estimated dates past its known years), never from a table typed
here.  Ramadan is taken as the 30 days before Idul Fitri (29 or 30 in practice).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
import numpy as np
import pandas as pd

from triage.errors import InputError

RAMADAN_DAYS = 30
# Windows in days relative to the holiday, both ends inclusive.  The days just before and
# after Idul Fitri (mudik, cuti bersama, closed offices) behave unlike the fasting weeks
# before them, hence a window of their own; Idul Adha is one long weekend.
FEATURES: tuple[tuple[str, str, int, int], ...] = (
    ("ramadan", "Eid al-Fitr", -RAMADAN_DAYS, -4),
    ("idul_fitri", "Eid al-Fitr", -3, 7),
    ("idul_adha", "Eid al-Adha", -2, 3),
)
"""(feature name, holiday, first day offset, last day offset) of each covariate."""

_FIRST_YEAR, _LAST_YEAR = 1953, 2100


@cache
def holiday_dates(name: str, year: int) -> tuple[date, ...]:
    """Days of ``name`` ("Eid al-Fitr" or "Eid al-Adha") in Indonesia's calendar of ``year``.

    Raises
    ------
    InputError
        For another holiday name or a year the calendar does not cover.
    """
    if name not in ("Eid al-Fitr", "Eid al-Adha"):
        raise InputError(f"unknown moving holiday {name!r}")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise InputError(f"no Islamic holiday dates for {year}")
    calendar = holidays.Indonesia(years=year, language="en_US")
    # Names look like "Eid al-Fitr", "Eid al-Fitr (estimated)" or "Ascension Day; Eid al-Fitr";
    # the second day of Idul Fitri is a holiday of its own name and must not match.
    return tuple(
        sorted(
            day
            for day, names in calendar.items()
            if any(part.split(" (")[0] == name for part in names.split("; "))
        )
    )


def holiday_features(index: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Share of each period's days inside each :data:`FEATURES` window, (periods x features).

    ``freq`` is ``"D"`` (one day per period) or ``"W"`` (seven days from each index day).
    """
    length = 7 if freq == "W" else 1
    first = index[0].date() - timedelta(days=8)
    last = index[-1].date() + timedelta(days=length + RAMADAN_DAYS + 8)
    starts = index.values.astype("datetime64[D]")
    out = np.zeros((len(index), len(FEATURES)))
    for j, (_, name, lo, hi) in enumerate(FEATURES):
        for year in range(first.year, last.year + 1):
            for day in holiday_dates(name, year):
                d = np.datetime64(day, "D")
                window_lo, window_hi = d + np.timedelta64(lo, "D"), d + np.timedelta64(hi, "D")
                # Overlap of [start, start + length - 1] with [window_lo, window_hi].
                period_hi = starts + np.timedelta64(length - 1, "D")
                overlap = (np.minimum(period_hi, window_hi) - np.maximum(starts, window_lo)).astype(
                    int
                ) + 1
                out[:, j] += np.clip(overlap, 0, None) / length
    return np.minimum(out, 1.0)


__all__ = ["FEATURES", "RAMADAN_DAYS", "holiday_dates", "holiday_features"]
