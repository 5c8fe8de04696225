"""A change over a value the user had seen is no conflict, whatever its number says.

Two laptops register one household (one id from grid and 户号) with the same address; the
one that syncs second corrects the address before its registration was answered. The
server numbers the colleague's address as a change after that laptop's base (a create
merges from base 0, and an edit queued before its create was answered has base 0 too),
yet the value is exactly the one the user replaced: the correction applies, no conflict
(Mutation.seen, docs/design.md §4.7). A different value from the colleague still is one.
And an edit made while a sync runs, over a record the pull leaves out as the laptop's own
push, keeps the bases of what its user was shown (no conflict).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridworker.services import register
from gridworker.services.syncing import client_for, enroll, list_conflicts, sync_now
from gridworker.services.workspace import Workspace, init_profile
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import HouseholdRow, OutboxEntry
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, PASSPHRASE, PASSWORD, LiveServer, enrolled
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb
from tests.reliability.convergence_edges import HookedClient

REGISTERED = "凤凰小区1栋101"
CORRECTED = "新村路9号"


def register_household(ws: Workspace, no: str, address: str) -> str:
    return register.register_household(
        ws, register.HouseholdInput(grid_code=GRID_A, household_no=no, address=address), []
    )


def conflicts_on(server: LiveServer, hid: str) -> list[object]:
    db = ServerDb(server.db_url)
    try:
        return [c for c in db.conflicts() if c.record_id == hid]
    finally:
        db.close()


def push_answer_lost(ws: Workspace) -> None:
    """One cycle whose push reaches the server and whose answer never comes back."""
    good = client_for(ws)
    plan = FaultPlan(script=["lose_response"], only=lambda r: r.path_url.endswith("/push"))
    lossy = SyncClient(
        make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
        device_id=good.device_id,
        token=good.token,
    )
    with pytest.raises(SyncError):
        SyncEngine(ws.profile, lossy, username=ws.actor.username).run_cycle()


def test_a_registration_corrected_before_its_first_sync(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a registration corrected before its first push (the edit folded into the
    waiting create) wins over a colleague's registration of the same words, with no
    conflict on either laptop, and both end with the correction."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = register_household(a2, "0901", REGISTERED)
        sync_now(a2)
        assert register_household(a, "0901", REGISTERED) == hid
        register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED})
        with a.read() as s:
            (entry,) = s.query(OutboxEntry).filter_by(record_id=hid).all()
            assert entry.op == "create"  # the correction went into the waiting create
        report = sync_now(a)
        assert report.conflicts == 0
        sync_now(a2)
        assert conflicts_on(any_server, hid) == []
        assert list_conflicts(a, status="open") == list_conflicts(a2, status="open") == []
        assert snapshot(a)[("household", hid)]["address"] == CORRECTED
        assert snapshot(a2)[("household", hid)]["address"] == CORRECTED
    finally:
        a.close()
        a2.close()


def test_a_correction_made_while_the_registration_went_unanswered(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an edit queued while the registration's answer was lost (its own entry,
    base 0) wins over a colleague's registration of the same words, with no conflict."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = register_household(a2, "0902", REGISTERED)
        sync_now(a2)
        assert register_household(a, "0902", REGISTERED) == hid
        push_answer_lost(a)
        register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED})
        with a.read() as s:
            entries = s.query(OutboxEntry).filter_by(record_id=hid).all()
            update = [e for e in entries if e.op == "update"]
            assert len(entries) == 2 and update[0].base_version == 0
        report = sync_now(a)
        assert report.conflicts == 0
        sync_now(a2)
        assert conflicts_on(any_server, hid) == []
        assert snapshot(a)[("household", hid)]["address"] == CORRECTED
        assert snapshot(a2)[("household", hid)]["address"] == CORRECTED
    finally:
        a.close()
        a2.close()


def test_a_colleagues_other_words_still_conflict(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves the rule is about the value seen, not a pass: when the colleague registered
    other words than the ones the user replaced, the correction is a visible conflict
    (the colleague's words kept for now), whether folded into the create or sent after
    a lost answer."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        for no, lost in (("0903", False), ("0904", True)):
            hid = register_household(a2, no, "凤凰小区2栋")
            sync_now(a2)
            register_household(a, no, REGISTERED)
            if lost:
                push_answer_lost(a)
            register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED})
            # (After a lost answer the registration's own words conflict too.)
            assert sync_now(a).conflicts == (2 if lost else 1)
            sides = [
                (f["server"], f["incoming"])
                for c in conflicts_on(any_server, hid)
                for f in c.fields  # type: ignore[attr-defined]
                if f["field"] == "address"
            ]
            assert ("凤凰小区2栋", CORRECTED) in sides
            sync_now(a2)
            assert snapshot(a2)[("household", hid)]["address"] == "凤凰小区2栋"
    finally:
        a.close()
        a2.close()


def test_an_edit_made_while_a_sync_runs_keeps_what_its_user_saw(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an edit made during a sync (after its push, which the pull then names as
    this laptop's own, and before the pull brings a colleague's note made meanwhile), and
    a second edit made after seeing that note, are no conflict and reach everyone."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = register_household(a2, "0905", REGISTERED)
        sync_now(a2)
        sync_now(a)
        register.edit_record(a, HouseholdRow, hid, {"head_name": "李建国"})  # pushed below

        def meanwhile() -> None:
            register.edit_record(a2, HouseholdRow, hid, {"note": "楼道灯坏了"})
            sync_now(a2)
            register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED})

        good = client_for(a)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        client.hook = meanwhile
        report = SyncEngine(a.profile, client, username="worker.a").run_cycle()
        assert report.applied == 1 and report.pulled == 1
        with a.read() as s:
            row = s.get(HouseholdRow, hid)
            assert row is not None and row.note == "楼道灯坏了" and row.address == CORRECTED
        register.edit_record(a, HouseholdRow, hid, {"note": "灯已修好"})
        assert sync_now(a).conflicts == 0
        sync_now(a2)
        assert conflicts_on(any_server, hid) == []
        assert snapshot(a) == snapshot(a2)
        assert snapshot(a2)[("household", hid)]["note"] == "灯已修好"
    finally:
        a.close()
        a2.close()


def test_a_second_laptop_set_up_offline_registered_the_same_words(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the convergence run's finding is gone: worker.a registers a household on a
    laptop set up offline (`init`, then enrolled, which pushes it) and on the usual laptop,
    both with the form's address, and corrects the address on the usual laptop before it
    syncs: the correction applies with no conflict, on every laptop."""
    path = tmp_path / "offline"
    ws = init_profile(
        path, PASSPHRASE, username="worker.a", grids=[GRID_A], kdf_params=KdfParams.fast()
    )
    try:
        register.register_household(
            ws,
            register.HouseholdInput(
                grid_code=GRID_A, household_no="0906", address=REGISTERED, note="离线登记"
            ),
            [],
        )
    finally:
        ws.close()
    a = enrolled(any_server, tmp_path, "worker.a")
    offline, _report = enroll(
        path,
        server_url=any_server.url,
        username="worker.a",
        password=PASSWORD,
        passphrase=PASSPHRASE,
    )
    try:
        hid = register.register_household(
            a,
            register.HouseholdInput(
                grid_code=GRID_A, household_no="0906", address=REGISTERED, head_name="李建国"
            ),
            [],
        )
        register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED})
        assert sync_now(a).conflicts == 0
        sync_now(offline)
        assert conflicts_on(any_server, hid) == []
        assert snapshot(a) == snapshot(offline)
        assert snapshot(a)[("household", hid)]["address"] == CORRECTED
    finally:
        a.close()
        offline.close()
