"""The table of operations the OpenAPI document lists: path, method, words, and the models of
their body, query and answers (:mod:`api.requests`, :mod:`api.responses`).

A description may name a setting in braces (``{max_batch}``); :mod:`api.openapi` fills it in
from the settings the service runs with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from api import requests as rq
from api import responses as rs
from api.model_admin import CHECK_SECONDS

Answer = tuple[str, type[BaseModel] | None]


@dataclass(frozen=True)
class Operation:
    """One route as the document shows it."""

    method: str
    path: str
    operation_id: str
    summary: str
    answers: dict[str, Answer]
    description: str = ""
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    # Shared error responses by name (components/responses), beyond those every key may get.
    errors: tuple[str, ...] = ()
    # Errors particular to this operation: status to description.
    own_errors: dict[str, str] = field(default_factory=dict)
    # Probes for the orchestrator: no key, so none of the key errors.
    public: bool = False


# Shared error responses: name, status and what they mean.
ERRORS: dict[str, tuple[str, str]] = {
    "BadRequest": ("400", "The body or a parameter is malformed"),
    "Unauthorized": ("401", "No API key, or an unknown or revoked one"),
    "Forbidden": ("403", "The key's role may not call this"),
    "NotFound": ("404", "No such complaint or alert"),
    "TooLarge": ("413", "The body exceeds the size limit"),
    "UnsupportedMediaType": ("415", "The body is not JSON"),
    "RateLimited": (
        "429",
        "Too many requests for this key, or too many unknown keys from this address; "
        "see Retry-After",
    ),
    "InternalError": ("500", "An unexpected error; it was logged"),
    "Unavailable": ("503", "The database cannot be used (unreachable or not migrated)"),
}
KEY_ERRORS = ("Unauthorized", "Forbidden", "RateLimited", "InternalError")
BODY_ERRORS = ("BadRequest", "TooLarge", "UnsupportedMediaType")

_COMPLAINT = "/v1/complaints/{complaint_id}"
_ALERT = "/v1/alerts/{alert_id}"

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "post", "/v1/classify", "classify", "Route one complaint or a batch, without storing",
        {"200": ("Routing decision(s)", rs.ClassifyResult)},
        description="Role ingest, review or admin. Batches up to {max_batch} complaints.",
        body=rq.ClassifyRequest,
    ),
    Operation(
        "post", "/v1/complaints", "createComplaint",
        "Store and route a complaint (idempotent on source + external_id)",
        {
            "201": ("Stored and routed", rs.Complaint),
            "200": ("Already stored: the first complaint", rs.Complaint),
            "409": (
                "Another complaint is stored under this source and external_id",
                rs.Conflict,
            ),
        },
        description="Role ingest, review or admin. A retry of a stored (source, external_id) "
        "returns the stored complaint with 200; one that differs from it (text, title, places, "
        "channel, or a created_at sent) gets 409 naming the fields and the stored id.",
        body=rq.ComplaintCreate,
        errors=("Unavailable",),
        own_errors={"422": "A created_at later than tomorrow"},
    ),
    Operation(
        "get", "/v1/complaints", "listComplaints",
        "List complaints, urgent ones first, then oldest first (the review queue)",
        {"200": ("One page", rs.QueuePage)},
        description="Role review, read or admin. Filter by status, opd and lifecycle state. "
        "Each complaint carries its incident (`incident_id`, the incident's first complaint; "
        "`duplicate_of` when sent again), `incident_size` and `incident_open`. "
        "`group=incident` lists one item per incident instead: its first complaint (shown "
        "even when the filters would not list it) with the incident's other listed "
        "complaints in `members`, sorted as the queue (an incident is as urgent as its most "
        "urgent listed complaint, as old as its oldest open one), paged over incidents.",
        query=rq.ComplaintQuery,
    ),
    Operation(
        "get", _COMPLAINT, "getComplaint", "One complaint with its prediction and corrections",
        {"200": ("The complaint", rs.Complaint)},
        description="Role review, read or admin.",
        errors=("NotFound",),
    ),
    Operation(
        "post", f"{_COMPLAINT}/correction", "correctComplaint",
        "Set the right OPD and/or topic (kept for retraining)",
        {"200": ("The corrected complaint", rs.Complaint)},
        description="Role review or admin.",
        body=rq.CorrectionRequest,
        errors=("NotFound",),
        own_errors={
            "422": "A label the model does not know, or an area office outside the gazetteer, "
            "without new_label"
        },
    ),
    Operation(
        "post", f"{_COMPLAINT}/transitions", "transitionComplaint",
        "Move a complaint to another lifecycle state (the event is kept)",
        {
            "201": ("Moved: the event and the complaint", rs.TransitionResult),
            "409": ("The move is not allowed from the current state", rs.IllegalTransition),
        },
        description="Role review or admin; some moves (closing, undoing an archive, "
        "reopening) are admin only (403). The actor is the calling key's name. reason and "
        "tanggapan are masked. 409 names the allowed next states. Resolving or archiving the "
        "first complaint of an incident lists its other open complaints in `cluster_open`; "
        "with `apply_to_cluster` they move too, an event each, in one transaction: members "
        "already ended are skipped (`cluster.skipped`), and an illegal move for any member is "
        "a 409 with nothing moved, as is apply_to_cluster to another state or on a member.",
        body=rq.TransitionRequest,
        errors=("NotFound",),
    ),
    Operation(
        "get", f"{_COMPLAINT}/events", "complaintEvents", "A complaint's events, oldest first",
        {"200": ("The events", rs.EventList)},
        description="Role review, read or admin.",
        errors=("NotFound",),
    ),
    Operation(
        "get", "/v1/stats", "stats", "Counts, auto-routed share and live accuracy per OPD",
        {"200": ("Figures", rs.Stats)},
        description="Role read or admin. Dates are local days in {timezone}; 'to' is inclusive. "
        "`by_state` counts complaints per lifecycle state; `compliance` has, per agency and "
        "month of receipt, the SLA figures (TRIAGE_SLA_* settings) and the overdue list.",
        query=rq.StatsQuery,
    ),
    Operation(
        "get", "/v1/model", "model", "The active model: version, labels, metrics",
        {"200": ("The model", rs.Model)},
        description="Role review, read or admin.",
    ),
    Operation(
        "post", "/v1/model/reload", "reloadModel",
        "Load the active model again, e.g. right after `triage models promote`",
        {"200": ("Switched", rs.Reloaded)},
        description="Role admin. Workers also follow models/ACTIVE on their own within "
        f"{CHECK_SECONDS:g} s.",
        own_errors={"409": "The model cannot be loaded; the previous one keeps serving"},
    ),
    Operation(
        "get", "/v1/trends", "trends",
        "Complaint counts per period and group against the seasonal baseline",
        {"200": ("Series per group", rs.Trends)},
        description="Role read or admin. Groups with complaints in the range, most complaints "
        "first. Dates are local days in {timezone}; weeks start on Monday. Defaults: group "
        "topic, freq W, to today, from 26 weeks (8 weeks for days) before 'to'; at most 106 "
        "weeks or 366 days at a time. Computed on request and cached per worker for a few "
        "minutes.",
        query=rq.TrendsQuery,
    ),
    Operation(
        "get", "/v1/alerts", "listAlerts", "Spike alerts, most severe first",
        {"200": ("One page", rs.AlertPage)},
        description="Role read or admin. Refreshed by `triage alerts refresh`. One spike "
        "usually raises alerts in several groupings (the topic city-wide, the kecamatan, the "
        "topic in the kecamatan); by default (`related=nested`) each spike is one item, its "
        "headline alert, with the others under it in `related`: `context` for a broader count "
        "the spike lifts, `where` for the places a city-wide rise happened in. An open alert "
        "folded under an acknowledged headline is listed by itself. `related=flat` lists "
        "every alert by itself.",
        query=rq.AlertQuery,
    ),
    Operation(
        "get", _ALERT, "getAlert", "One alert with its chart series and related alerts",
        {"200": ("The alert", rs.Alert)},
        description="Role read or admin. `headline_id` names the alert it is shown under; "
        "`related` lists the alerts shown under it.",
        errors=("NotFound",),
    ),
    Operation(
        "post", f"{_ALERT}/ack", "acknowledgeAlert",
        "Acknowledge an alert and the alerts shown under it (idempotent)",
        {"200": ("The acknowledged alert", rs.Alert)},
        description="Role review or admin. The body is optional. Acknowledging a headline "
        "also acknowledges the open alerts shown under it (its `related`, noted as "
        "acknowledged with it), including any folded under it since an earlier "
        "acknowledgement. Acknowledging again returns the first acknowledgement unchanged; a "
        "later refresh keeps it.",
        body=rq.AcknowledgeRequest,
        body_required=False,
        errors=("NotFound",),
    ),
    Operation(
        "get", "/healthz", "healthz", "Liveness", {"200": ("Alive", rs.Health)}, public=True
    ),
    Operation(
        "get", "/readyz", "readyz", "Readiness: model loaded, database at the current schema",
        {"200": ("Ready", rs.Health), "503": ("Not ready", rs.Health)},
        public=True,
    ),
    Operation(
        "get", "/metrics", "metrics", "Prometheus metrics of the answering worker",
        {"200": ("Text exposition format", None)},
        description="Counts per route and per agency, so not for everyone: send the "
        "`TRIAGE_METRICS_KEY` as a bearer token, or an API key of role read or admin. "
        "`TRIAGE_METRICS_PUBLIC=true` opens it for a Prometheus on a private network. "
        "`/healthz` and `/readyz` stay open for orchestrators.",
    ),
)  # fmt: skip
