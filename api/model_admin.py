"""POST /v1/model/reload, and the switch to a newly promoted model without a restart.

``triage models promote`` replaces ``models/ACTIVE``.  Every worker notices on its own: at
most every :data:`CHECK_SECONDS` a request looks at the pointer's mtime and inode (one
``stat``), and when it names another version the worker loads that model completely and
then swaps one reference, the services object, so a request in flight finishes with the
model it started with and none fails.  ``POST /v1/model/reload`` (admin key) does the same
at once in the worker that answers it.  A model pinned with ``TRIAGE_MODEL_DIR`` or handed
in by a test is never switched automatically.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from api.auth import current_caller, requires
from api.errors import ApiError
from api.state import Services
from triage.errors import TriageError
from triage.modelops.persistence import ACTIVE, find_active_model, load_model

bp = Blueprint("model_admin", __name__)
logger = logging.getLogger("api.model")

CHECK_SECONDS = 2.0
_WATCH = "triage.model_watch"


class _Watch:
    """When this worker last looked at ACTIVE and what it saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = 0.0
        self.seen: tuple[int, int] | None = None


def _state(app: Flask) -> Services:
    found: Services = app.extensions["triage"]
    return found


def _pinned(app: Flask) -> bool:
    return bool(_state(app).settings.model_dir) or hasattr(app.config.get("MODEL"), "decide")


def switch_model(app: Flask, directory: Path) -> tuple[str, str]:
    """Load the model in ``directory`` fully, then make it the app's model in one assignment.

    Returns
    -------
    (str, str)
        The previous and the new version.

    Raises
    ------
    TriageError
        When the model cannot be loaded; the old model keeps serving.
    """
    model = load_model(directory)
    state = _state(app)
    spec = {**state.openapi, "info": {**state.openapi["info"], "version": model.version}}
    app.extensions["triage"] = replace(state, model=model, openapi=spec)
    logger.info("model switched", extra={"from": state.model.version, "to": model.version})
    return state.model.version, model.version


def _target(app: Flask) -> Path:
    settings = _state(app).settings
    return settings.model_dir or find_active_model(settings.models_dir)


@bp.before_app_request
def _follow_active() -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    watch: _Watch = app.extensions.setdefault(_WATCH, _Watch())
    now = time.monotonic()
    if now - watch.checked < CHECK_SECONDS or _pinned(app):
        return
    # One request per worker checks; the others go on with the current model meanwhile.
    if not watch.lock.acquire(blocking=False):
        return
    try:
        watch.checked = now
        pointer = _state(app).settings.models_dir / ACTIVE
        try:
            info = os.stat(pointer)
        except OSError:
            return
        seen = (info.st_mtime_ns, info.st_ino)
        if seen == watch.seen:
            return
        watch.seen = seen
        directory = _target(app)
        if directory.name != _state(app).model.version:
            switch_model(app, directory)
    except TriageError as exc:
        # Keep serving the old model; the next change of ACTIVE is tried again.
        logger.error("promoted model cannot be loaded", extra={"error": str(exc)})
    finally:
        watch.lock.release()


@bp.post("/model/reload")
@requires("read_model")
def reload() -> ResponseReturnValue:
    """Load the active model (or the pinned one) again and switch to it."""
    caller = current_caller()
    if caller.role != "admin":
        raise ApiError(403, "forbidden", f"role {caller.role!r} may not reload the model")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        previous, version = switch_model(app, _target(app))
    except TriageError as exc:
        raise ApiError(409, "reload_failed", f"{exc}; the previous model keeps serving") from exc
    return jsonify({"previous": previous, "version": version, "changed": previous != version})
