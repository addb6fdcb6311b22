"""Live figures from the store: volumes, auto-routed share and accuracy measured by corrections."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from triage.casework.lifecycle import State
from triage.errors import InputError
from triage.routing.external_bodies import default_external_bodies
from triage.store.database import Database
from triage.store.schema import STATUSES, Complaint, Correction, Prediction, as_utc


@dataclass(frozen=True)
class OpdStats:
    """Figures for the complaints the model first routed to one OPD."""

    opd: str | None
    complaints: int
    auto_routed: int
    reviewed: int
    correct: int
    accuracy: float | None


@dataclass(frozen=True)
class ExternalBodyStats:
    """Complaints the model first found to be one external body's business."""

    body: str
    name: str
    complaints: int


@dataclass(frozen=True)
class AuthorityStats:
    """How the "bukan wewenang" decision fared with the reviewers who corrected it.

    ``corrected`` counts complaints whose latest correction says who holds them (``"local"``
    or a body); ``correct`` those where the first prediction said the same (local, or
    external with that body); ``accuracy`` is their share.
    """

    corrected: int = 0
    correct: int = 0
    accuracy: float | None = None


@dataclass(frozen=True)
class Stats:
    """Figures over complaints created in ``[start, end)``.

    ``reviewed`` counts complaints an admin corrected or confirmed; ``accuracy`` is the share
    of them whose final OPD is the one the model first predicted.  ``auto_routed_accuracy``
    is the same over auto-routed complaints that an admin looked at afterwards: with few
    such reviews it is optimistic, and ``auto_routed_reviewed`` says how many there were.
    ``external`` counts complaints first found to be another body's business ("bukan
    wewenang"), ``per_external_body`` per body, most first; ``authority`` measures that
    decision by the corrections that say who holds a complaint.
    """

    start: datetime | None
    end: datetime | None
    complaints: int
    by_status: dict[str, int]
    auto_routed: int
    auto_routed_share: float | None
    reviewed: int
    correct: int
    accuracy: float | None
    auto_routed_reviewed: int
    auto_routed_accuracy: float | None
    per_opd: tuple[OpdStats, ...]
    external: int = 0
    per_external_body: tuple[ExternalBodyStats, ...] = ()
    # Complaints per lifecycle state (triage.casework.lifecycle.State), every state listed.
    by_state: dict[str, int] = field(default_factory=dict)
    authority: AuthorityStats = field(default_factory=AuthorityStats)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["start"] = None if self.start is None else self.start.isoformat()
        data["end"] = None if self.end is None else self.end.isoformat()
        return data


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


class StatsStore(Database):
    """Aggregate queries for ``GET /v1/stats``."""

    def stats(self, start: datetime | None = None, end: datetime | None = None) -> Stats:
        """Counts, auto-routed share and live accuracy per first-predicted OPD.

        Parameters
        ----------
        start, end : datetime, optional
            Timezone-aware bounds on the complaints' creation time, start inclusive, end
            exclusive; None leaves that side open.

        Returns
        -------
        Stats

        Raises
        ------
        InputError
            When a bound is naive or ``start`` is after ``end``.
        """
        for bound in (start, end):
            if bound is not None and bound.tzinfo is None:
                raise InputError("date bounds must carry a timezone")
        if start is not None and end is not None and start > end:
            raise InputError("the start of the range is after its end")
        where: list[ColumnElement[bool]] = [Complaint.tenant_id == self.tenant_id]
        if start is not None:
            where.append(Complaint.created_at >= as_utc(start))
        if end is not None:
            where.append(Complaint.created_at < as_utc(end))
        first = (
            select(Prediction.complaint_id, func.min(Prediction.id).label("prediction_id"))
            .group_by(Prediction.complaint_id)
            .subquery()
        )
        reviewed = Complaint.status == "corrected"
        auto = Prediction.needs_review.is_(False)
        correct = and_(reviewed, Complaint.opd == Prediction.opd)
        per_opd_query = (
            select(
                Prediction.opd,
                func.count(),
                _count(auto),
                _count(reviewed),
                _count(correct),
                _count(and_(auto, reviewed)),
                _count(and_(auto, correct)),
            )
            .select_from(Complaint)
            .join(first, first.c.complaint_id == Complaint.id)
            .join(Prediction, Prediction.id == first.c.prediction_id)
            .where(*where)
            .group_by(Prediction.opd)
            .order_by(func.count().desc(), Prediction.opd)
        )
        external_query = (
            select(Prediction.external_body, func.count())
            .select_from(Complaint)
            .join(first, first.c.complaint_id == Complaint.id)
            .join(Prediction, Prediction.id == first.c.prediction_id)
            .where(*where, Prediction.authority == "external")
            .group_by(Prediction.external_body)
            .order_by(func.count().desc(), Prediction.external_body)
        )
        # The latest correction that says who holds the complaint decides.
        said = (
            select(func.max(Correction.id).label("cid"), Correction.complaint_id)
            .where(Correction.authority.is_not(None))
            .group_by(Correction.complaint_id)
            .subquery()
        )
        agreed = or_(
            and_(Correction.authority == "local", Prediction.authority == "local"),
            and_(
                Prediction.authority == "external",
                Correction.authority == Prediction.external_body,
            ),
        )
        authority_query = (
            select(func.count(), _count(agreed))
            .select_from(Complaint)
            .join(first, first.c.complaint_id == Complaint.id)
            .join(Prediction, Prediction.id == first.c.prediction_id)
            .join(said, said.c.complaint_id == Complaint.id)
            .join(Correction, Correction.id == said.c.cid)
            .where(*where)
        )
        status_query = (
            select(Complaint.status, func.count()).where(*where).group_by(Complaint.status)
        )
        state_query = select(Complaint.state, func.count()).where(*where).group_by(Complaint.state)
        with self.session() as session:
            rows = session.execute(per_opd_query).all()
            external_rows = session.execute(external_query).all()
            n_said, n_agreed = (int(n) for n in session.execute(authority_query).one())
            by_status = {status: 0 for status in STATUSES}
            by_status.update({status: n for status, n in session.execute(status_query).all()})
            by_state = {state.value: 0 for state in State}
            by_state.update({state: n for state, n in session.execute(state_query).all()})
        totals = [sum(int(row[i]) for row in rows) for i in range(1, 7)]
        n_predicted, n_auto, n_reviewed, n_correct, n_auto_reviewed, n_auto_correct = totals
        per_opd = tuple(
            OpdStats(
                opd=row[0],
                complaints=int(row[1]),
                auto_routed=int(row[2]),
                reviewed=int(row[3]),
                correct=int(row[4]),
                accuracy=_share(int(row[4]), int(row[3])),
            )
            for row in rows
        )
        return Stats(
            start=start,
            end=end,
            complaints=sum(by_status.values()),
            by_status=by_status,
            auto_routed=n_auto,
            auto_routed_share=_share(n_auto, n_predicted),
            reviewed=n_reviewed,
            correct=n_correct,
            accuracy=_share(n_correct, n_reviewed),
            auto_routed_reviewed=n_auto_reviewed,
            auto_routed_accuracy=_share(n_auto_correct, n_auto_reviewed),
            per_opd=per_opd,
            external=sum(int(n) for _, n in external_rows),
            per_external_body=tuple(
                ExternalBodyStats(body, _body_name(body), int(n)) for body, n in external_rows
            ),
            by_state=by_state,
            authority=AuthorityStats(n_said, n_agreed, _share(n_agreed, n_said)),
        )


def _body_name(key: str) -> str:
    # A key no longer in the registry (a body renamed since) is shown as stored.
    body = default_external_bodies().get(key)
    return body.name if body is not None else key
