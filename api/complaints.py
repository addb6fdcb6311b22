"""Complaints: store and route, read back, the admins' review queue, and corrections."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import current_caller, requires
from api.classify import route
from api.errors import ApiError
from api.fields import MAX_ID
from api.requests import ComplaintCreate, ComplaintQuery, CorrectionRequest
from api.state import RoutingModel, services
from api.validation import parse_body, parse_query
from triage.routing.labels import AREA_CLASSES, OTHER_LABEL, area_office
from triage.store import NewComplaint, NewPrediction

bp = Blueprint("complaints", __name__)

# Ids past a 32-bit signed integer cannot exist and would overflow the database drivers.
ID = f"<int(max={MAX_ID}):complaint_id>"


@bp.post("/complaints")
@requires("ingest")
def create() -> ResponseReturnValue:
    """Store a complaint and route it; a retry of the same (source, external_id) returns 200."""
    state = services()
    sent = parse_body(ComplaintCreate)
    created_at = sent.created_at
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=state.settings.timezone)
    existing = state.complaints.find(sent.source, sent.external_id)
    if existing is not None:
        return jsonify(existing.to_dict()), 200
    (decision,), elapsed_ms = route([sent.record()])
    new = NewComplaint(
        source=sent.source,
        external_id=sent.external_id,
        text=sent.text,
        title=sent.title,
        kecamatan=sent.kecamatan,
        kelurahan=sent.kelurahan,
        channel=sent.channel,
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
        authority=decision.authority,
        external_body=decision.external_body,
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
    asked = parse_query(ComplaintQuery)
    page = services().complaints.list_page(
        status=asked.status, opd=asked.opd, limit=asked.limit, offset=asked.offset
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
    sent = parse_body(CorrectionRequest)
    opd, topic, new_label = sent.opd, sent.topic, sent.new_label
    if opd is not None:
        _check_label("opd", opd, _known_labels(state.model, "opd"), new_label)
    if topic is not None:
        _check_label("topic", topic, _known_labels(state.model, "topic"), new_label)
    caller = current_caller().name
    record = state.complaints.correct(
        complaint_id,
        corrected_by=f"{caller}/{sent.reviewer}" if sent.reviewer else caller,
        opd=opd,
        topic=topic,
        new_label=new_label,
        reason=sent.reason,
    )
    return jsonify(record.to_dict())
