"""Records leaving a laptop's grids: a moved household takes its children along; an edit
waiting on a row that leaves the scope (moved away, or its grid taken from the user) is
never silently lost and never leaves a stale copy. Real server process on SQLite and
PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridworker.domain.enums import NeedCategory, TagKind, VisitMode
from gridworker.services import register, visits
from gridworker.services.attachments import attach
from gridworker.services.conflict_review import grid_conflicts, resolve_grid_conflict
from gridworker.services.refused import dismiss_refused, refused_changes
from gridworker.services.status import status
from gridworker.services.syncing import client_for, sync_now
from gridworker.storage.models import HouseholdRow
from gridworker.sync.client import make_transport
from gridworker.sync.engine import SyncEngine
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.server_ops import set_grids
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb
from tests.reliability.convergence_edges import HookedClient


def outbox_pending(ws: Any) -> int:
    return int(status(ws)["pending"])


def _household_with_everything(ws: Any, no: str) -> str:
    hid = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address="凤凰小区5栋"),
        [
            register.ResidentInput(
                name="张秀英", id_number="360302195003070025", tags=[TagKind.living_alone_elderly]
            ),
            register.ResidentInput(name="李建国", id_number="360302195505050032"),
        ],
    )
    done = visits.record_visit(
        ws,
        household_id=hid,
        mode=VisitMode.home,
        needs=[visits.NeedInput(NeedCategory.livelihood, "楼道灯坏了")],
    )
    attach(ws, owner_entity="household", owner_id=hid, data=b"\x89PNG not really" * 10)
    attach(ws, owner_entity="visit", owner_id=done.visit_id, data=b"visit photo" * 10)
    return hid


def test_a_moved_household_takes_its_residents_tags_visits_needs_and_photos(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household the supervisor moves from grid A to grid B arrives on B's laptop
    with its residents, tags, visit, need and photos, and leaves A's laptop entirely; on
    the server every child lives in the household's grid."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = _household_with_everything(a, "0501")
        sync_now(a)
        sync_now(sup)
        moving = {k for k in snapshot(a) if k[0] != "household" or k[1] == hid}
        assert {e for e, _ in moving} == {
            "household",
            "resident",
            "resident_tag",
            "visit",
            "need",
            "attachment",
        }
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        for ws in (sup, a, b):
            sync_now(ws)
        assert snapshot(a) == {}
        assert set(snapshot(b, GRID_B)) == moving
        assert snapshot(sup, GRID_B) == snapshot(b, GRID_B)
        db = ServerDb(any_server.db_url)
        try:
            records = db.records()
        finally:
            db.close()
        assert {records[k].grid_code for k in moving} == {GRID_B}
    finally:
        a.close()
        b.close()
        sup.close()


def _refused(ws: Any) -> list[tuple[str, str, str]]:
    return [(c.entity, c.record_id, c.code) for c in refused_changes(ws)]


def _server_conflicts(server: LiveServer) -> list[Any]:
    db = ServerDb(server.db_url)
    try:
        return db.conflicts()
    finally:
        db.close()


def test_an_edit_waiting_on_a_household_moved_away_goes_to_the_supervisor(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A's unsent edit of a household the supervisor moves to grid B is
    neither applied nor lost: it becomes a conflict in grid B that the supervisor (and B's
    worker) see and can take, A keeps it as a refused change it can read, and A's laptop no
    longer holds the household; a resident A added to it meanwhile is refused visibly too."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = _household_with_everything(a, "0502")
        sync_now(a)
        sync_now(sup)
        register.edit_record(a, HouseholdRow, hid, {"note": "A 离线改的"})
        rid = register.add_resident(
            a, hid, register.ResidentInput(name="王芳", id_number="360302198001010022")
        )
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        sync_now(sup)
        report = sync_now(a)
        assert report.rejected == 2
        assert snapshot(a) == {} and snapshot(a, GRID_B) == {}
        assert sorted(_refused(a)) == sorted(
            [("household", hid, "left_scope"), ("resident", rid, "out_of_scope")]
        )
        [handed] = [c for c in _server_conflicts(any_server) if c.record_id == hid]
        assert (handed.grid_code, handed.reject_code) == (GRID_B, "left_scope")
        assert [(f["field"], f["incoming"]) for f in handed.fields] == [("note", "A 离线改的")]
        [seen] = [c for c in grid_conflicts(sup) if c.record_id == hid]
        resolve_grid_conflict(sup, seen.id, keep="incoming")
        for ws in (sup, b, a):
            sync_now(ws)
        assert snapshot(b, GRID_B)[("household", hid)]["note"] == "A 离线改的"
        assert snapshot(a) == {} and outbox_pending(a) == 0
        for change in refused_changes(a):
            dismiss_refused(a, change.id)
        assert refused_changes(a) == []
    finally:
        a.close()
        b.close()
        sup.close()


def test_an_edit_waiting_when_the_grid_is_taken_away_is_kept_visibly(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the eviction of a grid taken from the user keeps a row that still has an
    unsent edit (made while the sync ran, after its push), and that edit then reaches the
    people who cover the grid as a conflict, while the laptop keeps it as a refused change
    and ends without the grid's rows (one rule with the move path)."""
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    a = enrolled(any_server, tmp_path, "worker.a")
    try:
        hid = _household_with_everything(a, "0503")
        sync_now(a)
        sync_now(a2)
        set_grids(any_server.db_url, "worker.a2", [GRID_B])
        good = client_for(a2)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        client.hook = lambda: register.edit_record(a2, HouseholdRow, hid, {"note": "收回前改的"})
        SyncEngine(a2.profile, client, username="worker.a2").run_cycle()
        with a2.read() as s:
            kept = s.get(HouseholdRow, hid)
            assert kept is not None and kept.note == "收回前改的"  # not evicted silently
        sync_now(a2)
        assert snapshot(a2) == {}
        assert _refused(a2) == [("household", hid, "left_scope")]
        [handed] = [c for c in _server_conflicts(any_server) if c.record_id == hid]
        assert [(f["field"], f["incoming"]) for f in handed.fields] == [("note", "收回前改的")]
    finally:
        a.close()
        a2.close()
        set_grids(any_server.db_url, "worker.a2", [GRID_A])


def test_a_waiting_edit_is_handed_over_after_colleagues_changes_and_several_pulls(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the hand-over of an edit waiting when grid A is taken away does not depend on
    nothing else changing: colleagues' several changes in grid A and in the grid the laptop
    keeps, pulled in pages of two (so the laptop's cursor moves well past the pull that
    announced the eviction) before and after the edit's push, still end with the edit kept
    as a conflict for those who cover grid A (the supervisor takes it, and grid A's worker
    gets the value), and a laptop without grid A's rows."""
    set_grids(any_server.db_url, "worker.a2", [GRID_A, GRID_B])
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = _household_with_everything(a, "0506")
        sync_now(a)
        sync_now(a2)
        set_grids(any_server.db_url, "worker.a2", [GRID_B])
        for n, (ws, grid) in enumerate([(a, GRID_A), (b, GRID_B)] * 3):
            register.register_household(
                ws, register.HouseholdInput(grid_code=grid, household_no=f"06{n}", address="同事")
            )
            sync_now(ws)  # one colleague's change at a time, each its own change number
        good = client_for(a2)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        client.hook = lambda: register.edit_record(a2, HouseholdRow, hid, {"note": "收回前改的"})
        engine = SyncEngine(a2.profile, client, username="worker.a2")
        engine.pull_limit = 2
        engine.run_cycle()
        register.register_household(
            b, register.HouseholdInput(grid_code=GRID_B, household_no="0699", address="同事")
        )
        sync_now(b)
        sync_now(a2, pull_limit=2)
        assert snapshot(a2, GRID_A) == {}
        assert _refused(a2) == [("household", hid, "left_scope")]
        [handed] = [c for c in _server_conflicts(any_server) if c.record_id == hid]
        assert handed.grid_code == GRID_A
        assert [(f["field"], f["incoming"]) for f in handed.fields] == [("note", "收回前改的")]
        [seen] = [c for c in grid_conflicts(sup) if c.record_id == hid]
        resolve_grid_conflict(sup, seen.id, keep="incoming")
        sync_now(sup)
        sync_now(a)
        assert snapshot(a)[("household", hid)]["note"] == "收回前改的"
    finally:
        a.close()
        a2.close()
        b.close()
        sup.close()
        set_grids(any_server.db_url, "worker.a2", [GRID_A])


def test_a_resident_added_to_a_household_moved_meanwhile_lands_in_its_new_grid(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a resident added offline (on the supervisor's second laptop) to a household
    the supervisor moved to grid B from the first laptop lands in grid B with its household,
    and the adding laptop learns the resident's new grid (it ends equal to the server)."""
    first = enrolled(any_server, tmp_path, "sup.street", name="first")
    second = enrolled(any_server, tmp_path, "sup.street", name="second")
    try:
        hid = _household_with_everything(first, "0504")
        sync_now(first)
        sync_now(second)
        register.edit_record(first, HouseholdRow, hid, {"grid_code": GRID_B})
        sync_now(first)
        rid = register.add_resident(
            second, hid, register.ResidentInput(name="新住户", id_number="360302198502020026")
        )
        sync_now(second)
        sync_now(first)
        assert snapshot(second, GRID_B)[("resident", rid)]["grid_code"] == GRID_B
        assert snapshot(second, GRID_A) == snapshot(first, GRID_A) == {}
        assert snapshot(second, GRID_B) == snapshot(first, GRID_B)
    finally:
        first.close()
        second.close()


def test_a_moved_household_keeps_its_number_unique_in_the_new_grid(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household moved into grid B keeps one household per 户号 there: grid B's
    worker registering that 户号 offline (without the moved household on the laptop) is
    refused visibly and ends with the moved household, registering it again on a laptop
    that holds it updates it, and moving another household onto a taken 户号 is refused."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        moved = _household_with_everything(a, "0505")
        sync_now(a)
        sync_now(sup)
        register.edit_record(sup, HouseholdRow, moved, {"grid_code": GRID_B})
        sync_now(sup)
        again = register.register_household(
            b, register.HouseholdInput(grid_code=GRID_B, household_no="0505", address="重复登记")
        )
        assert again != moved
        sync_now(b)
        assert _refused(b) == [("household", again, "household_no_taken")]
        households = [k for k in snapshot(b, GRID_B) if k[0] == "household"]
        assert households == [("household", moved)]
        # On a laptop that holds the moved household, the same 户号 finds it.
        same = register.register_household(
            b, register.HouseholdInput(grid_code=GRID_B, household_no="0505", address="凤凰小区5栋")
        )
        assert same == moved
        # Another household of grid A moved onto that 户号 in grid B: refused.
        other = register.register_household(
            a, register.HouseholdInput(grid_code=GRID_A, household_no="0505-2", address="老街3号")
        )
        sync_now(a)
        sync_now(sup)
        register.edit_record(sup, HouseholdRow, other, {"household_no": "0505"})
        sync_now(sup)
        assert snapshot(sup, GRID_A)[("household", other)]["household_no"] == "0505"
        register.edit_record(sup, HouseholdRow, other, {"grid_code": GRID_B})
        sync_now(sup)
        assert ("household", other, "household_no_taken") in _refused(sup)
        assert snapshot(sup, GRID_A)[("household", other)]["grid_code"] == GRID_A
        db = ServerDb(any_server.db_url)
        try:
            live = [
                r.data["household_no"]
                for (e, _i), r in db.records().items()
                if e == "household" and r.grid_code == GRID_B and not r.deleted
            ]
        finally:
            db.close()
        assert live == ["0505"]
    finally:
        a.close()
        b.close()
        sup.close()


def test_a_moved_building_takes_its_flats(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves a building the supervisor moves from grid A to grid B arrives on B's laptop
    with its flats and leaves A's laptop (children.py: a building's flats follow it); the
    household living in a flat keeps its own grid."""
    from gridworker.services import buildings
    from gridworker.storage.models import BuildingRow

    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        with a.write() as s:
            row, _ = buildings.save_building(a, s, GRID_A, "凤凰小区", "3栋")
            bid = row.id
        flats = {buildings.add_flat(a, bid, "1", n) for n in ("1501", "1502")}
        hid = register.register_household(
            a, register.HouseholdInput(grid_code=GRID_A, household_no="1501", address="3栋1501")
        )
        buildings.live_in(a, hid, sorted(flats)[0])
        sync_now(a)
        sync_now(sup)
        register.edit_record(sup, BuildingRow, bid, {"grid_code": GRID_B})
        for ws in (sup, a, b):
            sync_now(ws)
        moving = {("building", bid), *(("house", f) for f in flats)}
        assert moving <= set(snapshot(b, GRID_B))
        assert not moving & set(snapshot(a))
        assert ("household", hid) in snapshot(a)  # the household stays in grid A
        db = ServerDb(any_server.db_url)
        try:
            records = db.records()
        finally:
            db.close()
        assert {records[k].grid_code for k in moving} == {GRID_B}
    finally:
        a.close()
        b.close()
        sup.close()
