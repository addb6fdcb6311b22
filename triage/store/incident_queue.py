"""The review queue by incident: one entry per incident, paged over incidents.

An incident is as urgent as its most urgent listed complaint and as old as its oldest open
one (its oldest listed one when none is open), so a resolved first complaint with an open
second report sorts by the open one.  Without a state filter the ended members of an
incident are left out (they need no work; the first complaint is always shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from triage.store.casework_queries import FINAL_STATES
from triage.store.schema import Complaint

# The first complaint of each complaint's incident (itself when never looked up).
INCIDENT_KEY = func.coalesce(Complaint.incident_id, Complaint.id)


def listed(conditions: Sequence[ColumnElement[bool]], state: str | None) -> list[Any]:
    """The queue's filters with, unless a state is asked for, the ended members left out."""
    if state is not None:
        return list(conditions)
    return [*conditions, or_(Complaint.id == INCIDENT_KEY, Complaint.state.not_in(FINAL_STATES))]


def incident_keys(
    session: Session, conditions: Sequence[Any], limit: int, offset: int
) -> tuple[int, list[int]]:
    """How many incidents hold a listed complaint, and the first complaints of one page of
    them in queue order (most urgent, then oldest open, then lowest id)."""
    still_open = Complaint.state.not_in(FINAL_STATES)
    grouped = (
        select(
            INCIDENT_KEY.label("incident"),
            func.max(case((Complaint.urgent, 1), else_=0)).label("urgent"),
            func.coalesce(
                func.min(case((still_open, Complaint.created_at), else_=None)),
                func.min(Complaint.created_at),
            ).label("since"),
        )
        .where(*conditions)
        .group_by(INCIDENT_KEY)
        .subquery()
    )
    total = session.scalar(select(func.count()).select_from(grouped)) or 0
    page: Select[Any] = (
        select(grouped.c.incident)
        .order_by(grouped.c.urgent.desc(), grouped.c.since, grouped.c.incident)
        .limit(limit)
        .offset(offset)
    )
    return total, [int(key) for key in session.scalars(page).all()]
