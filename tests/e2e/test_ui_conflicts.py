"""The conflicts screen against a real server: a conflict made by two laptops is resolved
through the widgets on one and the choice reaches the other after a sync."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gridworker.services.syncing import list_conflicts, sync_now
from gridworker.storage.models import HouseholdRow
from gridworker.ui.app import make_app
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household, set_field


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    """The app as users get it (zh_CN, CJK font), as in tests/ui."""
    return make_app(qapp_args, lang="zh_CN")


def test_resolving_in_the_screen_reaches_the_other_laptop(  # type: ignore[no-untyped-def]
    qtbot, live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves two workers editing the same household fields get a conflict on the later
    laptop, which keeps its own note and the colleague's head name through the widgets;
    after a sync from the app the conflict is gone and the other laptop has both values."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    tasks = TaskManager()
    session = AppSession(a2, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        hid = add_household(a, "5001")
        sync_now(a)
        sync_now(a2)
        set_field(a, hid, head_name="王淑芬", note="每周二送餐上门")
        set_field(a2, hid, head_name="王淑芳", note="子女每周六回来探望")
        sync_now(a)
        assert sync_now(a2).conflicts == 1
        screen = ConflictsScreen(session)
        qtbot.addWidget(screen)
        screen.resize(1100, 640)
        screen.show()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
        qtbot.waitUntil(lambda: screen.current is not None, timeout=5000)
        assert set(screen.rows) == {"head_name", "note"}
        assert screen.rows["note"].local_text.text() == "子女每周六回来探望"
        assert screen.rows["head_name"].server_text.text() == "王淑芬"
        QTest.mouseClick(screen.rows["note"].local, Qt.MouseButton.LeftButton)
        QTest.mouseClick(screen.resolve_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.current.pending_resolution, timeout=10_000)  # type: ignore[union-attr]
        assert screen.pending.isVisible()
        with a2.read() as s:
            row = s.get_one(HouseholdRow, hid)
            assert (row.head_name, row.note) == ("王淑芬", "子女每周六回来探望")
        with qtbot.waitSignal(session.sync_finished, timeout=60_000) as finished:
            session.sync_now()
        assert finished.args[1] is None, finished.args[1]
        qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10_000)
        sync_now(a)
        for ws in (a, a2):
            with ws.read() as s:
                row = s.get_one(HouseholdRow, hid)
                assert (row.head_name, row.note) == ("王淑芬", "子女每周六回来探望")
            assert not [c for c in list_conflicts(ws) if c.record_id == hid]
    finally:
        session.close()
        tasks.shutdown()
        a.close()


def test_two_fields_resolved_differently_both_reach_the_other_laptop(  # type: ignore[no-untyped-def]
    qtbot, live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a typed head name and this laptop's note, chosen in one Resolve, both reach the
    other laptop after the sync."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    tasks = TaskManager()
    session = AppSession(a2, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        hid = add_household(a, "5002")
        sync_now(a)
        sync_now(a2)
        set_field(a, hid, head_name="王淑芬", note="每周二送餐上门")
        set_field(a2, hid, head_name="王淑芳", note="子女每周六回来探望")
        sync_now(a)
        sync_now(a2)
        screen = ConflictsScreen(session)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
        screen.rows["head_name"].other_edit.setText("王淑芬（核实）")
        QTest.mouseClick(screen.rows["head_name"].other, Qt.MouseButton.LeftButton)
        QTest.mouseClick(screen.rows["note"].local, Qt.MouseButton.LeftButton)
        QTest.mouseClick(screen.resolve_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.current.pending_resolution, timeout=10_000)  # type: ignore[union-attr]
        with qtbot.waitSignal(session.sync_finished, timeout=60_000):
            session.sync_now()
        sync_now(a)
        for ws in (a, a2):
            with ws.read() as s:
                row = s.get_one(HouseholdRow, hid)
                assert (row.head_name, row.note) == ("王淑芬（核实）", "子女每周六回来探望")
    finally:
        session.close()
        tasks.shutdown()
        a.close()
