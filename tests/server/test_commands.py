"""Workflow commands on the server: arrival order, rejected actions kept as conflicts,
department scope, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Conflict, Move, Record
from gridworker.server.users import create_department, create_user
from tests.server.conftest import GRID_A, GRID_B, PASSWORD
from tests.server.test_push import (
    Laptop,
    action_payload,
    case_payload,
    new_id,
    seq_now,
    stored,
)

ROLES = {
    "worker.a": "grid_worker",
    "adviser.a": "adviser",
    "sup.street": "supervisor",
    "sup.community": "supervisor",
    "dept.cg": "department",
    "dept.other": "department",
}


@pytest.fixture
def more_users(app: FastAPI, settings: Settings) -> None:
    """A community supervisor of grid A's community and a second department's handler."""
    with transaction(app.state.sessions) as s:
        create_user(
            s,
            settings=settings,
            username="sup.community",
            password=PASSWORD,
            role="supervisor",
            area_code=GRID_A[:12],
        )
        other = create_department(s, name="住建局")
        create_user(
            s,
            settings=settings,
            username="dept.other",
            password=PASSWORD,
            role="department",
            department_id=other.id,
        )


def act(
    laptop: Laptop, case: dict[str, Any], action: str, **fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Push one action by the laptop's user; return (outcome, the action sent)."""
    payload = action_payload(case, action, laptop.username, ROLES[laptop.username], **fields)
    outcome = laptop.one(
        laptop.mutation("command", "case_action", payload["id"], payload, grid=case["grid_code"])
    )
    return outcome, payload


def reported_case(worker: Laptop) -> dict[str, Any]:
    """A case created and reported in one batch, as report_case() queues it."""
    case = case_payload()
    report = action_payload(case, "report", "worker.a", "grid_worker")
    outcomes = worker.push(
        worker.mutation("create", "case", case["id"], case),
        worker.mutation("command", "case_action", report["id"], report),
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"], outcomes
    return case


def state(app: FastAPI, case: dict[str, Any]) -> str:
    record = stored(app, "case", case["id"])
    assert record is not None
    return str(record.data["state"])


def test_valid_sequence_applies_in_arrival_order(app: FastAPI, client: TestClient) -> None:
    """Proves a whole workflow pushed by four people applies in arrival order: each
    action is stored with its from/to states, the case's workflow fields follow, and
    the dispatch hands the case and its history to the department."""
    worker, sup, dept = (Laptop(client, u) for u in ("worker.a", "sup.street", "dept.cg"))
    dept_id = app.state.test_department_id
    case = reported_case(worker)
    record = stored(app, "case", case["id"])
    assert record.data["state"] == "reported" and record.data["deadline_at"]
    assert record.field_meta["state"][1] == "worker.a"
    steps = [
        (sup, "accept", {}, "accepted"),
        (sup, "dispatch", {"department_id": dept_id}, "dispatched"),
        (dept, "sign", {}, "in_progress"),
        (dept, "report_done", {}, "handled"),
        (worker, "verify_ok", {}, "verified"),
        (sup, "close", {}, "closed"),
    ]
    previous = "reported"
    for laptop, action, fields, expected in steps:
        outcome, sent = act(laptop, case, action, **fields)
        assert outcome["status"] == "applied", (action, outcome)
        assert state(app, case) == expected
        stored_action = stored(app, "case_action", sent["id"])
        assert stored_action.data["from_state"] == previous
        assert stored_action.data["to_state"] == expected
        assert stored_action.data["rejected"] is False
        assert stored_action.version == outcome["version"]
        previous = expected
    record = stored(app, "case", case["id"])
    assert record.department_id == dept_id and record.data["department_id"] == dept_id
    with transaction(app.state.sessions, write=False) as s:
        actions = s.scalars(select(Record).where(Record.entity == "case_action")).all()
        # The report and accept made before the dispatch now follow the case.
        assert len(actions) == 7 and {a.department_id for a in actions} == {dept_id}


def test_two_supervisors_accept_one_is_kept_rejected(
    app: FastAPI, client: TestClient, more_users: None
) -> None:
    """Proves the second of two concurrent accepts is stored as a rejected action with a
    visible workflow conflict (never dropped), and the case is accepted once."""
    worker, street, community = (
        Laptop(client, u) for u in ("worker.a", "sup.street", "sup.community")
    )
    case = reported_case(worker)
    first, _ = act(street, case, "accept")
    second, sent = act(community, case, "accept")
    assert first["status"] == "applied"
    assert second["status"] == "conflict" and second["code"] == "invalid_transition"
    assert second["record"]["rejected"] is True and second["conflict_id"]
    assert state(app, case) == "accepted"
    kept = stored(app, "case_action", sent["id"])
    assert kept.data["rejected"] is True and kept.data["reject_code"] == "invalid_transition"
    assert kept.data["from_state"] == "accepted" and kept.data["to_state"] is None
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.get(Conflict, second["conflict_id"])
        assert conflict.kind == "workflow" and conflict.reject_code == "invalid_transition"
        assert conflict.action["id"] == sent["id"] and conflict.record_id == case["id"]
    listed = client.get("/api/v1/conflicts", headers=worker.headers).json()["conflicts"]
    assert [c["id"] for c in listed] == [second["conflict_id"]]


def test_action_invalid_by_arrival_after_close(app: FastAPI, client: TestClient) -> None:
    """Proves an action made offline on a case that was closed meanwhile (a not-fixed
    verdict arriving after the close) is kept rejected in a workflow conflict."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    case = reported_case(worker)
    act(sup, case, "accept")
    act(sup, case, "handle_directly")
    act(sup, case, "report_done")
    offline_verdict = action_payload(case, "verify_fail", "worker.a", "grid_worker")
    act(worker, case, "verify_ok")
    act(sup, case, "close")
    outcome = worker.one(
        worker.mutation("command", "case_action", offline_verdict["id"], offline_verdict)
    )
    assert outcome["status"] == "conflict" and outcome["code"] == "invalid_transition"
    assert state(app, case) == "closed"


def test_state_is_never_changed_by_a_field_update(app: FastAPI, client: TestClient) -> None:
    """Proves a field update touching a case's workflow fields is rejected (validation),
    while the same update's other fields would apply on their own."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    case = reported_case(worker)
    version = stored(app, "case", case["id"]).version
    for laptop in (worker, sup):
        out = laptop.update("case", case["id"], {"state": "closed", "title": "改"}, base=version)
        assert out["status"] == "rejected" and out["code"] == "validation"
    assert state(app, case) == "reported"
    ok = worker.update("case", case["id"], {"title": "楼道堆放杂物（已通知物业）"}, base=version)
    assert ok["status"] == "applied" and state(app, case) == "reported"


def test_department_acts_only_on_cases_dispatched_to_it(
    app: FastAPI, client: TestClient, more_users: None
) -> None:
    """Proves a department may sign (and attach files to) only a case dispatched to it:
    another department's sign, or a sign before dispatch, is rejected out_of_scope with
    nothing stored."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    dept, other = Laptop(client, "dept.cg"), Laptop(client, "dept.other")
    case = reported_case(worker)
    act(sup, case, "accept")
    early, early_sent = act(dept, case, "sign")
    assert early["status"] == "rejected" and early["code"] == "out_of_scope"
    assert stored(app, "case_action", early_sent["id"]) is None
    act(sup, case, "dispatch", department_id=app.state.test_department_id)
    wrong, wrong_sent = act(other, case, "sign")
    assert wrong["code"] == "out_of_scope" and stored(app, "case_action", wrong_sent["id"]) is None
    photo = attachment(case)
    assert other.create("attachment", photo)["code"] == "out_of_scope"
    right, _ = act(dept, case, "sign")
    assert right["status"] == "applied" and state(app, case) == "in_progress"
    assert dept.create("attachment", photo)["status"] == "applied"
    assert stored(app, "attachment", photo["id"]).department_id == app.state.test_department_id


def attachment(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id(),
        "grid_code": case["grid_code"],
        "deleted": False,
        "owner_entity": "case",
        "owner_id": case["id"],
        "sha256": "ab" * 32,
        "mime": "image/jpeg",
        "size": 1234,
        "caption": None,
        "is_evidence": True,
        "taken_at": None,
    }


def test_solve_on_the_spot_needs_a_photo(app: FastAPI, client: TestClient) -> None:
    """Proves 当场办结 without an attached photo is kept rejected (photo_required), and
    succeeds once a photo of the case is on the server."""
    worker = Laptop(client, "worker.a")
    case = case_payload()
    worker.create("case", case)
    refused, _ = act(worker, case, "solve_on_spot")
    assert refused["status"] == "conflict" and refused["code"] == "photo_required"
    assert worker.create("attachment", attachment(case))["status"] == "applied"
    done, _ = act(worker, case, "solve_on_spot")
    assert done["status"] == "applied" and state(app, case) == "handled"


def test_actions_are_only_pushed_by_their_actor(app: FastAPI, client: TestClient) -> None:
    """Proves a grid worker cannot push an action claiming a supervisor's role or name."""
    worker = Laptop(client, "worker.a")
    case = reported_case(worker)
    spoof = action_payload(case, "accept", "worker.a", "supervisor")
    out = worker.one(worker.mutation("command", "case_action", spoof["id"], spoof))
    assert out["status"] == "rejected" and out["code"] == "forbidden"
    assert stored(app, "case_action", spoof["id"]) is None and state(app, case) == "reported"


def test_an_action_is_applied_once(app: FastAPI, client: TestClient) -> None:
    """Proves the same action re-sent from another device is not run twice: applied with
    the stored version, no new sequence number."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    case = reported_case(worker)
    accepted, sent = act(sup, case, "accept")
    seq = seq_now(app)
    again = Laptop(client, "sup.street")
    out = again.one(again.mutation("command", "case_action", sent["id"], sent))
    assert out["status"] == "applied" and out["version"] == accepted["version"]
    assert seq_now(app) == seq


def test_actions_on_deleted_or_missing_cases(app: FastAPI, client: TestClient) -> None:
    """Proves an action on a deleted case is kept rejected in a workflow conflict, and one
    on a case the server never had is refused as one outside the caller's scope is."""
    worker = Laptop(client, "worker.a")
    case = case_payload()
    version = worker.create("case", case)["version"]
    worker.delete("case", case["id"], base=version)
    out, sent = act(worker, case, "report")
    assert out["status"] == "conflict" and out["code"] == "record_deleted"
    assert stored(app, "case_action", sent["id"]).data["rejected"] is True
    ghost = case_payload()
    missing, _ = act(worker, ghost, "report")
    assert missing["status"] == "rejected" and missing["code"] == "out_of_scope"


def test_a_moved_case_takes_its_history_along(app: FastAPI, client: TestClient) -> None:
    """Proves moving a case to another grid moves its actions and photos with it (each
    with a Move row for the old grid's clients), so a photo-needing action still finds
    its photo."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    case = reported_case(worker)
    photo = attachment(case)
    worker.create("attachment", photo)
    version = stored(app, "case", case["id"]).version
    out = sup.update("case", case["id"], {"grid_code": GRID_B}, base=version)
    assert out["status"] == "applied"
    assert stored(app, "attachment", photo["id"]).grid_code == GRID_B
    with transaction(app.state.sessions, write=False) as s:
        moves = s.scalars(select(Move)).all()
        actions = s.scalars(select(Record).where(Record.entity == "case_action")).all()
    assert {m.entity for m in moves} == {"case", "case_action", "attachment"}
    assert {a.grid_code for a in actions} == {GRID_B}
    # Worker.a no longer covers the case, but acted on the copy its laptop held (grid A,
    # its own): the action is handed over to grid B (design §4.6), never applied there and
    # never refused as missing; worker.b's supervisors see it as a workflow conflict.
    late, sent = act(worker, case, "solve_on_spot")
    assert (late["status"], late["code"], late["record"]) == ("conflict", "left_scope", None)
    kept = stored(app, "case_action", sent["id"])
    assert kept is not None and kept.grid_code == GRID_B
    assert (kept.data["rejected"], kept.data["reject_code"]) == (True, "left_scope")
    assert state(app, case) == "reported"
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.scalars(select(Conflict).where(Conflict.record_id == case["id"])).one()
        assert (conflict.kind, conflict.grid_code, conflict.id) == (
            "workflow",
            GRID_B,
            late["conflict_id"],
        )
