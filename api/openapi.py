"""The OpenAPI 3 document, generated from the request and response models and the table of
operations, with limits stated as configured; and an offline page listing it at /docs."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from api import responses as rs
from api.config import Settings
from api.fields import MAX_ID, SETTING_KEY
from api.operations import BODY_ERRORS, ERRORS, KEY_ERRORS, OPERATIONS, Operation
from api.state import services
from triage.store import ROLES

bp = Blueprint("openapi", __name__, cli_group=None)

JSON = "application/json"
REF = "#/components/schemas/{model}"
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


class OpenApi30(GenerateJsonSchema):
    """Pydantic's JSON Schema in the dialect of OpenAPI 3.0: ``nullable`` rather than a
    ``null`` type, no generated titles, and no ``null`` defaults (an absent field is not a
    default worth stating)."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        if "enum" in inner:
            inner = {**inner, "enum": [*inner["enum"], None]}
        return {**inner, "nullable": True}

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        if schema.get("default") is None and "default_factory" not in schema:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for operation in OPERATIONS:
        for model in (operation.body, operation.query):
            if model is not None and model not in found:
                found.append(model)
    return found


def _answer_models() -> list[type[BaseModel]]:
    from_table = [m for op in OPERATIONS for _, m in op.answers.values() if m is not None]
    return list(dict.fromkeys(from_table))


def _settled(value: Any, settings: Settings) -> Any:
    # Placeholders that api.fields.Setting left become the configured numbers.
    if isinstance(value, list):
        return [_settled(item, settings) for item in value]
    if not isinstance(value, dict):
        return value
    settled: dict[str, Any] = {}
    for key, item in value.items():
        if key.startswith(SETTING_KEY):
            settled[key.removeprefix(SETTING_KEY)] = getattr(settings, item)
        else:
            settled[key] = _settled(item, settings)
    return settled


def component_schemas(settings: Settings) -> dict[str, Any]:
    """Every model's schema under its class name, with the limits of ``settings``."""
    inputs = [(model, "validation") for model in _models()]
    outputs = [(model, "serialization") for model in (rs.Error, *_answer_models())]
    _, found = models_json_schema(
        [*inputs, *outputs],  # type: ignore[list-item]
        ref_template=REF,
        schema_generator=OpenApi30,
    )
    settled: dict[str, Any] = _settled(found.get("$defs", {}), settings)
    # Each model's own title repeats its name; fields had theirs left out already.
    return {
        name: {k: v for k, v in schema.items() if k != "title"} for name, schema in settled.items()
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _parameters(operation: Operation, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        }
        for name in _PATH_PARAMETER.findall(operation.path)
    ]
    if operation.query is not None:
        query = schemas[operation.query.__name__]
        required = set(query.get("required", []))
        for name, schema in query["properties"].items():
            parameter = {"name": name, "in": "query", "schema": schema}
            if name in required:
                parameter["required"] = True
            found.append(parameter)
    return found


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(rs.Error)}}}


def _operation(operation: Operation, settings: Settings, schemas: dict[str, Any]) -> Any:
    responses: dict[str, Any] = {}
    for status, (description, model) in operation.answers.items():
        content = (
            {JSON: {"schema": _ref(model)}}
            if model is not None
            else {"text/plain": {"schema": {"type": "string"}}}
        )
        responses[status] = {"description": description, "content": content}
    shared = [*operation.errors]
    if not operation.public:
        shared += KEY_ERRORS
    if operation.body is not None:
        shared += BODY_ERRORS
    elif operation.query is not None:
        shared.append("BadRequest")
    for name in shared:
        responses[ERRORS[name][0]] = {"$ref": f"#/components/responses/{name}"}
    for status, description in operation.own_errors.items():
        responses[status] = _error(description)
    found: dict[str, Any] = {"summary": operation.summary, "operationId": operation.operation_id}
    if operation.description:
        named = {**vars(settings), "timezone": settings.timezone.key}
        found["description"] = operation.description.format(**named)
    if operation.public:
        found["security"] = []
    parameters = _parameters(operation, schemas)
    if parameters:
        found["parameters"] = parameters
    if operation.body is not None:
        found["requestBody"] = {
            "required": operation.body_required,
            "content": {JSON: {"schema": _ref(operation.body)}},
        }
    found["responses"] = responses
    return found


def build_spec(settings: Settings, version: str) -> dict[str, Any]:
    """The OpenAPI document for a service running with ``settings``."""
    schemas = component_schemas(settings)
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(
            operation, settings, schemas
        )
    # Queries are listed as parameters, not as bodies anyone sends.
    for operation in OPERATIONS:
        if operation.query is not None:
            schemas.pop(operation.query.__name__, None)
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
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {name: _error(words) for name, (_, words) in ERRORS.items()},
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
