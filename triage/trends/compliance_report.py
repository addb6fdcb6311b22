"""Last month's SLA page for the digest and the dashboard: per agency the ``/v1/stats`` row
and the overdue complaints most working days late, read from the store.

The query and the function are those behind ``/v1/stats``
(:meth:`triage.store.casework_queries.CaseworkStore.compliance_frame` and
:func:`triage.casework.compliance.compliance_by_month`), so the numbers are the same.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from triage.casework.compliance import compliance_by_month
from triage.casework.sla import SlaPolicy
from triage.errors import CalendarError
from triage.periods import LOCAL_TIME, local_day_start
from triage.store.casework_queries import CaseworkStore
from triage.store.schema import DEFAULT_TENANT_ID


@dataclass(frozen=True)
class OverdueItem:
    """One late complaint: which clock is most behind, since when, by how many working days."""

    id: int
    state: str | None
    clocks: tuple[str, ...]
    due: date
    working_days_overdue: int


@dataclass(frozen=True)
class AgencyCompliance:
    """One agency's month: the ``/v1/stats`` compliance row and its overdue complaints."""

    agency: str
    received: int
    verified_in_time_pct: float | None
    followed_up_in_time_pct: float | None
    resolved: int
    resolved_in_time_pct: float | None
    median_working_days_to_disposition: float | None
    overdue: int
    oldest_overdue: tuple[OverdueItem, ...]


@dataclass(frozen=True)
class MonthCompliance:
    """Compliance of the complaints received in ``month`` ("YYYY-MM"), judged at ``judged_at``.

    ``note`` says why there are no figures when the holiday calendar does not cover a year on
    the way (then ``agencies`` is empty).
    """

    month: str
    judged_at: datetime
    agencies: tuple[AgencyCompliance, ...]
    note: str | None = None


def _value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def end_of_day(day: date) -> datetime:
    """The last moment of the local day ``day``: clocks judged then still count it as today."""
    return local_day_start(day + timedelta(days=1)) - timedelta(microseconds=1)


def month_compliance(
    engine: Engine,
    month: date,
    policy: SlaPolicy | None = None,
    *,
    now: datetime | None = None,
    oldest: int = 5,
    tenant_id: int = DEFAULT_TENANT_ID,
) -> MonthCompliance:
    """The SLA compliance per agency of the complaints received in ``month``'s local month.

    Parameters
    ----------
    engine : Engine
        The store's engine.
    month : date
        Any day of the month (Asia/Jakarta).
    policy : SlaPolicy, optional
        The tenant's service levels; the defaults when omitted.
    now : datetime, optional
        The moment the clocks are judged at; default the present (as ``/v1/stats`` does).
    oldest : int
        Overdue complaints listed per agency, those most working days behind first.
    tenant_id : int
        Whose complaints (default: the sample city's).

    Returns
    -------
    MonthCompliance
        The agencies in name order; a ``note`` and no agencies when the holiday calendar does
        not cover a year the clocks run through.

    Raises
    ------
    StoreError
        When the database fails.
    """
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    judged = now or datetime.now(UTC)
    frame = CaseworkStore(engine, tenant_id=tenant_id).compliance_frame(
        local_day_start(first), local_day_start(after)
    )
    label = f"{first:%Y-%m}"
    try:
        report = compliance_by_month(frame, policy, now=judged)
    except CalendarError as exc:
        return MonthCompliance(label, judged, (), note=str(exc))
    late = report.overdue.sort_values(
        ["working_days_overdue", "received_at"], ascending=[False, True], kind="stable"
    )
    agencies = []
    for row in report.summary.to_dict(orient="records"):
        theirs = late[late.agency == row["agency"]].head(oldest)
        items = tuple(
            OverdueItem(
                id=int(item["id"]),
                state=item["state"],
                clocks=tuple(item["clocks"].split(", ")),
                due=item["due"],
                working_days_overdue=int(item["working_days_overdue"]),
            )
            for item in theirs.to_dict(orient="records")
        )
        agencies.append(
            AgencyCompliance(
                agency=str(row["agency"]),
                received=int(row["received"]),
                verified_in_time_pct=_value(row["verified_in_time_pct"]),
                followed_up_in_time_pct=_value(row["followed_up_in_time_pct"]),
                resolved=int(row["resolved"]),
                resolved_in_time_pct=_value(row["resolved_in_time_pct"]),
                median_working_days_to_disposition=_value(
                    row["median_working_days_to_disposition"]
                ),
                overdue=int(row["overdue"]),
                oldest_overdue=items,
            )
        )
    return MonthCompliance(label, judged, tuple(agencies))


def markdown_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (a pipe would split it)."""
    return text.replace("|", "\\|")


COMPLIANCE_COLUMNS = (
    "agency",
    "received",
    "verified in time",
    "followed up in time",
    "resolved",
    "resolved in time",
    "median working days to disposition",
    "overdue",
)


def _pct_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def compliance_cells(row: AgencyCompliance) -> tuple[str, ...]:
    """One agency's compliance row as the digest and the dashboard print it."""
    median = row.median_working_days_to_disposition
    return (
        row.agency,
        str(row.received),
        _pct_text(row.verified_in_time_pct),
        _pct_text(row.followed_up_in_time_pct),
        str(row.resolved),
        _pct_text(row.resolved_in_time_pct),
        "–" if median is None else f"{median:g}",
        str(row.overdue),
    )


def overdue_text(item: OverdueItem) -> str:
    """ "#12 (terdisposisi): penyelesaian due 2024-05-20, 14 working days late"."""
    state = f" ({item.state})" if item.state else ""
    return (
        f"#{item.id}{state}: {', '.join(item.clocks)}, due {item.due:%Y-%m-%d}, "
        f"{item.working_days_overdue} working day(s) late"
    )


def _compliance_title(compliance: MonthCompliance) -> str:
    return (
        f"SLA compliance: complaints received in {compliance.month} "
        f"(judged {compliance.judged_at.astimezone(LOCAL_TIME):%Y-%m-%d %H:%M} Asia/Jakarta)"
    )


def compliance_markdown(compliance: MonthCompliance | None) -> list[str]:
    if compliance is None:
        return []
    lines = ["", f"## {_compliance_title(compliance)}", ""]
    if compliance.note:
        return [*lines, f"Not counted: {compliance.note}"]
    if not compliance.agencies:
        return [*lines, f"No complaints received in {compliance.month}."]
    lines += [
        f"| {' | '.join(COMPLIANCE_COLUMNS)} |",
        "|---|" + "---:|" * (len(COMPLIANCE_COLUMNS) - 1),
    ]
    lines += [
        f"| {' | '.join(map(markdown_cell, compliance_cells(r)))} |" for r in compliance.agencies
    ]
    late = [r for r in compliance.agencies if r.overdue]
    lines += ["", "### Overdue, most working days late first", ""]
    if not late:
        lines.append("None.")
    for row in late:
        shown = "; ".join(overdue_text(item) for item in row.oldest_overdue)
        more = row.overdue - len(row.oldest_overdue)
        if shown and more:
            shown += f"; and {more} more"
        lines.append(
            f"- **{markdown_cell(row.agency)}**: {row.overdue} overdue"
            + (f" — {shown}" if shown else "")
        )
    return lines


def compliance_html(compliance: MonthCompliance | None) -> str:
    if compliance is None:
        return ""
    e = html.escape
    head = f"<h2>{e(_compliance_title(compliance))}</h2>"
    if compliance.note:
        return f"{head}<p>Not counted: {e(compliance.note)}</p>"
    if not compliance.agencies:
        return f"{head}<p>No complaints received in {e(compliance.month)}.</p>"
    header = "".join(f"<th>{e(c)}</th>" for c in COMPLIANCE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in compliance_cells(r)) + "</tr>"
        for r in compliance.agencies
    )
    items = []
    for row in compliance.agencies:
        if not row.overdue:
            continue
        more = row.overdue - len(row.oldest_overdue)
        listed = "".join(f"<li>{e(overdue_text(i))}</li>" for i in row.oldest_overdue)
        listed += f"<li>and {more} more</li>" if more and listed else ""
        listed = f"<ul>{listed}</ul>" if listed else ""
        items.append(f"<li><strong>{e(row.agency)}</strong>: {row.overdue} overdue{listed}</li>")
    late = f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>"
    return (
        f"{head}<table><tr>{header}</tr>{body}</table>"
        f"<h3>Overdue, most working days late first</h3>{late}"
    )
