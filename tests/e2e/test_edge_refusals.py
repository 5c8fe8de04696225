"""Changes the server refuses, and the laptop that comes back late: each refused alone and
kept visibly, the laptop ending with the server's truth, nothing blocked. Real server
process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridworker.services import register
from gridworker.services.refused import dismiss_refused, refused_changes
from gridworker.services.syncing import client_for, device_identity, sync_now
from gridworker.storage.models import HouseholdRow
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.server_ops import purge_all
from tests.e2e.test_sync_e2e import add_household, outbox_size, snapshot


def test_an_edit_of_a_purged_household_ends_with_the_servers_truth(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a laptop that edited offline a household deleted and purged on the server
    ends without it (the resync from zero no longer keeps it alive), while the refused edit
    stays readable with its values until the user dismisses it."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        gone = add_household(a, "1101")
        kept = add_household(a, "1102")
        sync_now(a)
        sync_now(a2)
        register.delete_record(a, HouseholdRow, gone)
        sync_now(a)
        purge_all(any_server.db_url)
        register.edit_record(a2, HouseholdRow, gone, {"note": "不知道已删除"})
        register.edit_record(a2, HouseholdRow, kept, {"note": "这条照常"})
        report = sync_now(a2)
        assert report.rejected == 1 and report.resynced
        sync_now(a)
        assert ("household", gone) not in snapshot(a2)
        assert snapshot(a2) == snapshot(a)
        assert snapshot(a)[("household", kept)]["note"] == "这条照常"
        [refused] = refused_changes(a2)
        assert (refused.record_id, refused.code) == (gone, "record_deleted")
        assert refused.values == {"note": "不知道已删除"}
        assert "删除" in refused.explanation
        dismiss_refused(a2, refused.id)
        assert refused_changes(a2) == [] and outbox_size(a2) == 0
    finally:
        a.close()
        a2.close()


def test_a_laptop_back_after_the_log_purge_replays_safely(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a push whose answer was lost, re-sent only after the mutation log was purged
    (a laptop away past the horizon), is answered as a settled replay: no `client_cloned`,
    no new device, the change applied once, the laptop equal to the server."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "1501")
        sync_now(a)
        register.edit_record(a, HouseholdRow, hid, {"note": "回复丢了"})
        good = client_for(a)
        plan = FaultPlan(script=["lose_response"], only=lambda r: r.path_url.endswith("/push"))
        lossy = SyncClient(
            make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
            device_id=good.device_id,
            token=good.token,
        )
        with pytest.raises(SyncError):
            SyncEngine(a.profile, lossy, username="worker.a").run_cycle()
        purge_all(any_server.db_url)
        before = device_identity(a).device_id
        sync_now(a)  # no password: a clone would need one to register again
        assert device_identity(a).device_id == before
        assert outbox_size(a) == 0
        sync_now(a2)
        assert snapshot(a2)[("household", hid)]["note"] == "回复丢了"
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()
