"""The conflict of a visit that met a person another laptop moved out reads in Chinese on the
worker's Conflicts screen and on the supervisor's 所辖网格 review, which settles it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import VisitMode
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.services import visits
from gridworker.services.life_events import EventInput, record_event
from gridworker.services.syncing import sync_now
from gridworker.storage.models import ResidentRow
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import PASSWORD, LiveServer, live_server  # noqa: F401
from tests.e2e.test_life_events_sync import _family, enrolled
from tests.ui.conftest import grab, wait_idle


def _screen(qtbot: QtBot, ws, tasks: TaskManager) -> tuple[AppSession, ConflictsScreen]:  # type: ignore[no-untyped-def]
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    screen = ConflictsScreen(session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1366, 700)
    qtbot.addWidget(screen)
    screen.show()
    return session, screen


def test_a_visit_after_a_move_out_reads_in_chinese_and_the_supervisor_settles_it(
    qtbot: QtBot,
    qapp,  # type: ignore[no-untyped-def]
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Proves worker A2's Conflicts screen explains, in Chinese, that its visit met 王秀兰
    after worker A recorded her 迁出 (standing 已迁出 on the server, 在册 incoming), and the
    supervisor's 所辖网格 tab shows the same and, taking the incoming side, puts her back
    in the register on A's laptop."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    hid, people = _family(a, "8301")
    for ws in (a, a2, sup):
        sync_now(ws, password=PASSWORD)
    spouse = people["王秀兰"]
    record_event(a, EventInput(K.moved_out, date.today(), resident_id=spouse, place="南昌"))
    visits.record_visit(a2, household_id=hid, mode=VisitMode.home, people_met="王秀兰")
    for ws in (a, a2, sup):
        sync_now(ws, password=PASSWORD)
    tasks = TaskManager()
    session, screen = _screen(qtbot, a2, tasks)
    try:
        wait_idle(qtbot, session)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=5000)
        screen.table.selectRow(0)
        qtbot.waitUntil(lambda: screen.current is not None)
        hint = screen.fields_hint.text()
        assert "迁出" in hint and "在册" in hint and "worker.a2" in hint, hint
        row = screen.rows["life_status"]
        assert (row.server_text.text(), row.local_text.text()) == ("已迁出", "在册")
        qtbot.wait(50)
        grab(screen, "conflict-visit-after-move-out")
    finally:
        session.close()
    session, screen = _screen(qtbot, sup, tasks)
    try:
        panel = screen.grid_review
        assert panel is not None
        tabs = panel.parentWidget().parentWidget()  # type: ignore[union-attr]
        tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: not panel.loading and len(panel.model.rows) == 1, timeout=15_000)
        panel.table.selectRow(0)
        why = panel.findChild(object, "departure_reason")
        assert why is not None and "迁出" in why.text(), panel.title.text()
        incoming = panel.findChild(object, "incoming_life_status")
        assert incoming.text().startswith("在册（worker.a2")
        assert panel.findChild(object, "server_life_status").text().startswith("已迁出（worker.a")
        qtbot.mouseClick(incoming, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
        grab(screen, "conflict-review-visit-after-move-out")
        qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: bool(panel.error.text()) or (not panel.loading and panel.model.rows == []),
            timeout=15_000,
        )
        assert panel.error.text() == ""
    finally:
        session.close()
        tasks.shutdown()
    sync_now(a, password=PASSWORD)
    with a.read() as s:
        assert s.get_one(ResidentRow, spouse).life_status is None
    for ws in (a, a2, sup):
        ws.close()
