"""Complaints: store and route, read back, the admins' review queue, and corrections."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from api.auth import current_caller, requires
from api.casework import complaint_view, complaint_views, intake_flags, notify_urgent
from api.classify import prediction, route
from api.errors import ApiError
from api.fields import MAX_ID
from api.requests import ComplaintCreate, ComplaintQuery, CorrectionRequest
from api.state import RoutingModel, services
from api.validation import parse_body, parse_query
from triage.routing.labels import AREA_CLASSES, OTHER_LABEL, area_office
from triage.store import ComplaintRecord, IncidentPage, NewComplaint
from triage.store.complaints import authority_choices
from triage.tenants.gazetteer import Gazetteer

bp = Blueprint("complaints", __name__)

# Ids past a 32-bit signed integer cannot exist and would overflow the database drivers.
ID = f"<int(max={MAX_ID}):complaint_id>"


@bp.post("/complaints")
@requires("ingest")
def create() -> ResponseReturnValue:
    """Store a complaint and route it; a retry of the same (source, external_id) returns 200,
    or 409 when it differs from the stored complaint."""
    state = services()
    sent = parse_body(ComplaintCreate)
    created_at = sent.created_at
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=state.settings.timezone)
    urgent, urgency_reason, missing = intake_flags(
        sent.text, kecamatan=sent.kecamatan, kelurahan=sent.kelurahan
    )
    new = NewComplaint(
        source=sent.source,
        external_id=sent.external_id,
        text=sent.text,
        title=sent.title,
        kecamatan=sent.kecamatan,
        kelurahan=sent.kelurahan,
        channel=sent.channel,
        created_at=created_at,
        place_known=_place_known(state.tenant.gazetteer, sent.kecamatan, sent.kelurahan),
        urgent=urgent,
        urgency_reason=urgency_reason,
        missing=missing,
    )
    existing = state.complaints.find(sent.source, sent.external_id)
    if existing is not None:
        return _retried(new, existing)
    (decision,), elapsed_ms = route([sent.record()])
    record, created = state.complaints.add(new, prediction(decision, elapsed_ms))
    if not created:
        return _retried(new, record)
    notify_urgent(state.settings.urgent_webhook, record)
    return jsonify(complaint_view(record, ())), 201


def _place_known(
    gazetteer: Gazetteer | None, kecamatan: str | None, kelurahan: str | None
) -> bool | None:
    if gazetteer is None or (kecamatan is None and kelurahan is None):
        return None
    return gazetteer.doubt(kecamatan, kelurahan) is None


def _retried(new: NewComplaint, stored: ComplaintRecord) -> ResponseReturnValue:
    # A retry must repeat the complaint: an id reused for another one would otherwise be
    # answered with somebody else's complaint and the new one silently lost.
    changed = new.differences(stored)
    if not changed:
        return jsonify(complaint_view(stored)), 200
    body = {
        "error": "conflict",
        "detail": f"complaint {stored.id} was stored under this source and external_id with "
        f"a different {', '.join(changed)}; send a new external_id for a new complaint",
        "existing_id": stored.id,
    }
    return jsonify(body), 409


@bp.get(f"/complaints/{ID}")
@requires("read_complaints")
def get(complaint_id: int) -> ResponseReturnValue:
    """One complaint with its prediction and corrections."""
    return jsonify(complaint_view(services().complaints.get(complaint_id)))


@bp.get("/complaints")
@requires("read_complaints")
def queue() -> ResponseReturnValue:
    """Complaints filtered by ``status``, ``opd`` and ``state``, urgent ones first, then oldest
    first, a page at a time."""
    asked = parse_query(ComplaintQuery)
    filters = {"status": asked.status, "opd": asked.opd, "state": asked.state}
    store = services().complaints
    if asked.group == "incident":
        grouped = store.list_incident_page(**filters, limit=asked.limit, offset=asked.offset)
        return jsonify({"group": "incident", **incident_views(grouped)})
    page = store.list_page(**filters, limit=asked.limit, offset=asked.offset)
    payload: dict[str, Any] = {
        "items": complaint_views(page.items),
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
    return jsonify(payload)


def incident_views(page: IncidentPage) -> dict[str, Any]:
    """A page of incidents: each first complaint's view with its members' views nested,
    all read at once."""
    records = [r for entry in page.items for r in (entry.first, *entry.members)]
    views = iter(complaint_views(records))
    items = []
    for entry in page.items:
        item = next(views)
        item["members"] = [next(views) for _ in entry.members]
        items.append(item)
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}


def _check_label(
    kind: str, label: str, known: set[str], new_label: bool, gazetteer: Gazetteer | None
) -> None:
    if label in known or new_label:
        return
    if kind == "opd" and _is_area_office(label):
        if gazetteer is None or gazetteer.knows_office(label):
            return
        raise ApiError(
            422,
            "unknown_label",
            f"opd {label!r} names a place that is not in the tenant's gazetteer; "
            'send "new_label": true to add it all the same',
        )
    hint = " or an area office such as 'Kecamatan Andir'" if kind == "opd" else ""
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
    """Set the right OPD, topic and/or authority; the correction is kept for retraining."""
    state = services()
    sent = parse_body(CorrectionRequest)
    opd, topic, new_label = sent.opd, sent.topic, sent.new_label
    gazetteer = state.tenant.gazetteer
    place_known = None
    if opd is not None:
        _check_label("opd", opd, _known_labels(state.model, "opd"), new_label, gazetteer)
        if _is_area_office(opd) and gazetteer is not None:
            place_known = gazetteer.knows_office(opd)
    if topic is not None:
        _check_label("topic", topic, _known_labels(state.model, "topic"), new_label, gazetteer)
    _check_authority(sent.authority, opd)
    caller = current_caller().name
    record = state.complaints.correct(
        complaint_id,
        corrected_by=f"{caller}/{sent.reviewer}" if sent.reviewer else caller,
        opd=opd,
        topic=topic,
        new_label=new_label,
        reason=sent.reason,
        place_known=place_known,
        authority=sent.authority,
    )
    return jsonify(complaint_view(record))


def _check_authority(authority: str | None, opd: str | None) -> None:
    if authority is None:
        return
    choices = authority_choices()
    if authority not in choices:
        raise ApiError(
            422,
            "unknown_authority",
            f"authority {authority!r} is neither 'local' nor a key of the external bodies' "
            f"registry: {', '.join(choices[1:])}",
        )
    if authority != "local" and opd is not None:
        raise ApiError(
            422,
            "invalid_input",
            f"authority {authority!r} sends the complaint to that body, not to an opd; "
            "send one of them",
        )
