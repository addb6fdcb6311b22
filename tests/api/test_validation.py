"""Refusals name the field and the reason in one line, as declared in api.requests."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from api.fields import VISIBLE, YEAR_PREFIX
from triage.periods import MAX_YEAR, MIN_YEAR

Headers = dict[str, str]


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/v1/classify", {}, "body: 'text' is required"),
        ("/v1/classify", {"text": "  "}, "body: 'text' must not be empty"),
        ("/v1/classify", {"text": 42}, "body: 'text' must be a string"),
        ("/v1/classify", {"text": "x" * 11}, "body: 'text' is longer than 10 characters"),
        (
            "/v1/classify",
            {"text": "a\u0000b"},
            "body: 'text' holds NUL or unpaired surrogate characters",
        ),
        ("/v1/classify", {"text": "ok", "b": 1, "a": 2}, "unknown field(s) in body: 'a', 'b'"),
        ("/v1/classify", {"complaints": []}, "body: 'complaints' must hold at least 1 item(s)"),
        ("/v1/classify", {"complaints": "x"}, "body: 'complaints' must be a list"),
        (
            "/v1/classify",
            {"complaints": [{"text": "a"}] * 3},
            "body: 'complaints' holds more than 2 items",
        ),
        (
            "/v1/classify",
            {"complaints": [{"text": "a"}, 3]},
            "body: 'complaints[1]' must be an object",
        ),
        (
            "/v1/classify",
            {"complaints": [{"title": "no text"}]},
            "complaints[0]: 'text' is required",
        ),
        (
            "/v1/classify",
            {"complaints": [{"text": "a", "x": 1}]},
            "unknown field(s) in complaints[0]: 'x'",
        ),
        (
            "/v1/complaints",
            {"source": "s", "external_id": "1", "text": "t", "created_at": "x"},
            "body: 'created_at' must be an ISO 8601 date-time, not 'x'",
        ),
        (
            "/v1/complaints",
            {"source": "s", "external_id": "1", "text": "t", "created_at": "9001-01-01T00:00"},
            f"body: 'created_at' must fall between the years {MIN_YEAR} and {MAX_YEAR}",
        ),
        (
            "/v1/complaints/1/correction",
            {"opd": "Dinas Sosial", "new_label": "yes"},
            "body: 'new_label' must be true or false",
        ),
        (
            "/v1/complaints/1/correction",
            {"opd": None},
            "send an 'opd', a 'topic' or an 'authority'",
        ),
    ],
)
def test_bodies_are_refused_with_field_and_reason(
    make_app: Callable[..., Flask], admin: Headers, path: str, body: object, detail: str
) -> None:
    client = make_app(MAX_TEXT_CHARS=10, MAX_BATCH=2).test_client()
    response = client.post(path, json=body, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_input", "detail": detail}


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/v1/complaints?limit=0", "query: 'limit' must be at least 1"),
        ("/v1/complaints?limit=21", "query: 'limit' must be at most 20"),
        ("/v1/complaints?limit=1_0", "query: 'limit' must be an integer"),
        (
            "/v1/complaints?status=lost",
            "query: 'status' must be one of routed, needs_review, corrected",
        ),
        ("/v1/complaints?colour=red", "unknown field(s) in query: 'colour'"),
        ("/v1/trends?freq=M", "query: 'freq' must be one of D, W"),
        ("/v1/trends?from=01-05-2024", "query: 'from' must be a date YYYY-MM-DD"),
        (
            "/v1/trends?to=1900-01-01",
            f"query: 'to' must fall between the years {MIN_YEAR} and {MAX_YEAR}",
        ),
        ("/v1/alerts?related=tree", "query: 'related' must be one of 'nested' or 'flat'"),
        (
            "/v1/stats?from=yesterday",
            "query: 'from' must be a date (YYYY-MM-DD) or ISO 8601 date-time",
        ),
    ],
)
def test_queries_are_refused_with_field_and_reason(
    make_app: Callable[..., Flask], admin: Headers, path: str, detail: str
) -> None:
    client = make_app(MAX_PAGE_SIZE=20, PAGE_SIZE=10).test_client()
    response = client.get(path, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_input", "detail": detail}


def test_the_page_size_setting_is_the_default_limit(
    make_app: Callable[..., Flask], admin: Headers
) -> None:
    client = make_app(MAX_PAGE_SIZE=20, PAGE_SIZE=7).test_client()
    assert client.get("/v1/complaints", headers=admin).get_json()["limit"] == 7
    assert client.get("/v1/alerts", headers=admin).get_json()["limit"] == 7


def test_the_year_pattern_accepts_exactly_the_library_years() -> None:
    import re

    pattern = re.compile(YEAR_PREFIX)
    for year in range(1000, 10000):
        assert bool(pattern.match(f"{year:04d}-01-01")) == (MIN_YEAR <= year <= MAX_YEAR), year


def test_the_visible_pattern_refuses_what_strip_removes() -> None:
    # The document's pattern must refuse every value that validation strips to nothing, or a
    # schema-valid request (U+001C, say, which ECMA's \s does not cover) gets a 400.
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert not [c for c in spaces if re.fullmatch(VISIBLE, c * 2)]
    assert re.fullmatch(VISIBLE, "\u001c a \u0085")
