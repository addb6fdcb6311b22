"""Complaints: store and route, read back, the admins' review queue, and corrections."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from api.auth import current_caller, requires
from api.classify import route
from api.errors import ApiError
from api.state import RoutingModel, services
from api.validation import (
    COMPLAINT_FIELDS,
    boolean,
    check_fields,
    complaint_fields,
    int_arg,
    json_object,
    query_text,
    string,
    timestamp,
)
from triage.routing.labels import AREA_CLASSES, OTHER_LABEL, area_office
from triage.store import STATUSES, NewComplaint, NewPrediction

bp = Blueprint("complaints", __name__)

# Ids past a 32-bit signed integer cannot exist and would overflow the database drivers.
ID = "<int(max=2147483647):complaint_id>"
CREATE_FIELDS = (*COMPLAINT_FIELDS, "source", "external_id", "channel", "created_at")
CORRECTION_FIELDS = ("opd", "topic", "new_label", "reason", "reviewer")


@bp.post("/complaints")
@requires("ingest")
def create() -> ResponseReturnValue:
    """Store a complaint and route it; a retry of the same (source, external_id) returns 200."""
    state = services()
    body = json_object()
    check_fields(body, CREATE_FIELDS)
    source = string(body, "source", required=True, max_length=64)
    external_id = string(body, "external_id", required=True, max_length=128)
    if source is None or external_id is None:  # string(required=True) raised already
        raise ApiError(400, "invalid_input", "'source' and 'external_id' are required")
    fields = complaint_fields(body, state.settings.max_text_chars)
    channel = string(body, "channel", max_length=64)
    created_at = timestamp(body, "created_at", state.settings.timezone)
    existing = state.complaints.find(source, external_id)
    if existing is not None:
        return jsonify(existing.to_dict()), 200
    (decision,), elapsed_ms = route([fields])
    new = NewComplaint(
        source=source,
        external_id=external_id,
        text=fields["text"] or "",
        title=fields["title"],
        kecamatan=fields["kecamatan"],
        kelurahan=fields["kelurahan"],
        channel=channel,
        created_at=created_at,
    )
    prediction = NewPrediction(
        model_version=state.model.version,
        opd=decision.opd,
        opd_confidence=decision.opd_confidence,
        topic=decision.topic,
        topic_confidence=decision.topic_confidence,
        needs_review=decision.needs_review,
        latency_ms=round(elapsed_ms, 3),
    )
    record, created = state.complaints.add(new, prediction)
    return jsonify(record.to_dict()), 201 if created else 200


@bp.get(f"/complaints/{ID}")
@requires("read_complaints")
def get(complaint_id: int) -> ResponseReturnValue:
    """One complaint with its prediction and corrections."""
    return jsonify(services().complaints.get(complaint_id).to_dict())


@bp.get("/complaints")
@requires("read_complaints")
def queue() -> ResponseReturnValue:
    """Complaints filtered by ``status`` and ``opd``, oldest first, a page at a time."""
    state = services()
    check_fields(request.args, ("status", "opd", "limit", "offset"), where="query")
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, "invalid_input", f"'status' must be one of {', '.join(STATUSES)}")
    settings = state.settings
    page = state.complaints.list_page(
        status=status,
        opd=query_text("opd"),
        limit=int_arg("limit", settings.page_size, 1, settings.max_page_size),
        offset=int_arg("offset", 0, 0, 2**31 - 1),
    )
    payload: dict[str, Any] = {
        "items": [item.to_dict() for item in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
    return jsonify(payload)


def _check_label(kind: str, label: str, known: set[str], new_label: bool) -> None:
    if label in known or new_label:
        return
    if kind == "opd" and _is_area_office(label):
        return
    hint = " or an area office such as 'Kecamatan Tegalsari'" if kind == "opd" else ""
    raise ApiError(
        422,
        "unknown_label",
        f"{kind} {label!r} is not one of the model's labels{hint}; "
        'send "new_label": true to add a new one',
    )


def _is_area_office(label: str) -> bool:
    # A concrete office ("Kecamatan Tegalsari"), the form routing gives an area class; the
    # class itself ("Kecamatan (wilayah pelapor)") names no office.
    office = area_office(label)
    return office is not None and bool(office[1]) and label not in AREA_CLASSES


def _known_labels(model: RoutingModel, head: str) -> set[str]:
    return set(model.labels.get(head, [])) - set(AREA_CLASSES) - {OTHER_LABEL}


@bp.post(f"/complaints/{ID}/correction")
@requires("review")
def correct(complaint_id: int) -> ResponseReturnValue:
    """Set the right OPD and/or topic; the correction is kept for retraining."""
    state = services()
    body = json_object()
    check_fields(body, CORRECTION_FIELDS)
    opd = string(body, "opd")
    topic = string(body, "topic")
    new_label = boolean(body, "new_label")
    reason = string(body, "reason", max_length=2000)
    reviewer = string(body, "reviewer", max_length=64)
    if opd is None and topic is None:
        raise ApiError(400, "invalid_input", "send an 'opd', a 'topic' or both")
    if opd is not None:
        _check_label("opd", opd, _known_labels(state.model, "opd"), new_label)
    if topic is not None:
        _check_label("topic", topic, _known_labels(state.model, "topic"), new_label)
    caller = current_caller().name
    record = state.complaints.correct(
        complaint_id,
        corrected_by=f"{caller}/{reviewer}" if reviewer else caller,
        opd=opd,
        topic=topic,
        new_label=new_label,
        reason=reason,
    )
    return jsonify(record.to_dict())
