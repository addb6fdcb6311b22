"""Liveness and readiness for the orchestrator (open), metrics for Prometheus (a key, by default).

/metrics counts requests and decisions per agency, which is more than an outsider should see;
:func:`api.auth.authorize_metrics` says who may read it.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from api.auth import authorize_metrics
from api.state import services
from triage.store import StoreError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process answers."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """The model is loaded and the database answers with the current schema."""
    state = services()
    checks: dict[str, str] = {"model": state.model.version}
    ready = True
    try:
        revision = state.complaints.schema_revision()
    except StoreError:
        checks["database"] = "unreachable"
        ready = False
    else:
        head = state.complaints.head_revision()
        if revision != head:
            checks["database"] = (
                f"schema at {revision or 'none'}, expected {head}: run triage db upgrade"
            )
            ready = False
        else:
            checks["database"] = "ok"
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    return jsonify(body), 200 if ready else 503


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Prometheus text exposition of this worker's counters."""
    authorize_metrics()
    return Response(services().metrics.render(), mimetype="text/plain; version=0.0.4")
