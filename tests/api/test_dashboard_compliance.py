"""Compliance on the dashboard and in the digest: /v1/stats's numbers, with data and without."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from triage.store import make_engine
from triage.store.casework_queries import CaseworkStore
from triage.store.complaints import ComplaintStore, NewComplaint, NewPrediction
from triage.store.schema import Complaint
from triage.trends.digest import build_digest, render_html, render_markdown

Headers = dict[str, dict[str, str]]
JAKARTA = ZoneInfo("Asia/Jakarta")
AS_OF = date(2025, 4, 22)
PAGE = f"/dashboard?as_of={AS_OF.isoformat()}"
STEPS = ("terverifikasi", "terdisposisi", "ditindaklanjuti", "selesai")


def _at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=JAKARTA)


# external id, agency, received, the days of the steps taken in order (STEPS).
CASES = [
    ("A", "Dinas Pekerjaan Umum", "2025-03-03", ("2025-03-04", "2025-03-05", "2025-03-06",
                                                "2025-03-10")),
    ("B", "Dinas Pekerjaan Umum", "2025-03-03", ("2025-03-10", "2025-03-11")),
    ("C", "Dinas Lingkungan Hidup", "2025-03-05", ()),
    ("D", "Dinas Lingkungan Hidup", "2025-04-01", ()),
]  # fmt: skip


def _seed(url: str) -> dict[str, int]:
    engine = make_engine(url)
    complaints, casework = ComplaintStore(engine), CaseworkStore(engine)
    ids = {}
    try:
        for name, agency, received, steps in CASES:
            record, _ = complaints.add(
                NewComplaint("lapor", name, "lampu jalan mati di jl merdeka"),
                NewPrediction("t", agency, 0.9, "PJU", 0.9, False, 1.0),
            )
            with engine.begin() as connection:
                connection.execute(
                    update(Complaint)
                    .where(Complaint.id == record.id)
                    .values(received_at=_at(received, 10))
                )
            for step, day in zip(STEPS, steps, strict=False):
                casework.transition(
                    record.id, to_state=step, actor="t", role="admin", at=_at(day), tanggapan="ok"
                )
            ids[name] = record.id
    finally:
        engine.dispose()
    return ids


@pytest.fixture
def seeded(database_url: str) -> dict[str, int]:
    return _seed(database_url)


def test_the_dashboard_shows_compliance_and_the_overdue_list(
    seeded: dict[str, int], client: FlaskClient, keys: Headers
) -> None:
    page = client.get(PAGE, headers=keys["read"]).get_data(as_text=True)
    compliance = page.split('<section id="compliance">')[1]
    march = compliance.split('id="compliance-2025-03"')[1].split("<h3")[0]
    # DLH: C, never verified. DPU: A all in time; B verified late, disposed, then nothing.
    assert '<td>Dinas Lingkungan Hidup</td><td class="n">1</td><td class="n">0.0%</td>' in march
    assert (
        '<td>Dinas Pekerjaan Umum</td><td class="n">2</td><td class="n">50.0%</td>'
        '<td class="n">50.0%</td><td class="n">1</td><td class="n">50.0%</td>'
        '<td class="n">4</td><td class="n">1</td>'
    ) in march
    assert 'id="compliance-2025-04"' in compliance
    assert "No complaints received in 2025-02." in compliance
    overdue = compliance.split('id="overdue"')[1]
    rows = overdue.split("<tr>")[2:]
    assert [row.split("</td>")[0] for row in rows] == [f"<td>#{seeded[n]}" for n in ("C", "B", "D")]
    # B: resolution promised 17 March, still open at the end of 22 April: 18 working days.
    assert (
        f"<td>#{seeded['B']}</td><td>Dinas Pekerjaan Umum</td><td>terdisposisi</td>"
        "<td>verifikasi, tindak_lanjut, penyelesaian</td><td>2025-03-17</td>"
        '<td class="n">18</td>'
    ) in overdue
    assert "<script" not in page


def test_the_dashboard_without_complaints(client: FlaskClient, keys: Headers) -> None:
    response = client.get(PAGE, headers=keys["read"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for month in ("2025-04", "2025-03", "2025-02"):
        assert f"No complaints received in {month}." in page
    assert 'id="no-overdue">None overdue.' in page


def test_digest_and_stats_give_the_same_numbers(
    seeded: dict[str, int], client: FlaskClient, keys: Headers, database_url: str
) -> None:
    engine = make_engine(database_url)
    try:
        digest = build_digest(engine, as_of=AS_OF)
    finally:
        engine.dispose()
    compliance = digest.compliance
    assert compliance is not None
    assert compliance.month == "2025-03"
    stats = client.get(
        "/v1/stats", query_string={"from": "2025-03-01", "to": "2025-03-31"}, headers=keys["read"]
    ).get_json()["compliance"]
    # Every clock of a March complaint had closed by 22 April, so judging now changes nothing.
    fields = [k for k in stats["months"][0] if k != "month"]
    assert [{k: getattr(a, k) for k in fields} for a in compliance.agencies] == [
        {k: row[k] for k in fields} for row in stats["months"]
    ]
    listed = {item.id for a in compliance.agencies for item in a.oldest_overdue}
    assert listed == {row["id"] for row in stats["overdue"]} == {seeded["B"], seeded["C"]}
    markdown = render_markdown(digest)
    section = markdown.split("## SLA compliance: complaints received in 2025-03")[1]
    assert "| Dinas Pekerjaan Umum | 2 | 50.0% | 50.0% | 1 | 50.0% | 4 | 1 |" in section
    assert (
        f"- **Dinas Lingkungan Hidup**: 1 overdue — #{seeded['C']} (belum_terverifikasi)" in section
    )
    assert "<h2>SLA compliance: complaints received in 2025-03" in render_html(digest)
