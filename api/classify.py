"""POST /v1/classify: route one complaint or a batch without storing anything."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import requires
from api.casework import intake_view
from api.requests import ClassifyBatch, ClassifyRequest
from api.state import services
from api.validation import parse_body
from triage.routing.decision import RoutingDecision
from triage.store import NewPrediction

bp = Blueprint("classify", __name__)


def route(records: list[dict[str, str | None]]) -> tuple[list[RoutingDecision], float]:
    """Decisions for ``records`` and the time the model took, in milliseconds.

    A complaint whose place is not in the tenant's gazetteer goes to review, with the reason.
    """
    state = services()
    started = time.perf_counter()
    decisions = state.model.decide(records, authority=state.settings.authority)
    elapsed_ms = (time.perf_counter() - started) * 1000
    # The caller's tenant's places; a tenant without a gazetteer has none to vet against.
    gazetteer = state.tenant.gazetteer
    decisions = [
        _vetted(
            decision,
            gazetteer.doubt(record.get("kecamatan"), record.get("kelurahan"))
            if gazetteer is not None
            else None,
        )
        for decision, record in zip(decisions, records, strict=True)
    ]
    for decision in decisions:
        state.metrics.observe_prediction(decision.opd, decision.needs_review)
    return decisions, elapsed_ms


def prediction(decision: RoutingDecision, elapsed_ms: float) -> NewPrediction:
    """What the store keeps of a routing decision, for every path that stores complaints."""
    return NewPrediction(
        model_version=services().model.version,
        opd=decision.opd,
        opd_confidence=decision.opd_confidence,
        topic=decision.topic,
        topic_confidence=decision.topic_confidence,
        needs_review=decision.needs_review,
        latency_ms=round(elapsed_ms, 3),
        authority=decision.authority,
        external_body=decision.external_body,
    )


def _vetted(decision: RoutingDecision, doubt: str | None) -> RoutingDecision:
    # A place outside the city may be a typo, another city's complaint or made up: a human
    # decides before an office is named after it.
    if doubt is None:
        return decision
    return replace(decision, needs_review=True, reasons=(*decision.reasons, doubt))


@bp.post("/classify")
@requires("classify")
def classify() -> ResponseReturnValue:
    """Route one complaint (``text``...) or a batch (``complaints: [...]``)."""
    state = services()
    sent = parse_body(ClassifyRequest).root
    if isinstance(sent, ClassifyBatch):
        decisions, _ = route([item.record() for item in sent.complaints])
        payload: dict[str, Any] = {
            "model_version": state.model.version,
            "decisions": [
                {**d.to_dict(), **intake_view(item.text, item.kecamatan, item.kelurahan)}
                for d, item in zip(decisions, sent.complaints, strict=True)
            ],
        }
        return jsonify(payload)
    (decision,), _ = route([sent.record()])
    flags = intake_view(sent.text, sent.kecamatan, sent.kelurahan)
    return jsonify({"model_version": state.model.version, **decision.to_dict(), **flags})
