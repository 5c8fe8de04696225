"""Who pulls what (docs/design.md §4, §6): grids, departments, special-group tags, conflicts, and
scope changes (back-fill, eviction, moved records), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.users import create_user, update_user
from tests.server.conftest import GRID_A, GRID_B, GRID_C, PASSWORD
from tests.server.test_pull import Laptop, add_conflict, ids, records, write


def test_grid_roles_see_only_their_grids(app: FastAPI, client: TestClient) -> None:
    """Each role pulls only the grids in its scope (worker, adviser, supervisors, admin)."""
    in_grid: dict[str, set[str]] = {}
    for grid in (GRID_A, GRID_B, GRID_C):
        in_grid[grid] = {f"{grid}-{n}" for n in range(3)}
        for rid in sorted(in_grid[grid]):
            write(app, id=rid, grid_code=grid)
    expected = {
        "worker.a": in_grid[GRID_A],
        "worker.b": in_grid[GRID_B],
        "adviser.a": in_grid[GRID_A],
        "sup.street": in_grid[GRID_A] | in_grid[GRID_B],
        "sup.other": in_grid[GRID_C],
        "admin": in_grid[GRID_A] | in_grid[GRID_B] | in_grid[GRID_C],
        "dept.cg": set(),
    }
    for username, wanted in expected.items():
        rows, _ = Laptop(client, username).sync()
        assert ids(rows) == wanted, username


def test_department_sees_only_cases_dispatched_to_it(app: FastAPI, client: TestClient) -> None:
    """A department pulls only the cases dispatched to it, their actions and attachments."""
    dept = app.state.test_department_id
    mine = {"case-1", "action-1", "photo-1"}
    write(app, entity="case", id="case-1", grid_code=GRID_A, department_id=dept)
    write(app, entity="case_action", id="action-1", grid_code=GRID_A, department_id=dept)
    write(app, entity="attachment", id="photo-1", grid_code=GRID_A, department_id=dept)
    write(app, entity="case", id="case-2", grid_code=GRID_A)
    write(app, entity="case", id="case-3", grid_code=GRID_A, department_id=str(uuid.uuid4()))
    write(app, entity="household", id="hh-1", grid_code=GRID_A)
    rows, _ = Laptop(client, "dept.cg").sync()
    assert ids(rows) == mine
    assert ids(Laptop(client, "worker.a").sync()[0]) == mine | {"case-2", "case-3", "hh-1"}


def test_special_group_tags_reach_only_named_officers(
    app: FastAPI, client: TestClient, settings: Settings
) -> None:
    """Special-group tags and their conflicts reach only the worker and special officers."""
    with transaction(app.state.sessions) as s:
        create_user(
            s,
            settings=settings,
            username="sup.special",
            password=PASSWORD,
            role="supervisor",
            area_code=GRID_A[:9],
            special_access=True,
        )
    dept = app.state.test_department_id
    write(app, entity="resident_tag", id="tag-plain", grid_code=GRID_A, data={"tag": "独居老人"})
    write(
        app,
        entity="resident_tag",
        id="tag-special",
        grid_code=GRID_A,
        data={"tag": "社区矫正"},
        restricted=True,
        department_id=dept,
    )
    conflict = add_conflict(app, entity="resident_tag", record_id="tag-special", grid_code=GRID_A)
    sees = {"worker.a": True, "sup.special": True, "adviser.a": False, "sup.street": False}
    for username, allowed in sees.items():
        rows, _ = Laptop(client, username).sync()
        got_conflicts = {r["id"] for r in rows if r["entity"] == "conflict"}
        assert ("tag-special" in ids(rows)) is allowed, username
        assert (conflict in got_conflicts) is allowed, username
        assert "tag-plain" in ids(rows)
    rows, _ = Laptop(client, "dept.cg").sync()
    assert ids(rows) == set() and not [r for r in rows if r["entity"] == "conflict"]
    rows, _ = Laptop(client, "worker.b").sync()
    assert ids(rows) == set()


def test_conflicts_reach_the_worker_and_supervisors_of_the_grid(
    app: FastAPI, client: TestClient
) -> None:
    """A conflict reaches the grid's worker and supervisor as a `conflict` row, no one else."""
    write(app, id="hh-1", grid_code=GRID_A)
    conflict = add_conflict(app, entity="household", record_id="hh-1", grid_code=GRID_A)
    for username, allowed in (("worker.a", True), ("sup.street", True), ("worker.b", False)):
        rows, _ = Laptop(client, username).sync()
        got = [r for r in rows if r["entity"] == "conflict"]
        assert bool(got) is allowed
        if got:
            info = got[0]["fields"]
            assert got[0]["id"] == info["id"] == conflict
            assert info["record_id"] == "hh-1" and info["status"] == "open"
            assert info["fields"][0]["field"] == "address"


def test_added_grid_is_backfilled_from_zero(app: FastAPI, client: TestClient) -> None:
    """After update_user adds grid B, the next pull back-fills B from 0 with its own cursor."""
    laptop = Laptop(client, "worker.a")
    old_b = {f"b-{n}" for n in range(5)}
    for rid in sorted(old_b):
        write(app, id=rid, grid_code=GRID_B)
    laptop.sync()
    with transaction(app.state.sessions) as s:
        update_user(s, username="worker.a", grids=[GRID_A, GRID_B])
    # Other people keep writing in B and A meanwhile.
    write(app, id="a-new", grid_code=GRID_A)
    first = laptop.pull(limit=2)
    assert GRID_B in first["backfill"] and first["has_more"]
    seen = list(records(first["rows"]))
    while True:
        body = laptop.pull(limit=2)
        seen += records(body["rows"])
        if not body["has_more"]:
            break
    assert laptop.backfill == {}
    assert sorted(r["id"] for r in seen) == sorted(old_b | {"a-new"})
    write(app, id="b-new", grid_code=GRID_B)
    assert ids(laptop.sync()[0]) == {"b-new"}


def test_backfill_restarts_when_its_first_reply_was_lost(app: FastAPI, client: TestClient) -> None:
    """A back-fill whose first reply was lost starts again on the next pull."""
    laptop = Laptop(client, "worker.a")
    write(app, id="b-1", grid_code=GRID_B)
    laptop.sync()
    with transaction(app.state.sessions) as s:
        update_user(s, username="worker.a", grids=[GRID_A, GRID_B])
    lost = laptop.request()
    assert lost.status_code == 200 and ids(lost.json()["rows"]) == {"b-1"}
    rows, _ = laptop.sync()  # the laptop still has the old cursor and no back-fill
    assert ids(rows) == {"b-1"}
    assert laptop.sync()[0] == []


def test_removed_grid_is_evicted(app: FastAPI, client: TestClient) -> None:
    """After update_user removes grid B, pulls list B in `evicted` until the client confirms."""
    with transaction(app.state.sessions) as s:
        update_user(s, username="worker.a", grids=[GRID_A, GRID_B])
    laptop = Laptop(client, "worker.a")
    write(app, id="b-1", grid_code=GRID_B)
    assert ids(laptop.sync()[0]) == {"b-1"}
    with transaction(app.state.sessions) as s:
        update_user(s, username="worker.a", grids=[GRID_A])
    lost = laptop.request()
    assert lost.status_code == 200 and lost.json()["evicted"] == [GRID_B]
    write(app, id="b-2", grid_code=GRID_B)
    write(app, id="a-1", grid_code=GRID_A)
    rows, evicted = laptop.sync()
    assert evicted == [GRID_B] and ids(rows) == {"a-1"}
    write(app, id="a-2", grid_code=GRID_A)
    rows, evicted = laptop.sync()
    assert evicted == [] and ids(rows) == {"a-2"}


def test_moved_record_is_evicted_from_old_grid_clients(app: FastAPI, client: TestClient) -> None:
    """A record moved from A to B is a field-less tombstone for A-only clients, live for B."""
    write(app, id="hh-1", grid_code=GRID_A, data={"address": "1-101"})
    laptops = {u: Laptop(client, u) for u in ("worker.a", "worker.b", "sup.street")}
    for laptop in laptops.values():
        laptop.sync()
    version = write(app, id="hh-1", grid_code=GRID_B, data={"address": "2-202"})
    a_rows = records(laptops["worker.a"].sync()[0])
    assert a_rows == [
        {
            "entity": "household",
            "id": "hh-1",
            "grid_code": GRID_A,
            "version": version,
            "deleted": True,
            "fields": {},
        }
    ]
    for username in ("worker.b", "sup.street"):
        rows = records(laptops[username].sync()[0])
        assert [(r["grid_code"], r["deleted"], r["fields"]["address"]) for r in rows] == [
            (GRID_B, False, "2-202")
        ]
