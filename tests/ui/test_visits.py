"""The visits screen, driven as a grid worker would: record a visit, report a need as a
case, keep a draft, and not lose what was typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton
from sqlalchemy import select

from gridworker.domain.enums import (
    CaseCategory,
    CaseState,
    NeedCategory,
    Relationship,
    Urgency,
    VisitMode,
)
from gridworker.services import drafts
from gridworker.services.cases import need_to_case
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.storage.models import CaseRow, NeedRow, VisitRow
from gridworker.ui.main_window import STYLE, MainWindow
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.screens.visits import AUTOSAVE_MS, VisitsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.visits import NeedCaseDialog
from tests.conftest import GRID
from tests.ui.conftest import wait_idle
from tests.ui.test_register import HEAD_ID, register_realistic, type_text


def household(session: AppSession, number: str = "0501", address: str = "凤凰小区5栋101室") -> str:
    return register_household(
        session.ws,
        HouseholdInput(grid_code=GRID, household_no=number, address=address),
        [ResidentInput("张德明", HEAD_ID, relationship=Relationship.head)],
    )


def open_screen(qtbot, session: AppSession) -> VisitsScreen:  # type: ignore[no-untyped-def]
    screen = VisitsScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(1280, 800)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and not screen.model.loading)
    return screen


def pick(qtbot, screen: VisitsScreen, household_id: str) -> None:  # type: ignore[no-untyped-def]
    """Click the household in the list on the left."""
    row = screen.model.row_of(household_id)
    assert row is not None
    rect = screen.picker.visualRect(screen.model.index(row, 2))
    qtbot.mouseClick(screen.picker.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def answer_questions(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Answer QMessageBox.question with Yes/No in turn; the questions asked are returned."""
    asked: list[str] = []
    buttons = [getattr(QMessageBox.StandardButton, a) for a in answers]

    def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return buttons.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_visit_with_a_need_is_saved_and_the_need_reported_as_a_case(
    qtbot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves a visit typed into the form (mode, people met, situation, one need) is saved
    with its need, shows in the recent visits, and "Report as case" asks for the case's
    title, category (the need's proposed) and urgency, then turns the need into a case in
    state reported (待受理) with what was chosen."""
    hid = household(session)
    screen = open_screen(qtbot, session)
    pick(qtbot, screen, hid)
    form = screen.form
    qtbot.waitUntil(lambda: "凤凰小区5栋101室" in form.title.text())
    assert screen.stack.currentIndex() == 1 and form.household_id == hid
    qtbot.keyClick(form.mode, Qt.Key.Key_Down)  # 入户 → 电话
    assert form.mode.value() is VisitMode.phone
    type_text(qtbot, form.people_met, "张德明本人")
    type_text(qtbot, form.situation, "老人独自在家，反映楼道灯坏了。")
    qtbot.mouseClick(form.add_need_button, Qt.MouseButton.LeftButton)
    need_text = form.needs.cellWidget(0, 1)
    category = form.needs.cellWidget(0, 0)
    type_text(qtbot, need_text, "楼道灯损坏，夜间上下楼不便")
    for _ in range(3):  # 民生需求 → 政策咨询 → 矛盾纠纷 → 安全隐患
        qtbot.keyClick(category, Qt.Key.Key_Down)
    qtbot.keyClick(form.situation, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save
    qtbot.waitUntil(lambda: screen.history.table.rowCount() == 1, timeout=5000)
    with session.ws.read() as s:
        visit = s.scalars(select(VisitRow)).one()
        need = s.scalars(select(NeedRow)).one()
    assert (visit.mode, visit.people_met, visit.visitor) == (
        VisitMode.phone,
        "张德明本人",
        "wang.wei",
    )
    assert (need.category, need.text, need.case_id) == (
        NeedCategory.hazard,
        "楼道灯损坏，夜间上下楼不便",
        None,
    )
    assert form.situation.toPlainText() == "" and not form.guard.dirty  # ready for the next
    assert screen.history.table.item(0, 3).text() == "1"

    asked: list[tuple[str, CaseCategory, Urgency]] = []

    def answer(dialog: NeedCaseDialog) -> int:
        asked.append(dialog.values())
        dialog.title.setText("楼道灯损坏")
        dialog.urgency.set_value(Urgency.immediate)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NeedCaseDialog, "exec", answer)
    report = screen.history.needs.cellWidget(0, 2)
    assert isinstance(report, QPushButton)
    qtbot.mouseClick(report, Qt.MouseButton.LeftButton)
    assert asked == [("楼道灯损坏，夜间上下楼不便", CaseCategory.hazard, Urgency.normal)]
    qtbot.waitUntil(
        lambda: (item := screen.history.needs.item(0, 2)) is not None and item.text() == "待受理",
        timeout=5000,
    )
    assert screen.history.needs.cellWidget(0, 2) is None  # the button gave way to the state
    with session.ws.read() as s:
        case = s.scalars(select(CaseRow)).one()
        assert s.get(NeedRow, need.id).case_id == case.id  # type: ignore[union-attr]
    assert case.state is CaseState.reported and case.need_id == need.id
    assert (case.title, case.category, case.urgency) == (
        "楼道灯损坏", CaseCategory.hazard, Urgency.immediate
    )  # fmt: skip
    assert screen.history.status.text() == "已上报为事件：楼道灯损坏"


def test_a_draft_is_autosaved_restored_and_removed_on_save(
    qtbot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves typing into the visit form autosaves a draft within about 2 s, closing and
    reopening the same household's form restores the text, and saving the visit removes
    the draft."""
    hid = household(session)
    other = household(session, "0502", "凤凰小区5栋102室")
    screen = open_screen(qtbot, session)
    form = screen.form
    screen.select_household(hid)
    qtbot.waitUntil(lambda: form.title.text() != "")
    typed_at = datetime.now(UTC)
    type_text(qtbot, form.situation, "老人说最近血压有点高，想了解家庭医生签约。")
    qtbot.waitUntil(lambda: form.draft_saved_at is not None, timeout=AUTOSAVE_MS + 3000)
    assert form.draft_saved_at is not None
    assert form.draft_saved_at - typed_at < timedelta(milliseconds=AUTOSAVE_MS + 1500)
    draft = drafts.load_draft(session.ws, "visit", hid)
    assert draft is not None and draft.data["situation"].startswith("老人说最近血压")

    asked = answer_questions(monkeypatch, "Yes")
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert screen.stack.currentIndex() == 0 and form.situation.toPlainText() == ""

    pick(qtbot, screen, other)  # another household: a blank form
    qtbot.waitUntil(lambda: "102室" in form.title.text())
    assert form.situation.toPlainText() == ""
    pick(qtbot, screen, hid)  # untouched form: no question
    qtbot.waitUntil(lambda: form.situation.toPlainText().startswith("老人说最近血压"))
    assert form.draft_saved_at == draft.saved_at and form.draft_label.text() != ""
    assert len(asked) == 1

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.history.table.rowCount() == 1, timeout=5000)
    wait_idle(qtbot, session)
    assert drafts.load_draft(session.ws, "visit", hid) is None
    qtbot.wait(AUTOSAVE_MS + 300)  # no late autosave brings it back
    assert drafts.load_draft(session.ws, "visit", hid) is None


def test_closing_an_edited_visit_form_asks_and_no_keeps_it(
    qtbot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves closing the form, or picking another household, with unsaved edits asks first;
    answering No keeps the form, its household and its text."""
    hid = household(session)
    other = household(session, "0502", "凤凰小区5栋102室")
    screen = open_screen(qtbot, session)
    form = screen.form
    pick(qtbot, screen, hid)
    qtbot.waitUntil(lambda: form.title.text() != "")
    type_text(qtbot, form.people_met, "李桂兰")
    asked = answer_questions(monkeypatch, "No", "No")
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    pick(qtbot, screen, other)
    assert len(asked) == 2
    assert form.household_id == hid and form.people_met.text() == "李桂兰"
    assert screen.stack.currentIndex() == 1
    assert screen.picker.currentIndex().row() == screen.model.row_of(hid)


def test_record_a_visit_from_the_households_screen(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves "Record a visit" on a household's detail switches the main window to the
    visits screen with that household's form open."""
    hid = household(session)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    register = window.show_screen("register")
    assert isinstance(register, RegisterScreen)
    qtbot.waitUntil(lambda: register.model.row_of(hid) is not None, timeout=5000)
    register.table.selectRow(register.model.row_of(hid))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: register.detail is not None, timeout=5000)
    qtbot.mouseClick(register.visit_button, Qt.MouseButton.LeftButton)
    visits = window.screens["visits"]
    assert isinstance(visits, VisitsScreen) and window.current_screen() is visits
    qtbot.waitUntil(lambda: "凤凰小区5栋101室" in visits.form.title.text(), timeout=5000)
    assert visits.form.household_id == hid


def test_screenshot_visit_form(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the visit form renders a realistic visit being typed, with the household's
    earlier visits and a need reported as a case below, and saves
    docs/screenshots/visit-form.png."""
    hid = register_realistic(session, 30)
    with session.ws.read() as s:
        hazard = s.scalars(select(NeedRow.id)).one()
    need_to_case(session.ws, hazard)
    screen = open_screen(qtbot, session)
    form = screen.form
    screen.select_household(hid)
    qtbot.waitUntil(lambda: form.title.text() != "" and screen.history.table.rowCount() == 2)
    screen.history.table.selectRow(1)
    type_text(qtbot, form.people_met, "李桂兰")
    type_text(qtbot, form.co_visitor, "党建指导员 刘芳")
    type_text(qtbot, form.situation, "李桂兰近期腿脚疼痛加重，出行需要轮椅；家中轮椅已损坏。")
    need = form.needs.add_need({"category": "livelihood", "follow_up": "2026-12-15"})
    type_text(qtbot, need, "申请辅助器具（轮椅）适配")
    qtbot.waitUntil(lambda: form.draft_saved_at is not None, timeout=AUTOSAVE_MS + 3000)
    wait_idle(qtbot, session)


def test_the_members_met_are_ticked_kept_in_the_draft_and_saved_by_id(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves the visit form lists the household's members as boxes (成员见面), a member
    ticked makes the form unsaved and goes into the draft, and the saved visit names that
    member by id (`met_resident_ids`) beside its 见面人员 text; record_visit refuses an id
    that is not the household's."""
    from gridworker.services.visits import record_visit
    from gridworker.services.workspace import ServiceError
    from gridworker.storage.models import ResidentRow

    hid = register_household(
        session.ws,
        HouseholdInput(grid_code=GRID, household_no="0601", address="凤凰小区6栋101室"),
        [
            ResidentInput("张德明", HEAD_ID, relationship=Relationship.head),
            ResidentInput("刘伟", relationship=Relationship.son),
            ResidentInput("刘伟明", relationship=Relationship.grandchild),
        ],
    )
    with session.ws.read() as s:
        people = {r.name: r.id for r in s.scalars(select(ResidentRow))}
    screen = open_screen(qtbot, session)
    form = screen.form
    screen.select_household(hid)
    qtbot.waitUntil(lambda: len(form.met.boxes) == 3)
    assert sorted(b.text() for b in form.met.boxes.values()) == ["刘伟", "刘伟明", "张德明"]
    assert not form.guard.dirty
    form.met.tick("刘伟明")
    assert form.guard.dirty and form.snapshot()["met_resident_ids"] == [people["刘伟明"]]
    type_text(qtbot, form.people_met, "刘伟明")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.history.table.rowCount() == 1, timeout=5000)
    with session.ws.read() as s:
        visit = s.scalars(select(VisitRow)).one()
    assert (visit.people_met, visit.met_resident_ids) == ("刘伟明", people["刘伟明"])
    assert form.met.values() == [] and len(form.met.boxes) == 3  # ready for the next
    with pytest.raises(ServiceError) as err:
        record_visit(session.ws, household_id=hid, mode=VisitMode.home,
                     met_resident_ids=[people["刘伟"], "someone-else"])  # fmt: skip
    assert err.value.code == "visit_met_not_member"
