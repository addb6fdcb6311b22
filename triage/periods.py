"""Time, in one place: the city's zone, period steps and starts, and the years we accept.

Complaints are counted in Asia/Jakarta local days and in weeks that start on Monday.  Years
are bounded to 1970–9000, where moving by days and converting to UTC are safe everywhere
(Python, pandas and both databases).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from triage.errors import InputError

TIMEZONE = "Asia/Jakarta"
LOCAL_TIME = ZoneInfo(TIMEZONE)
# Days per period: "D" days, "W" ISO weeks (Monday first).
STEP_DAYS: dict[str, int] = {"D": 1, "W": 7}
MIN_YEAR, MAX_YEAR = 1970, 9000


def check_freq(freq: str) -> str:
    """``freq`` if it is a known period ("D" or "W"); raise InputError otherwise."""
    if freq not in STEP_DAYS:
        raise InputError(f"unknown frequency {freq!r}; use 'D' (days) or 'W' (weeks)")
    return freq


def period_start(timestamps: pd.Series, freq: str) -> pd.Series:
    """The first day of each timestamp's period: its date, or the Monday of its week."""
    check_freq(freq)
    days = timestamps.dt.floor("D")
    if freq == "W":
        days = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days


def local_day_start(day: date) -> datetime:
    """Midnight of ``day`` in Asia/Jakarta, as an aware UTC datetime."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TIME).astimezone(UTC)


def local_today() -> date:
    """Today's date in Asia/Jakarta."""
    return datetime.now(LOCAL_TIME).date()


def check_day(day: date, what: str) -> date:
    """``day`` if its year lies in MIN_YEAR to MAX_YEAR; raise InputError otherwise."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(f"{what} must fall between {MIN_YEAR} and {MAX_YEAR}, not {day}")
    return day
