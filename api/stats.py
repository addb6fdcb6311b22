"""GET /v1/stats and GET /v1/model: how the service does, and which model it runs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from api.auth import requires
from api.errors import ApiError
from api.state import services
from api.validation import check_fields, date_arg

bp = Blueprint("stats", __name__)


@bp.get("/stats")
@requires("read_stats")
def stats() -> ResponseReturnValue:
    """Counts, auto-routed share and accuracy from corrections over ``from``..``to``."""
    state = services()
    check_fields(request.args, ("from", "to"), where="query")
    zone = state.settings.timezone
    start = date_arg("from", zone)
    end = date_arg("to", zone, end=True)
    if start is not None and end is not None and start > end:
        raise ApiError(400, "invalid_input", "'from' is after 'to'")
    return jsonify(state.stats.stats(start, end).to_dict())


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
