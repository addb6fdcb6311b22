"""GET /v1/stats and GET /v1/model: how the service does, and which model it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import requires
from api.errors import ApiError
from api.requests import StatsQuery
from api.state import services
from api.validation import parse_query

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
    return jsonify(state.stats.stats(start, end).to_dict())


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
