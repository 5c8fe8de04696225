"""The Hazards screen driven as a grid worker and a street supervisor would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    PremisesType,
    Role,
    SupervisorLevel,
)
from gridworker.services import inspections
from gridworker.storage.models import AttachmentRow, InspectionItemRow
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.hazards import HazardsScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID, GRID2
from tests.ui.conftest import wait_idle

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def click_row(qtbot: QtBot, view: QAbstractItemView, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_radio(qtbot: QtBot, editor: QWidget, name: str) -> None:
    """Click a yes/no answer on its indicator, where a person clicks."""
    radio = editor.findChild(QRadioButton, name)
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))


def laid_out(widget: QWidget) -> bool:
    """Whether the widget got its full height (a freshly built form lays out in steps)."""
    return widget.height() >= widget.minimumSizeHint().height() > 0


def ime_type(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest's key clicks are ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def png_file(tmp_path: Path, name: str = "现场.png") -> Path:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#c2410c"))
    path = tmp_path / name
    assert image.save(str(path))
    return path


@pytest.fixture
def screen(qtbot: QtBot, session: AppSession) -> HazardsScreen:
    session.ws.clock = lambda: NOW
    inspections.register_site(
        session.ws,
        grid_code=GRID,
        kind=HazardKind.dangerous_building,
        name="凤凰村老粮站宿舍",
        address="凤凰村3组",
        danger_grade=DangerGrade.D,
        appraisal=Appraisal.stop_use,
    )
    inspections.register_site(
        session.ws,
        grid_code=GRID,
        kind=HazardKind.gas_safety,
        name="李秀兰家",
        address="建设路8号2单元301",
        premises_type=PremisesType.household,
    )
    widget = HazardsScreen(session)
    qtbot.addWidget(widget)
    widget.setStyleSheet(STYLE)  # as inside the main window
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.sites.rowCount() == 2)
    return widget


def test_inspection_rectification_reinspection_and_close_out(
    qtbot: QtBot, session: AppSession, screen: HazardsScreen, tmp_path: Path, monkeypatch
) -> None:
    """Proves a restaurant inspection with one failed item opens a rectification with its
    deadline, mark rectified + a passing re-inspection verify it, a grid worker has no
    close-out button, and a street supervisor closes it out (销号)."""
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible())
    dialog = screen.dialog
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData(HazardKind.fire_safety.code))
    ime_type(dialog.name, "老王小炒")
    ime_type(dialog.address, "建设路12号")
    dialog.premises.setCurrentIndex(dialog.premises.findData(PremisesType.small_restaurant.code))
    ime_type(dialog.person, "王建国")
    qtbot.keyClicks(dialog.phone, "12345")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "电话号码格式不正确" in dialog.error.text())
    assert dialog.isVisible()  # refused by the domain: the dialog stays open
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "13807971234")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.panel.name.text() == "老王小炒")
    assert screen.sites.rowCount() == 3

    qtbot.mouseClick(screen.panel.inspect_button, Qt.MouseButton.LeftButton)
    form = screen.form
    qtbot.waitUntil(lambda: len(form.editors) > 20 and laid_out(form.editors[-1]))
    assert "FS-KIT-01" in {e.item.code for e in form.editors}  # restaurant-only items asked
    qtbot.mouseClick(form.all_pass, Qt.MouseButton.LeftButton)
    failed = form.editor("FS-ELEC-02")
    click_radio(qtbot, failed, "answer_fail")
    ime_type(failed.note, "后厨电线裸露，未穿管")
    form.editor("FS-EQP-01").spin.setValue(2)  # type: ignore[union-attr]
    form.editor("FS-KIT-04").date_edit.setDate(QDate(2026, 10, 8))  # type: ignore[union-attr]
    assert failed.failed() and not failed.photo_hint.isHidden()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    # an on_fail item asks for its photo, named by what it says (not FS-ELEC-02)
    assert form.error.text() == "请为以下项目拍照：“电线穿管保护，无裸露”"
    photo = png_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    qtbot.mouseClick(failed.photos.add_button, Qt.MouseButton.LeftButton)
    assert failed.photos.count() == 1 and form.error.text() == ""
    thumbnail = failed.photos.findChild(QLabel, "thumbnail")
    qtbot.waitUntil(lambda: thumbnail.isVisible() and laid_out(failed))
    form.scroll_area.ensureWidgetVisible(failed, 0, 200)
    qtbot.waitUntil(lambda: failed.visibleRegion().boundingRect().height() == failed.height())
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    panel = screen.panel
    fixes = panel.rectifications
    qtbot.waitUntil(lambda: panel.banner.isVisible() and fixes.rects.rowCount() == 1)
    assert "FS-ELEC-02" in panel.banner.text() and "2026-11-30" in panel.banner.text()
    rect = fixes.rects.items[0]
    assert rect.deadline.isoformat() == "2026-11-30" and rect.description == "后厨电线裸露，未穿管"
    assert fixes.rects.data(fixes.rects.index(0, 2)) == "整改中"
    with session.ws.read() as s:
        item_id = s.scalar(
            select(InspectionItemRow.id).where(InspectionItemRow.item_code == "FS-ELEC-02")
        )
        assert s.scalar(select(AttachmentRow.id).where(AttachmentRow.owner_id == item_id))
    assert fixes.close_button.isHidden() and fixes.basis.isHidden()  # a worker cannot 销号

    click_row(qtbot, fixes.rect_view, 0)
    ime_type(fixes.measures, "电线已穿PVC管固定")
    qtbot.mouseClick(fixes.rectified_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fixes.rects.items[0].measures == "电线已穿PVC管固定")
    assert fixes.rects.data(fixes.rects.index(0, 2)) == "已整改待复查"

    click_row(qtbot, fixes.rect_view, 0)
    qtbot.mouseClick(fixes.reinspect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [e.item.code for e in form.editors] == ["FS-ELEC-02"])
    assert not form.kind.isEnabled() and form.kind.currentText() == "复查"
    click_radio(qtbot, form.editor("FS-ELEC-02"), "answer_pass")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            fixes.rects.rowCount() == 1
            and fixes.rects.data(fixes.rects.index(0, 2)) == "复查通过待销号"
        )
    )
    assert screen.pages.currentWidget() is panel

    session.ws.actor = dataclasses.replace(
        session.ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    screen.refresh()
    wait_idle(qtbot, session)
    click_row(qtbot, fixes.rect_view, 0)
    assert fixes.close_button.isVisible() and fixes.close_button.isEnabled()
    fixes.basis.setCurrentIndex(fixes.basis.findData(CloseBasis.verification.code))
    qtbot.mouseClick(fixes.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fixes.rects.items[0].close_basis is CloseBasis.verification)
    assert fixes.rects.data(fixes.rects.index(0, 2)) == "已销号（复查合格）"
    assert inspections.open_rectifications(session.ws) == []


def test_close_out_before_verification_shows_the_domain_message(
    qtbot: QtBot, session: AppSession, screen: HazardsScreen
) -> None:
    """Proves a supervisor's close-out on re-inspection of an unverified item is refused
    with the domain's message, and the rectification stays open."""
    site = inspections.register_site(
        session.ws,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="好运来网吧",
        premises_type=PremisesType.internet_cafe,
    )
    _template, items = inspections.form_items(session.ws, site)
    answers = {i.code: "pass" for i in items if i.answer == "yes_no"}
    answers.update({"FS-EXIT-01": "fail", "FS-EQP-01": "4"})
    inspections.record_inspection(session.ws, site_id=site, answers=answers)
    session.ws.actor = dataclasses.replace(
        session.ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.community
    )
    screen.refresh()
    qtbot.waitUntil(lambda: screen.sites.rowCount() == 3)
    click_row(qtbot, screen.site_view, screen.sites.row_of(site))
    panel = screen.panel
    fixes = panel.rectifications
    qtbot.waitUntil(lambda: fixes.rects.rowCount() == 1)
    click_row(qtbot, fixes.rect_view, 0)
    fixes.basis.setCurrentIndex(fixes.basis.findData(CloseBasis.verification.code))
    qtbot.mouseClick(fixes.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fixes.error.text() != "")
    assert fixes.error.text() == "销号前须复查合格"
    assert fixes.rects.data(fixes.rects.index(0, 2)) == "整改中"


def test_grid_filter_and_opening_a_rectification_from_elsewhere(
    qtbot: QtBot, session: AppSession, screen: HazardsScreen
) -> None:
    """Proves the session's grid filter narrows the site list to that grid and clearing it
    lists every site again, and select(rectification id) (工作台's link) opens its site with
    the rectification selected."""
    other = inspections.register_site(
        session.ws,
        grid_code=GRID2,
        kind=HazardKind.fire_safety,
        name="好运来网吧",
        premises_type=PremisesType.internet_cafe,
    )
    _template, items = inspections.form_items(session.ws, other)
    answers = {i.code: "pass" for i in items if i.answer == "yes_no"}
    answers.update({"FS-EXIT-01": "fail", "FS-EQP-01": "4"})
    [rect_id] = inspections.record_inspection(
        session.ws, site_id=other, answers=answers
    ).rectification_ids
    screen.refresh()
    qtbot.waitUntil(lambda: screen.sites.rowCount() == 3)
    session.set_grid_filter(GRID2)
    qtbot.waitUntil(lambda: screen.sites.rowCount() == 1)
    assert screen.sites.items[0].name == "好运来网吧"
    assert screen.site_list.grid_filter.currentData() == GRID2
    session.set_grid_filter(None)
    qtbot.waitUntil(lambda: screen.sites.rowCount() == 3)

    screen.select(rect_id)
    fixes = screen.panel.rectifications
    qtbot.waitUntil(lambda: screen.panel.name.text() == "好运来网吧")
    qtbot.waitUntil(lambda: fixes.selected() is not None)
    selected = fixes.selected()
    assert selected is not None and selected.id == rect_id
    assert screen.pages.currentWidget() is screen.panel
