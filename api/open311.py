"""Open311 GeoReport v2 at /open311/v2/: services from the model's topics, service requests
stored as complaints through the same masking, routing and idempotency as POST /v1/complaints.

Errors on this surface follow the spec, ``[{"code": 400, "description": "..."}]``, not the
service's own ``{"error", "detail"}`` shape.
"""

from __future__ import annotations

import hashlib
import logging
import math
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from api.auth import (
    PERMISSIONS,
    Caller,
    TooManyFailures,
    bind_tenant,
    caller_of,
    check_key,
    failures_error,
    presented_key,
)
from api.classify import prediction, route
from api.errors import ApiError
from api.fields import MAX_ID
from api.open311_schemas import (
    SERVICE_NOTICE,
    SOURCE,
    Service,
    ServiceRequestForm,
    location_text,
    open311_status,
    request_dict,
    service_name,
    services_of,
)
from api.state import RoutingModel, services
from api.validation import validate
from triage.errors import InputError, TriageError
from triage.periods import MAX_YEAR, MIN_YEAR
from triage.store import ComplaintRecord, ComplaintStore, NewComplaint, NotFoundError

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
logger = logging.getLogger("api.open311")

MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
_PAGE = 200
# Where the app keeps the services of the model it serves, beside that model.
_SERVICES = "triage.open311_services"


def spec_error(code: int, description: str, headers: dict[str, str] | None = None) -> Response:
    """An error as GeoReport v2 writes it."""
    response = jsonify([{"code": code, "description": description}])
    response.status_code = code
    response.headers.update(headers or {})
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    # Missing and unknown keys are 403 in the spec, where the rest of the service says 401.
    code = 403 if exc.status == 401 else exc.status
    return spec_error(
        code, exc.detail, {k: v for k, v in exc.headers.items() if k != "WWW-Authenticate"}
    )


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return spec_error(exc.code or 500, exc.description or exc.name or "error")


@bp.errorhandler(TriageError)
def _triage_error(exc: TriageError) -> Response:
    if isinstance(exc, NotFoundError):
        return spec_error(404, str(exc))
    if isinstance(exc, InputError):
        return spec_error(400, str(exc))
    logger.error("open311 request failed", extra={"path": request.path}, exc_info=exc)
    return spec_error(503, "the service cannot answer now (database or model); it was logged")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    logger.error("unhandled error", extra={"path": request.path}, exc_info=exc)
    return spec_error(500, "an unexpected error occurred; it was logged")


def _authorize(permission: str) -> Caller:
    """The caller of ``api_key`` (form field, query or the usual headers), role and rate checked."""
    state = services()
    if not state.settings.auth:
        caller = Caller(name=f"anonymous@{request.remote_addr or 'local'}", role="admin")
    else:
        key = request.form.get("api_key") or request.args.get("api_key") or presented_key()
        if not key:
            raise ApiError(403, "forbidden", "send your api_key")
        try:
            client = check_key(key)
        except TooManyFailures as exc:
            raise failures_error(exc) from None
        if client is None:
            raise ApiError(403, "forbidden", "unknown or revoked api_key")
        caller = caller_of(client)
    bind_tenant(caller)
    if permission not in PERMISSIONS.get(caller.role, frozenset()):
        raise ApiError(403, "forbidden", f"this api_key may not {permission.replace('_', ' ')}")
    wait = state.limiter.check(caller.limit_key)
    if wait > 0:
        seconds = str(math.ceil(wait))
        raise ApiError(429, "rate_limited", f"too many requests; retry in {seconds} s",
                       {"Retry-After": seconds})  # fmt: skip
    return caller


def current_services() -> tuple[Service, ...]:
    """The active model's topics as services, computed once per model the app serves."""
    model: RoutingModel = services().model
    known = current_app.extensions.get(_SERVICES)
    if known is None or known[0] is not model:
        # A switched model (POST /v1/model/reload, a new ACTIVE) gets its own list.
        known = (model, services_of(model))
        current_app.extensions[_SERVICES] = known
    found: tuple[Service, ...] = known[1]
    return found


def _by_code(code: str) -> Service:
    for service in current_services():
        if service.code == code:
            return service
    raise ApiError(404, "not_found", f"no service with service_code {code!r}")


@bp.get("/services.json")
def list_services() -> ResponseReturnValue:
    """Every service (no key needed)."""
    return jsonify([service.to_dict() for service in current_services()])


@bp.get("/services/<code>.json")
def service_definition(code: str) -> ResponseReturnValue:
    """One service's definition: it asks for no attributes."""
    return jsonify(_by_code(code).definition())


# Hex digits in letters: a run of digits in an id could look like a NIK or phone number to
# the store's identifier check and refuse the complaint.
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def _external_id(caller: Caller, form: ServiceRequestForm) -> str:
    # The same form resent by the same client is a retry; the reporter's contact fields enter
    # only this hash, never the store.
    body = form.model_dump(exclude={"device_id"})
    digest = hashlib.sha256(repr((caller.name, sorted(body.items()))).encode()).hexdigest()
    device = hashlib.sha256((form.device_id or "").encode()).hexdigest()
    return f"o311-{device[:8]}-{digest[:32]}".translate(_LETTERS)


@bp.post("/requests.json")
def create_request() -> ResponseReturnValue:
    """Store a service request as a complaint and route it."""
    caller = _authorize("ingest")
    state = services()
    if request.mimetype not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        raise ApiError(400, "invalid_input", "send the request form-encoded "
                       "(application/x-www-form-urlencoded)")  # fmt: skip
    data = {k: v for k, v in request.form.to_dict().items() if k != "api_key"}
    for name in ("service_code", "description"):
        if not data.get(name, "").strip():
            raise ApiError(400, "invalid_input", f"{name} is required")
    form = validate(ServiceRequestForm, data, "form")
    service = _by_code(str(form.service_code))
    if (form.lat is None) != (form.long is None):
        raise ApiError(400, "invalid_input", "send both lat and long, or neither")
    if form.lat is None and not form.address_string and not form.address_id:
        raise ApiError(400, "invalid_input", "a location is required: lat and long, "
                       "or address_string")  # fmt: skip
    new = NewComplaint(
        source=SOURCE,
        external_id=_external_id(caller, form),
        text=form.description + location_text(form.address_string, form.lat, form.long),
        title=service.name,
    )
    record = state.complaints.find(new.source, new.external_id)
    if record is None:
        (decision,), elapsed_ms = route([{"text": form.description, "title": service.name}])
        record, _ = state.complaints.add(new, prediction(decision, elapsed_ms))
    answer = {"service_request_id": str(record.id), "service_notice": SERVICE_NOTICE,
              "account_id": None}  # fmt: skip
    return jsonify([answer]), 201


def _codes() -> dict[str, Service]:
    return {service.name: service for service in current_services()}


def _as_dict(record: ComplaintRecord) -> dict[str, Any]:
    return request_dict(record, _codes(), services().settings.timezone)


@bp.get("/requests/<request_id>.json")
def get_request(request_id: str) -> ResponseReturnValue:
    """One service request, as a list of one (the spec's shape)."""
    _authorize("read_complaints")
    if not request_id.isascii() or not request_id.isdigit() or int(request_id) > MAX_ID:
        raise ApiError(404, "not_found", f"no service request {request_id!r}")
    return jsonify([_as_dict(services().complaints.get(int(request_id)))])


def _moment(name: str) -> datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_input", f"{name} must be an ISO 8601 date and time, "
                       "e.g. 2024-01-31T00:00:00Z") from None  # fmt: skip
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ApiError(400, "invalid_input", f"{name} must fall between the years "
                       f"{MIN_YEAR} and {MAX_YEAR}")  # fmt: skip
    return moment if moment.tzinfo else moment.replace(tzinfo=services().settings.timezone)


def _choices(name: str, allowed: set[str] | None = None) -> set[str]:
    raw = request.args.get(name, "")
    chosen = {part.strip() for part in raw.split(",") if part.strip()}
    if allowed is not None and chosen - allowed:
        raise ApiError(400, "invalid_input", f"{name} must be one of {', '.join(sorted(allowed))}")
    return chosen


def _by_ids(raw: str) -> list[ComplaintRecord]:
    store = services().complaints
    found: list[ComplaintRecord] = []
    for part in dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()):
        if len(found) == MAX_RESULTS:
            break
        if part.isascii() and part.isdigit() and int(part) <= MAX_ID:
            try:
                found.append(store.get(int(part)))
            except NotFoundError:
                continue
    return found


def _offset_from(store: ComplaintStore, total: int, moment: datetime) -> int:
    """The first position, oldest first, of a complaint created at or after ``moment``."""
    # The store lists complaints oldest first; a binary search finds a date's position in
    # about log2(total) single-row reads instead of reading every complaint before it.
    low, high = 0, total
    while low < high:
        middle = (low + high) // 2
        (item,) = store.list_page(limit=1, offset=middle).items
        if item.created_at < moment:
            low = middle + 1
        else:
            high = middle
    return low


def _in_window(start: datetime, end: datetime) -> list[ComplaintRecord]:
    """Complaints created from ``start`` to ``end`` that pass the filters, newest first."""
    store = services().complaints
    statuses = _choices("status", {"open", "closed"})
    codes = _choices("service_code")
    names = {s.name for s in current_services() if s.code in codes}
    total = store.list_page(limit=1).total
    first = _offset_from(store, total, start)
    stop = _offset_from(store, total, end + timedelta(microseconds=1))
    found: list[ComplaintRecord] = []
    while stop > first and len(found) < MAX_RESULTS:
        size = min(_PAGE, stop - first)
        page = store.list_page(limit=size, offset=stop - size).items
        stop -= size
        for record in reversed(page):
            if statuses and open311_status(record) not in statuses:
                continue
            if codes and service_name(record) not in names:
                continue
            found.append(record)
    return found[:MAX_RESULTS]


@bp.get("/requests.json")
def list_requests() -> ResponseReturnValue:
    """Service requests by id, or created in a date window, newest first; at most 1000.

    The window ends now and starts 90 days before its end unless the dates say otherwise.
    """
    _authorize("read_complaints")
    ids = request.args.get("service_request_id", "").strip()
    if ids:
        return jsonify([_as_dict(record) for record in _by_ids(ids)])
    start, end = _moment("start_date"), _moment("end_date")
    if end is None:
        end = datetime.now(services().settings.timezone)
    if start is None:
        start = end - WINDOW
    if start > end:
        raise ApiError(400, "invalid_input", "start_date is after end_date")
    return jsonify([_as_dict(record) for record in _in_window(start, end)])


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything: str) -> ResponseReturnValue:
    """Anything else under /open311/v2/ gets the spec's 404 (JSON only: no .xml here)."""
    hint = "; this server answers JSON only (.json)" if anything.endswith(".xml") else ""
    return spec_error(404, f"no resource {anything!r} here{hint}")
