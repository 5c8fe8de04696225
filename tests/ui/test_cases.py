"""The Cases screen and the photo strip, driven as a grid worker and a supervisor would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    HazardType,
    Role,
    SupervisorLevel,
    Urgency,
)
from gridworker.services import cases
from gridworker.storage.attachments import MAGIC
from gridworker.storage.models import AttachmentRow
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.cases import CasesScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.photos import PhotoStrip
from tests.conftest import GRID, GRID2
from tests.ui.conftest import wait_idle

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def ime_type(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest's key clicks are ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def png_file(tmp_path: Path, name: str = "井盖.png") -> tuple[Path, bytes]:
    image = QImage(200, 150, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4ed8"))
    path = tmp_path / name
    assert image.save(str(path))
    return path, path.read_bytes()


def seed_cases(session: AppSession) -> None:
    """A week of a grid's cases: one overdue, one due soon, others on time or closed."""
    ws = session.ws
    ws.clock = lambda: datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # last Friday 09:30
    cases.report_case(
        ws,
        grid_code=GRID,
        title="凤凰小区东门路灯不亮",
        category=CaseCategory.livelihood,
        address="凤凰小区东门",
        description="东门两盏路灯不亮已一周，居民夜间出行不便。",
    )
    ws.clock = lambda: datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday 14:00
    cases.report_case(
        ws,
        grid_code=GRID2,
        title="6栋楼顶违章搭建彩钢房",
        category=CaseCategory.hazard,
        subcategory=HazardType.housing_safety.code,
        urgency=Urgency.immediate,
        address="建设路8号6栋楼顶",
    )
    ws.clock = lambda: datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00
    cases.report_case(
        ws,
        grid_code=GRID,
        title="咨询高龄津贴申领条件",
        category=CaseCategory.policy,
        urgency=Urgency.complex,
        address="凤凰小区3栋2单元",
    )
    ws.clock = lambda: NOW
    draft = cases.report_case(
        ws,
        grid_code=GRID,
        title="楼道堆放杂物堵塞消防通道",
        category=CaseCategory.hazard,
        subcategory=HazardType.fire.code,
        address="凤凰小区5栋1单元",
        submit=False,
    )
    del draft


@pytest.fixture
def screen(qtbot: QtBot, session: AppSession) -> CasesScreen:
    seed_cases(session)
    widget = CasesScreen(session)
    widget.setStyleSheet(STYLE)  # as inside the main window
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3)
    return widget


def test_report_then_supervisor_accepts(
    qtbot: QtBot, session: AppSession, screen: CasesScreen
) -> None:
    """Proves a case reported through the form appears in 待受理 with a deadline countdown, the
    worker gets no 受理 button, a street supervisor gets 受理/退回/不予受理, and accepting moves
    it to 已受理 with both actions on the timeline."""
    qtbot.mouseClick(screen.report_button, Qt.MouseButton.LeftButton)
    form = screen.form
    qtbot.waitUntil(lambda: form.grid.count() == 2)
    ime_type(form.title, "楼上漏水引发邻里纠纷")
    ime_type(form.description, "3栋502卫生间漏水至402，双方协商未果，402住户情绪激动。")
    form.category.setCurrentIndex(form.category.findData(CaseCategory.dispute.code))
    form.subcategory.setCurrentIndex(form.subcategory.findData("02"))
    assert form.subcategory.currentText() == "邻里"
    ime_type(form.address, "凤凰小区3栋")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: (
            screen.current_filter() == CaseState.reported.code
            and screen.model.row_of(screen.case_id or "") is not None
        )
    )
    row = screen.model.row_of(screen.case_id or "")
    assert row is not None
    item = screen.model.item(row)
    assert item.title == "楼上漏水引发邻里纠纷" and item.state is CaseState.reported
    assert screen.model.data(screen.model.index(row, screen.model.LEFT)) == "3天6小时"
    detail = screen.detail
    qtbot.waitUntil(lambda: detail.case_id == item.id)
    assert detail.countdown.text() == "剩余3天6小时"
    assert CaseActionKind.accept not in detail.action_buttons
    assert detail.findChild(type(screen.report_button), "action_accept") is None
    assert detail.no_actions.isVisibleTo(detail)
    qtbot.waitUntil(lambda: "(4)" in screen.tabs.tabText(screen.tabs.currentIndex()))

    session.ws.actor = dataclasses.replace(
        session.ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    screen.refresh()
    qtbot.waitUntil(lambda: CaseActionKind.accept in detail.action_buttons)
    labels = {b.text() for b in detail.action_buttons.values()}
    assert {"受理", "退回", "不予受理"} <= labels
    ime_type(detail.note, "已联系物业上门查看")
    qtbot.mouseClick(detail.action_buttons[CaseActionKind.accept], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.state.text() == "已受理")
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 2)
    actions = [detail.timeline.item(n, 2).text() for n in range(2)]
    assert actions == ["上报", "受理"]
    assert detail.timeline.item(1, 3).text() == "待受理 → 已受理"
    assert detail.timeline.item(1, 4).text() == "已联系物业上门查看"
    assert detail.values["deadline"].text() == "2026-11-30 17:30"
    assert CaseActionKind.dispatch in detail.action_buttons  # street level may dispatch
    accepted = next(
        n for n in range(screen.tabs.count()) if screen.tabs.tabData(n) == CaseState.accepted.code
    )
    qtbot.mouseClick(
        screen.tabs, Qt.MouseButton.LeftButton, pos=screen.tabs.tabRect(accepted).center()
    )
    qtbot.waitUntil(lambda: screen.view.selectionModel().hasSelection())
    wait_idle(qtbot, session)


def test_overdue_and_due_soon_cases_are_coloured(qtbot: QtBot, screen: CasesScreen) -> None:
    """Proves the open list shows overdue time as "overdue …" in red and due-soon in amber."""
    texts = {
        i.title: screen.model.data(screen.model.index(n, screen.model.LEFT))
        for n, i in enumerate(screen.model.items)
    }
    assert texts["6栋楼顶违章搭建彩钢房"] == "已超时1天1小时"  # same day: due Monday 17:30
    assert texts["凤凰小区东门路灯不亮"] == "6小时"  # due Wednesday 17:30
    first = screen.model.index(0, screen.model.LEFT)
    assert screen.model.data(first, Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"


def test_photo_strip_stores_png_encrypted(
    qtbot: QtBot, session: AppSession, tmp_path: Path, monkeypatch
) -> None:
    """Proves adding a PNG file on a saved case stores an attachment row whose bytes on disk
    are encrypted (not the PNG), and a pasted picture waits in memory until bound."""
    session.ws.clock = lambda: NOW
    case_id = cases.report_case(
        session.ws, grid_code=GRID, title="井盖缺失", category=CaseCategory.hazard
    )
    strip = PhotoStrip(session, owner_entity="case", owner_id=case_id)
    qtbot.addWidget(strip)
    strip.show()
    path, png = png_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(path)], ""))
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.count() == 1 and strip.findChild(QLabel, "thumbnail") is not None)
    with session.ws.read() as s:
        row = s.scalars(select(AttachmentRow).where(AttachmentRow.owner_id == case_id)).one()
    assert row.mime == "image/png" and row.caption == "井盖.png" and not row.is_evidence
    stored = session.ws.profile.attachments.path_for(row.sha256).read_bytes()
    assert stored.startswith(MAGIC) and png not in stored and b"IHDR" not in stored

    unbound = PhotoStrip(session)
    qtbot.addWidget(unbound)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#15803d"))
    QApplication.clipboard().setImage(image)
    qtbot.mouseClick(unbound.paste_button, Qt.MouseButton.LeftButton)
    assert unbound.count() == 1 and unbound.pending()[0].data.startswith(b"\x89PNG")


def test_list_pages_and_narrows_by_grid_and_search(qtbot: QtBot, session: AppSession) -> None:
    """Proves the cases list loads a page at a time as the view asks (every case once), the
    map's grid filter (session.set_grid_filter) narrows the list and the tab counts to that
    grid and clearing it shows all again, and a typed search narrows by title."""
    ws = session.ws
    for n in range(23):
        ws.clock = lambda n=n: NOW.replace(minute=n)
        cases.report_case(
            ws,
            grid_code=GRID if n % 2 else GRID2,
            title=f"井盖缺失 {n}" if n % 5 == 0 else f"路灯不亮 {n}",
            category=CaseCategory.livelihood,
            address=f"凤凰小区{n}栋",
        )
    ws.clock = lambda: NOW
    screen = CasesScreen(session)
    qtbot.addWidget(screen)
    screen.model.page_size = 5
    screen.resize(1100, 400)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() >= 5)
    for _ in range(10):  # scroll to the end until every page is in
        screen.view.scrollToBottom()
        qtbot.wait(30)
        if not screen.model.has_more:
            break
    qtbot.waitUntil(lambda: not screen.model.has_more and not screen.model.loading)
    ids = [i.id for i in screen.model.items]
    assert len(ids) == len(set(ids)) == 23
    assert screen.count_label.text() == "已显示23件"

    session.set_grid_filter(GRID2)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 12 and not screen.model.loading)
    assert {i.grid_code for i in screen.model.items} == {GRID2}
    assert screen.grid_filter.currentData() == GRID2
    qtbot.waitUntil(lambda: screen.tabs.tabText(0) == "全部在办 (12)")
    session.set_grid_filter(None)
    qtbot.waitUntil(lambda: screen.tabs.tabText(0) == "全部在办 (23)")

    ime_type(screen.search, "井盖")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 5 and not screen.model.loading)
    assert all(i.title.startswith("井盖缺失") for i in screen.model.items)
    qtbot.waitUntil(lambda: screen.tabs.tabText(0) == "全部在办 (5)")


def test_photo_strip_refuses_a_file_that_is_not_a_picture(
    qtbot: QtBot, session: AppSession, tmp_path: Path, monkeypatch
) -> None:
    """Proves a PDF saved as 现场.jpg, picked on a form not yet saved or on a saved case, is
    not taken as a photo: the strip says why (in Chinese) and counts no photo."""
    session.ws.clock = lambda: NOW
    case_id = cases.report_case(
        session.ws, grid_code=GRID, title="井盖缺失", category=CaseCategory.hazard
    )
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(b"%PDF-1.4\n%%EOF\n" * 50)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(fake)], ""))
    for strip in (PhotoStrip(session), PhotoStrip(session, owner_entity="case", owner_id=case_id)):
        qtbot.addWidget(strip)
        strip.show()
        qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda strip=strip: strip.message.isVisible())
        assert "不是图片" in strip.message.text()
        assert strip.count() == 0
    with session.ws.read() as s:
        assert s.scalars(select(AttachmentRow)).all() == []
