"""Time, in one place: the city's zone, period steps and starts, and the years we accept.

Complaints are counted in Asia/Jakarta local days and in weeks that start on Monday (ISO
weeks) or on another weekday: a refresh run every day judges the seven days that end on its
last complete day, so its weeks start on the weekday after that day (:func:`week_start_after`).
Years are bounded to 1970–9000, where moving by days and converting to UTC are safe everywhere
(Python, pandas and both databases).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from triage.errors import InputError

TIMEZONE = "Asia/Jakarta"
LOCAL_TIME = ZoneInfo(TIMEZONE)
# Days per period: "D" days, "W" weeks (ISO weeks, Monday first, unless anchored otherwise).
STEP_DAYS: dict[str, int] = {"D": 1, "W": 7}
# Weekday numbers as Python and pandas count them: Monday 0 to Sunday 6.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_YEAR, MAX_YEAR = 1970, 9000


def check_freq(freq: str) -> str:
    """``freq`` if it is a known period ("D" or "W"); raise InputError otherwise."""
    if freq not in STEP_DAYS:
        raise InputError(f"unknown frequency {freq!r}; use 'D' (days) or 'W' (weeks)")
    return freq


def check_week_start(week_start: int) -> int:
    """``week_start`` if it is a weekday number (0 Monday to 6 Sunday); raise InputError."""
    if isinstance(week_start, bool) or not isinstance(week_start, int) or not 0 <= week_start <= 6:
        raise InputError(f"weeks start on a weekday from 0 (Monday) to 6, not {week_start!r}")
    return week_start


def week_start_after(last_day: date) -> int:
    """The weekday that weeks start on when the last of them ends on ``last_day``."""
    return (last_day.weekday() + 1) % 7


def period_start(timestamps: pd.Series, freq: str, week_start: int = 0) -> pd.Series:
    """The first day of each timestamp's period: its date, or the first day of its week.

    Weeks start on ``week_start`` (0 Monday, the ISO week, to 6 Sunday); days ignore it.
    """
    check_freq(freq)
    check_week_start(week_start)
    days = timestamps.dt.floor("D")
    if freq == "W":
        days = days - pd.to_timedelta((days.dt.day_of_week - week_start) % 7, unit="D")
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
