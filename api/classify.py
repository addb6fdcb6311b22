"""POST /v1/classify: route one complaint or a batch without storing anything."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import requires
from api.state import services
from api.validation import (
    COMPLAINT_FIELDS,
    bad_request,
    check_fields,
    complaint_fields,
    json_object,
)
from triage.routing.decision import RoutingDecision

bp = Blueprint("classify", __name__)


def route(records: list[dict[str, str | None]]) -> tuple[list[RoutingDecision], float]:
    """Decisions for ``records`` and the time the model took, in milliseconds."""
    state = services()
    started = time.perf_counter()
    decisions = state.model.decide(records)
    elapsed_ms = (time.perf_counter() - started) * 1000
    for decision in decisions:
        state.metrics.observe_prediction(decision.opd, decision.needs_review)
    return decisions, elapsed_ms


@bp.post("/classify")
@requires("classify")
def classify() -> ResponseReturnValue:
    """Route one complaint (``text``...) or a batch (``complaints: [...]``)."""
    state = services()
    body = json_object()
    limit = state.settings.max_text_chars
    if "complaints" in body:
        check_fields(body, ["complaints"])
        batch = body["complaints"]
        if not isinstance(batch, list) or not batch:
            raise bad_request("'complaints' must be a non-empty list")
        if len(batch) > state.settings.max_batch:
            raise bad_request(f"a batch holds at most {state.settings.max_batch} complaints")
        records = []
        for i, item in enumerate(batch):
            if not isinstance(item, dict):
                raise bad_request(f"complaints[{i}] must be an object")
            check_fields(item, COMPLAINT_FIELDS, where=f"complaints[{i}]")
            records.append(complaint_fields(item, limit, where=f"complaints[{i}]"))
        decisions, _ = route(records)
        payload: dict[str, Any] = {
            "model_version": state.model.version,
            "decisions": [d.to_dict() for d in decisions],
        }
        return jsonify(payload)
    check_fields(body, COMPLAINT_FIELDS)
    (decision,), _ = route([complaint_fields(body, limit)])
    return jsonify({"model_version": state.model.version, **decision.to_dict()})
