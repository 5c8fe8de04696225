"""Changes the server refuses, and the laptop that comes back late: each refused alone and
kept visibly, the laptop ending with the server's truth, nothing blocked. Real server
process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gridworker.domain.errors import ValidationError
from gridworker.services import register
from gridworker.services.refused import dismiss_refused, refused_changes
from gridworker.services.syncing import (
    client_for,
    device_identity,
    list_conflicts,
    resolve_conflict,
    sync_now,
)
from gridworker.storage.models import HouseholdRow, LocalConflict
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from gridworker.ui.app import make_app
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.server_ops import purge_all
from tests.e2e.test_sync_e2e import add_household, outbox_size, snapshot


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    """The app as users get it (zh_CN, CJK font), as in tests/ui."""
    return make_app(qapp_args, lang="zh_CN")


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
        # A purged record gets the answer one outside the scope gets (no existence oracle).
        assert (refused.record_id, refused.code) == (gone, "out_of_scope")
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


def _phone_conflict(a, a2, no: str) -> str:  # type: ignore[no-untyped-def]
    hid = add_household(a, no)
    sync_now(a)
    sync_now(a2)
    register.edit_record(a, HouseholdRow, hid, {"phone": "13800001111"})
    register.edit_record(a2, HouseholdRow, hid, {"phone": "13900002222"})
    sync_now(a)
    assert sync_now(a2).conflicts == 1
    return hid


def test_a_bad_value_in_a_resolution_never_blocks_the_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an invalid phone typed to resolve a conflict is refused at once by the forms'
    rules; a bad resolution the server refuses (as an older client accepted it) opens the
    conflict again with the server's reason and the server's value back on the record; and
    in that same sync the other resolution, the waiting edit and the pull all go through."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        first = _phone_conflict(a, a2, "1110")
        second = _phone_conflict(a, a2, "1111")
        [bad, good] = sorted(list_conflicts(a2), key=lambda c: c.record_id != first)
        with pytest.raises(ValidationError):
            resolve_conflict(a2, bad.id, field="phone", value="12345")
        assert list_conflicts(a2)[0].pending_resolution is False
        # What a client without the check stored: the server refuses it (422).
        with a2.write() as s:
            s.get_one(LocalConflict, bad.id).resolution = {
                "choice": "values",
                "values": {"phone": "12345"},
            }
        resolve_conflict(a2, good.id, keep="local")
        register.edit_record(a2, HouseholdRow, first, {"note": "照常推送"})
        register.edit_record(a, HouseholdRow, second, {"note": "照常拉取"})
        sync_now(a)
        report = sync_now(a2)  # no exception: nothing blocked
        assert report.pushed == 1
        views = {v.id: v for v in list_conflicts(a2, status="all")}
        assert views[bad.id].status == "open" and not views[bad.id].pending_resolution
        assert "电话号码格式不正确" in (views[bad.id].last_error or "")
        assert views[good.id].status == "resolved"
        row = snapshot(a2)[("household", first)]
        assert (row["phone"], row["note"]) == ("13800001111", "照常推送")
        assert snapshot(a2)[("household", second)]["note"] == "照常拉取"
        resolve_conflict(a2, bad.id, field="phone", value="139 0000 3333")
        sync_now(a2)
        sync_now(a)
        assert snapshot(a)[("household", first)]["phone"] == "13900003333"
        assert [v.status for v in list_conflicts(a2, status="all")] == ["resolved", "resolved"]
    finally:
        a.close()
        a2.close()


def test_the_conflicts_screen_shows_a_refused_change_until_dismissed(  # type: ignore[no-untyped-def]
    qtbot, any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a refused change appears in the Conflicts screen's "not accepted" tab with what
    was typed and why, and goes (with the tab) once the user dismisses it."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    tasks = TaskManager()
    session = AppSession(a2, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        gone = add_household(a, "1103")
        sync_now(a)
        sync_now(a2)
        register.delete_record(a, HouseholdRow, gone)
        sync_now(a)
        purge_all(any_server.db_url)
        register.edit_record(a2, HouseholdRow, gone, {"note": "不知道已删除"})
        sync_now(a2)
        screen = ConflictsScreen(session)
        screen.resize(1366, 768)
        qtbot.addWidget(screen)
        screen.show()
        screen.refresh()
        panel = screen.refused
        tabs = panel.parentWidget().parentWidget()
        index = tabs.indexOf(panel)
        qtbot.waitUntil(lambda: tabs.isTabVisible(index), timeout=10_000)
        assert tabs.tabText(index) == "未被接受的修改 (1)"
        tabs.setCurrentIndex(index)
        assert "不知道已删除" in panel.values.text()
        assert "已删除并清除" in panel.why.text()
        qtbot.wait(100)
        screen.grab().save(str(tmp_path / "refused-change.png"))
        qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not tabs.isTabVisible(index), timeout=10_000)
        assert refused_changes(a2) == []
    finally:
        session.close()
        tasks.shutdown()
        a.close()
        a2.close()
