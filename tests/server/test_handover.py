"""Hand-over of a change made while the laptop held the record's grid (docs/design.md §4.6):
handed over however many changes came since its grid was taken away, refused with the
answer a record that does not exist gets when the device never held it. SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gridworker.server.core.db import transaction
from gridworker.server.models import Conflict, Device
from gridworker.server.users import update_user
from tests.server.conftest import GRID_A, GRID_B, GRID_C
from tests.server.test_pull import PULL
from tests.server.test_push import Laptop, household, new_id, registered, seq_now, stored


class Synced(Laptop):
    """A laptop that pushes (test_push.Laptop) and pulls as the sync engine does."""

    def __init__(self, client: TestClient, username: str) -> None:
        super().__init__(client, username)
        self.cursor: dict[str, Any] | None = None
        self.backfill: dict[str, int] = {}

    def sync(self, limit: int = 1000) -> list[str]:
        """Pull until has_more is false, storing each page's cursor; the evicted grids."""
        evicted: list[str] = []
        while True:
            body = {
                "device_id": self.device_id,
                "cursor": self.cursor,
                "backfill": self.backfill,
                "limit": limit,
            }
            r = self.client.post(PULL, json=body, headers=self.headers)
            assert r.status_code == 200, r.text
            page = r.json()
            self.cursor, self.backfill = page["cursor"], page["backfill"]
            evicted += page["evicted"]
            if not page["has_more"]:
                return evicted


def device(app: FastAPI, device_id: str) -> Device:
    with transaction(app.state.sessions, write=False) as s:
        found = s.get(Device, device_id)
        assert found is not None
        return found


def conflicts(app: FastAPI) -> int:
    with transaction(app.state.sessions, write=False) as s:
        return int(s.scalar(select(func.count()).select_from(Conflict)) or 0)


def answer(outcome: dict[str, Any]) -> tuple[Any, ...]:
    """What the pusher learns from an outcome."""
    return tuple(outcome.get(k) for k in ("status", "code", "reason", "version", "record"))


def probe(laptop: Laptop, op: str, record_id: str, grid: str, base: int) -> dict[str, Any]:
    if op == "delete":
        return laptop.delete("household", record_id, base=base, grid=grid)
    return laptop.update("household", record_id, {"note": "探"}, base=base, grid=grid)


def set_grids(app: FastAPI, username: str, grids: list[str]) -> None:
    with transaction(app.state.sessions) as s:
        update_user(s, username=username, grids=grids)


def test_a_change_from_a_copy_held_before_the_grid_was_taken_is_handed_over_however_late(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a change made from a copy the laptop had while grid A was its own is handed
    over as a conflict in the record's grid after A was taken away, several colleagues'
    changes came and the laptop pulled past the eviction (nothing is left in
    device.evicting): an edit, a delete, and an edit of a record since moved to a grid the
    laptop never had. A copy newer than the release, of a record that came into A from a
    grid the laptop never had, or of one created in A since, gets the answer of a record
    that does not exist."""
    set_grids(app, "worker.b", [GRID_A, GRID_B])
    b = Synced(client, "worker.b")
    worker_a, admin = Laptop(client, "worker.a"), Laptop(client, "admin")
    other = Laptop(client, "sup.other")
    edited, deleted, moved = (household(GRID_A, household_no=f"07{n}") for n in range(3))
    bases = {h["id"]: b.create("household", h)["version"] for h in (edited, deleted, moved)}
    stranger = household(GRID_C, household_no="0799")
    stranger_v = other.create("household", stranger, grid=GRID_C)["version"]
    b.sync()
    set_grids(app, "worker.b", [GRID_B])
    assert GRID_A in b.sync(limit=1)
    released = device(app, b.device_id).released
    assert released is not None and released[GRID_A] >= max(bases.values())
    # Colleagues carry on: several changes in grid A and grid B, pulled by b page by page.
    for _ in range(3):
        registered(worker_a, GRID_A)
    colleague_b = Laptop(client, "worker.b")
    for _ in range(3):
        registered(colleague_b, GRID_B)
    b.sync(limit=2)
    b.sync(limit=2)
    assert not device(app, b.device_id).evicting  # the old rule's evidence is gone
    newer = worker_a.update(
        "household", edited["id"], {"phone": "13900139000"}, base=bases[edited["id"]]
    )
    assert newer["status"] == "applied"
    assert (
        admin.update("household", moved["id"], {"grid_code": GRID_C}, base=bases[moved["id"]])[
            "status"
        ]
        == "applied"
    )
    assert (
        admin.update(
            "household", stranger["id"], {"grid_code": GRID_A}, base=stranger_v, grid=GRID_C
        )["status"]
        == "applied"
    )

    before = conflicts(app)
    late = b.update("household", edited["id"], {"note": "收回前改的"}, base=bases[edited["id"]])
    gone = b.delete("household", deleted["id"], base=bases[deleted["id"]])
    away = b.update("household", moved["id"], {"note": "搬走前改的"}, base=bases[moved["id"]])
    for outcome in (late, gone, away):
        assert (outcome["status"], outcome["code"], outcome["record"]) == (
            "conflict",
            "left_scope",
            None,
        )
    assert conflicts(app) == before + 3
    with transaction(app.state.sessions, write=False) as s:
        handed = {c.record_id: c for c in s.scalars(select(Conflict))}
        assert handed[edited["id"]].grid_code == GRID_A
        assert [f["incoming"] for f in handed[edited["id"]].fields] == ["收回前改的"]
        assert handed[deleted["id"]].kind == "delete"
        assert handed[moved["id"]].grid_code == GRID_C
    assert not stored(app, "household", deleted["id"]).deleted
    assert stored(app, "household", edited["id"]).data["note"] is None

    # Claims the laptop cannot have held: the answer of a record that does not exist.
    fresh = household(GRID_A, household_no="0798")  # created in A after the release
    assert worker_a.create("household", fresh)["status"] == "applied"
    for record_id, base in (
        (edited["id"], newer["version"]),
        (stranger["id"], stranger_v),
        (fresh["id"], released[GRID_A]),
    ):
        claimed = b.update("household", record_id, {"note": "x"}, base=base)
        nothing = b.update("household", new_id(), {"note": "x"}, base=base)
        assert claimed["code"] == "out_of_scope"
        assert answer(claimed) == answer(nothing)
    assert conflicts(app) == before + 3


def test_a_device_that_never_held_a_grid_gets_the_answer_of_a_record_that_does_not_exist(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a device that never held grid A learns nothing about a record in grid A,
    whatever grid and base version it claims, even when another laptop of the same user
    held A and released it: every update and delete gets exactly the answer an unknown
    id gets, and nothing is written or handed over."""
    owner = Laptop(client, "worker.a")
    h = household(GRID_A, household_no="0801")
    v0 = owner.create("household", h)["version"]
    set_grids(app, "worker.b", [GRID_A, GRID_B])
    held_it = Synced(client, "worker.b")
    held_it.sync()
    set_grids(app, "worker.b", [GRID_B])
    held_it.sync()
    assert GRID_A in (device(app, held_it.device_id).released or {})
    for never in (Laptop(client, "worker.b"), Synced(client, "worker.b")):
        if isinstance(never, Synced):
            never.sync()  # a device that pulled, with grid B only
        before, version = conflicts(app), stored(app, "household", h["id"]).version
        for grid in (GRID_A, GRID_B):
            for base in (0, v0, seq_now(app)):
                for op in ("update", "delete"):
                    real = probe(never, op, h["id"], grid, base)
                    unknown = probe(never, op, new_id(), grid, base)
                    assert real["status"] == "rejected" and real["code"] == "out_of_scope"
                    assert answer(real) == answer(unknown)
        assert conflicts(app) == before
        assert stored(app, "household", h["id"]).version == version
