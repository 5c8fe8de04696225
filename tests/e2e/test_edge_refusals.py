"""Changes the server refuses, and the laptop that comes back late: each refused alone and
kept visibly, the laptop ending with the server's truth, nothing blocked. Real server
process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

from pathlib import Path

from gridworker.services import register
from gridworker.services.refused import dismiss_refused, refused_changes
from gridworker.services.syncing import sync_now
from gridworker.storage.models import HouseholdRow
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
