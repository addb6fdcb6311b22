"""The OpenAPI 3 document (built from the settings, so limits are stated as configured) and
an offline, server-rendered page listing it at /docs."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from api.config import Settings
from api.state import services
from triage.store import ROLES, STATUSES

bp = Blueprint("openapi", __name__, cli_group=None)

JSON = "application/json"
# Text must hold a visible character and no NUL (which PostgreSQL cannot store).
VISIBLE = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
NO_NUL = r"^[^\u0000]*$"
# Years the service accepts; further ones overflow time-zone arithmetic.
DATE_TIME_PATTERN = r"^(19[7-9]\d|[2-8]\d{3})-"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": NO_NUL}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


COMMON_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "429": {"$ref": "#/components/responses/RateLimited"},
    "500": {"$ref": "#/components/responses/InternalError"},
}
BODY_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
}
ID_PARAMETER = {
    "name": "complaint_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
}


def _schemas(settings: Settings) -> dict[str, Any]:
    alternative = {
        "type": "object",
        "required": ["label", "confidence"],
        "properties": {"label": {"type": "string"}, "confidence": {"type": "number"}},
    }
    complaint_input = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {
            "text": {
                "type": "string",
                "maxLength": settings.max_text_chars,
                "pattern": VISIBLE,
                "description": "The complaint as the citizen wrote it.",
            },
            "title": _nullable(_text(1000)),
            "kecamatan": _nullable(_text(128)),
            "kelurahan": _nullable(_text(128)),
        },
    }
    decision = {
        "type": "object",
        "required": ["opd", "opd_confidence", "needs_review", "alternatives", "reasons"],
        "properties": {
            "opd": _nullable({"type": "string"}),
            "opd_confidence": {"type": "number"},
            "topic": _nullable({"type": "string"}),
            "topic_confidence": _nullable({"type": "number"}),
            "needs_review": {"type": "boolean"},
            "alternatives": {"type": "array", "items": alternative},
            "topic_alternatives": {"type": "array", "items": alternative},
            "reasons": {"type": "array", "items": {"type": "string"}},
        },
    }
    prediction = {
        "type": "object",
        "required": ["model_version", "opd", "opd_confidence", "needs_review", "created_at"],
        "properties": {
            "model_version": {"type": "string"},
            "opd": _nullable({"type": "string"}),
            "opd_confidence": {"type": "number"},
            "topic": _nullable({"type": "string"}),
            "topic_confidence": _nullable({"type": "number"}),
            "needs_review": {"type": "boolean"},
            "latency_ms": {"type": "number"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    }
    correction = {
        "type": "object",
        "required": ["id", "corrected_by", "created_at", "new_opd", "new_topic"],
        "properties": {
            "id": {"type": "integer"},
            "corrected_by": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "old_opd": _nullable({"type": "string"}),
            "new_opd": _nullable({"type": "string"}),
            "old_topic": _nullable({"type": "string"}),
            "new_topic": _nullable({"type": "string"}),
            "new_label": {"type": "boolean"},
            "reason": _nullable({"type": "string"}),
        },
    }
    complaint = {
        "type": "object",
        "required": ["id", "source", "external_id", "created_at", "text", "status"],
        "properties": {
            "id": {"type": "integer"},
            "source": {"type": "string"},
            "external_id": {"type": "string"},
            "channel": _nullable({"type": "string"}),
            "created_at": {"type": "string", "format": "date-time"},
            "received_at": {"type": "string", "format": "date-time"},
            "kecamatan": _nullable({"type": "string"}),
            "kelurahan": _nullable({"type": "string"}),
            "title": _nullable({"type": "string"}),
            "text": {"type": "string", "description": "With personal data masked."},
            "status": {"type": "string", "enum": list(STATUSES)},
            "opd": _nullable({"type": "string"}),
            "topic": _nullable({"type": "string"}),
            "prediction": {**_ref("Prediction"), "nullable": True},
            "corrections": {"type": "array", "items": _ref("Correction")},
        },
    }
    complaint_create = {
        "type": "object",
        "additionalProperties": False,
        "required": ["source", "external_id", "text"],
        "properties": {
            **complaint_input["properties"],  # type: ignore[dict-item]
            "source": {"type": "string", "maxLength": 64, "pattern": VISIBLE},
            "external_id": {"type": "string", "maxLength": 128, "pattern": VISIBLE},
            "channel": _nullable(_text(64)),
            "created_at": _nullable(
                {"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}
            ),
        },
    }
    counts = {"type": "integer", "minimum": 0}
    share = _nullable({"type": "number", "minimum": 0, "maximum": 1})
    stats = {
        "type": "object",
        "required": ["complaints", "by_status", "auto_routed_share", "accuracy", "per_opd"],
        "properties": {
            "start": _nullable({"type": "string", "format": "date-time"}),
            "end": _nullable({"type": "string", "format": "date-time"}),
            "complaints": counts,
            "by_status": {"type": "object", "additionalProperties": counts},
            "auto_routed": counts,
            "auto_routed_share": share,
            "reviewed": counts,
            "correct": counts,
            "accuracy": share,
            "auto_routed_reviewed": counts,
            "auto_routed_accuracy": share,
            "per_opd": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["opd", "complaints", "accuracy"],
                    "properties": {
                        "opd": _nullable({"type": "string"}),
                        "complaints": counts,
                        "auto_routed": counts,
                        "reviewed": counts,
                        "correct": counts,
                        "accuracy": share,
                    },
                },
            },
        },
    }
    from api.trends_spec import alert_schemas

    return {
        **alert_schemas(),
        "Error": {
            "type": "object",
            "required": ["error", "detail"],
            "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
        },
        "ComplaintInput": complaint_input,
        "ClassifyRequest": {
            "oneOf": [
                _ref("ComplaintInput"),
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["complaints"],
                    "properties": {
                        "complaints": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": settings.max_batch,
                            "items": _ref("ComplaintInput"),
                        }
                    },
                },
            ]
        },
        "Decision": decision,
        "ClassifyResult": {
            "oneOf": [
                {
                    "allOf": [
                        _ref("Decision"),
                        {
                            "type": "object",
                            "required": ["model_version"],
                            "properties": {"model_version": {"type": "string"}},
                        },
                    ]
                },
                {
                    "type": "object",
                    "required": ["model_version", "decisions"],
                    "properties": {
                        "model_version": {"type": "string"},
                        "decisions": {"type": "array", "items": _ref("Decision")},
                    },
                },
            ]
        },
        "ComplaintCreate": complaint_create,
        "Prediction": prediction,
        "Correction": correction,
        "Complaint": complaint,
        "ComplaintPage": {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": _ref("Complaint")},
                "total": counts,
                "limit": counts,
                "offset": counts,
            },
        },
        "CorrectionRequest": {
            "type": "object",
            "additionalProperties": False,
            "anyOf": [{"required": ["opd"]}, {"required": ["topic"]}],
            "properties": {
                "opd": {"type": "string", "maxLength": 255, "pattern": VISIBLE},
                "topic": {"type": "string", "maxLength": 255, "pattern": VISIBLE},
                "new_label": {"type": "boolean", "default": False},
                "reason": _nullable(_text(2000)),
                "reviewer": _nullable(_text(64)),
            },
            "description": "At least one of opd and topic. Labels outside the model's are "
            "refused with 422 unless new_label is true; OPDs may also name an area office "
            "('Kecamatan Tegalsari', 'Kelurahan Dr. Soetomo').",
        },
        "Stats": stats,
        "Model": {
            "type": "object",
            "required": ["version", "labels", "metrics"],
            "properties": {
                "version": {"type": "string"},
                "labels": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "metrics": {"type": "object"},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string"}, "checks": {"type": "object"}},
        },
    }


def _paths(settings: Settings) -> dict[str, Any]:
    from api.trends_spec import alert_paths

    body_errors = {**COMMON_ERRORS, **BODY_ERRORS}
    return {
        "/v1/classify": {
            "post": {
                "summary": "Route one complaint or a batch, without storing",
                "description": f"Role ingest, review or admin. Batches up to "
                f"{settings.max_batch} complaints.",
                "operationId": "classify",
                "requestBody": _body(_ref("ClassifyRequest")),
                "responses": {"200": _ok("Routing decision(s)", "ClassifyResult"), **body_errors},
            }
        },
        "/v1/complaints": {
            "post": {
                "summary": "Store and route a complaint (idempotent on source + external_id)",
                "description": "Role ingest, review or admin. A retry of a stored "
                "(source, external_id) returns the stored complaint with 200.",
                "operationId": "createComplaint",
                "requestBody": _body(_ref("ComplaintCreate")),
                "responses": {
                    "201": _ok("Stored and routed", "Complaint"),
                    "200": _ok("Already stored: the first complaint", "Complaint"),
                    **body_errors,
                    "503": {"$ref": "#/components/responses/Unavailable"},
                },
            },
            "get": {
                "summary": "List complaints, oldest first (the review queue)",
                "description": "Role review, read or admin.",
                "operationId": "listComplaints",
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(STATUSES)},
                    },
                    {"name": "opd", "in": "query", "schema": _text(255)},
                    *page_parameters(settings),
                ],
                "responses": {
                    "200": _ok("One page", "ComplaintPage"),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **COMMON_ERRORS,
                },
            },
        },
        "/v1/complaints/{complaint_id}": {
            "get": {
                "summary": "One complaint with its prediction and corrections",
                "description": "Role review, read or admin.",
                "operationId": "getComplaint",
                "parameters": [ID_PARAMETER],
                "responses": {
                    "200": _ok("The complaint", "Complaint"),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **COMMON_ERRORS,
                },
            }
        },
        "/v1/complaints/{complaint_id}/correction": {
            "post": {
                "summary": "Set the right OPD and/or topic (kept for retraining)",
                "description": "Role review or admin.",
                "operationId": "correctComplaint",
                "parameters": [ID_PARAMETER],
                "requestBody": _body(_ref("CorrectionRequest")),
                "responses": {
                    "200": _ok("The corrected complaint", "Complaint"),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "422": _error("A label the model does not know, without new_label"),
                    **body_errors,
                },
            }
        },
        "/v1/stats": {
            "get": {
                "summary": "Counts, auto-routed share and live accuracy per OPD",
                "description": "Role read or admin. Dates are local days in "
                f"{settings.timezone.key}; 'to' is inclusive.",
                "operationId": "stats",
                "parameters": [
                    {
                        "name": name,
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "anyOf": [{"format": "date"}, {"format": "date-time"}],
                        },
                    }
                    for name in ("from", "to")
                ],
                "responses": {
                    "200": _ok("Figures", "Stats"),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **COMMON_ERRORS,
                },
            }
        },
        "/v1/model": {
            "get": {
                "summary": "The active model: version, labels, metrics",
                "description": "Role review, read or admin.",
                "operationId": "model",
                "responses": {"200": _ok("The model", "Model"), **COMMON_ERRORS},
            }
        },
        **alert_paths(settings),
        "/healthz": {
            "get": {
                "summary": "Liveness",
                "operationId": "healthz",
                "security": [],
                "responses": {"200": _ok("Alive", "Health")},
            }
        },
        "/readyz": {
            "get": {
                "summary": "Readiness: model loaded, database at the current schema",
                "operationId": "readyz",
                "security": [],
                "responses": {
                    "200": _ok("Ready", "Health"),
                    "503": _ok("Not ready", "Health"),
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics of the answering worker",
                "operationId": "metrics",
                "security": [],
                "responses": {
                    "200": {
                        "description": "Text exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }


def page_parameters(settings: Settings) -> list[dict[str, Any]]:
    """The ``limit`` and ``offset`` query parameters of every paginated listing."""
    return [
        {
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": settings.max_page_size,
                "default": settings.page_size,
            },
        },
        {
            "name": "offset",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
        },
    ]


def build_spec(settings: Settings, version: str) -> dict[str, Any]:
    """The OpenAPI document for a service running with ``settings``."""
    responses = {
        "BadRequest": _error("The body or a parameter is malformed"),
        "Unauthorized": _error("No API key, or an unknown or revoked one"),
        "Forbidden": _error("The key's role may not call this"),
        "NotFound": _error("No such complaint or alert"),
        "TooLarge": _error("The body exceeds the size limit"),
        "UnsupportedMediaType": _error("The body is not JSON"),
        "RateLimited": _error("Too many requests for this key; see Retry-After"),
        "InternalError": _error("An unexpected error; it was logged"),
        "Unavailable": _error("The database cannot be used (unreachable or not migrated)"),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Triase routing service",
            "version": version,
            "description": "Routes Indonesian public-service complaints to the right city "
            f"agency (OPD). API keys carry one role of: {', '.join(ROLES)}.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"apiKeyHeader": []}],
        "paths": _paths(settings),
        "components": {
            "schemas": _schemas(settings),
            "responses": responses,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI document."""
    return jsonify(services().openapi)


@bp.cli.command("openapi")
def print_spec() -> None:
    """Print the OpenAPI document (``flask --app api openapi > openapi.json``)."""
    print(json.dumps(services().openapi, indent=2, ensure_ascii=False))


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """A plain HTML listing of the operations, readable without any network access."""
    spec = services().openapi
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    return render_template("docs.html", spec=spec, operations=operations)
