"""SLA clocks in working days on the Indonesian calendar, cuti bersama included.

The rule: **the count starts on the next working day after receipt, and a clock of N working
days runs out at the end of the N-th working day** (Asia/Jakarta). A complaint received on
Thursday 27 March 2025 at 10:00 has Friday 28 March (cuti bersama of Nyepi), the weekend,
Idul Fitri (31 March, 1 April) and its cuti bersama (2–7 April) off the clock, so its three
working days for verification are 8, 9 and 10 April: it is due by the end of 10 April.

Working days are Monday to Friday minus the public holidays and the cuti bersama (the
``government`` category) of the maintained ``holidays`` package. A year for which that
package lists no cuti bersama has not been decreed yet (or lies before its records): counting
in it would silently treat Lebaran leave as working days, so it raises CalendarError.
Naive datetimes are Asia/Jakarta wall time; aware ones are converted to it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays

from triage.errors import CalendarError, InputError
from triage.periods import LOCAL_TIME, MAX_YEAR, MIN_YEAR, check_day

CATEGORIES = ("public", "government")
CLOCKS = ("verifikasi", "tindak_lanjut", "penyelesaian")


@dataclass(frozen=True)
class SlaPolicy:
    """One tenant's service levels.

    Parameters
    ----------
    verification_days : int
        Working days from receipt to verification (default 3).
    follow_up_days : int
        Working days from disposition to the agency's first follow-up (default 5).
    resolution_days : int
        Calendar days from receipt to the promised resolution (default 14, as Bandung).

    Raises
    ------
    InputError
        A value that is not a positive whole number.
    """

    verification_days: int = 3
    follow_up_days: int = 5
    resolution_days: int = 14

    def __post_init__(self) -> None:
        for name in ("verification_days", "follow_up_days", "resolution_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"SLA {name} must be a positive whole number, not {value!r}")


@dataclass(frozen=True)
class SlaDueDates:
    """The last local day (Asia/Jakarta) on which each clock is still in time."""

    received: date
    verification: date
    follow_up: date
    resolution: date

    def for_clock(self, clock: str) -> date:
        """The due day of one clock by its name in CLOCKS."""
        days = {
            "verifikasi": self.verification,
            "tindak_lanjut": self.follow_up,
            "penyelesaian": self.resolution,
        }
        if clock not in days:
            raise InputError(f"unknown SLA clock {clock!r}; use one of {', '.join(CLOCKS)}")
        return days[clock]


@functools.cache
def _holidays(year: int) -> frozenset[date]:
    calendar = holidays.Indonesia(years=year, categories=CATEGORIES)
    cuti = holidays.Indonesia(years=year, categories=("government",))
    if not cuti:
        raise CalendarError(
            f"the holiday calendar (holidays {holidays.__version__}) lists no cuti bersama for "
            f"{year}: working days in {year} cannot be counted until it does"
        )
    return frozenset(calendar)


def holidays_in(year: int) -> frozenset[date]:
    """The public holidays and cuti bersama of ``year``; CalendarError if not covered."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"a calendar year must lie between {MIN_YEAR} and {MAX_YEAR}, not {year}")
    return _holidays(year)


def is_working_day(day: date) -> bool:
    """True for a Monday to Friday that is neither a public holiday nor cuti bersama."""
    return day.weekday() < 5 and day not in holidays_in(day.year)


def local_date(moment: datetime) -> date:
    """The Asia/Jakarta date of ``moment`` (naive means Asia/Jakarta already)."""
    if not isinstance(moment, datetime):
        raise InputError(f"expected a date and time, not {moment!r}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME)
    return check_day(moment.date(), "an SLA time")


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise InputError(f"working days must not be negative, not {days}")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def due_dates(
    received_at: datetime, policy: SlaPolicy | None = None, *, disposed_at: datetime | None = None
) -> SlaDueDates:
    """The due day of each clock for a complaint received at ``received_at``.

    Parameters
    ----------
    received_at : datetime
        When the complaint arrived (naive = Asia/Jakarta).
    policy : SlaPolicy, optional
        The tenant's service levels; the defaults when omitted.
    disposed_at : datetime, optional
        When it was passed to the agency. The follow-up clock starts there; before a
        disposition it is counted from the verification due day, the latest a timely
        disposition could happen.

    Returns
    -------
    SlaDueDates
        Verification and follow-up due days by the working-day rule (module docstring), and
        the resolution promise, ``resolution_days`` calendar days after the day of receipt.

    Raises
    ------
    CalendarError
        A year on the way that the holiday calendar does not cover.
    InputError
        Not a datetime, a year out of range, or a disposition before receipt.
    """
    policy = policy or SlaPolicy()
    received = local_date(received_at)
    verification = add_working_days(received, policy.verification_days)
    start = verification
    if disposed_at is not None:
        start = local_date(disposed_at)
        if start < received:
            raise InputError(f"disposed on {start}, before the complaint came in on {received}")
    return SlaDueDates(
        received=received,
        verification=verification,
        follow_up=add_working_days(start, policy.follow_up_days),
        resolution=received + timedelta(days=policy.resolution_days),
    )


def working_time_elapsed(start: datetime, end: datetime) -> int:
    """Working days on the clock from ``start`` to ``end``: those after start's day, up to end's.

    By the module's rule, a step taken on its due day has used exactly N working days, so it
    is in time when this count is at most N. Raises InputError if ``end`` is before ``start``.
    """
    first, last = local_date(start), local_date(end)
    if last < first:
        raise InputError(f"the end {end} is before the start {start}")
    return sum(is_working_day(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))


def overdue(
    due: SlaDueDates,
    *,
    now: datetime,
    verified_at: datetime | None = None,
    followed_up_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> tuple[str, ...]:
    """The clocks (names from CLOCKS) that ran out: done after their due day, or not done by now.

    A clock whose step is done on its due day is in time; one not done is overdue from the day
    after its due day.
    """
    today = local_date(now)
    done = {"verifikasi": verified_at, "tindak_lanjut": followed_up_at, "penyelesaian": resolved_at}
    late = []
    for clock in CLOCKS:
        moment = done[clock]
        day = today if moment is None else local_date(moment)
        if day > due.for_clock(clock):
            late.append(clock)
    return tuple(late)
