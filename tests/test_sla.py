"""Working-day SLA clocks on the Indonesian calendar, and the monthly compliance page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from triage.casework.compliance import SUMMARY_COLUMNS, compliance_by_month
from triage.casework.sla import (
    SlaDueDates,
    SlaPolicy,
    add_working_days,
    due_dates,
    is_working_day,
    overdue,
    working_time_elapsed,
)
from triage.errors import CalendarError, InputError
from triage.periods import LOCAL_TIME


def test_nyepi_and_lebaran_2025_push_verification_to_10_april() -> None:
    # Thursday 10:00; Fri 28 Mar cuti bersama Nyepi, 31 Mar–1 Apr Idul Fitri, 2–7 Apr cuti.
    due = due_dates(datetime(2025, 3, 27, 10, 0, tzinfo=LOCAL_TIME))
    assert due.verification == date(2025, 4, 10)
    assert due.resolution == date(2025, 4, 10)  # 14 calendar days
    assert due.follow_up == date(2025, 4, 17)  # counted from the verification due day


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Weekend: Friday after Labour Day, the count starts on Monday.
        (datetime(2025, 5, 2, 10), 3, date(2025, 5, 7)),
        # Saturday receipt: Monday is the first working day.
        (datetime(2025, 2, 8, 9), 1, date(2025, 2, 10)),
        # Lebaran 2024: 8–12 April and 15 April off (Idul Fitri and its cuti bersama).
        (datetime(2024, 4, 5, 8), 3, date(2024, 4, 18)),
        # Christmas 2024 and its cuti bersama on the 26th.
        (datetime(2024, 12, 24, 16), 3, date(2024, 12, 31)),
        # Across the new year: 1 January 2025 is a holiday.
        (datetime(2024, 12, 31, 9), 5, date(2025, 1, 8)),
        # Nyepi and Lebaran 2026 together: 18–24 March off.
        (datetime(2026, 3, 17, 11), 3, date(2026, 3, 27)),
        # Idul Adha 2026 (27 May) and its cuti bersama (28 May).
        (datetime(2026, 5, 26, 14), 2, date(2026, 6, 2)),
        # Receipt late on a working day still starts the count the next day.
        (datetime(2025, 6, 10, 23, 59), 1, date(2025, 6, 11)),
    ],
)
def test_due_days_across_weekends_holidays_and_cuti_bersama(
    received: datetime, days: int, due: date
) -> None:
    assert due_dates(received, SlaPolicy(verification_days=days)).verification == due


def test_cuti_bersama_is_not_a_working_day_but_an_ordinary_friday_is() -> None:
    assert not is_working_day(date(2025, 3, 28))  # cuti bersama Nyepi
    assert not is_working_day(date(2025, 4, 7))  # cuti bersama Idul Fitri
    assert is_working_day(date(2025, 4, 11))
    assert not is_working_day(date(2025, 4, 12))  # Saturday


def test_naive_times_are_jakarta_and_aware_ones_are_converted() -> None:
    naive = datetime(2025, 4, 8, 18, 0)  # Tuesday evening in Jakarta
    utc = datetime(2025, 4, 8, 18, 0, tzinfo=UTC)  # 01:00 Wednesday in Jakarta
    assert due_dates(naive).verification == date(2025, 4, 11)
    assert due_dates(naive.replace(tzinfo=LOCAL_TIME)).verification == date(2025, 4, 11)
    assert due_dates(utc).verification == date(2025, 4, 14)


@pytest.mark.parametrize(
    "received", [datetime(2028, 2, 1, 9), datetime(2027, 12, 30, 9), datetime(2000, 6, 1)]
)
def test_a_year_without_cuti_bersama_in_the_calendar_is_a_clear_error(received: datetime) -> None:
    with pytest.raises(CalendarError, match="lists no cuti bersama for (2028|2000)"):
        due_dates(received)


def test_bad_times_are_input_errors() -> None:
    with pytest.raises(InputError, match="expected a date and time"):
        due_dates(date(2025, 3, 27))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="before the complaint came in"):
        due_dates(datetime(2025, 3, 27), disposed_at=datetime(2025, 3, 26))
    with pytest.raises(InputError, match="negative"):
        add_working_days(date(2025, 3, 27), -1)


def test_follow_up_counts_from_the_disposition() -> None:
    due = due_dates(datetime(2025, 3, 27, 10), disposed_at=datetime(2025, 4, 9, 8))
    assert due.follow_up == date(2025, 4, 16)


@pytest.mark.parametrize("value", [0, -3, 2.5, True, "3", None])
def test_policy_values_must_be_positive_whole_numbers(value: object) -> None:
    with pytest.raises(InputError, match="verification_days must be a positive whole number"):
        SlaPolicy(verification_days=value)  # type: ignore[arg-type]


def test_a_tenant_policy_changes_the_clocks() -> None:
    due = due_dates(datetime(2025, 3, 27, 10), SlaPolicy(5, 10, 30))
    assert (due.verification, due.resolution) == (date(2025, 4, 14), date(2025, 4, 26))


def test_working_time_elapsed_counts_the_days_after_the_start() -> None:
    received = datetime(2025, 3, 27, 10)
    assert working_time_elapsed(received, datetime(2025, 4, 10, 9)) == 3
    assert working_time_elapsed(received, datetime(2025, 3, 27, 17)) == 0
    assert working_time_elapsed(received, datetime(2025, 4, 7, 17)) == 0  # all holidays
    with pytest.raises(InputError, match="before the start"):
        working_time_elapsed(received, datetime(2025, 3, 26))


def test_overdue_is_after_the_due_day() -> None:
    due = due_dates(datetime(2025, 3, 27, 10))
    on_time = overdue(due, now=datetime(2025, 4, 10, 23, 30))
    assert on_time == ()
    assert overdue(due, now=datetime(2025, 4, 11, 0, 5)) == ("verifikasi", "penyelesaian")
    done = overdue(
        due,
        now=datetime(2025, 5, 1),
        verified_at=datetime(2025, 4, 10, 23),
        followed_up_at=datetime(2025, 4, 17, 8),
        resolved_at=datetime(2025, 4, 11, 8),
    )
    assert done == ("penyelesaian",)
    with pytest.raises(InputError, match="unknown SLA clock"):
        SlaDueDates(date.today(), date.today(), date.today(), date.today()).for_clock("x")


def _frame() -> pd.DataFrame:
    nat = pd.NaT
    rows = [
        # id, agency, received, verified, disposed, resolved
        ("a", "dpupr", "2025-03-27 10:00", "2025-04-08 09:00", "2025-04-09 09:00", "2025-04-09"),
        ("b", "dpupr", "2025-03-03 10:00", "2025-03-10 09:00", "2025-03-11 09:00", nat),
        ("c", "dlh", "2025-03-05 10:00", "2025-03-06 09:00", "2025-03-07 09:00", "2025-03-10"),
        ("d", "dlh", "2025-04-01 10:00", nat, nat, nat),
        ("e", "dlh", "2025-04-21 10:00", nat, nat, nat),
    ]
    columns = ["id", "agency", "received_at", "verified_at", "disposed_at", "resolved_at"]
    return pd.DataFrame(rows, columns=columns)


def test_compliance_page_per_agency_and_month() -> None:
    report = compliance_by_month(_frame(), now=datetime(2025, 4, 22, 12))
    summary = report.summary.set_index(["month", "agency"])
    assert list(report.summary.columns) == SUMMARY_COLUMNS
    march_pu = summary.loc[("2025-03", "dpupr")]
    # a: verified on working day 1, resolved in 13 days; b: verified on day 5 (late),
    # unresolved after its 14 days.
    assert march_pu.received == 2
    assert march_pu.verified_in_time_pct == 50.0
    assert march_pu.resolved == 1
    assert march_pu.resolved_in_time_pct == 50.0
    assert march_pu.median_working_days_to_disposition == 4.0  # (2 + 6) / 2
    assert march_pu.overdue == 1
    april_lh = summary.loc[("2025-04", "dlh")]
    # d received on Idul Fitri: verification due 10 April and resolution 15 April, both
    # missed; e's clocks still run, so it counts in neither percentage.
    assert april_lh.received == 2
    assert april_lh.verified_in_time_pct == 0.0
    assert april_lh.resolved_in_time_pct == 0.0
    assert summary.loc[("2025-03", "dlh")].median_working_days_to_disposition == 2.0
    assert pd.isna(april_lh.median_working_days_to_disposition)
    late = report.overdue
    assert list(late.id) == ["b", "d"]
    assert list(late.clocks) == ["verifikasi, penyelesaian", "verifikasi, penyelesaian"]


def test_compliance_judges_follow_up_only_when_given() -> None:
    frame = _frame().assign(followed_up_at=pd.NaT)
    late = compliance_by_month(frame, now=datetime(2025, 4, 22, 12)).overdue
    assert "tindak_lanjut" in late.set_index("id").clocks["a"]


def test_compliance_input_errors() -> None:
    with pytest.raises(InputError, match="lack the column"):
        compliance_by_month(_frame().drop(columns="agency"), now=datetime(2025, 4, 22))
    bad = _frame().assign(verified_at="kemarin")
    with pytest.raises(InputError, match="not a timestamp"):
        compliance_by_month(bad, now=datetime(2025, 4, 22))
    empty = compliance_by_month(_frame().iloc[:0], now=datetime(2025, 4, 22))
    assert empty.summary.empty
    assert empty.overdue.empty
