"""A complaint's life in the service: transitions, events, SLA clocks and the intake flags.

``POST /v1/complaints/<id>/transitions`` moves a complaint (role review or admin; the actor is
the caller's key name); ``GET /v1/complaints/<id>/events`` lists its history.  The complaint
views call :func:`complaint_view` so that every record carries its state and SLA clocks, and
:func:`intake_flags` at intake; :func:`notify_urgent` tells an outside system of emergencies.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from api.auth import current_caller, requires
from api.errors import ApiError
from api.fields import MAX_ID
from api.requests import TransitionRequest
from api.state import current_tenant_id, services
from api.validation import parse_body
from triage.casework.completeness import QUESTIONS, assess_completeness
from triage.casework.sla import SlaPolicy, due_dates, overdue, working_time_elapsed
from triage.casework.urgency import assess_urgency
from triage.errors import CalendarError, RoleError, TransitionError
from triage.routing.external_bodies import default_external_bodies
from triage.store import ComplaintRecord, EventRecord, IncidentStore, milestones
from triage.store.incident_queries import CLUSTER_STATES, ClusterSize

bp = Blueprint("casework", __name__)
logger = logging.getLogger("api.casework")

ID = f"<int(max={MAX_ID}):complaint_id>"
WEBHOOK_TIMEOUT_S = 3.0


def casework_store() -> IncidentStore:
    """The events (and incidents) store of this worker, on the complaint store's engine and
    the caller's tenant."""
    found = current_app.extensions.get("triage_casework")
    if found is None:
        found = IncidentStore(services().complaints.engine)
        current_app.extensions["triage_casework"] = found
    scoped: IncidentStore = found.for_tenant(current_tenant_id())
    return scoped


def sla_view(
    record: ComplaintRecord, events: Sequence[EventRecord], policy: SlaPolicy, now: datetime
) -> dict[str, Any] | None:
    """The SLA clocks of one complaint: due days, working days elapsed, overdue flags.

    None when the holiday calendar does not cover a year on the way (the clocks cannot be
    counted honestly there, and a guess would hide Lebaran leave).
    """
    done = milestones(events)
    try:
        due = due_dates(record.received_at, policy, disposed_at=done.disposed_at)
        late = overdue(
            due,
            now=now,
            verified_at=done.verified_at,
            followed_up_at=done.followed_up_at,
            resolved_at=done.resolved_at,
        )
        elapsed = working_time_elapsed(record.received_at, done.resolved_at or now)
    except CalendarError as exc:
        logger.warning("SLA not counted", extra={"complaint": record.id, "error": str(exc)})
        return None
    return {
        "due": {
            "verification": due.verification.isoformat(),
            "follow_up": due.follow_up.isoformat(),
            "resolution": due.resolution.isoformat(),
        },
        "working_days_elapsed": elapsed,
        "overdue": {
            "verification": "verifikasi" in late,
            "follow_up": "tindak_lanjut" in late,
            "resolution": "penyelesaian" in late,
        },
    }


def complaint_view(
    record: ComplaintRecord,
    events: Sequence[EventRecord] | None = None,
    clusters: dict[int, ClusterSize] | None = None,
) -> dict[str, Any]:
    """A stored complaint as the API shows it: the record, its missing items with the
    question for the reporter, its SLA clocks and the size of its incident (``events`` and
    ``clusters`` are read when not given)."""
    if events is None:
        events = casework_store().histories([record.id]).get(record.id, ())
    if clusters is None:
        clusters = casework_store().cluster_sizes(_incidents([record]))
    body = record.to_dict()
    body["missing"] = missing_view(record.missing)
    body["sla"] = sla_view(record, events, services().tenant.sla, datetime.now(UTC))
    if record.incident_id is not None:
        cluster = clusters.get(record.incident_id, ClusterSize(1, 1))
        body["incident_size"], body["incident_open"] = cluster.size, cluster.open
    return body


def complaint_views(records: Sequence[ComplaintRecord]) -> list[dict[str, Any]]:
    """:func:`complaint_view` for a page, reading all their events and incidents at once."""
    store = casework_store()
    histories = store.histories(record.id for record in records)
    clusters = store.cluster_sizes(_incidents(records))
    return [complaint_view(r, histories.get(r.id, ()), clusters) for r in records]


def _incidents(records: Sequence[ComplaintRecord]) -> list[int]:
    return [r.incident_id for r in records if r.incident_id is not None]


def missing_view(items: Sequence[str]) -> list[dict[str, str]]:
    """Each missing item with the ready question for the reporter."""
    return [{"item": item, "question": QUESTIONS[item]} for item in items if item in QUESTIONS]


def intake_flags(
    text: str, *, kecamatan: str | None = None, kelurahan: str | None = None
) -> tuple[bool, str | None, tuple[str, ...]]:
    """Urgent or not, why, and the missing items of a complaint as it comes in."""
    urgency = assess_urgency(text)
    reason = f"{urgency.category}: {urgency.evidence}" if urgency.level == "urgent" else None
    # The place fields count as a location; place names inside the text are found by the
    # lexicon's street and landmark rules, not by the tenant's gazetteer (left for later).
    complete = assess_completeness(text, location=kecamatan, kelurahan=kelurahan)
    return urgency.level == "urgent", reason, complete.missing


def intake_view(text: str, kecamatan: str | None, kelurahan: str | None) -> dict[str, Any]:
    """The intake flags as the classify answer shows them."""
    urgent, reason, missing = intake_flags(text, kecamatan=kecamatan, kelurahan=kelurahan)
    return {"urgent": urgent, "urgency_reason": reason, "missing": missing_view(missing)}


def notify_urgent(url: str | None, record: ComplaintRecord) -> None:
    """POST the urgent complaint's id, reason and time to ``url`` in a background thread.

    No complaint text leaves the service; a slow or failing receiver is logged and never
    delays or fails the request that stored the complaint.
    """
    if not url or not record.urgent:
        return
    payload = json.dumps(
        {
            "id": record.id,
            "reason": record.urgency_reason,
            "received_at": record.received_at.isoformat(),
        }
    ).encode()
    thread = threading.Thread(
        target=_post, args=(url, payload, record.id), name="urgent-webhook", daemon=True
    )
    thread.start()


def _post(url: str, payload: bytes, complaint_id: int) -> None:
    request = urllib.request.Request(
        url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as answer:
            answer.read(1024)
    except Exception as exc:  # the receiver's failure must never reach the request
        logger.warning(
            "urgent webhook failed",
            extra={"complaint": complaint_id, "error": f"{type(exc).__name__}: {exc}"},
        )


@bp.post(f"/complaints/{ID}/transitions")
@requires("review")
def transition(complaint_id: int) -> ResponseReturnValue:
    """Move a complaint to another lifecycle state; the event is appended to its history.

    Resolving or archiving the first complaint of an incident lists its other open members
    (``cluster_open``); with ``apply_to_cluster`` they are moved too, each with its event.
    """
    sent = parse_body(TransitionRequest)
    if sent.apply_to_cluster:
        return _transition_cluster(complaint_id, sent)
    caller = current_caller()
    store = casework_store()
    try:
        event = store.transition(
            complaint_id,
            to_state=sent.to,
            actor=caller.name,
            role=caller.role,
            reason=sent.reason,
            archive_reason=sent.archive_reason,
            external_body=sent.external_body,
            tanggapan=sent.tanggapan,
            known_bodies=frozenset(default_external_bodies()),
        )
    except RoleError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except TransitionError as exc:
        return _illegal(exc)
    record = services().complaints.get(complaint_id)
    body: dict[str, Any] = {"event": event.to_dict(), "complaint": complaint_view(record)}
    if sent.to in CLUSTER_STATES and record.incident_id == record.id:
        body["cluster_open"] = list(store.open_members(record.id))
    return jsonify(body), 201


def _illegal(exc: TransitionError) -> ResponseReturnValue:
    body = {"error": "illegal_transition", "detail": str(exc), "allowed": list(exc.allowed)}
    return jsonify(body), 409


def _transition_cluster(complaint_id: int, sent: TransitionRequest) -> ResponseReturnValue:
    caller = current_caller()
    try:
        done = casework_store().transition_cluster(
            complaint_id,
            to_state=sent.to,
            actor=caller.name,
            role=caller.role,
            reason=sent.reason,
            archive_reason=sent.archive_reason,
            tanggapan=sent.tanggapan,
            known_bodies=frozenset(default_external_bodies()),
        )
    except RoleError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except TransitionError as exc:
        return _illegal(exc)
    first, *members = done.events
    record = services().complaints.get(complaint_id)
    body: dict[str, Any] = {
        "event": first.to_dict(),
        "complaint": complaint_view(record),
        "cluster": {
            "events": [event.to_dict() for event in members],
            "skipped": [{"id": i, "state": state} for i, state in done.skipped],
        },
    }
    return jsonify(body), 201


@bp.get(f"/complaints/{ID}/events")
@requires("read_complaints")
def events(complaint_id: int) -> ResponseReturnValue:
    """The complaint's events, oldest first."""
    history = casework_store().events(complaint_id)
    return jsonify({"complaint_id": complaint_id, "events": [e.to_dict() for e in history]})
