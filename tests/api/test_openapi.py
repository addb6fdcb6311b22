"""The OpenAPI document stays true: schemathesis drives the app in-process (WSGI) with data
that follows the document (every response must match it, valid requests must succeed) and
with data that breaks it (each must be refused with a documented 4xx, never a 5xx)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.schemas import BaseSchema

from api.config import DEFAULTS, load_settings
from api.openapi import build_spec

Headers = dict[str, str]
EXAMPLES = 10
# Small limits keep generated bodies small, so the run stays within seconds.
LIMITS = {"MAX_TEXT_CHARS": 200, "MAX_BATCH": 3, "MAX_PAGE_SIZE": 20, "PAGE_SIZE": 10}
SPEC = build_spec(load_settings({**DEFAULTS, **LIMITS}), "x")
OPERATIONS = [
    (f"{method.upper()} {path}", mode)
    for path, methods in SPEC["paths"].items()
    for method, operation in methods.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    # An operation without inputs has no invalid request to make.
    if mode is GenerationMode.POSITIVE or "parameters" in operation or "requestBody" in operation
]


@pytest.fixture
def api_schema(make_app: Callable[..., Flask], admin: Headers) -> BaseSchema:
    app = make_app(**LIMITS)
    client = app.test_client()
    for i, text in enumerate(["lampu jalan mati", "sampah menumpuk", "bansos belum cair"]):
        body = {"source": "seed", "external_id": str(i), "text": text}
        assert client.post("/v1/complaints", json=body, headers=admin).status_code == 201
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    schema.config.update(headers=admin)
    return schema


# Rules across fields that a schema cannot state: a reversed date range (400), a label
# the model does not know (422) and a created_at after tomorrow (422) are refused although
# each field is valid on its own.
CROSS_FIELD_REFUSALS = {
    "POST /v1/complaints": ["422"],
    "GET /v1/stats": ["400"],
    "GET /v1/trends": ["400"],
    "POST /v1/complaints/{complaint_id}/correction": ["422"],
}


@pytest.mark.parametrize(("label", "mode"), OPERATIONS, ids=lambda v: str(getattr(v, "value", v)))
def test_api_conforms_to_its_openapi_document(
    api_schema: BaseSchema, admin: Headers, label: str, mode: GenerationMode
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None
    api_schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "401", "403", "404", "409", "429", "5xx"]
        + CROSS_FIELD_REFUSALS.get(label, [])
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=admin)

    check()
