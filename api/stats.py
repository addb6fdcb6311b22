"""GET /v1/stats and GET /v1/model: how the service does, and which model it runs."""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import requires
from api.casework import casework_store
from api.errors import ApiError
from api.requests import StatsQuery
from api.state import services
from api.validation import parse_query
from triage.casework.compliance import compliance_by_month
from triage.errors import CalendarError

logger = logging.getLogger("api.stats")

bp = Blueprint("stats", __name__)


@bp.get("/stats")
@requires("read_stats")
def stats() -> ResponseReturnValue:
    """Counts, auto-routed share, accuracy from corrections and complaints for external
    bodies ("bukan wewenang", per body) over ``from``..``to``."""
    state = services()
    asked = parse_query(StatsQuery)
    zone = state.settings.timezone
    start = _utc(asked.from_, zone)
    end = _utc(asked.to, zone, end=True)
    if start is not None and end is not None and start > end:
        raise ApiError(400, "invalid_input", "'from' is after 'to'")
    body = state.stats.stats(start, end).to_dict()
    body["compliance"] = _compliance(start, end)
    return jsonify(body)


def _compliance(start: datetime | None, end: datetime | None) -> dict[str, Any] | None:
    # Complaints received in the range; None when a month on the way lies in a year the
    # holiday calendar does not cover, rather than counting Lebaran leave as working days.
    frame = casework_store().compliance_frame(start, end)
    try:
        report = compliance_by_month(frame, services().tenant.sla, now=datetime.now(UTC))
    except CalendarError as exc:
        logger.warning("compliance not counted", extra={"error": str(exc)})
        return None
    months = [
        {key: (None if _missing(value) else value) for key, value in row.items()}
        for row in report.summary.to_dict(orient="records")
    ]
    late = [
        {
            "id": int(row["id"]),
            "month": row["month"],
            "agency": row["agency"],
            "clocks": row["clocks"].split(", "),
            "received_at": row["received_at"].isoformat(),
        }
        for row in report.overdue.to_dict(orient="records")
    ]
    return {"months": [_typed(row) for row in months], "overdue": late}


def _missing(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


_SHARES = ("verified_in_time_pct", "resolved_in_time_pct", "median_working_days_to_disposition")


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("received", "resolved", "overdue"):
        row[key] = int(row[key])
    for key in (
        "verified_in_time_pct",
        "followed_up_in_time_pct",
        "resolved_in_time_pct",
        "median_working_days_to_disposition",
    ):
        if row[key] is not None:
            row[key] = float(row[key])
    return row


def _utc(value: date | None, zone: ZoneInfo, *, end: bool = False) -> datetime | None:
    # A date is a local day, and as an end the whole of it; a bound past the years 1 to 9999
    # leaves that side open.
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        else:
            moment = datetime.combine(value, time(), tzinfo=zone)
            if end:
                moment += timedelta(days=1)
        return moment.astimezone(UTC)
    except OverflowError:
        return None


@bp.get("/model")
@requires("read_model")
def model() -> ResponseReturnValue:
    """The active model: version, labels, evaluation metrics and provenance."""
    loaded = services().model
    metadata = loaded.metadata
    described: dict[str, Any] = metadata.to_dict() if metadata is not None else {}
    described.update(version=loaded.version, labels=loaded.labels)
    described.setdefault("metrics", {})
    return jsonify(described)
