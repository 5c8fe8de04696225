"""A moved household's residents end in its grid on the server and on every laptop: on the
mover's laptop when it edits a resident right after the move, and after a restore to a
backup older than the move. Convergence finding 6 and `check_children_follow`
(docs/reliability.md §9). Real server process on SQLite and PostgreSQL, real SQLCipher
profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridworker.protocol import ErrorCode, PullRequest, PullResponse
from gridworker.services import register
from gridworker.services.conflicts import list_conflicts, resolve_conflict
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow
from gridworker.sync.client import SyncClient, SyncError
from gridworker.sync.engine import SyncEngine
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.server_ops import backup, restore
from tests.e2e.test_sync_e2e import add_household, snapshot
from tests.reliability.conftest import ServerDb


class PullFails(SyncClient):
    """The push goes through, then the network drops: the pull never reaches the server."""

    def pull(self, request: PullRequest) -> PullResponse:
        raise SyncError(ErrorCode.server_error, "network down", status=503)


def push_only(ws: Workspace) -> None:
    good = client_for(ws)
    client = PullFails(good.transport, device_id=good.device_id, token=good.token)
    with pytest.raises(SyncError):
        SyncEngine(ws.profile, client, username=ws.actor.username).run_cycle()


def grids(server: LiveServer) -> dict[tuple[str, str], str]:
    db = ServerDb(server.db_url)
    try:
        return {k: r.grid_code for k, r in db.records().items() if not r.deleted}
    finally:
        db.close()


def held(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """Every live record the laptop holds, in both grids."""
    return {**snapshot(ws, GRID_A), **snapshot(ws, GRID_B)}


def test_a_household_moved_after_the_backup_takes_its_residents_when_re_sent(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves that after a restore to a backup older than a household's move, the
    supervisor's re-send of the moved household (its laptop never pulled the residents'
    move: the pull after the move failed) takes the residents along on the server: every
    resident lives in its household's grid, and every laptop ends equal to the server."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = add_household(a, "7701")
        sync_now(a)
        sync_now(sup)
        saved = backup(any_server.db_url)
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        push_only(sup)  # moved on the server (residents too); sup's residents still in A
        restore(any_server, saved)
        for ws in (sup, a, b, sup, a, b):
            sync_now(ws)
        where = grids(any_server)
        residents = [
            k for k, v in held(sup).items() if k[0] == "resident" and v["household_id"] == hid
        ]
        assert residents
        for key in residents:
            assert where[key] == where[("household", hid)] == GRID_B, (key, where[key])
        for ws in (a, b, sup):
            for key, values in held(ws).items():
                assert values["grid_code"] == where[key], (ws.actor.username, key)
        assert snapshot(b, GRID_B) == snapshot(sup, GRID_B)
        assert snapshot(a, GRID_A) == snapshot(sup, GRID_A)
    finally:
        a.close()
        b.close()
        sup.close()


def test_the_mover_edits_a_resident_after_the_move_and_learns_its_new_grid(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves that the supervisor who moves a household to grid B and then, before syncing,
    corrects one of its residents ends with that resident in grid B on the laptop, as on
    the server (the children's move is news to the mover's laptop, which never made it)."""
    a = enrolled(any_server, tmp_path, "worker.a")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = add_household(a, "7702")
        sync_now(a)
        sync_now(sup)
        (rid,) = [k[1] for k, v in held(sup).items() if k[0] == "resident"]
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        register.edit_record(sup, ResidentRow, rid, {"name": "张秀英改"})
        sync_now(sup)
        sync_now(sup)
        where = grids(any_server)
        assert where[("resident", rid)] == where[("household", hid)] == GRID_B
        mine = held(sup)
        assert mine[("resident", rid)]["grid_code"] == GRID_B
        assert mine[("resident", rid)]["name"] == "张秀英改"
        assert snapshot(sup, GRID_A) == {}
    finally:
        a.close()
        sup.close()


def test_keeping_ones_own_grid_in_a_conflict_takes_the_residents_along(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves that a conflict over a household's grid (the supervisor moved it to grid B on
    one laptop; another laptop, offline since before it was registered, registered the same
    household in grid A) resolved keeping that laptop's grid moves the household back with
    its residents, on the server and on every laptop."""
    second = enrolled(any_server, tmp_path, "sup.street", name="second")
    a = enrolled(any_server, tmp_path, "worker.a")
    first = enrolled(any_server, tmp_path, "sup.street", name="first")
    try:
        hid = add_household(a, "7703")
        sync_now(a)
        sync_now(first)
        register.edit_record(first, HouseholdRow, hid, {"grid_code": GRID_B})
        sync_now(first)
        assert register.register_household(
            second,
            register.HouseholdInput(grid_code=GRID_A, household_no="7703", address="凤凰小区"),
            [],
        ) == hid
        sync_now(second)
        (conflict,) = [
            c
            for c in list_conflicts(second, status="open")
            if c.record_id == hid and any(f["field"] == "grid_code" for f in c.fields)
        ]
        resolve_conflict(second, conflict.id, keep="local")
        for ws in (second, first, a, second, first, a):
            sync_now(ws)
        where = grids(any_server)
        children = [k for k, v in held(first).items() if k[0] == "resident"]
        assert children
        assert where[("household", hid)] == GRID_A
        for key in children:
            assert where[key] == GRID_A, key
        for ws in (first, second, a):
            for key, values in held(ws).items():
                assert values["grid_code"] == where[key], (ws.actor.username, key)
        assert snapshot(a, GRID_A) == snapshot(first, GRID_A)
    finally:
        a.close()
        first.close()
        second.close()
