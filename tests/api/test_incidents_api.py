"""Incidents through the API: links at intake, cluster sizes in the queue, cluster actions."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from training.cli import main

Headers = dict[str, str]
Keys = dict[str, Headers]
POTHOLE = "Mohon perbaikan jalan berlubang besar di Gg. Sawahan depan musholla"


def ingest(
    client: FlaskClient, keys: Keys, external_id: str, text: str, minute: int
) -> dict[str, Any]:
    body = {
        "source": "lapor",
        "external_id": external_id,
        "text": text,
        "kelurahan": "Ngagel",
        "created_at": f"2026-03-02T08:{minute:02d}:00+07:00",
    }
    response = client.post("/v1/complaints", json=body, headers=keys["ingest"])
    assert response.status_code == 201, response.get_json()
    found: dict[str, Any] = response.get_json()
    return found


def archive(client: FlaskClient, keys: Keys, complaint: dict[str, Any]) -> dict[str, Any]:
    """Archive one complaint alone as a duplicate; the answer's body."""
    response = client.post(
        f"/v1/complaints/{complaint['id']}/transitions",
        json={"to": "diarsipkan", "archive_reason": "duplikat"},
        headers=keys["review"],
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def cluster(client: FlaskClient, keys: Keys) -> tuple[dict[str, Any], ...]:
    first = ingest(client, keys, "L-1", POTHOLE, 0)
    again = ingest(client, keys, "L-2", POTHOLE + "!!", 4)
    third = ingest(client, keys, "L-3", POTHOLE + " tolong", 9)
    other = ingest(client, keys, "L-4", "bansos belum cair sejak bulan lalu", 10)
    return first, again, third, other


def test_intake_returns_the_incident_and_reads_keep_it(client: FlaskClient, keys: Keys) -> None:
    first, again, _, other = cluster(client, keys)
    assert (first["incident_id"], first["duplicate_of"]) == (first["id"], None)
    assert (again["incident_id"], again["duplicate_of"]) == (first["id"], first["id"])
    assert (other["incident_id"], other["duplicate_of"]) == (other["id"], None)
    read = client.get(f"/v1/complaints/{again['id']}", headers=keys["read"]).get_json()
    assert (read["incident_id"], read["duplicate_of"], read["incident_size"]) == (
        first["id"],
        first["id"],
        3,
    )


def test_the_queue_marks_each_complaint_with_its_incident_and_keeps_its_order(
    client: FlaskClient, keys: Keys
) -> None:
    first, again, third, other = cluster(client, keys)
    items = client.get("/v1/complaints", headers=keys["read"]).get_json()["items"]
    assert [item["id"] for item in items] == [first["id"], again["id"], third["id"], other["id"]]
    assert [(i["incident_id"], i["incident_size"], i["incident_open"]) for i in items] == [
        (first["id"], 3, 3),
        (first["id"], 3, 3),
        (first["id"], 3, 3),
        (other["id"], 1, 1),
    ]


def test_archiving_the_first_offers_the_rest_then_moves_them_with_apply_to_cluster(
    client: FlaskClient, keys: Keys
) -> None:
    first, again, third, _ = cluster(client, keys)
    archived = archive(client, keys, third)
    assert "cluster_open" not in archived  # not the first of its incident
    body = {
        "to": "diarsipkan",
        "archive_reason": "duplikat",
        "reason": "satu lubang",
        "tanggapan": "sudah dilaporkan",
        "apply_to_cluster": True,
    }
    moved = client.post(
        f"/v1/complaints/{first['id']}/transitions", json=body, headers=keys["review"]
    )
    assert moved.status_code == 201, moved.get_json()
    answer = moved.get_json()
    assert answer["event"]["complaint_id"] == first["id"]
    assert [e["complaint_id"] for e in answer["cluster"]["events"]] == [again["id"]]
    assert answer["cluster"]["events"][0]["actor"] == "test-review"
    assert answer["cluster"]["skipped"] == [{"id": third["id"], "state": "diarsipkan"}]
    events = client.get(f"/v1/complaints/{again['id']}/events", headers=keys["read"])
    assert [e["tanggapan"] for e in events.get_json()["events"]] == ["sudah dilaporkan"]


def test_resolving_the_first_alone_lists_the_open_members(client: FlaskClient, keys: Keys) -> None:
    first, again, third, _ = cluster(client, keys)
    url = f"/v1/complaints/{first['id']}/transitions"
    moved = client.post(
        url, json={"to": "diarsipkan", "archive_reason": "duplikat"}, headers=keys["review"]
    )
    assert moved.status_code == 201
    assert moved.get_json()["cluster_open"] == [again["id"], third["id"]]


def test_an_illegal_member_move_is_409_and_nothing_moves(client: FlaskClient, keys: Keys) -> None:
    first, again, _, _ = cluster(client, keys)
    url = f"/v1/complaints/{first['id']}/transitions"
    for state in ("terverifikasi", "terdisposisi"):
        assert client.post(url, json={"to": state}, headers=keys["review"]).status_code == 201
    body = {"to": "ditindaklanjuti", "tanggapan": "dikerjakan"}
    assert client.post(url, json=body, headers=keys["review"]).status_code == 201
    body = {"to": "selesai", "tanggapan": "sudah diaspal", "apply_to_cluster": True}
    refused = client.post(url, json=body, headers=keys["review"])
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "illegal_transition"
    assert f"complaint {again['id']}" in refused.get_json()["detail"]
    state = client.get(f"/v1/complaints/{first['id']}", headers=keys["read"]).get_json()["state"]
    assert state == "ditindaklanjuti"


def test_apply_to_cluster_refuses_other_states_and_members(client: FlaskClient, keys: Keys) -> None:
    first, again, _, _ = cluster(client, keys)
    verify = client.post(
        f"/v1/complaints/{first['id']}/transitions",
        json={"to": "terverifikasi", "apply_to_cluster": True},
        headers=keys["review"],
    )
    assert verify.status_code == 409
    assert "selesai or diarsipkan" in verify.get_json()["detail"]
    member = client.post(
        f"/v1/complaints/{again['id']}/transitions",
        json={"to": "diarsipkan", "archive_reason": "duplikat", "apply_to_cluster": True},
        headers=keys["review"],
    )
    assert member.status_code == 409
    assert not client.get(f"/v1/complaints/{first['id']}/events", headers=keys["read"]).get_json()[
        "events"
    ]


def test_the_cli_archives_a_cluster(
    client: FlaskClient, keys: Keys, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, again, third, _ = cluster(client, keys)
    db = ["--database-url", database_url]
    move = ["complaints", "transition", "--to", "diarsipkan", "--archive-reason", "duplikat"]
    assert main([*move, "--id", str(again["id"]), "--apply-to-cluster", *db]) == 1
    assert f"incident of complaint {first['id']}" in capsys.readouterr().err
    assert main([*move, "--id", str(first["id"]), "--apply-to-cluster", *db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(c["id"]) for c in (first, again, third)]
    assert all("-> diarsipkan" in line for line in lines)


def grouped(client: FlaskClient, keys: Keys, query: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/complaints?group=incident{query}", headers=keys["read"])
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def shape(body: dict[str, Any]) -> list[tuple[int, list[int]]]:
    return [(item["id"], [m["id"] for m in item["members"]]) for item in body["items"]]


def test_the_grouped_queue_nests_members_under_the_first_and_pages_over_incidents(
    client: FlaskClient, keys: Keys
) -> None:
    first, again, third, other = cluster(client, keys)
    body = grouped(client, keys)
    assert body["group"] == "incident"
    assert shape(body) == [(first["id"], [again["id"], third["id"]]), (other["id"], [])]
    assert body["total"] == 2
    head, member = body["items"][0], body["items"][0]["members"][0]
    # Each member is a normal complaint view, with the incident's counts.
    assert (head["incident_size"], head["incident_open"]) == (3, 3)
    assert (member["duplicate_of"], member["state"], member["sla"]) == (
        first["id"],
        "belum_terverifikasi",
        again["sla"],
    )
    page = grouped(client, keys, "&limit=1&offset=1")
    assert (shape(page), page["total"], page["limit"]) == ([(other["id"], [])], 2, 1)
    # The flat default is unchanged.
    flat = client.get("/v1/complaints", headers=keys["read"]).get_json()
    assert "group" not in flat
    assert [item["id"] for item in flat["items"]] == [
        first["id"],
        again["id"],
        third["id"],
        other["id"],
    ]


def test_an_incident_sorts_by_its_oldest_open_and_most_urgent_complaint(
    client: FlaskClient, keys: Keys
) -> None:
    first = ingest(client, keys, "L-1", POTHOLE, 0)
    lone = ingest(client, keys, "L-2", "bansos belum cair sejak bulan lalu", 2)
    again = ingest(client, keys, "L-3", POTHOLE + "!!", 4)
    assert shape(grouped(client, keys)) == [(first["id"], [again["id"]]), (lone["id"], [])]
    archive(client, keys, first)
    # The first has ended: the incident is as old as its open member (minute 4).
    assert shape(grouped(client, keys)) == [(lone["id"], []), (first["id"], [again["id"]])]
    fire = ingest(client, keys, "L-4", "kebakaran rumah warga, api besar, ada korban", 30)
    assert fire["urgent"]
    assert [item["id"] for item in grouped(client, keys)["items"]][0] == fire["id"]


def test_filters_list_members_and_the_first_is_always_shown(
    client: FlaskClient, keys: Keys
) -> None:
    first, again, third, other = cluster(client, keys)
    archive(client, keys, third)
    # Without a state filter the ended member is left out; its counts stay on the first.
    body = grouped(client, keys)
    assert shape(body) == [(first["id"], [again["id"]]), (other["id"], [])]
    assert body["items"][0]["incident_open"] == 2
    archived = grouped(client, keys, "&state=diarsipkan")
    assert (shape(archived), archived["total"]) == ([(first["id"], [third["id"]])], 1)
    assert archived["items"][0]["state"] == "belum_terverifikasi"


def test_an_unknown_grouping_is_a_400(client: FlaskClient, keys: Keys) -> None:
    response = client.get("/v1/complaints?group=opd", headers=keys["read"])
    assert response.status_code == 400
    assert "group" in response.get_json()["detail"]
