"""GET /v1/stats: counts and accuracy from corrections over a date range."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

Headers = dict[str, str]

# (external id, local creation time, text, corrected OPD or None)
COMPLAINTS = [
    ("S-1", "2026-01-01T09:00:00+07:00", "lampu jalan mati", None),
    ("S-2", "2026-01-02T09:00:00+07:00", "sampah menumpuk", "Dinas Lingkungan Hidup"),
    ("S-3", "2026-01-03T09:00:00+07:00", "bansos belum cair", "Dinas Perhubungan"),
    ("S-4", "2026-01-31T23:30:00+07:00", "jalan berlubang", None),
]


@pytest.fixture
def filled(client: FlaskClient, admin: Headers) -> FlaskClient:
    for external_id, created_at, text, corrected in COMPLAINTS:
        body = client.post(
            "/v1/complaints",
            json={
                "source": "lapor",
                "external_id": external_id,
                "text": text,
                "created_at": created_at,
            },
            headers=admin,
        ).get_json()
        if corrected:
            client.post(
                f"/v1/complaints/{body['id']}/correction", json={"opd": corrected}, headers=admin
            )
    return client


@pytest.mark.parametrize(
    ("query", "complaints", "reviewed", "correct"),
    [
        ("", 4, 2, 1),
        ("?from=2026-01-02", 3, 2, 1),
        ("?to=2026-01-02", 2, 1, 1),
        ("?from=2026-01-31&to=2026-01-31", 1, 0, 0),
        ("?from=2026-01-01T00:00:00%2B07:00&to=2026-01-02", 2, 1, 1),
        ("?from=2026-02-01", 0, 0, 0),
        ("?from=0001-01-01&to=9999-12-31", 4, 2, 1),
    ],
)
def test_stats_over_date_ranges(
    filled: FlaskClient,
    keys: dict[str, Headers],
    query: str,
    complaints: int,
    reviewed: int,
    correct: int,
) -> None:
    response = filled.get(f"/v1/stats{query}", headers=keys["read"])
    assert response.status_code == 200
    body = response.get_json()
    assert (body["complaints"], body["reviewed"], body["correct"]) == (
        complaints,
        reviewed,
        correct,
    )
    assert sum(row["complaints"] for row in body["per_opd"]) == complaints
    if reviewed:
        assert body["accuracy"] == round(correct / reviewed, 4)
    else:
        assert body["accuracy"] is None


@pytest.mark.parametrize(
    "query",
    [
        "?from=yesterday",
        "?to=2026-13-01",
        "?from=2026-02-01&to=2026-01-01",
        "?from=",
        "?to=2026-01-01T25:00:00",
        "?since=2026-01-01",
    ],
)
def test_bad_dates_get_400(client: FlaskClient, admin: Headers, query: str) -> None:
    response = client.get(f"/v1/stats{query}", headers=admin)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "detail"}
