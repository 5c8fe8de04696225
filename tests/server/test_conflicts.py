"""Conflict list and resolve: who sees a conflict, and what resolving writes, on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Audit, Conflict
from gridworker.server.users import create_user
from tests.server.conftest import GRID_A, PASSWORD
from tests.server.test_commands import act, reported_case, state
from tests.server.test_push import (
    Laptop,
    household,
    new_id,
    registered,
    seq_now,
    stored,
    tag_payload,
)


def listed(client: TestClient, laptop: Laptop, status: str = "open") -> list[dict[str, Any]]:
    r = client.get("/api/v1/conflicts", params={"status": status}, headers=laptop.headers)
    assert r.status_code == 200, r.text
    conflicts: list[dict[str, Any]] = r.json()["conflicts"]
    return conflicts


def resolve(client: TestClient, laptop: Laptop, conflict_id: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/conflicts/{conflict_id}/resolve", json=body, headers=laptop.headers
    )


def phone_conflict(client: TestClient) -> tuple[Laptop, Laptop, dict[str, Any], str]:
    """worker.a and sup.street both change a household's phone; worker.a's push loses."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    h = household()
    v0 = worker.create("household", h)["version"]
    sup.update("household", h["id"], {"phone": "13900139000"}, base=v0)
    out = worker.update("household", h["id"], {"phone": "13700137000"}, base=v0)
    assert out["status"] == "conflict"
    return worker, sup, h, out["conflict_id"]


def test_conflict_is_visible_to_its_grid_and_pusher_only(app: FastAPI, client: TestClient) -> None:
    """Proves a visit conflict in grid A is listed for the adviser who pushed it, grid A's
    worker and the street supervisor, and not for sup.other, worker.b or the department."""
    adviser, worker = Laptop(client, "adviser.a"), Laptop(client, "worker.a")
    visit = {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "household_id": registered(worker)[0],
        "visitor": "adviser.a",
        "visited_at": "2026-11-27T02:30:00.000000+00:00",
        "mode": "home",
        "situation": "老人身体尚可",
    }
    v0 = adviser.create("visit", visit)["version"]
    worker.update("visit", visit["id"], {"situation": "老人需要助餐"}, base=v0)
    out = adviser.update("visit", visit["id"], {"situation": "老人需要陪诊"}, base=v0)
    conflict_id = out["conflict_id"]
    for username in ("adviser.a", "worker.a", "sup.street"):
        assert [c["id"] for c in listed(client, Laptop(client, username))] == [conflict_id]
    for username in ("sup.other", "worker.b", "dept.cg"):
        assert listed(client, Laptop(client, username)) == []
    info = listed(client, adviser)[0]
    assert info["kind"] == "field" and info["entity"] == "visit" and info["status"] == "open"
    assert info["fields"][0]["server_author"] == "worker.a"
    assert info["fields"][0]["incoming_author"] == "adviser.a"


def test_resolve_with_local_values(app: FastAPI, client: TestClient) -> None:
    """Proves resolving with `local` writes the pushed value as a new change by the
    resolver, marks the conflict resolved with a new version, is audited without values,
    and a second resolve is a 400 bad_request that says so."""
    worker, _sup, h, conflict_id = phone_conflict(client)
    with transaction(app.state.sessions, write=False) as s:
        before = s.get(Conflict, conflict_id).version
    r = resolve(client, worker, conflict_id, choice="local")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "resolved" and body["resolved_by"] == "worker.a"
    assert body["resolved_at"]
    record = stored(app, "household", h["id"])
    assert record.data["phone"] == "13700137000"
    assert record.field_meta["phone"][:3] == [record.version, "worker.a", None]
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.get(Conflict, conflict_id)
        assert conflict.version > before and conflict.version > record.version
    assert listed(client, worker) == []
    assert [c["id"] for c in listed(client, worker, "resolved")] == [conflict_id]
    again = resolve(client, worker, conflict_id, choice="server")
    assert again.status_code == 400 and again.json()["code"] == "bad_request"
    assert again.json()["message"] == "该冲突已由worker.a处理，无需再次处理"
    with transaction(app.state.sessions, write=False) as s:
        row = s.scalars(select(Audit).where(Audit.action == "resolve_conflict")).one()
    # Audited: who, which record, the choice and field names; never the values.
    assert row.username == "worker.a" and row.record_id == h["id"]
    assert row.detail == {
        "conflict": conflict_id,
        "kind": "field",
        "choice": "local",
        "fields": ["phone"],
    }


def test_resolve_keeping_the_server_value(app: FastAPI, client: TestClient) -> None:
    """Proves `server` leaves the record as it is (same version) and closes the conflict,
    and that once the record is deleted meanwhile only `server` can close it (410)."""
    _worker, sup, h, conflict_id = phone_conflict(client)
    version = stored(app, "household", h["id"]).version
    r = resolve(client, sup, conflict_id, choice="server")
    assert r.status_code == 200 and r.json()["resolved_by"] == "sup.street"
    record = stored(app, "household", h["id"])
    assert record.version == version and record.data["phone"] == "13900139000"
    worker, sup, h, conflict_id = phone_conflict(client)
    sup.delete("household", h["id"], base=stored(app, "household", h["id"]).version)
    r = resolve(client, worker, conflict_id, choice="local")
    assert r.status_code == 410 and r.json()["code"] == "record_deleted"
    assert resolve(client, worker, conflict_id, choice="server").status_code == 200


def test_resolve_with_typed_values(app: FastAPI, client: TestClient) -> None:
    """Proves `values` writes a typed value in the field's type (a count as a number) and
    refuses fields that are not part of the conflict."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    building = {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "estate_name": "城南小区",
        "building_no": "3栋",
        "floors_above": 6,
    }
    v0 = worker.create("building", building)["version"]
    sup.update("building", building["id"], {"floors_above": 5}, base=v0)
    conflict_id = worker.update("building", building["id"], {"floors_above": 8}, base=v0)[
        "conflict_id"
    ]
    bad = resolve(client, sup, conflict_id, choice="values", values={"estate_name": "x"})
    # 422: the laptop opens the conflict again for editing (400 means settled already).
    assert bad.status_code == 422 and bad.json()["code"] == "validation"
    ok = resolve(client, sup, conflict_id, choice="values", values={"floors_above": "7"})
    assert ok.status_code == 200, ok.text
    record = stored(app, "building", building["id"])
    assert record.data["floors_above"] == 7 and record.field_meta["floors_above"][1] == "sup.street"


def test_resolve_delete_conflicts(app: FastAPI, client: TestClient) -> None:
    """Proves `local` on an edit-against-delete conflict revives the record with the edit,
    and on a delete-against-edit conflict deletes it."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    revived, gone = household(), household(household_no="0102")
    v_revived = worker.create("household", revived)["version"]
    v_gone = worker.create("household", gone)["version"]
    sup.delete("household", revived["id"], base=v_revived)
    edit = worker.update("household", revived["id"], {"note": "仍在住"}, base=v_revived)
    sup.update("household", gone["id"], {"note": "已搬走"}, base=v_gone)
    removal = worker.delete("household", gone["id"], base=v_gone)
    for outcome in (edit, removal):
        r = resolve(client, worker, outcome["conflict_id"], choice="local")
        assert r.status_code == 200, r.text
    record = stored(app, "household", revived["id"])
    assert not record.deleted and record.data["note"] == "仍在住"
    assert record.field_meta["deleted"][1] == "worker.a"
    assert stored(app, "household", gone["id"]).deleted


def test_workflow_conflict_is_acknowledged(app: FastAPI, client: TestClient) -> None:
    """Proves resolving a workflow conflict only acknowledges it: the action stays
    rejected and the case keeps its state."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    case = reported_case(worker)
    act(sup, case, "reject")
    late, sent = act(sup, case, "accept")
    seq = seq_now(app)
    r = resolve(client, worker, late["conflict_id"], choice="local")
    assert r.status_code == 200 and r.json()["kind"] == "workflow"
    assert r.json()["action"]["id"] == sent["id"]
    assert stored(app, "case_action", sent["id"]).data["rejected"] is True
    assert state(app, case) == "cancelled" and seq_now(app) == seq + 1


def test_resolve_scope_and_missing(app: FastAPI, client: TestClient) -> None:
    """Proves a supervisor of another street cannot see the conflict and resolving it gets
    exactly the answer an unknown id gets (404 not_found, one text): no existence oracle."""
    _worker, _sup, _h, conflict_id = phone_conflict(client)
    other = Laptop(client, "sup.other")
    r = resolve(client, other, conflict_id, choice="server")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert listed(client, other, "all") == []
    unknown = resolve(client, other, new_id(), choice="server")
    assert (unknown.status_code, unknown.json()) == (r.status_code, r.json())


def test_restricted_record_conflicts_need_special_access(
    app: FastAPI, client: TestClient, settings: Settings
) -> None:
    """Proves a conflict about a special-group tag is visible to the grid's worker and a
    named officer, but not to a supervisor of the grid without special access."""
    with transaction(app.state.sessions) as s:
        create_user(
            s,
            settings=settings,
            username="sup.officer",
            password=PASSWORD,
            role="supervisor",
            area_code=GRID_A[:9],
            special_access=True,
        )
    worker, officer = Laptop(client, "worker.a"), Laptop(client, "sup.officer")
    tag = tag_payload(registered(worker)[1], "community_correction", note=None)
    v0 = worker.create("resident_tag", tag)["version"]
    officer.update("resident_tag", tag["id"], {"note": "每月报到"}, base=v0)
    out = worker.update("resident_tag", tag["id"], {"note": "每周报到"}, base=v0)
    assert out["status"] == "conflict"
    assert [c["id"] for c in listed(client, worker)] == [out["conflict_id"]]
    assert [c["id"] for c in listed(client, officer)] == [out["conflict_id"]]
    street = Laptop(client, "sup.street")
    assert listed(client, street) == []
    r = resolve(client, street, out["conflict_id"], choice="server")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
