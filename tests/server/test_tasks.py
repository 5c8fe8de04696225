"""Tasks on the server (docs/design.md §23), on SQLite and PostgreSQL: who may issue and
act, the named worker and the target checked, task actions applied in arrival order (the
second of two is kept rejected with a workflow conflict), replays, and a task that moves
taking its actions along."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Conflict
from gridworker.server.users import create_user
from tests.server.conftest import GRID_A, GRID_B, GRID_C, PASSWORD
from tests.server.test_push import Laptop, household, new_id, stored


def task_payload(grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    record = {
        "id": new_id(),
        "grid_code": grid,
        "deleted": False,
        "title": "走访独居老人",
        "description": None,
        "kind": "visit",
        "assignee": None,
        "due_date": date(2026, 12, 10).isoformat(),
        "target_entity": None,
        "target_id": None,
        "issued_by": "sup.street",
        "issued_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    record.update(fields)
    return record


def task_action(task: dict[str, Any], action: str, actor: str, role: str, **more: Any) -> dict:  # type: ignore[type-arg]
    record = {
        "id": new_id(),
        "grid_code": task["grid_code"],
        "deleted": False,
        "task_id": task["id"],
        "action": action,
        "actor": actor,
        "actor_role": role,
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "note": None,
        "answer_entity": None,
        "answer_id": None,
        "from_state": None,
        "to_state": None,
        "rejected": False,
        "reject_code": None,
    }
    record.update(more)
    return record


def issue(sup: Laptop, task: dict[str, Any]) -> dict[str, Any]:
    return sup.one(sup.mutation("create", "task", task["id"], task, grid=task["grid_code"]))


def command(laptop: Laptop, action: dict[str, Any]) -> dict[str, Any]:
    return laptop.one(
        laptop.mutation("command", "task_action", action["id"], action, grid=action["grid_code"])
    )


def test_who_issues_and_what_a_task_may_name(app: FastAPI, client: TestClient) -> None:
    """Proves a worker may not issue a task; a supervisor's task for a grid outside its area
    is refused with the task's message; the named worker must work the grid; a target in
    another grid or deleted is refused; the laptop's workflow fields are replaced (merged)."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    assert issue(worker, task_payload())["code"] == "forbidden"
    outside = issue(sup, task_payload(GRID_C))
    assert outside["code"] == "out_of_scope" and "不能向它下发任务" in outside["reason"]
    wrong = issue(sup, task_payload(GRID_A, assignee="worker.b"))
    assert wrong["status"] == "rejected" and "不负责网格" in wrong["reason"]
    assert issue(sup, task_payload(GRID_B, assignee="worker.b"))["status"] == "applied"
    home = household(GRID_B)
    assert worker_b_creates(client, home)["status"] == "applied"
    other_grid = issue(sup, task_payload(GRID_A, target_entity="household", target_id=home["id"]))
    assert other_grid["status"] == "rejected" and "不在任务的网格" in other_grid["reason"]
    sneaky = task_payload(GRID_A, state="done", remind_count=3)
    merged = issue(sup, sneaky)
    assert merged["status"] == "merged" and merged["record"]["state"] == "issued"
    assert merged["record"]["remind_count"] == 0


def worker_b_creates(client: TestClient, record: dict[str, Any]) -> dict[str, Any]:
    laptop = Laptop(client, "worker.b")
    return laptop.one(laptop.mutation("create", "household", record["id"], record, grid=GRID_B))


def test_two_signs_on_one_task(app: FastAPI, client: TestClient) -> None:
    """Proves two workers signing for one grid task: the first applies and sets the signer,
    the second is stored rejected with a workflow conflict on the task (reason in words); a
    re-sent action replays its outcome without running again; a supervisor's sign is refused
    outright (never stored); a worker's action on a task outside its grids is unreachable."""
    sup, a = Laptop(client, "sup.street"), Laptop(client, "worker.a")
    task = task_payload(GRID_A)
    issue(sup, task)
    first = task_action(task, "sign", "worker.a", "grid_worker")
    assert command(a, first)["status"] == "applied"
    record = stored(app, "task", task["id"])
    assert record is not None
    assert (record.data["state"], record.data["signed_by"]) == ("signed", "worker.a")
    again = Laptop(client, "worker.a")  # a second laptop of the same worker, offline
    second = task_action(task, "sign", "worker.a", "grid_worker")
    outcome = command(again, second)
    assert outcome["status"] == "conflict" and outcome["code"] == "task_invalid_transition"
    assert "已签收" in outcome["reason"]
    kept = stored(app, "task_action", second["id"])
    assert kept is not None and kept.data["rejected"] is True
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.scalars(select(Conflict).where(Conflict.record_id == task["id"])).one()
        assert (conflict.kind, conflict.entity) == ("workflow", "task")
    replay = again.one(again.mutation("command", "task_action", second["id"], second, grid=GRID_A))
    assert replay["status"] == "conflict" and replay["conflict_id"] == outcome["conflict_id"]
    supervisor_sign = task_action(task, "sign", "sup.street", "supervisor")
    refused = command(sup, supervisor_sign)
    assert (
        refused["code"] == "forbidden" and stored(app, "task_action", supervisor_sign["id"]) is None
    )
    b = Laptop(client, "worker.b")
    assert (
        command(b, task_action(task, "done", "worker.b", "grid_worker"))["code"] == "out_of_scope"
    )


def test_a_moved_task_takes_its_actions(app: FastAPI, client: TestClient) -> None:
    """Proves a supervisor moving a task to another grid of its area takes the task's
    actions along (the new grid's laptops get its history); the named worker is checked
    against the new grid."""
    sup, a = Laptop(client, "sup.street"), Laptop(client, "worker.a")
    task = task_payload(GRID_A)
    version = issue(sup, task)["version"]
    act = task_action(task, "remind", "sup.street", "supervisor")
    assert command(sup, act)["status"] == "applied"
    record = stored(app, "task", task["id"])
    assert record is not None
    moved = sup.one(
        sup.mutation("update", "task", task["id"], {"grid_code": GRID_B}, base=record.version)
    )
    assert moved["status"] in ("applied", "merged"), moved
    child = stored(app, "task_action", act["id"])
    assert child is not None and child.grid_code == GRID_B
    named = sup.one(
        sup.mutation(
            "update", "task", task["id"], {"assignee": "worker.a"}, grid=GRID_B, base=version
        )
    )
    assert named["status"] == "rejected" and "不负责网格" in named["reason"]
    assert a  # worker.a's laptop exists; the task left its grid


def test_an_action_on_a_task_moved_away_meanwhile_is_handed_over(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a worker's task action taken while the laptop held the task (its base the
    task's version then), arriving after the supervisor moved the task to grid B, is
    neither applied nor refused as missing: it is kept rejected `left_scope` in grid B with
    a workflow conflict there, and the worker learns `left_scope` with no values. A device
    that never held grid A, acting on a task of grid A, gets exactly the answer of a task
    that does not exist, and nothing is stored."""
    sup, a, b = (Laptop(client, u) for u in ("sup.street", "worker.a", "worker.b"))
    task = task_payload(GRID_A)
    base = issue(sup, task)["version"]
    sign = task_action(task, "sign", "worker.a", "grid_worker")
    moved = sup.one(sup.mutation("update", "task", task["id"], {"grid_code": GRID_B}, base=base))
    assert moved["status"] == "applied", moved
    late = a.one(a.mutation("command", "task_action", sign["id"], sign, grid=GRID_A, base=base))
    assert (late["status"], late["code"], late["record"]) == ("conflict", "left_scope", None)
    kept = stored(app, "task_action", sign["id"])
    assert kept is not None and kept.grid_code == GRID_B
    assert (kept.data["rejected"], kept.data["reject_code"]) == (True, "left_scope")
    record = stored(app, "task", task["id"])
    assert record is not None and record.data["state"] == "issued"
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.scalars(select(Conflict).where(Conflict.record_id == task["id"])).one()
        assert (conflict.kind, conflict.grid_code, conflict.reject_code) == (
            "workflow",
            GRID_B,
            "left_scope",
        )
        assert conflict.id == late["conflict_id"]

    other = task_payload(GRID_A)
    other_base = issue(sup, other)["version"]
    for claimed in (0, other_base):
        real = task_action(other, "sign", "worker.b", "grid_worker")
        fake = task_action({**other, "id": new_id()}, "sign", "worker.b", "grid_worker")
        answers = [
            b.one(b.mutation("command", "task_action", act["id"], act, grid=GRID_A, base=claimed))
            for act in (real, fake)
        ]
        assert answers[0]["code"] == "out_of_scope"
        assert [{k: v for k, v in o.items() if k != "mutation_id"} for o in answers] == [
            {k: v for k, v in answers[1].items() if k != "mutation_id"}
        ] * 2
        assert stored(app, "task_action", real["id"]) is None


def test_a_resolution_must_name_a_worker_of_the_tasks_grid(
    app: FastAPI, client: TestClient, settings: Settings
) -> None:
    """Proves a conflict over a task's named worker is settled by the push's rule: resolved
    with a worker who does not work the task's grid it is refused (422, the push's
    message) and the task keeps its worker; resolved with one who does, it is written.
    Before, the resolution wrote any name (the check ran on a push only)."""
    with transaction(app.state.sessions) as s:
        create_user(
            s,
            settings=settings,
            username="worker.a2",
            password=PASSWORD,
            role="grid_worker",
            grids=[GRID_A],
        )
    sup, admin = Laptop(client, "sup.street"), Laptop(client, "admin")
    task = task_payload()
    v0 = issue(sup, task)["version"]
    assert admin.update("task", task["id"], {"assignee": "worker.a"}, base=v0)["status"] == (
        "applied"
    )
    lost = sup.update("task", task["id"], {"assignee": "worker.a2"}, base=v0)
    assert lost["status"] == "conflict"
    url = f"/api/v1/conflicts/{lost['conflict_id']}/resolve"
    refused = client.post(
        url, json={"choice": "values", "values": {"assignee": "worker.b"}}, headers=sup.headers
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "validation"
    assert "不负责网格" in refused.json()["message"]
    assert stored(app, "task", task["id"]).data["assignee"] == "worker.a"
    settled = client.post(url, json={"choice": "local"}, headers=sup.headers)
    assert settled.status_code == 200, settled.text
    assert stored(app, "task", task["id"]).data["assignee"] == "worker.a2"
