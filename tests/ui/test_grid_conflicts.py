"""The Conflicts screen's 所辖网格 tab: a street supervisor settles a conflict on a real server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.services import register
from gridworker.services.syncing import device_identity, sync_now
from gridworker.storage.models import HouseholdRow
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import GRID_A, PASSWORD, LiveServer, enrolled, live_server  # noqa: F401
from tests.ui.conftest import grab


def test_supervisor_reviews_the_grids_conflicts(
    qtbot: QtBot,
    qapp,  # type: ignore[no-untyped-def]
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Proves the street supervisor's Conflicts screen has a 所辖网格 tab that fetches the
    server's conflict between two workers, shows both values with their authors, and resolves
    it with a typed value, after which the list is empty and the worker pulls that value."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    household = register.register_household(
        a,
        register.HouseholdInput(grid_code=GRID_A, household_no="0102", address="建设路18号院1号楼"),
    )
    sync_now(a, password=PASSWORD)
    sync_now(a2, password=PASSWORD)
    register.edit_record(a, HouseholdRow, household, {"head_name": "赵淑珍"})
    register.edit_record(a2, HouseholdRow, household, {"head_name": "赵淑贞"})
    sync_now(a, password=PASSWORD)
    assert sync_now(a2, password=PASSWORD).conflicts == 1
    sup = enrolled(live_server, tmp_path, "sup.street")
    tasks = TaskManager()
    session = AppSession(sup, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        screen = ConflictsScreen(session)
        screen.setStyleSheet(STYLE + screen.styleSheet())
        screen.resize(1200, 600)
        qtbot.addWidget(screen)
        screen.show()
        panel = screen.grid_review
        assert panel is not None
        tabs = panel.parentWidget().parentWidget()  # type: ignore[union-attr]
        assert tabs.tabText(1) == "所辖网格"
        tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: not panel.loading and len(panel.model.rows) == 1, timeout=15_000)
        panel.table.selectRow(0)
        server_choice = panel.findChild(object, "server_head_name")
        incoming_choice = panel.findChild(object, "incoming_head_name")
        # Each side: the value, who, on which laptop (the end of its id) and when.
        a_laptop, a2_laptop = device_identity(a).device_id, device_identity(a2).device_id
        assert server_choice.text().startswith(f"赵淑珍（worker.a · 电脑 …{a_laptop[-6:]} · 20")
        assert incoming_choice.text().startswith(
            f"赵淑贞（worker.a2 · 电脑 …{a2_laptop[-6:]} · 20"
        )
        panel.findChild(object, "typed_head_name").setText("赵淑珍（已核实）")
        qtbot.wait(100)  # widgets added to a shown layout appear on the next event loop turn
        grab(screen, "conflict-review")
        qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: bool(panel.error.text()) or (not panel.loading and panel.model.rows == []),
            timeout=15_000,
        )
        assert panel.error.text() == ""
        assert panel.status.text() == "所辖网格共有0条待处理冲突。"
    finally:
        session.close()
        tasks.shutdown()
    sync_now(a, password=PASSWORD)
    with a.read() as s:
        row = s.get(HouseholdRow, household)
        assert row is not None and row.head_name == "赵淑珍（已核实）"
    a.close()
    a2.close()
