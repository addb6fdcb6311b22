"""Every error leaves the service as JSON ``{"error", "detail"}`` with a fitting status."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from triage.errors import InputError, ModelError, TriageError
from triage.store import NotFoundError, StoreError

logger = logging.getLogger("api.errors")


class ApiError(Exception):
    """An error with its HTTP status, a short machine-readable code and a sentence for humans."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers or {}


def error_response(
    status: int, error: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """A JSON error response."""
    response = jsonify({"error": error, "detail": detail})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.error, exc.detail, exc.headers)


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    error = (exc.name or "error").lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() in {"allow", "retry-after"}}
    return error_response(code, error, exc.description or exc.name or "error", headers)


def _triage_error(exc: TriageError) -> Response:
    if isinstance(exc, NotFoundError):
        return error_response(404, "not_found", str(exc))
    if isinstance(exc, InputError):
        return error_response(400, "invalid_input", str(exc))
    if isinstance(exc, StoreError):
        # The message is the driver's first line; the chained driver error is left out
        # because PostgreSQL details quote the row's values (complaint text).
        logger.error("database unavailable", extra={"path": request.path, "error": str(exc)})
        return error_response(
            503,
            "database_unavailable",
            "the database cannot be used (unreachable, or not migrated: triage db upgrade); "
            "the service log has the cause",
        )
    if isinstance(exc, ModelError):
        logger.error("model failure", extra={"path": request.path}, exc_info=exc)
        return error_response(500, "model_error", "the model failed on this request")
    return _unexpected(exc)


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    logger.error("unhandled error", extra={"path": request.path}, exc_info=exc)
    return error_response(500, "internal_error", "an unexpected error occurred; it was logged")


def register_error_handlers(app: Flask) -> None:
    """Install the JSON handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(TriageError, _triage_error)
    app.register_error_handler(Exception, _unexpected)
