"""分户 and 并户 on the 住户 screen, as a grid worker does them on a real profile: the
household's context menu or its 一户一档 opens the form; what the service would refuse is
said beside the field and nothing is written; the unsaved-changes guard asks; a split
makes the new household with the members ticked, a merge moves everyone with the
relationship chosen for each and shows the household they joined."""

from __future__ import annotations

from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.domain.enums import Relationship
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.services.life_events import household_history
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.storage.models import HouseholdRow, ResidentRow
from gridworker.ui.dialogs.household_file import HouseholdFileDialog
from gridworker.ui.dialogs.household_split import MergeDialog, SplitDialog
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_cases import ime_type
from tests.ui.test_register import open_screen

T = TypeVar("T")


def _relationships(dialog: SplitDialog | MergeDialog) -> list[tuple[str, str]]:
    """The relationships table as the user sees it: (member, relationship) rows."""
    table = dialog.relationships
    return [
        (table.item(r, 0).text(), table.cellWidget(r, 1).currentText())  # type: ignore[attr-defined]
        for r in range(table.rowCount())
    ]


def _family(session: AppSession) -> str:
    return register_household(
        session.ws,
        HouseholdInput(grid_code=GRID, household_no="0201", address="凤凰小区3栋1单元501室"),
        [
            ResidentInput("刘建国", relationship=Relationship.head),
            ResidentInput("王秀兰", relationship=Relationship.spouse),
            ResidentInput("刘伟", relationship=Relationship.son),
            ResidentInput("陈静", relationship=Relationship.child_in_law),
        ],
    )


def _opened(qtbot: QtBot, screen: RegisterScreen, kind: type[T]) -> T:
    qtbot.waitUntil(
        lambda: (
            isinstance(screen.dialog, kind)
            and shiboken6.isValid(screen.dialog)
            and screen.dialog.isVisible()
        ),
        timeout=5000,
    )
    dialog = screen.dialog
    assert isinstance(dialog, kind)
    return dialog


def _menu(qtbot: QtBot, screen: RegisterScreen, hid: str, monkeypatch) -> QMenu:  # type: ignore[no-untyped-def]
    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, _pos: menus.append(self))
    row = screen.model.row_of(hid)
    assert row is not None
    rect = screen.table.visualRect(screen.model.index(row, 1))
    screen.table.customContextMenuRequested.emit(rect.center())
    return menus[-1]


def _people(session: AppSession) -> dict[str, ResidentRow]:
    with session.ws.read() as s:
        return {r.name: r for r in s.scalars(select(ResidentRow))}


def test_a_split_from_the_context_menu_refuses_then_makes_the_new_household(
    qtbot: QtBot, session: AppSession, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves 分户… in the household's menu opens the form without the head among the
    members; nobody ticked, an empty 户号 and a 户号 another household holds are each
    said beside their field with nothing written; Cancel with edits asks first; ticking
    刘伟 and 陈静 suggests 陈静 as his 配偶, a relationship picked instead (其他亲属) stays
    while members are ticked and unticked, and the split puts them in 0202 with it, the
    events in both histories."""
    hid = _family(session)
    register_household(
        session.ws, HouseholdInput(grid_code=GRID, household_no="0203", address="别处")
    )
    screen = open_screen(qtbot, session)
    menu = _menu(qtbot, screen, hid, monkeypatch)
    assert [a.text() for a in menu.actions()] == ["编辑住户…", "分户…", "并入他户…"]
    menu.actions()[1].trigger()
    dialog = _opened(qtbot, screen, SplitDialog)
    assert [dialog.members.item(i).text() for i in range(dialog.members.count())] == [
        "刘伟（子）", "王秀兰（配偶）", "陈静（儿媳/女婿）",
    ]  # fmt: skip
    assert dialog.address.text() == "凤凰小区3栋1单元501室"
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.form.error("members") == "请勾选分出的成员"
    dialog.tick("刘伟", "陈静")
    assert dialog.head.currentText() == "刘伟"
    # The register suggests 陈静 (儿媳) as the new head's 配偶.
    assert _relationships(dialog) == [("陈静", "配偶")]
    dialog.accept()
    assert dialog.form.error("household_no") != ""
    ime_type(dialog.household_no, "0203")
    ime_type(dialog.reason, "结婚后另立户")
    grab(dialog, "household-split")
    dialog.resize(1366, 768)
    grab(dialog, "household-split-1366")
    dialog.accept()
    wait_idle(qtbot, session)
    assert dialog.isVisible()
    assert dialog.form.error("household_no") == "户号“0203”在本网格已有另一户登记"
    assert {r.household_id for r in _people(session).values()} == {hid}

    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.reject()
    assert asked == ["放弃所做的修改？"] and dialog.isVisible()

    dialog.household_no.clear()
    ime_type(dialog.household_no, "0202")
    # A relationship picked stays picked while the rows are laid out again.
    dialog.relationships.pick("陈静", Relationship.other_relative)
    dialog.tick("王秀兰")
    assert _relationships(dialog) == [("王秀兰", "其他"), ("陈静", "其他亲属")]
    dialog.members.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert _relationships(dialog) == [("陈静", "其他亲属")]
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.accept()
    new = saved.args[0]
    people = _people(session)
    assert {n for n, r in people.items() if r.household_id == new} == {"刘伟", "陈静"}
    assert (people["刘伟"].relationship, people["陈静"].relationship) == (
        Relationship.head, Relationship.other_relative
    )  # fmt: skip
    assert [e.kind for e in household_history(session.ws, hid)] == [K.split_off]
    assert [e.reason for e in household_history(session.ws, new)] == ["结婚后另立户"]
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 2, timeout=5000)
    assert screen.status.text() == "已从户号0201分户，将随住户一起同步。"


def test_a_merge_from_the_household_file_takes_each_members_relationship(
    qtbot: QtBot, session: AppSession, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the 一户一档's 并户 button opens the form; no household chosen is said beside
    the field; Cancel after a change asks first; the finder narrows the list to one
    household and takes it; the members start as 其他; 刘建国 set to 父亲 joins as 父亲 and
    his wife 王秀兰 (a woman by her ID number), not picked for, follows him as 母亲; the
    closed household leaves the list and the screen shows the household they joined."""
    son = register_household(
        session.ws,
        HouseholdInput(grid_code=GRID, household_no="0501", address="凤凰小区6栋101室"),
        [ResidentInput("刘伟", relationship=Relationship.head)],
    )
    register_household(
        session.ws, HouseholdInput(grid_code=GRID, household_no="0503", address="凤凰小区9栋")
    )
    parents = register_household(
        session.ws,
        HouseholdInput(grid_code=GRID, household_no="0502", address="凤凰小区6栋102室"),
        [
            ResidentInput("刘建国", relationship=Relationship.head),
            ResidentInput("王秀兰", "36030219580907042X", relationship=Relationship.spouse),
        ],
    )
    screen = open_screen(qtbot, session)
    row = screen.model.row_of(parents)
    assert row is not None
    screen.table.selectRow(row)
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 2, timeout=5000)
    screen.editing.open_file()
    qtbot.waitUntil(lambda: isinstance(getattr(screen, "file_dialog", None), HouseholdFileDialog)
                    and screen.file_dialog.isVisible(), timeout=5000)  # fmt: skip
    file_dialog = screen.file_dialog
    assert file_dialog.merge_button.isVisible() and file_dialog.split_button.isVisible()
    file_dialog.merge_button.click()
    assert file_dialog.result() == QDialog.DialogCode.Accepted
    dialog = _opened(qtbot, screen, MergeDialog)
    assert dialog.into.count() == 3  # "choose" and the two other households
    dialog.accept()
    assert dialog.form.error("into_id") == "请选择要并入的户"
    ime_type(dialog.finder, "6栋101")
    assert dialog.into.currentData() == son
    assert _relationships(dialog) == [("刘建国", "其他"), ("王秀兰", "其他")]
    dialog.set_relationship("刘建国", Relationship.father)
    assert _relationships(dialog) == [("刘建国", "父亲"), ("王秀兰", "母亲")]
    answers = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: answers.pop(0))
    dialog.reject()
    assert dialog.isVisible() and answers == []  # asked, and kept
    ime_type(dialog.reason, "随子女居住")
    grab(dialog, "household-merge")
    dialog.resize(1366, 768)
    grab(dialog, "household-merge-1366")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    people = _people(session)
    assert {n: (r.household_id, r.relationship) for n, r in people.items()} == {
        "刘伟": (son, Relationship.head),
        "刘建国": (son, Relationship.father),
        "王秀兰": (son, Relationship.mother),
    }
    with session.ws.read() as s:
        assert s.get(HouseholdRow, parents).deleted  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: screen.detail is not None and screen.detail.id == son
        and screen.residents.rowCount() == 3, timeout=5000,
    )  # fmt: skip
    qtbot.waitUntil(lambda: screen.model.row_of(parents) is None, timeout=5000)
    assert screen.status.text() == "户号0502已并户，将随住户一起同步。"
