"""The server restored from a backup (`new-epoch`): nothing the laptops held is lost, nothing
deleted comes back, cases come back in their state with their history. Real server process
on SQLite and PostgreSQL, real SQLCipher profiles; the backup is every table's rows, the
restore empties and refills them and runs `gridworker-server new-epoch`."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.domain.enums import CaseActionKind, CaseCategory
from gridworker.services import cases, register
from gridworker.services.attachments import attach
from gridworker.services.refused import refused_changes
from gridworker.services.syncing import client_for, sync_now
from gridworker.storage.models import CaseActionRow, CaseRow, HouseholdRow
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.server_ops import backup, purge_all, restore
from tests.e2e.test_sync_e2e import add_household, outbox_size, snapshot
from tests.reliability.conftest import ServerDb


def server_state(server: LiveServer):  # type: ignore[no-untyped-def]
    db = ServerDb(server.db_url)
    try:
        return db.records(), db.conflicts()
    finally:
        db.close()


def test_an_unsent_edit_from_before_the_restore_conflicts_with_a_newer_one(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an edit waiting on a laptop since before the restore, whose base lies above
    the restored high-water mark, does not silently overwrite a colleague's edit of the same
    field made after the restore: the colleague's value stays and a conflict shows both;
    the edit acknowledged after the backup comes back; every laptop ends equal."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1001")
        sync_now(a)
        sync_now(a2)
        saved = backup(any_server.db_url)
        register.edit_record(a, HouseholdRow, hid, {"head_name": "备份后已同步"})
        sync_now(a)
        register.edit_record(a, HouseholdRow, hid, {"note": "恢复前未发送"})
        restore(any_server, saved)
        sync_now(a2)
        register.edit_record(a2, HouseholdRow, hid, {"note": "恢复后同事改的"})
        sync_now(a2)
        sync_now(a)
        sync_now(a2)
        records, conflicts = server_state(any_server)
        row = records[("household", hid)]
        assert row.data["note"] == "恢复后同事改的"
        assert row.data["head_name"] == "备份后已同步"
        incoming = [
            (f["server"], f["incoming"])
            for c in conflicts
            for f in c.fields
            if f["field"] == "note"
        ]
        assert ("恢复后同事改的", "恢复前未发送") in incoming
        assert outbox_size(a) == outbox_size(a2) == 0
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()


def test_a_delete_made_after_the_backup_stays_a_delete(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household deleted after the backup stays deleted once the laptops re-send
    what they hold, even when a colleague's laptop holds an older live copy acknowledged
    after the backup and re-sends it first; a new laptop never gets it."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1002")
        sync_now(a)
        sync_now(a2)
        saved = backup(any_server.db_url)
        register.edit_record(a, HouseholdRow, hid, {"note": "备份后"})
        sync_now(a)
        sync_now(a2)  # a2's copy is now newer than the backup, still live
        register.delete_record(a, HouseholdRow, hid)
        sync_now(a)
        restore(any_server, saved)
        for ws in (a2, a, a2, a):
            sync_now(ws)
        records, _conflicts = server_state(any_server)
        assert records[("household", hid)].deleted
        fresh = enrolled(any_server, tmp_path, "worker.a", name="fresh")
        try:
            for ws in (a, a2, fresh):
                assert ("household", hid) not in snapshot(ws)
        finally:
            fresh.close()
    finally:
        a.close()
        a2.close()


def test_a_case_reported_after_the_backup_comes_back_with_its_history(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a case reported (and accepted by the supervisor) after the backup comes back in
    its state, with its report and accept actions in order, none rejected, its reported time
    the original one; nothing is left refused in any outbox."""
    a = enrolled(any_server, tmp_path, "worker.a")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        sync_now(sup)
        saved = backup(any_server.db_url)
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="楼道灯坏了", category=CaseCategory.livelihood, submit=True
        )
        sync_now(a)
        sync_now(sup)
        cases.act_on_case(sup, case_id, CaseActionKind.accept)
        sync_now(sup)
        records, _ = server_state(any_server)
        reported_at = records[("case", case_id)].data["reported_at"]
        restore(any_server, saved)
        for ws in (a, sup, a, sup):
            sync_now(ws)
        records, conflicts = server_state(any_server)
        case = records[("case", case_id)].data
        assert (case["state"], case["reported_at"]) == ("accepted", reported_at)
        history = sorted(
            (r.version, r.data["action"], r.data["rejected"])
            for (entity, _id), r in records.items()
            if entity == "case_action" and r.data["case_id"] == case_id
        )
        assert [(action, rejected) for _v, action, rejected in history] == [
            ("report", False),
            ("accept", False),
        ]
        assert not [c for c in conflicts if c.record_id == case_id]
        for ws in (a, sup):
            assert outbox_size(ws) == 0
            with ws.read() as s:
                mine = s.scalars(
                    select(CaseActionRow.action).where(CaseActionRow.case_id == case_id)
                ).all()
            assert sorted(str(m.value) for m in mine) == ["accept", "report"]
    finally:
        a.close()
        sup.close()


def test_a_photo_only_pulled_is_not_uploaded_again_after_a_restore(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop that re-sends a photo's record it only pulled (its file still waiting
    to be uploaded by the laptop that took it) does not try to upload a file it does not
    hold (it crashed the sync), and gets the photo once its own laptop uploads it."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        saved = backup(any_server.db_url)
        hid = add_household(a, "1004")
        photo = b"\x00photo taken on laptop a" * 100
        attach(a, owner_entity="household", owner_id=hid, data=photo, is_evidence=True)
        good = client_for(a)
        plan = FaultPlan(rates={"drop": 1.0}, only=lambda r: "/attachments/" in r.path_url)
        no_files = SyncClient(
            make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
            device_id=good.device_id,
            token=good.token,
        )
        with pytest.raises(SyncError):
            SyncEngine(a.profile, no_files, username="worker.a").run_cycle()
        assert sync_now(a2).waiting == 1
        restore(any_server, saved)
        start = datetime.now(UTC)
        a2.clock = lambda: start + timedelta(hours=1)
        sync_now(a2)  # re-sends what it holds; no upload of a file it never had
        sync_now(a)
        a2.clock = lambda: start + timedelta(days=1)
        assert sync_now(a2).downloaded == 1
        assert a2.profile.attachments.open_bytes(hashlib.sha256(photo).hexdigest()) == photo
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()


def test_a_record_purged_before_the_backup_does_not_live_on_after_the_restore(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop that never pulled a delete whose tombstone was purged before the
    backup drops the record after the restore (found by the convergence machine): the
    restore's resync from zero keeps only rows with an unsent change, as any resync."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        gone = add_household(a, "1201")
        kept = add_household(a, "1202")
        sync_now(a)
        sync_now(a2)
        register.delete_record(a, HouseholdRow, gone)
        sync_now(a)
        purge_all(any_server.db_url)
        saved = backup(any_server.db_url)
        restore(any_server, saved)
        sync_now(a2)  # told of the restore before it ever pulled the delete
        sync_now(a)
        assert ("household", gone) not in snapshot(a2)
        assert ("household", kept) in snapshot(a2)
        assert snapshot(a2) == snapshot(a)
    finally:
        a.close()
        a2.close()


def test_a_delete_purged_after_the_restore_is_not_brought_back_by_a_late_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household deleted after the backup stays deleted when its re-sent tombstone
    has been purged (the horizon passed since the restore) before a colleague's laptop,
    away all that time, re-sends its older live copy: the server refuses to make again a
    record it may have purged (`restore_expired`), and the late laptop drops its copy."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1301")
        kept = add_household(a, "1302")
        sync_now(a)
        saved = backup(any_server.db_url)
        register.edit_record(a, HouseholdRow, hid, {"note": "备份后"})
        register.edit_record(a, HouseholdRow, kept, {"note": "备份后也留着"})
        sync_now(a)
        sync_now(a2)  # a2 holds both, acknowledged after the backup, live
        register.delete_record(a, HouseholdRow, hid)
        sync_now(a)
        restore(any_server, saved)
        sync_now(a)  # re-sends the tombstone
        records, _conflicts = server_state(any_server)
        assert records[("household", hid)].deleted
        # The horizon passes: the re-sent tombstone is purged; a2 was away all that time.
        purge_all(any_server.db_url, days_later=200)
        assert ("household", hid) not in server_state(any_server)[0]
        sync_now(a2)
        sync_now(a2)
        sync_now(a)
        records, _conflicts = server_state(any_server)
        assert ("household", hid) not in records or records[("household", hid)].deleted
        assert ("household", hid) not in snapshot(a2)
        assert ("household", kept) in snapshot(a2)  # the server had it: nothing else is lost
        assert snapshot(a2) == snapshot(a)
        # Not dropped silently: a2 keeps the refused re-send, readable, with its reason.
        (seen,) = refused_changes(a2)
        assert (seen.record_id, seen.code) == (hid, "restore_expired")
        assert "重新登记" in seen.explanation
    finally:
        a.close()
        a2.close()


@pytest.mark.parametrize("first", ["colleague", "deleter"])
def test_a_conflict_opened_after_the_backup_is_raised_again_after_the_restore(
    any_server: LiveServer, tmp_path: Path, first: str
) -> None:
    """Proves a delete that met a colleague's edit after the backup (an open delete
    conflict the restored server never had) is not lost by the restore: the laptop that
    made it sends it again, and the conflict shows again with the delete as its side,
    whichever laptop syncs first after the restore; every laptop ends as the server is
    (found by the convergence machine: "sup's household.deleted = True lost", then a
    laptop holding the record live that its own re-sent delete had deleted)."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1401")
        sync_now(a)
        sync_now(a2)
        saved = backup(any_server.db_url)
        register.edit_record(a2, HouseholdRow, hid, {"note": "同事备份后改的"})
        sync_now(a2)
        register.delete_record(a, HouseholdRow, hid)  # a never saw a2's edit
        sync_now(a)
        _records, conflicts = server_state(any_server)
        assert [c.kind for c in conflicts if c.record_id == hid] == ["delete"]
        restore(any_server, saved)
        order = (a2, a, a2, a) if first == "colleague" else (a, a2, a, a2)
        for ws in order:
            sync_now(ws)
        records, conflicts = server_state(any_server)
        row = records[("household", hid)]
        sides = [
            (f.get("incoming"), f.get("incoming_author"), f.get("server"), f.get("server_author"))
            for c in conflicts
            if c.record_id == hid and c.status == "open"
            for f in c.fields
            if f["field"] == "deleted"
        ]
        if first == "colleague":
            # a's delete meets the re-sent edit: the record stays live, the conflict shows.
            assert not row.deleted and row.data["note"] == "同事备份后改的"
            assert [s[:2] for s in sides] == [(True, "worker.a")]
        else:
            # a's delete lands first; a2's re-sent edit then meets the tombstone.
            assert row.deleted
            assert [(s[2], s[3]) for s in sides] == [(True, "worker.a")]
        assert outbox_size(a) == outbox_size(a2) == 0
        assert snapshot(a) == snapshot(a2)
        assert (("household", hid) in snapshot(a)) == (not row.deleted)
    finally:
        a.close()
        a2.close()


def test_a_delete_waiting_when_the_server_was_restored_stays_a_delete_on_the_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop that deleted a record it had synced after the backup, and learns of
    the restore on its next sync, ends with the record deleted as the server has it: the
    re-send of the record (answered `merged`, the record live) and the delete behind it
    (answered `applied`) are settled in their order in the batch, never the delete first
    (found by the convergence machine: a laptop holding a record the server had deleted,
    at the server's version)."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1501")
        sync_now(a)
        saved = backup(any_server.db_url)
        register.edit_record(a, HouseholdRow, hid, {"note": "备份后"})
        sync_now(a)
        restore(any_server, saved)
        register.delete_record(a, HouseholdRow, hid)  # waiting when a learns of the restore
        sync_now(a)
        sync_now(a2)
        records, _conflicts = server_state(any_server)
        assert records[("household", hid)].deleted
        assert ("household", hid) not in snapshot(a)
        assert snapshot(a) == snapshot(a2)
        assert outbox_size(a) == 0
    finally:
        a.close()
        a2.close()


def test_an_edit_waiting_when_the_server_was_restored_is_the_value_on_the_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop whose edit waited when it learned of the restore ends with the value
    the server has, at the server's version: the re-send's answer (the acknowledged value)
    never overwrites the edit settled after it in the same batch (a stale value at the
    server's version, found by the convergence machine)."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1601")
        sync_now(a)
        saved = backup(any_server.db_url)
        register.edit_record(a, HouseholdRow, hid, {"note": "备份后已同步"})
        sync_now(a)
        restore(any_server, saved)
        register.edit_record(a, HouseholdRow, hid, {"note": "恢复时未发送"})
        sync_now(a)
        sync_now(a2)
        records, conflicts = server_state(any_server)
        assert records[("household", hid)].data["note"] == "恢复时未发送"
        assert not [c for c in conflicts if c.record_id == hid]
        assert snapshot(a)[("household", hid)]["note"] == "恢复时未发送"
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()


def test_a_case_number_given_after_the_backup_survives_the_restore(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves cases numbered after the backup get a number again on the restored server when
    their laptops re-send them: the one they had while it is free, else the next free one
    (a case numbered on the restored server meanwhile took it) — never none, never two
    cases with one number — and every laptop ends with the server's numbers."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        sync_now(sup)
        saved = backup(any_server.db_url)
        livelihood = CaseCategory.livelihood
        kept = cases.report_case(a, grid_code=GRID_A, title="楼道灯坏了", category=livelihood)
        sync_now(a)
        taken = cases.report_case(a2, grid_code=GRID_A, title="井盖缺失", category=livelihood)
        sync_now(a2)
        records, _ = server_state(any_server)
        numbers = {cid: records[("case", cid)].data["case_no"] for cid in (kept, taken)}
        assert all(numbers.values()) and len(set(numbers.values())) == 2
        restore(any_server, saved)
        newcomer = cases.report_case(
            sup, grid_code=GRID_A, title="噪音扰民", category=livelihood, submit=False
        )
        sync_now(sup)  # numbered first on the restored server: it takes kept's number
        for ws in (a2, a, sup, a2, a, sup):
            sync_now(ws)
        records, _ = server_state(any_server)
        final = {cid: records[("case", cid)].data["case_no"] for cid in (kept, taken, newcomer)}
        assert all(final.values()) and len(set(final.values())) == 3, final
        assert final[newcomer] == numbers[kept]  # the restored server's first number
        # kept's number was given meanwhile: it takes the next free one (a2 re-sends it,
        # holding it, before taken), which taken then finds taken in turn.
        assert final[kept] != numbers[kept]
        for ws in (a, a2, sup):
            assert outbox_size(ws) == 0
            with ws.read() as s:
                rows = [s.get(CaseRow, cid) for cid in final]
                held = {r.id: r.case_no for r in rows if r is not None}
            assert held == {cid: final[cid] for cid in held}, ws.actor.username
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_a_case_keeps_its_number_through_a_restore(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves a case numbered after the backup, re-sent by its laptop to the restored
    server, keeps the number it had (the restored server knew none) on server and laptop."""
    a = enrolled(any_server, tmp_path, "worker.a")
    try:
        saved = backup(any_server.db_url)
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="楼道灯坏了", category=CaseCategory.livelihood
        )
        sync_now(a)
        records, _ = server_state(any_server)
        number = records[("case", case_id)].data["case_no"]
        assert number
        restore(any_server, saved)
        for _ in range(3):
            sync_now(a)
        records, _ = server_state(any_server)
        assert records[("case", case_id)].data.get("case_no") == number
        with a.read() as s:
            assert s.get_one(CaseRow, case_id).case_no == number
    finally:
        a.close()
