"""Requests checked against their models (:mod:`api.requests`); failures are 4xx ApiErrors.

A body must be a JSON object (else 415 or 400); a model's refusal becomes one 400 line naming
the field and the reason, such as ``body: 'text' is longer than 20000 characters``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, RootModel, ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from api.errors import ApiError
from api.fields import local_day
from api.state import services

M = TypeVar("M", bound=BaseModel)

# Pydantic's error types, in our words; our own field types give their reason themselves.
_REASONS = {
    "missing": "is required",
    "string_type": "must be a string",
    "string_too_long": "is longer than {max_length} characters",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "too_short": "must hold at least {min_length} item(s)",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be one of {expected}",
}


# Refusals of values well-formed as the document describes them, by a rule it cannot state
# (a created_at after tomorrow): 422, as a label the model does not know.
UNPROCESSABLE = frozenset({"future"})


def bad_request(detail: str) -> ApiError:
    """A 400 ApiError."""
    return ApiError(400, "invalid_input", detail)


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; 415 for another media type, 400 for bad JSON."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        )
    _within_size_limit()
    try:
        body = request.get_json()
    except BadRequest:
        raise bad_request("the body is not valid JSON") from None
    except RecursionError:
        # silent=True covers only ValueError; nesting deeper than the interpreter's stack
        # (well within the size limit) escapes the JSON parser as a RecursionError.
        raise bad_request("the body is not valid JSON: nested too deeply") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def too_large() -> ApiError:
    """The 413 ApiError of a body over TRIAGE_MAX_CONTENT_LENGTH."""
    limit = services().settings.max_content_length
    return ApiError(
        413, "request_entity_too_large", f"the body is larger than the limit of {limit} bytes"
    )


def _within_size_limit() -> None:
    # Werkzeug refuses a Content-Length over the limit with 413, but reads a chunked body (no
    # Content-Length) only up to the limit and hands over the truncated bytes, which then fail
    # as bad JSON (400).  So read the body here and look for a byte past the limit.
    if request.content_length is not None:
        return
    limit = request.max_content_length
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large() from None
    if limit is None or len(data) < limit or "wsgi.input_terminated" not in request.environ:
        return
    # The server terminates the stream (it set wsgi.input_terminated), so reading the raw
    # input on past the limit is safe: one more byte means the body was longer.
    if request.environ["wsgi.input"].read(1):
        raise too_large()


def parse_body(model: type[M]) -> M:
    """The JSON body checked against ``model``."""
    return validate(model, json_object(), "body")


def parse_query(model: type[M]) -> M:
    """The query arguments (the first of each name) checked against ``model``."""
    return validate(model, request.args.to_dict(), "query")


def validate(model: type[M], data: Any, where: str) -> M:
    """``data`` as ``model`` with this service's limits; a refusal is a 400 ApiError."""
    try:
        return model.model_validate(data, context={"settings": services().settings})
    except ValidationError as exc:
        # A root model here is a tagged union (one complaint or a batch): its tag names no field.
        detail = describe(exc, where, tagged=issubclass(model, RootModel))
        if all(e["type"] in UNPROCESSABLE for e in exc.errors(include_url=False)):
            raise ApiError(422, "invalid_input", detail) from None
        raise bad_request(detail) from None


def day_arg(name: str) -> date | None:
    """A local day query argument ``YYYY-MM-DD`` within the years the API accepts."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return local_day(raw)
    except ValueError as exc:
        raise bad_request(f"query: {name!r} {exc}") from None


def describe(exc: ValidationError, where: str, *, tagged: bool = False) -> str:
    """The first refusal in ``exc`` as one line: where, the field, the reason.

    Unknown fields come first and together, so that a misspelt name is named as such.
    """
    errors: list[dict[str, Any]] = [
        {**e, "loc": e["loc"][1:] if tagged else e["loc"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        parent = unknown[0]["loc"][:-1]
        names = [e["loc"][-1] for e in unknown if e["loc"][:-1] == parent]
        place = _path(parent) or where
        return f"unknown field(s) in {place}: {', '.join(repr(str(n)) for n in names)}"
    first = errors[0]
    reason = _reason(first)
    loc = first["loc"]
    if not loc:
        return reason
    if isinstance(loc[-1], int):
        return f"{where}: {_path(loc)!r} {reason}"
    return f"{_path(loc[:-1]) or where}: {loc[-1]!r} {reason}"


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _reason(error: Mapping[str, Any]) -> str:
    context = error.get("ctx", {})
    if error["type"] == "value_error":
        return str(context.get("error", error["msg"]))
    template = _REASONS.get(error["type"])
    if template is None:
        return error["msg"]
    return template.format(**context)
