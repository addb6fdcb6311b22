"""The monthly SLA page a coordination meeting opens: per agency and month, what was on time.

Months are the Asia/Jakarta month of receipt. A percentage counts only complaints whose clock
has closed (the step was done, or its due day has passed by ``now``): a complaint received
yesterday is neither on time nor late yet, and counting it would flatter the latest month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from triage.casework.sla import (
    SlaDueDates,
    SlaPolicy,
    due_dates,
    local_date,
    overdue,
    working_time_elapsed,
)
from triage.errors import InputError

REQUIRED = ("agency", "received_at", "verified_at", "disposed_at", "resolved_at")
SUMMARY_COLUMNS = [
    "month",
    "agency",
    "received",
    "verified_in_time_pct",
    "followed_up_in_time_pct",
    "resolved",
    "resolved_in_time_pct",
    "median_working_days_to_disposition",
    "overdue",
]
OVERDUE_COLUMNS = [
    "month",
    "agency",
    "id",
    "state",
    "clocks",
    "received_at",
    "due",
    "working_days_overdue",
]


@dataclass(frozen=True)
class ComplianceReport:
    """``summary``: one row per month and agency; ``overdue``: the late complaints behind it."""

    summary: pd.DataFrame
    overdue: pd.DataFrame


def _moment(value: Any) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    # The value itself is not echoed: in a mis-chosen column it may be complaint text.
    raise InputError(f"expected a timestamp, not a {type(value).__name__}")


def _as_timestamps(frame: pd.DataFrame, column: str) -> pd.Series:
    try:
        return pd.to_datetime(frame[column], errors="raise", format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"column {column!r} holds a value that is not a timestamp: {exc}"
        ) from None


def compliance_by_month(
    complaints: pd.DataFrame, policy: SlaPolicy | None = None, *, now: datetime
) -> ComplianceReport:
    """Counts, on-time rates, median time to disposition and the overdue list per agency-month.

    Parameters
    ----------
    complaints : DataFrame
        One row per complaint with ``agency``, ``received_at``, ``verified_at``,
        ``disposed_at`` and ``resolved_at`` (NaT where the step has not happened), an optional
        ``followed_up_at`` (else the follow-up clock is not judged), an optional ``id``
        (else the row index identifies complaints in the overdue list) and an optional
        ``state`` (the lifecycle state, shown in the overdue list).
    policy : SlaPolicy, optional
        The tenant's service levels; the defaults when omitted.
    now : datetime
        The moment the page is made; steps not done by then are judged against it.

    Returns
    -------
    ComplianceReport
        ``summary`` with SUMMARY_COLUMNS (``month`` as "YYYY-MM"; percentages NaN while no
        clock has closed) and ``overdue`` with OVERDUE_COLUMNS, oldest first within each
        month and agency: ``due`` is the due day of the clock that is most behind and
        ``working_days_overdue`` the working days after it up to the step (or ``now``).

    Raises
    ------
    InputError
        A missing column or a value that is not a timestamp.
    CalendarError
        A complaint in a year the holiday calendar does not cover.
    """
    missing = [c for c in REQUIRED if c not in complaints.columns]
    if missing:
        raise InputError(f"complaints lack the column(s) {', '.join(missing)}")
    policy = policy or SlaPolicy()
    today = local_date(now)
    columns = [*REQUIRED[1:], *(["followed_up_at"] if "followed_up_at" in complaints else [])]
    stamps = {c: _as_timestamps(complaints, c) for c in columns}
    ids = complaints["id"] if "id" in complaints.columns else complaints.index.to_series()
    states = complaints["state"] if "state" in complaints.columns else None
    rows, late_rows = [], []
    for i in range(len(complaints)):
        at = {c: _moment(stamps[c].iloc[i]) for c in columns}
        received = at["received_at"]
        if received is None:
            raise InputError(f"complaint {ids.iloc[i]!r} has no received_at")
        due = due_dates(received, policy, disposed_at=at["disposed_at"])
        late = overdue(
            due,
            now=now,
            verified_at=at["verified_at"],
            followed_up_at=at.get("followed_up_at"),
            resolved_at=at["resolved_at"],
        )
        judged = "followed_up_at" in at
        if not judged:
            late = tuple(c for c in late if c != "tindak_lanjut")
        month = due.received.strftime("%Y-%m")
        agency = complaints["agency"].iloc[i]
        disposed = at["disposed_at"]
        rows.append(
            {
                "month": month,
                "agency": agency,
                "verification_closed": at["verified_at"] is not None or today > due.verification,
                "verified_in_time": at["verified_at"] is not None and "verifikasi" not in late,
                # Without a follow-up column that clock is not judged: it never closes.
                "follow_up_closed": judged
                and (at["followed_up_at"] is not None or today > due.follow_up),
                "followed_up_in_time": judged
                and at["followed_up_at"] is not None
                and "tindak_lanjut" not in late,
                "resolved": at["resolved_at"] is not None,
                "resolution_closed": at["resolved_at"] is not None or today > due.resolution,
                "resolved_in_time": at["resolved_at"] is not None and "penyelesaian" not in late,
                "to_disposition": (
                    working_time_elapsed(received, disposed) if disposed is not None else None
                ),
                "late": bool(late),
            }
        )
        if late:
            behind = {clock: _behind(due, clock, at, now) for clock in late}
            worst = max(late, key=lambda clock: behind[clock])
            late_rows.append(
                {
                    "month": month,
                    "agency": agency,
                    "id": ids.iloc[i],
                    "state": None if states is None else states.iloc[i],
                    "clocks": ", ".join(late),
                    "received_at": received,
                    "due": due.for_clock(worst),
                    "working_days_overdue": behind[worst],
                }
            )
    return ComplianceReport(_summarise(pd.DataFrame(rows)), _late_frame(late_rows))


_DONE = {
    "verifikasi": "verified_at",
    "tindak_lanjut": "followed_up_at",
    "penyelesaian": "resolved_at",
}


def _behind(due: SlaDueDates, clock: str, at: dict[str, datetime | None], now: datetime) -> int:
    # Working days after the due day up to the step, or up to now while it is not done.
    day = due.for_clock(clock)
    done = at.get(_DONE[clock]) or now
    end = local_date(done)
    return (
        working_time_elapsed(datetime.combine(day, datetime.min.time()), done) if end > day else 0
    )


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1)


def _summarise(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = rows.assign(to_disposition=pd.to_numeric(rows.to_disposition, errors="coerce"))
    groups = rows.groupby(["month", "agency"], sort=True)
    total = groups.agg(
        received=("late", "size"),
        verification_closed=("verification_closed", "sum"),
        verified_in_time=("verified_in_time", "sum"),
        follow_up_closed=("follow_up_closed", "sum"),
        followed_up_in_time=("followed_up_in_time", "sum"),
        resolved=("resolved", "sum"),
        resolution_closed=("resolution_closed", "sum"),
        resolved_in_time=("resolved_in_time", "sum"),
        median_working_days_to_disposition=("to_disposition", "median"),
        overdue=("late", "sum"),
    ).reset_index()
    total["verified_in_time_pct"] = _pct(total.verified_in_time, total.verification_closed)
    total["followed_up_in_time_pct"] = _pct(total.followed_up_in_time, total.follow_up_closed)
    total["resolved_in_time_pct"] = _pct(total.resolved_in_time, total.resolution_closed)
    return total[SUMMARY_COLUMNS]


def _late_frame(late_rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(late_rows, columns=OVERDUE_COLUMNS)
    return frame.sort_values(["month", "agency", "received_at"], kind="stable").reset_index(
        drop=True
    )
