"""The hazard desk driven as a street supervisor would: overdue first, open an item, add
the photo after the fix, close it out (销号); verify or refuse another with a reason."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import (
    DangerGrade,
    HazardKind,
    RectificationStatus,
    Role,
    SupervisorLevel,
)
from gridworker.services import inspections
from gridworker.storage.models import RectificationRow
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.hazard_desk import HazardDeskScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID, GRID2
from tests.e2e.conftest import LiveServer
from tests.services.test_hazard_desk import NOW, fire_rect
from tests.ui.conftest import wait_idle
from tests.ui.test_grid_map import seeded_server, synced_window

__all__ = ["seeded_server"]  # the module-scoped fixture, shared with the map's tests


@dataclasses.dataclass
class Desk:
    screen: HazardDeskScreen
    overdue: str
    done: str
    verified: str


def png(tmp_path: Path, name: str = "整改后.png") -> Path:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#15803d"))
    path = tmp_path / name
    assert image.save(str(path))
    return path


@pytest.fixture
def desk(qtbot: QtBot, session: AppSession) -> Desk:
    ws = session.ws
    ws.clock = lambda: NOW
    overdue = fire_rect(ws, "老王小炒", datetime(2026, 11, 10, 2, tzinfo=UTC), before_photo=True)
    done = fire_rect(ws, "星辰网吧", datetime(2026, 11, 24, 2, tzinfo=UTC), grid=GRID2)
    inspections.mark_rectified(ws, done, measures="已更换阻燃线槽")
    verified = fire_rect(ws, "好又多超市", datetime(2026, 11, 23, 2, tzinfo=UTC), before_photo=True)
    inspections.mark_rectified(ws, verified, measures="电线已穿管")
    inspections.verify_rectification(ws, verified)
    inspections.register_site(
        ws,
        grid_code=GRID2,
        kind=HazardKind.dangerous_building,
        name="东门老粮站宿舍",
        danger_grade=DangerGrade.D,
    )
    ws.actor = dataclasses.replace(
        ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    screen = HazardDeskScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(1366, 800)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.rects.rowCount() == 3, timeout=10_000)
    return Desk(screen, overdue, done, verified)


def open_item(qtbot: QtBot, desk: Desk, rect_id: str) -> None:
    screen = desk.screen
    row = screen.rect_row(rect_id)
    assert row is not None
    rect = screen.rects.visualItemRect(screen.rects.item(row, 2))
    qtbot.mouseClick(screen.rects.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: screen.panel.detail is not None and screen.panel.detail.item.id == rect_id
    )


def status_of(session: AppSession, rect_id: str) -> RectificationStatus:
    with session.ws.read() as s:
        row = s.get(RectificationRow, rect_id)
        assert row is not None
        return row.status


def test_overdue_first_and_counts_per_grid(desk: Desk) -> None:
    """Proves the overdue item heads the list in red, the one awaiting close-out follows,
    and the grid table shows each grid's counts with the D building."""
    screen = desk.screen
    assert screen.rect_row(desk.overdue) == 0 and screen.rect_row(desk.verified) == 1
    assert screen.rects.item(0, 5).text()  # "16 天"
    assert screen.rects.item(0, 0).foreground().color() == QColor("#b3261e")
    counts = {
        screen.grids.item(r, 0).data(Qt.ItemDataRole.UserRole): [
            screen.grids.item(r, c).text() for c in range(1, 6)
        ]
        for r in range(screen.grids.rowCount())
    }
    assert counts[GRID] == ["0", "0", "2", "1", "1"]
    assert counts[GRID2] == ["1", "0", "1", "0", "0"]  # the D building registered today
    assert screen.buildings.rowCount() == 1


def answer_close_out(monkeypatch: pytest.MonkeyPatch, answers: list[bool]) -> list[str]:
    """Answer 销号's confirmation from `answers` in turn; returns the questions asked."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        yes = answers.pop(0)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_close_out_through_the_desk_needs_the_after_photo(
    qtbot: QtBot, session: AppSession, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves opening a verified item shows the failed item by what it says (not its code)
    and the photo before the fix, 销号 stays disabled with the reason until a photo after
    the fix is added, asks for confirmation (No changes nothing), then closes the item: it
    leaves the list, no row stays selected and the pane shows its empty state."""
    screen = desk.screen
    assert screen.panel.pages.currentWidget() is screen.panel.empty  # nothing chosen yet
    assert screen.panel.empty.isVisible() and not screen.panel.new_deadline.isVisible()
    open_item(qtbot, desk, desk.verified)
    panel = desk.screen.panel
    assert panel.before.count == 1 and panel.after.count == 0
    assert panel.failed.text().count("✗") == 1 and "电线穿管保护，无裸露" in panel.failed.text()
    assert "FS-ELEC-02" not in panel.failed.text()
    assert panel.facts["measures"].text() == "电线已穿管"
    assert not panel.close_button.isEnabled()
    assert panel.close_hint.text() == "销号前须上传整改后照片"
    panel.add_after_photos([png(tmp_path)])
    qtbot.waitUntil(lambda: panel.after.count == 1)
    assert panel.close_button.isEnabled() and panel.close_hint.text() == ""
    asked = answer_close_out(monkeypatch, [False, True])
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    assert status_of(session, desk.verified) is RectificationStatus.verified  # "No": nothing
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and "好又多超市" in asked[0] and "销号后不能撤回" in asked[0]
    qtbot.waitUntil(lambda: status_of(session, desk.verified) is RectificationStatus.closed)
    qtbot.waitUntil(lambda: desk.screen.rect_row(desk.verified) is None)
    wait_idle(qtbot, session)
    assert desk.screen.rects.rowCount() == 2
    assert desk.screen.rects.selectionModel().selectedRows() == []
    assert panel.detail is None and panel.pages.currentWidget() is panel.empty
    assert screen.status.text().startswith("已销号：")


def test_verify_then_refuse_with_a_reason(qtbot: QtBot, session: AppSession, desk: Desk) -> None:
    """Proves the supervisor verifies an item reported fixed (复查通过), and that refusing
    it needs a reason: with one it goes back to 整改中 with the new deadline."""
    open_item(qtbot, desk, desk.done)
    panel = desk.screen.panel
    assert panel.verify_button.isEnabled()
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(session, desk.done) is RectificationStatus.verified)
    qtbot.waitUntil(lambda: panel.detail is not None and not panel.verify_button.isEnabled())
    qtbot.mouseClick(panel.refuse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text() == "退回须说明理由")
    assert status_of(session, desk.done) is RectificationStatus.verified
    panel.reason.setText("线槽未封闭，仍有裸露")
    panel.new_deadline_check.setChecked(True)
    panel.new_deadline.setDate(date(2026, 12, 4))
    qtbot.mouseClick(panel.refuse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(session, desk.done) is RectificationStatus.open)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.reviews[0].note is not None)
    assert panel.detail is not None and panel.detail.item.deadline == date(2026, 12, 4)
    assert "线槽未封闭" in panel.reviews.text()


def test_a_grid_row_narrows_the_desk(qtbot: QtBot, session: AppSession, desk: Desk) -> None:
    """Proves clicking a grid's row sets the grid filter for every screen and the desk then
    lists that grid's items only; 全部网格 shows all again."""
    screen = desk.screen
    row = next(
        r
        for r in range(screen.grids.rowCount())
        if screen.grids.item(r, 0).data(Qt.ItemDataRole.UserRole) == GRID2
    )
    rect = screen.grids.visualItemRect(screen.grids.item(row, 0))
    qtbot.mouseClick(screen.grids.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.grid_filter == GRID2
    qtbot.waitUntil(lambda: screen.rects.rowCount() == 1)
    assert screen.rect_row(desk.done) == 0 and GRID2 in screen.scope_label.text()
    qtbot.mouseClick(screen.all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.rects.rowCount() == 3)
    wait_idle(qtbot, session)


def test_desk_of_a_synced_street(
    qtbot: QtBot, seeded_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the street supervisor's desk over data synced from the seeded server lists the
    overdue rectifications first, opens one awaiting close-out with its photo after the fix
    (downloaded and decrypted), and closes it out (screenshot: docs/screenshots/hazard-desk.png)."""
    with synced_window(seeded_server, tmp_path, "demo.street", qtbot) as window:
        window.resize(1440, 940)
        session = window.session
        screen = window.show_screen("hazarddesk")
        assert isinstance(screen, HazardDeskScreen)
        qtbot.waitUntil(lambda: screen.desk is not None, timeout=20_000)
        desk = screen.desk
        assert desk is not None and desk.rectifications[0].overdue
        flags = [r.overdue for r in desk.rectifications]
        assert flags == sorted(flags, reverse=True)  # every overdue item before the others
        waiting = next(r for r in desk.rectifications if r.status is RectificationStatus.verified)
        row = screen.rect_row(waiting.id)
        assert row is not None
        screen.rects.selectRow(row)
        panel = screen.panel
        qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.item.id == waiting.id)
        assert panel.after.count >= 1 and panel.close_button.isEnabled()
        wait_idle(qtbot, session)
        answer_close_out(monkeypatch, [True])
        qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: status_of(session, waiting.id) is RectificationStatus.closed)
        qtbot.waitUntil(lambda: screen.rect_row(waiting.id) is None)
        wait_idle(qtbot, session)
