"""The same household from two laptops: natural keys folded, creates merged as edits of the
fields they set, per-field bases of coalesced edits, profiles set up offline, enrollment.
Real server process (SQLite and PostgreSQL), real SQLCipher profiles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.domain.enums import TagKind, VisitMode
from gridworker.server.models import Device, User
from gridworker.services import register, visits
from gridworker.services.syncing import (
    client_for,
    device_identity,
    enroll,
    list_conflicts,
    resolve_conflict,
    sync_now,
)
from gridworker.services.workspace import ServiceError, init_profile, open_workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import HouseholdRow
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from tests.e2e.conftest import GRID_A, PASSPHRASE, PASSWORD, LiveServer, enrolled
from tests.e2e.server_ops import server_session
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb
from tests.reliability.convergence_edges import HookedClient


def households(ws) -> list[HouseholdRow]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        rows = list(s.scalars(select(HouseholdRow).where(HouseholdRow.deleted.is_(False))))
        s.expunge_all()
        return rows


def test_full_width_household_number_is_the_same_household(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves `１０１` typed on one laptop and `101` on another make one household (folded
    like an ID number), on the server and on both laptops, and the same address typed in
    composed and decomposed Unicode is no conflict."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        composed = "凤凰小区Café 1栋"
        decomposed = "凤凰小区Cafe\u0301 1栋"
        one = register.register_household(
            a, register.HouseholdInput(grid_code=GRID_A, household_no="１０１", address=composed)
        )
        two = register.register_household(
            a2,
            register.HouseholdInput(grid_code=GRID_A, household_no=" 101 ", address=decomposed),
        )
        assert one == two
        for ws in (a, a2, a, a2):
            report = sync_now(ws)
            assert report.conflicts == 0
        db = ServerDb(any_server.db_url)
        try:
            live = [r for (e, _i), r in db.records().items() if e == "household" and not r.deleted]
            assert not db.conflicts()
        finally:
            db.close()
        assert [r.data["household_no"] for r in live] == ["101"]
        assert [h.household_no for h in households(a)] == ["101"]
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()


def _devices(db_url: str) -> dict[str, str]:
    """Registered device id -> username."""
    with server_session(db_url) as s:
        rows = s.execute(select(Device.id, User.username).join(User, User.id == Device.user_id))
        return {device: username for device, username in rows}


def test_a_mistyped_username_at_enroll_registers_nothing(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves enrolling a worker.a profile as worker.b is refused before the server hears of
    it (no device registered), so the correct enrollment that follows succeeds; and that a
    device an older client registered to the wrong user is handed back with
    `gridworker-server reassign-device`."""
    path = tmp_path / "laptop"
    ws = init_profile(
        path, PASSPHRASE, username="worker.a", grids=[GRID_A], kdf_params=KdfParams.fast()
    )
    device_id = device_identity(ws).device_id
    ws.close()
    with pytest.raises(ServiceError, match=r"worker\.a"):
        enroll(
            path,
            server_url=any_server.url,
            username="worker.b",
            password=PASSWORD,
            passphrase=PASSPHRASE,
        )
    assert device_id not in _devices(any_server.db_url)
    ws, _report = enroll(
        path,
        server_url=any_server.url,
        username="worker.a",
        password=PASSWORD,
        passphrase=PASSPHRASE,
    )
    ws.close()
    assert _devices(any_server.db_url)[device_id] == "worker.a"

    # An older client signed a second laptop in as the wrong user before refusing.
    other = tmp_path / "other"
    ws = init_profile(
        other, PASSPHRASE, username="worker.a", grids=[GRID_A], kdf_params=KdfParams.fast()
    )
    stray = device_identity(ws).device_id
    ws.close()
    SyncClient(make_transport(any_server.url), device_id=stray).login("worker.b", PASSWORD)
    with pytest.raises(SyncError, match="此设备编号已被其他用户使用"):
        enroll(
            other,
            server_url=any_server.url,
            username="worker.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
        )
    fixed = subprocess.run(
        [sys.executable, "-m", "gridworker.server.cli", "--db", any_server.db_url]
        + ["reassign-device", stray, "--username", "worker.a"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fixed.returncode == 0, fixed.stderr
    ws, _report = enroll(
        other,
        server_url=any_server.url,
        username="worker.a",
        password=PASSWORD,
        passphrase=PASSPHRASE,
    )
    ws.close()
    assert _devices(any_server.db_url)[stray] == "worker.a"


def _register(ws, no: str, **fields) -> str:  # type: ignore[no-untyped-def]
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address="老街3号", **fields),
    )


def test_same_household_registered_on_two_laptops_merges_the_fields_each_set(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves two laptops registering one household offline, each filling other fields,
    end with every field filled and no conflict (a field a create left empty is not a
    change); and where both filled one field differently, one conflict about that field only,
    whose "keep mine" blanks nothing."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = _register(a, "0701", head_name="李建国", phone="13800001111")
        assert _register(a2, "0701", note="独居，需要关注") == hid
        both = _register(a, "0702", head_name="李建国")
        _register(a2, "0702", head_name="王芳", note="新搬来")
        for ws in (a, a2, a, a2):
            sync_now(ws)
        view = snapshot(a)
        assert view == snapshot(a2)
        first = view[("household", hid)]
        assert (first["head_name"], first["phone"], first["note"]) == (
            "李建国",
            "13800001111",
            "独居，需要关注",
        )
        db = ServerDb(any_server.db_url)
        try:
            conflicts = db.conflicts()
        finally:
            db.close()
        assert [(c.record_id, [f["field"] for f in c.fields]) for c in conflicts] == [
            (both, ["head_name"])
        ]
        [mine] = list_conflicts(a2)
        resolve_conflict(a2, mine.id, keep="local")
        sync_now(a2)
        sync_now(a)
        second = snapshot(a)[("household", both)]
        assert (second["head_name"], second["note"]) == ("王芳", "新搬来")
    finally:
        a.close()
        a2.close()


def test_an_edit_coalesced_after_a_pull_keeps_the_base_the_user_saw(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a field added to a waiting edit after a pull carries the pulled version: the
    colleague's note, seen and then changed, is no conflict, while the waiting address
    keeps its older base."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = _register(a, "0801")
        sync_now(a)
        sync_now(a2)
        register.edit_record(a2, HouseholdRow, hid, {"note": "同事写的"})
        sync_now(a2)
        good = client_for(a)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        # The user changes the address while the sync runs: after its push, before its pull.
        client.hook = lambda: register.edit_record(a, HouseholdRow, hid, {"address": "新地址"})
        SyncEngine(a.profile, client, username="worker.a").run_cycle()
        with a.read() as s:
            assert s.get_one(HouseholdRow, hid).note == "同事写的"  # pulled and shown
        register.edit_record(a, HouseholdRow, hid, {"note": "看过同事的备注后改的"})
        report = sync_now(a)
        assert report.conflicts == 0
        sync_now(a2)
        row = snapshot(a2)[("household", hid)]
        assert (row["address"], row["note"]) == ("新地址", "看过同事的备注后改的")
    finally:
        a.close()
        a2.close()


def test_records_made_before_enrollment_take_the_districts_ids(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop set up with `gridworker init` (no district key, which it says) whose
    offline household and resident exist on the server already ends, after enrolling, with
    one household and one resident (the district's ids, merged), its visit and tag attached
    to them, and a roster entered again afterwards still no duplicate."""
    colleague = enrolled(any_server, tmp_path, "worker.a2")
    path = tmp_path / "offline"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_PASSPHRASE"] = PASSPHRASE
    made = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(path), "init"]
        + ["--username", "worker.a", "--grid", GRID_A],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert "首次登记到服务器" in made.stdout and "不会重复" in made.stdout
    ws = None
    try:
        person = register.ResidentInput(name="张秀英", id_number="360302195003070025")
        household = register.HouseholdInput(
            grid_code=GRID_A, household_no="1201", address="老街3号"
        )
        on_server = register.register_household(colleague, household, [person])
        sync_now(colleague)
        ws = open_workspace(path, PASSPHRASE)
        offline = register.register_household(
            ws,
            register.HouseholdInput(
                grid_code=GRID_A, household_no="1201", address="老街3号", note="离线登记"
            ),
            [
                register.ResidentInput(
                    name="张秀英", id_number="360302195003070025", tags=[TagKind.disabled]
                )
            ],
        )
        visits.record_visit(ws, household_id=offline, mode=VisitMode.home)
        assert offline != on_server
        ws.close()
        ws, _report = enroll(
            path,
            server_url=any_server.url,
            username="worker.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
        )
        sync_now(colleague)
        mine = snapshot(ws)
        assert mine == snapshot(colleague)
        assert [k for k in mine if k[0] == "household"] == [("household", on_server)]
        assert len([k for k in mine if k[0] == "resident"]) == 1
        [visit] = [v for k, v in mine.items() if k[0] == "visit"]
        assert visit["household_id"] == on_server
        assert mine[("household", on_server)]["note"] == "离线登记"
        again = register.register_household(ws, household, [person])
        assert again == on_server
        sync_now(ws)
        db = ServerDb(any_server.db_url)
        try:
            live = [r for (e, _i), r in db.records().items() if e == "household" and not r.deleted]
            assert not db.conflicts()
        finally:
            db.close()
        assert len(live) == 1
    finally:
        if ws is not None:
            ws.close()
        colleague.close()


def test_buildings_made_before_enrollment_take_the_districts_ids(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a building and its flat entered on a laptop set up offline (a local secret)
    take the district's ids at enrollment, with the household's flat and a hazard site's
    building following: after syncing there is one building and one flat, the same as a
    colleague already registered (3号楼 written 3栋, １５０２室 written 1502)."""
    from gridworker.domain.enums import HazardKind, PremisesType
    from gridworker.services import buildings, inspections

    colleague = enrolled(any_server, tmp_path, "worker.a2")
    path = tmp_path / "offline"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_PASSPHRASE"] = PASSPHRASE
    made = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(path), "init"]
        + ["--username", "worker.a", "--grid", GRID_A],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    ws = None
    try:
        with colleague.write() as s:
            theirs, _ = buildings.save_building(colleague, s, GRID_A, "凤凰小区", "3栋")
            their_building = theirs.id
        their_flat = buildings.add_flat(colleague, their_building, "1", "1502")
        sync_now(colleague)
        ws = open_workspace(path, PASSPHRASE)
        with ws.write() as s:
            mine, _ = buildings.save_building(ws, s, GRID_A, "凤凰小区", "3号楼")
            my_building = mine.id
        my_flat = buildings.add_flat(ws, my_building, "一单元", "１５０２室")
        assert (my_building, my_flat) != (their_building, their_flat)
        household_id = register.register_household(
            ws, register.HouseholdInput(grid_code=GRID_A, household_no="1502", address="3栋1502")
        )
        buildings.live_in(ws, household_id, my_flat)
        site = inspections.register_site(
            ws,
            grid_code=GRID_A,
            kind=HazardKind.fire_safety,
            name="凤凰小区3栋底商",
            premises_type=PremisesType.small_shop,
            building_id=my_building,
        )
        ws.close()
        ws, _report = enroll(
            path,
            server_url=any_server.url,
            username="worker.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
        )
        sync_now(colleague)
        mine_now = snapshot(ws)
        assert [k for k in mine_now if k[0] == "building"] == [("building", their_building)]
        assert [k for k in mine_now if k[0] == "house"] == [("house", their_flat)]
        [household] = [v for k, v in mine_now.items() if k[0] == "household"]
        assert household["house_id"] == their_flat  # re-keyed too (grid + 户号)
        assert mine_now[("hazard_site", site)]["building_id"] == their_building
        assert snapshot(colleague) == mine_now
    finally:
        if ws is not None:
            ws.close()
