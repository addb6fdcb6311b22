"""The OpenAPI entries of /v1/trends and /v1/alerts, merged into the document by api.openapi."""

from __future__ import annotations

import itertools
from typing import Any

from api.config import Settings
from api.openapi import (
    BODY_ERRORS,
    COMMON_ERRORS,
    DATE_TIME_PATTERN,
    ID_PARAMETER,
    JSON,
    _nullable,
    _ok,
    _ref,
    _text,
    page_parameters,
)


def alert_schemas() -> dict[str, Any]:
    number = {"type": "number"}
    point = {
        "type": "object",
        "required": ["period", "observed", "expected", "upperbound", "alarm", "method"],
        "properties": {
            "period": {"type": "string", "format": "date"},
            "observed": {"type": "integer", "minimum": 0},
            "expected": _nullable(number),
            "upperbound": _nullable(number),
            "alarm": {"type": "boolean"},
            "method": {"type": "string", "enum": ["none", "recent", "seasonal"]},
        },
    }
    alert = {
        "type": "object",
        "required": ["id", "group_columns", "group_key", "freq", "start", "end", "status"],
        "properties": {
            "id": {"type": "integer"},
            "group_columns": {"type": "array", "items": {"type": "string"}},
            "group_key": {"type": "string"},
            "group_values": {"type": "object", "additionalProperties": {"type": "string"}},
            "freq": {"type": "string", "enum": ["W", "D"]},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "periods": {"type": "integer"},
            "observed": number,
            "expected": number,
            "upperbound": number,
            "severity": number,
            "score": number,
            "last_year": _nullable(number),
            "method": {"type": "string"},
            "reason": {"type": "string"},
            "summary": {"type": "string", "description": "The alert as one English sentence."},
            "summary_id": {"type": "string", "description": "The same in Indonesian."},
            "top_words": {"type": "array", "items": {"type": "string"}},
            "example_ids": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": ["open", "acknowledged"]},
            "acknowledged_by": _nullable({"type": "string"}),
            "acknowledged_at": _nullable({"type": "string", "format": "date-time"}),
            "note": _nullable({"type": "string"}),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "series": {
                "type": "object",
                "description": "Per period, two years up to the alert: dates, observed, "
                "expected, upperbound, alarm (parallel arrays).",
            },
            "headline_id": _nullable(
                {
                    "type": "integer",
                    "description": "The alert this one is shown under (same spike, another "
                    "grouping); null when it is a headline itself.",
                }
            ),
            "relation": {**_RELATION, "nullable": True, "enum": [*_RELATION["enum"], None]},
            "share": _nullable(_SHARE),
            "related": {
                "type": "array",
                "items": _ref("RelatedAlert"),
                "description": "The alerts shown under this one, most excess over expected "
                "first (nested listings, one alert and acknowledgements).",
            },
        },
    }
    related = {
        "type": "object",
        "required": [
            "id", "relation", "group_columns", "group_key", "group_values",
            "start", "end", "observed", "expected", "status",
        ],
        "properties": {
            "id": {"type": "integer"},
            "relation": _RELATION,
            "share": _nullable(_SHARE),
            "group_columns": {"type": "array", "items": {"type": "string"}},
            "group_key": {"type": "string"},
            "group_values": {"type": "object", "additionalProperties": {"type": "string"}},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "observed": number,
            "expected": number,
            "severity": number,
            "status": {"type": "string", "enum": ["open", "acknowledged"]},
            "summary": {"type": "string"},
            "summary_id": {"type": "string"},
        },
    }  # fmt: skip
    return {
        "TrendPoint": point,
        "Trends": {
            "type": "object",
            "required": ["group", "freq", "from", "to", "total_groups", "series"],
            "properties": {
                "group": {"type": "array", "items": {"type": "string"}},
                "freq": {"type": "string", "enum": ["W", "D"]},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "total_groups": {"type": "integer", "minimum": 0},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "series": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["group", "values", "total", "alarms", "points"],
                        "properties": {
                            "group": {"type": "string"},
                            "values": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                            },
                            "total": {"type": "integer", "minimum": 0},
                            "alarms": {"type": "integer", "minimum": 0},
                            "points": {"type": "array", "items": _ref("TrendPoint")},
                        },
                    },
                },
            },
        },
        "Alert": alert,
        "RelatedAlert": related,
        "AlertPage": {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": _ref("Alert")},
                "total": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 0},
                "offset": {"type": "integer", "minimum": 0},
            },
        },
        "AcknowledgeRequest": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"note": _nullable(_text(2000))},
        },
    }


def alert_paths(settings: Settings) -> dict[str, Any]:
    read_errors = {"400": {"$ref": "#/components/responses/BadRequest"}, **COMMON_ERRORS}
    date = {"type": "string", "format": "date", "pattern": DATE_TIME_PATTERN}
    alert_id = {**ID_PARAMETER, "name": "alert_id"}
    return {
        "/v1/trends": {
            "get": {
                "summary": "Complaint counts per period and group against the seasonal baseline",
                "description": "Role read or admin. Groups with complaints in the range, most "
                "complaints first. Dates are local days in Asia/Jakarta; weeks start on Monday. "
                "Defaults: group topic, freq W, to today, from 26 weeks (8 weeks for days) "
                "before 'to'; at most 106 weeks or 366 days at a time. Computed on request and "
                "cached per worker for a few minutes.",
                "operationId": "trends",
                "parameters": [
                    {
                        "name": "group",
                        "in": "query",
                        "schema": {"type": "string", "enum": _GROUP_CHOICES},
                    },
                    {
                        "name": "freq",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["W", "D"]},
                    },
                    {"name": "from", "in": "query", "schema": date},
                    {"name": "to", "in": "query", "schema": date},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    },
                ],
                "responses": {"200": _ok("Series per group", "Trends"), **read_errors},
            }
        },
        "/v1/alerts": {
            "get": {
                "summary": "Spike alerts, most severe first",
                "description": "Role read or admin. Refreshed by `triage alerts refresh`. "
                "One spike usually raises alerts in several groupings (the topic city-wide, the "
                "kecamatan, the topic in the kecamatan); by default (`related=nested`) each "
                "spike is one item, its headline alert, with the others under it in `related`: "
                "`context` for a broader count the spike lifts, `where` for the places a "
                "city-wide rise happened in. An open alert folded under an acknowledged "
                "headline is listed by itself. `related=flat` lists every alert by itself.",
                "operationId": "listAlerts",
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["open", "acknowledged", "all"],
                            "default": "open",
                        },
                    },
                    {
                        "name": "related",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["nested", "flat"],
                            "default": "nested",
                        },
                    },
                    *page_parameters(settings),
                ],
                "responses": {"200": _ok("One page", "AlertPage"), **read_errors},
            }
        },
        "/v1/alerts/{alert_id}": {
            "get": {
                "summary": "One alert with its chart series and related alerts",
                "description": "Role read or admin. `headline_id` names the alert it is shown "
                "under; `related` lists the alerts shown under it.",
                "operationId": "getAlert",
                "parameters": [alert_id],
                "responses": {
                    "200": _ok("The alert", "Alert"),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **COMMON_ERRORS,
                },
            }
        },
        "/v1/alerts/{alert_id}/ack": {
            "post": {
                "summary": "Acknowledge an alert and the alerts shown under it (idempotent)",
                "description": "Role review or admin. The body is optional. Acknowledging a "
                "headline also acknowledges the open alerts shown under it (its `related`, "
                "noted as acknowledged with it), including any folded under it since an "
                "earlier acknowledgement. Acknowledging again returns the first "
                "acknowledgement unchanged; a later refresh keeps it.",
                "operationId": "acknowledgeAlert",
                "parameters": [alert_id],
                "requestBody": {
                    "required": False,
                    "content": {JSON: {"schema": _ref("AcknowledgeRequest")}},
                },
                "responses": {
                    "200": _ok("The acknowledged alert", "Alert"),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **COMMON_ERRORS,
                    **BODY_ERRORS,
                },
            }
        },
    }


_RELATION: dict[str, Any] = {
    "type": "string",
    "enum": ["context", "where"],
    "description": "context: a broader count that the headline's spike lifts; where: one of "
    "the places a broad headline's rise happened in.",
}
_SHARE = {
    "type": "number",
    "minimum": 0,
    "maximum": 1,
    "description": "The part of the broader alert's excess over expected that the narrower "
    "one accounts for.",
}

# Every ordering of one to three group columns: each names a different series label.
_GROUP_CHOICES = [
    ",".join(columns)
    for size in (1, 2, 3)
    for columns in itertools.permutations(("topic", "opd", "kecamatan"), size)
]
