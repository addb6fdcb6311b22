"""The overdue list of the compliance page: state, the due day most missed, working days late."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from triage.casework.compliance import OVERDUE_COLUMNS, compliance_by_month


def _frame() -> pd.DataFrame:
    nat = pd.NaT
    rows = [
        # id, agency, state, received, verified, disposed, resolved
        ("b", "dpupr", "terdisposisi", "2025-03-03 10:00", "2025-03-10 09:00", "2025-03-11", nat),
        ("d", "dlh", "belum_terverifikasi", "2025-04-01 10:00", nat, nat, nat),
        ("e", "dlh", "belum_terverifikasi", "2025-04-21 10:00", nat, nat, nat),
    ]
    columns = ["id", "agency", "state", "received_at", "verified_at", "disposed_at"]
    return pd.DataFrame(rows, columns=[*columns, "resolved_at"])


def test_overdue_rows_carry_state_due_day_and_working_days_late() -> None:
    late = compliance_by_month(_frame(), now=datetime(2025, 4, 22, 12)).overdue
    assert list(late.columns) == OVERDUE_COLUMNS
    rows = late.set_index("id")
    # b: resolution promised 17 March, still open on 22 April: 18 working days later
    # (28 March cuti bersama, 31 March-7 April Idul Fitri and its leave, 18 April Good Friday).
    assert rows.loc["b", "state"] == "terdisposisi"
    assert rows.loc["b", "due"] == date(2025, 3, 17)
    assert rows.loc["b", "working_days_overdue"] == 18
    # d: verification due 10 April is the clock most behind (7 working days), not resolution.
    assert rows.loc["d", "due"] == date(2025, 4, 10)
    assert rows.loc["d", "working_days_overdue"] == 7
    assert "e" not in rows.index


def test_a_step_done_late_counts_up_to_the_step() -> None:
    frame = _frame().iloc[:1].assign(resolved_at=pd.Timestamp("2025-03-19 08:00"))
    row = compliance_by_month(frame, now=datetime(2025, 4, 22, 12)).overdue.iloc[0]
    assert row["clocks"] == "verifikasi, penyelesaian"
    # Verified 10 March, due 6 March: 7 and 10 March late; resolved 19 March, due 17 March:
    # 18 and 19 March late. The tie goes to the clock listed first.
    assert row["working_days_overdue"] == 2
    assert row["due"] == date(2025, 3, 6)


def test_without_a_state_column_the_state_is_empty() -> None:
    late = compliance_by_month(_frame().drop(columns="state"), now=datetime(2025, 4, 22)).overdue
    assert late.state.isna().all()


def test_follow_up_share_counts_closed_follow_up_clocks() -> None:
    frame = _frame().assign(followed_up_at=[pd.Timestamp("2025-03-14 09:00"), pd.NaT, pd.NaT])
    summary = compliance_by_month(frame, now=datetime(2025, 4, 22, 12)).summary
    rows = summary.set_index(["month", "agency"])
    # b: disposed 11 March, five working days to 18 March, followed up 14 March: in time.
    assert rows.loc[("2025-03", "dpupr"), "followed_up_in_time_pct"] == 100.0
    # d: never disposed; its follow-up clock ran from its verification due day and is late.
    assert rows.loc[("2025-04", "dlh"), "followed_up_in_time_pct"] == 0.0
    without = compliance_by_month(_frame(), now=datetime(2025, 4, 22, 12)).summary
    assert without.followed_up_in_time_pct.isna().all()
