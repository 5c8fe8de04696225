"""A change over a value the user saw *from the server* is no conflict, whatever its
number says; the same words typed on the laptop by chance are not seeing it.

`Mutation.seen` (docs/design.md §4.3, §4.7) names, per sent field, the value the laptop
held from the server (pulled, or its own change answered) when its user replaced it; the
server applies the change wherever it still holds exactly that value. Words the laptop
typed itself and has not had answered (a registration not yet synced, or whose answer was
lost) are never sent as seen: a colleague's equal value is then a coincidence, not
something the user saw, and may be a later change the user knows nothing of. So:

- a registration corrected before its first sync, while a colleague registered the words
  it replaced, is a visible conflict: two people wrote the field and neither saw the
  other's words (the same words are no proof: the colleague may have checked them at the
  door); so is the same correction queued behind a registration whose answer was lost;
- the convergence run's finding stays gone for good: a laptop that registered a
  household's address, then corrected it twice before syncing, no longer overwrites a
  colleague's later correction that happened to name its first words;
- an edit made while a sync runs keeps the bases of what its user was shown (no conflict);
- a worker who registered a household on two laptops and corrected it on one meets their
  own registration as a conflict (the laptops never saw each other's words; the user
  settles it once).
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


def address_sides(server: LiveServer, hid: str) -> list[tuple[object, object]]:
    """(server, incoming) of every address the server holds in a conflict on `hid`."""
    return [
        (f["server"], f["incoming"])
        for c in conflicts_on(server, hid)
        for f in c.fields  # type: ignore[attr-defined]
        if f["field"] == "address"
    ]


def test_a_registration_corrected_before_its_first_sync(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a registration corrected before its first push (the edit folded into the
    waiting create) against a colleague's registration of the words it replaced is one
    visible conflict, the colleague's words kept for now: the user typed those words, never
    saw the colleague's (a concurrent edit of one field by two people, not a false
    conflict), and both laptops end alike."""
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
        assert report.conflicts == 1
        assert address_sides(any_server, hid) == [(REGISTERED, CORRECTED)]
        sync_now(a2)
        assert [c.record_id for c in list_conflicts(a, status="open")] == [hid]
        assert snapshot(a) == snapshot(a2)
        assert snapshot(a2)[("household", hid)]["address"] == REGISTERED
    finally:
        a.close()
        a2.close()


def test_a_correction_made_while_the_registration_went_unanswered(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an edit queued while the registration's answer was lost (its own entry,
    base 0, over words the server never answered) against a colleague's registration of
    those words is one visible conflict, as when folded into the registration."""
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
            assert update[0].seen is None  # its own words, still carried by the registration
        report = sync_now(a)
        assert report.conflicts == 1
        assert address_sides(any_server, hid) == [(REGISTERED, CORRECTED)]
        sync_now(a2)
        assert snapshot(a) == snapshot(a2)
        assert snapshot(a2)[("household", hid)]["address"] == REGISTERED
    finally:
        a.close()
        a2.close()


def test_a_colleagues_other_words_still_conflict(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves that when the colleague registered other words than the ones the user
    replaced, the correction is a visible conflict (the colleague's words kept for now),
    whether folded into the create or sent after a lost answer."""
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
            assert ("凤凰小区2栋", CORRECTED) in address_sides(any_server, hid)
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
    """Proves worker.a, who registers a household on a laptop set up offline (`init`, then
    enrolled, which pushes it) and on the usual laptop, both with the form's address, and
    corrects the address on the usual laptop before it syncs, meets one visible conflict:
    the usual laptop never saw the other's words (one person, but two laptops, either of
    which may hold the later truth: the device decides who changed a field, §4.7); both
    laptops end alike, the fields each filled merged."""
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
        assert sync_now(a).conflicts == 1
        assert address_sides(any_server, hid) == [(REGISTERED, CORRECTED)]
        sync_now(offline)
        assert snapshot(a) == snapshot(offline)
        merged = snapshot(a)[("household", hid)]
        assert (merged["note"], merged["head_name"]) == ("离线登记", "李建国")
    finally:
        a.close()
        offline.close()


def test_a_correction_never_overwrites_a_colleagues_unseen_one_naming_its_first_words(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the convergence run's silent loss is gone: worker.a2 registers a household
    offline as 新村路8号 and corrects the address twice; worker.a registers it as 老街3号,
    corrects it to 新村路8号 (a2's first words, by chance) and syncs first. a2's push is a
    visible conflict with a's correction kept for now, never a silent overwrite of it
    (a2's first words were its own, not a value it saw from the server)."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = register_household(a2, "0907", "新村路8号")
        register.edit_record(a2, HouseholdRow, hid, {"address": "新村路27号"})
        register.edit_record(a2, HouseholdRow, hid, {"address": "新村路56号"})
        assert register_household(a, "0907", "老街3号") == hid
        register.edit_record(a2, HouseholdRow, hid, {"address": REGISTERED})
        register.edit_record(a, HouseholdRow, hid, {"address": "新村路8号"})
        assert sync_now(a).conflicts == 0
        report = sync_now(a2)
        assert report.conflicts == 1
        assert address_sides(any_server, hid) == [("新村路8号", REGISTERED)]
        sync_now(a)
        assert snapshot(a) == snapshot(a2)
        assert snapshot(a)[("household", hid)]["address"] == "新村路8号"
        assert [c.record_id for c in list_conflicts(a2, status="open")] == [hid]
    finally:
        a.close()
        a2.close()


def test_an_edit_of_a_pulled_value_names_it_as_seen(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves an edit of a value the laptop pulled, or had answered, sends it as seen, and
    one of words still waiting in another entry (an edit in flight) does not."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = register_household(a2, "0908", REGISTERED)
        sync_now(a2)
        sync_now(a)
        register.edit_record(a, HouseholdRow, hid, {"address": CORRECTED, "note": "楼道灯坏了"})
        with a.write() as s:
            (entry,) = s.query(OutboxEntry).filter_by(record_id=hid).all()
            assert entry.seen == {"address": REGISTERED, "note": None}
            entry.status = "sending"  # frozen in a push whose answer has not come back
        register.edit_record(a, HouseholdRow, hid, {"address": "新村路10号", "head_name": "李四"})
        with a.read() as s:
            later = s.query(OutboxEntry).filter_by(record_id=hid, status="pending").one()
            assert later.old == {"address": CORRECTED, "head_name": None}
            assert later.seen == {"head_name": None}
    finally:
        a.close()
        a2.close()
