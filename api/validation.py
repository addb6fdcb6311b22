"""Request parsing: JSON-only bodies, typed fields, query arguments; failures are 4xx ApiErrors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import request
from werkzeug.exceptions import BadRequest

from api.errors import ApiError

COMPLAINT_FIELDS = ("text", "title", "kecamatan", "kelurahan")
MIN_YEAR, MAX_YEAR = 1970, 9000
# ASCII digits only: int() and \d would also take "١٢" or "1_000" or " 12 ".
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"-?[0-9]{1,12}")


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


def check_fields(body: Mapping[str, Any], allowed: Iterable[str], where: str = "body") -> None:
    """Refuse unknown fields, so that a misspelt one is not silently ignored."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad_request(f"unknown field(s) in {where}: {', '.join(map(repr, unknown))}")


def string(
    body: Mapping[str, Any],
    name: str,
    *,
    required: bool = False,
    max_length: int = 255,
    where: str = "body",
) -> str | None:
    """A string field, stripped; None when absent, null or (unless required) blank."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"{where}: {name!r} is required")
        return None
    if not isinstance(value, str):
        raise bad_request(f"{where}: {name!r} must be a string")
    if "\x00" in value or _has_surrogate(value):
        raise bad_request(f"{where}: {name!r} holds NUL or unpaired surrogate characters")
    # The limit holds for the value as sent, as the OpenAPI document states it, before the
    # surrounding whitespace (which includes characters such as U+0085) is stripped.
    if len(value) > max_length:
        raise bad_request(f"{where}: {name!r} is longer than {max_length} characters")
    value = value.strip()
    if not value:
        if required:
            raise bad_request(f"{where}: {name!r} must not be empty")
        return None
    return value


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def boolean(body: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """A boolean field."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise bad_request(f"{name!r} must be true or false")
    return value


def complaint_fields(
    body: Mapping[str, Any], max_text_chars: int, where: str = "body"
) -> dict[str, str | None]:
    """``text`` (required) and the optional ``title``, ``kecamatan``, ``kelurahan``."""
    return {
        "text": string(body, "text", required=True, max_length=max_text_chars, where=where),
        "title": string(body, "title", max_length=1000, where=where),
        "kecamatan": string(body, "kecamatan", max_length=128, where=where),
        "kelurahan": string(body, "kelurahan", max_length=128, where=where),
    }


def timestamp(body: Mapping[str, Any], name: str, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date-time field; a value without offset is local time in ``zone``."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise bad_request(f"{name!r} must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{name!r} must be an ISO 8601 date-time, not {value!r}") from None
    return _in_range(name, moment if moment.tzinfo else moment.replace(tzinfo=zone))


def _in_range(name: str, moment: datetime) -> datetime:
    # Far years overflow when converted to UTC or moved by a day; no complaint is that old.
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise bad_request(f"{name!r} must fall between the years {MIN_YEAR} and {MAX_YEAR}")
    return moment


def query_text(name: str, max_length: int = 255) -> str | None:
    """A text query argument, checked like a body string field."""
    return string(request.args, name, max_length=max_length, where="query")


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    """An integer query argument within bounds."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not INTEGER.fullmatch(raw):
        raise bad_request(f"query argument {name!r} must be an integer")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise bad_request(f"query argument {name!r} must be between {minimum} and {maximum}")
    return value


def date_arg(name: str, zone: ZoneInfo, *, end: bool = False) -> datetime | None:
    """A date (local day in ``zone``) or ISO 8601 date-time query argument, in UTC.

    For ``end=True`` a plain date means the end of that day, so that ``to=2026-01-31``
    includes the 31st.  A bound beyond the years 1 to 9999 leaves that side open.
    """
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        if DATE.fullmatch(raw):
            moment = datetime.combine(date.fromisoformat(raw), time(), tzinfo=zone)
            if end:
                moment += timedelta(days=1)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except ValueError:
        raise bad_request(
            f"query argument {name!r} must be a date (YYYY-MM-DD) or ISO 8601 date-time"
        ) from None
    except OverflowError:
        return None
