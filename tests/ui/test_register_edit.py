"""Editing a household and a resident on the 住户 screen, as a grid worker does it: a
double-click, the context menu or the buttons open the form; values open masked; a wrong
value is said beside its field; "显示完整" needs a logged reason; a removed tag needs a
reason; drafts and the unsaved-changes guard work as on the new-household form."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.domain.enums import Relationship, TagKind
from gridworker.services import drafts
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.storage.models import LocalAudit, OutboxEntry, ResidentRow, ResidentTagRow
from gridworker.ui.dialogs.register_edit import RecordEditDialog
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_cases import ime_type
from tests.ui.test_register import HEAD_ID, SPOUSE_ID, open_screen

PHONE = "13907991234"


def _register(session: AppSession) -> str:
    return register_household(
        session.ws,
        HouseholdInput(
            grid_code=GRID, household_no="0301", address="凤凰小区3栋1单元301室", phone=PHONE
        ),
        [
            ResidentInput(
                "刘建国",
                HEAD_ID,
                phone=PHONE,
                relationship=Relationship.head,
                tags=[TagKind.living_alone_elderly, TagKind.veteran],
            ),
            ResidentInput("王秀兰", SPOUSE_ID, relationship=Relationship.spouse),
        ],
    )


def _cleared(session: AppSession) -> None:
    with session.ws.write() as s:
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)


def _updates(session: AppSession) -> list[tuple[str, dict[str, object]]]:
    with session.ws.read() as s:
        return [
            (e.entity, dict(e.payload))
            for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))
        ]


def _opened(qtbot: QtBot, screen: RegisterScreen) -> RecordEditDialog:
    qtbot.waitUntil(
        lambda: isinstance(screen.dialog, RecordEditDialog)
        and shiboken6.isValid(screen.dialog)
        and screen.dialog.isVisible(),
        timeout=5000,
    )
    dialog = screen.dialog
    assert isinstance(dialog, RecordEditDialog)
    wait_idle(qtbot, screen.session)  # its draft lookup
    return dialog


def double_click(qtbot: QtBot, screen: RegisterScreen, row: int) -> None:
    """A person's double-click (QTest's lone double-click event lacks the press before it,
    which item views need)."""
    rect = screen.table.visualRect(screen.model.index(row, 1))
    viewport = screen.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())


def _screen_on(qtbot: QtBot, session: AppSession, hid: str) -> RegisterScreen:
    screen = open_screen(qtbot, session)
    row = screen.model.row_of(hid)
    assert row is not None
    screen.table.selectRow(row)
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 2, timeout=5000)
    return screen


def test_double_click_edits_a_household_and_saves_only_what_changed(
    qtbot: QtBot, session: AppSession
) -> None:
    """Proves a double-click on a household opens its edit form with the phone masked; a
    bad phone is said beside the field and nothing is saved; changing the address saves
    one update holding only the address (the masked phone left as it was is not written)."""
    hid = _register(session)
    _cleared(session)
    screen = _screen_on(qtbot, session, hid)
    row = screen.model.row_of(hid)
    assert row is not None
    double_click(qtbot, screen, row)
    dialog = _opened(qtbot, screen)
    phone = dialog.fields.widgets["phone"]
    address = dialog.fields.widgets["address"]
    assert phone.text() == "139****1234" and "reveal_phone" in {
        b.objectName() for b in dialog.reveal_buttons.values()
    }
    phone.setFocus()
    phone.selectAll()
    qtbot.keyClicks(phone, "12345")
    dialog.accept()
    assert dialog.isVisible() and dialog.form.error("phone").startswith("电话号码格式不正确")
    phone.setText("139****1234")  # back to the masked value: unchanged
    address.clear()
    ime_type(address, "凤凰小区3栋1单元302室")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    wait_idle(qtbot, session)
    assert _updates(session) == [("household", {"address": "凤凰小区3栋1单元302室"})]
    qtbot.waitUntil(lambda: screen.detail_title.text() == "凤凰小区3栋1单元302室")
    assert screen.status.text().startswith("已保存 1 项修改")


def test_resident_edit_reveals_with_a_reason_and_removes_a_tag_with_one(
    qtbot: QtBot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the 编辑居民 button opens the selected resident masked; 显示完整 asks for a
    reason, logs it and puts the full number in the box; unticking a tag without a reason
    is refused beside the reason field; with one the tag is removed, the corrected phone
    saved and the removal logged with the reason."""
    hid = _register(session)
    _cleared(session)
    screen = _screen_on(qtbot, session, hid)
    screen.resident_table.selectRow(0)
    assert screen.editing.resident_button.isVisible()
    qtbot.mouseClick(screen.editing.resident_button, Qt.MouseButton.LeftButton)
    dialog = _opened(qtbot, screen)
    assert dialog.fields.widgets["id_number"].text() == "360302********041X"
    assert dialog.fields.widgets["birth_date"].text() == ""
    grab(dialog, "register-edit-resident")
    asked: list[str] = []

    def answer(_parent, _title, label, items, _current, _editable):  # type: ignore[no-untyped-def]
        asked.append(label)
        return items[3], True  # 更正登记信息

    monkeypatch.setattr(QInputDialog, "getItem", answer)
    qtbot.mouseClick(dialog.reveal_buttons["phone"], Qt.MouseButton.LeftButton)
    phone = dialog.fields.widgets["phone"]
    qtbot.waitUntil(lambda: phone.text() == PHONE)
    assert "刘建国" in asked[0] and not dialog.guard.dirty  # revealing is not an edit
    with session.ws.read() as s:
        audit = s.scalars(select(LocalAudit).where(LocalAudit.action == "reveal")).one()
    assert audit.detail == {"field": "phone", "reason": "更正登记信息"}
    phone.setText("13907991235")
    assert dialog.tags is not None
    row = dialog.tags.members.index(TagKind.living_alone_elderly)
    dialog.tags.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.form.error("reason") == "移除人员标签须填写原因"
    ime_type(dialog.reason, "已搬去与子女同住")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    wait_idle(qtbot, session)
    with session.ws.read() as s:
        person = s.scalars(select(ResidentRow).where(ResidentRow.name == "刘建国")).one()
        tags = {t.tag: t.deleted for t in s.scalars(select(ResidentTagRow))}
        removal = s.scalars(select(LocalAudit).where(LocalAudit.action == "remove_tag")).one()
    assert person.phone == "13907991235"
    assert tags[TagKind.living_alone_elderly] is True and tags[TagKind.veteran] is False
    assert removal.detail is not None and removal.detail["reason"] == "已搬去与子女同住"
    assert ("resident", {"phone": "13907991235", "life_status": None}) in _updates(session)


def test_context_menu_opens_the_form_and_a_draft_comes_back(
    qtbot: QtBot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the residents' context menu offers 编辑居民; typed edits autosave as a draft
    that a new form restores (and asks before closing); Cancel → Yes throws it away."""
    hid = _register(session)
    screen = _screen_on(qtbot, session, hid)
    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, _pos: menus.append(self))
    rect = screen.resident_table.visualRect(screen.residents.index(1, 0))
    screen.resident_table.customContextMenuRequested.emit(rect.center())
    assert [a.text() for a in menus[0].actions()] == ["编辑居民…", "人口变动…"]
    menus[0].actions()[0].trigger()
    dialog = _opened(qtbot, screen)
    dialog.keeper.timer.setInterval(20)
    assert dialog.view.label == "王秀兰"
    occupation = dialog.fields.widgets["occupation"]
    ime_type(occupation, "退休教师")
    qtbot.waitUntil(
        lambda: drafts.load_draft(session.ws, "resident_edit", dialog.view.id) is not None
    )
    draft = drafts.load_draft(session.ws, "resident_edit", dialog.view.id)
    assert draft is not None and draft.data["occupation"] == "退休教师"
    assert "id_number" not in draft.data  # a masked value nobody typed is not kept
    wait_idle(qtbot, session)
    dialog.done(0)  # gone without Cancel, as when the app closes
    screen.editing.open("resident", dialog.view.id)
    again = _opened(qtbot, screen)
    qtbot.waitUntil(lambda: again.fields.widgets["occupation"].text() == "退休教师")
    assert again.guard.dirty and again.draft_label.text().startswith("已恢复")
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes
    )
    again.reject()
    wait_idle(qtbot, session)
    assert drafts.load_draft(session.ws, "resident_edit", again.view.id) is None


def test_an_adviser_is_offered_no_edit(qtbot: QtBot, session: AppSession) -> None:
    """Proves an adviser (who reads the register) gets no edit button and no double-click
    form: the server would refuse the change."""
    from dataclasses import replace

    from gridworker.domain.enums import Role

    hid = _register(session)
    session.ws.actor = replace(session.ws.actor, role=Role.adviser)
    screen = _screen_on(qtbot, session, hid)
    assert not screen.editing.household_button.isVisibleTo(screen)
    assert not screen.editing.resident_button.isVisibleTo(screen)
    row = screen.model.row_of(hid)
    assert row is not None
    double_click(qtbot, screen, row)
    wait_idle(qtbot, session)
    assert screen.dialog is None
    assert screen.table.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu
