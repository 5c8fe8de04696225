"""人口变动 on the 住户 screen, as a grid worker records it: a move-out takes the person off
the household's list (shown as moved out), a withdrawn death needs its reason beside the
field, a birth adds the new member; each lands in the household's history."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.services.life_events import household_history
from gridworker.ui.dialogs.life_event import LifeEventDialog
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_cases import ime_type
from tests.ui.test_register_edit import _register, _screen_on


def _event_dialog(qtbot: QtBot, screen: RegisterScreen) -> LifeEventDialog:
    qtbot.waitUntil(
        lambda: isinstance(screen.dialog, LifeEventDialog)
        and shiboken6.isValid(screen.dialog)
        and screen.dialog.isVisible(),
        timeout=5000,
    )
    dialog = screen.dialog
    assert isinstance(dialog, LifeEventDialog)
    return dialog


def test_move_out_death_withdrawal_and_birth_from_the_screen(
    qtbot: QtBot, session: AppSession, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the residents' context menu opens 人口变动 for that person; 迁出 with a
    destination removes her from the list and shows her as moved out; 死亡 and a
    withdrawal without a reason is refused beside the reason field, with one it brings
    the person back; 出生 needs the new member's name and then adds the member."""
    hid = _register(session)
    screen = _screen_on(qtbot, session, hid)
    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, _pos: menus.append(self))
    rect = screen.resident_table.visualRect(screen.residents.index(1, 0))
    screen.resident_table.customContextMenuRequested.emit(rect.center())
    assert [a.text() for a in menus[0].actions()] == ["编辑居民…", "人口变动…"]
    menus[0].actions()[1].trigger()
    dialog = _event_dialog(qtbot, screen)
    dialog.kind.set_value(K.moved_out)
    assert dialog.person.currentText() == "王秀兰"
    ime_type(dialog.place, "南昌市青山湖区")
    grab(dialog, "life-event")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 1, timeout=5000)
    assert screen.facts["departed"].text() == "王秀兰（已迁出）"

    screen.editing.open_event()
    dialog = _event_dialog(qtbot, screen)
    dialog.kind.set_value(K.died)
    assert dialog.person.currentText() == "刘建国"
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    wait_idle(qtbot, session)
    screen.editing.open_event()
    dialog = _event_dialog(qtbot, screen)
    dialog.kind.set_value(K.death_undone)
    assert [dialog.person.itemText(i) for i in range(dialog.person.count())] == [
        "刘建国（已死亡）"
    ]
    dialog.accept()
    assert dialog.isVisible() and dialog.form.error("reason") == "撤销死亡登记须填写原因"
    ime_type(dialog.reason, "误报")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 1, timeout=5000)
    assert screen.residents.resident(0).name == "刘建国"

    screen.editing.open_event()
    dialog = _event_dialog(qtbot, screen)
    dialog.kind.set_value(K.birth)
    assert dialog.name.isVisible() and not dialog.person.isVisible()
    dialog.accept()
    assert dialog.form.error("name") == "出生或迁入新成员须填写其姓名"
    ime_type(dialog.name, "刘小宝")
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    qtbot.waitUntil(lambda: screen.residents.rowCount() == 2, timeout=5000)
    kinds = [(e.kind, e.resident_name, e.withdrawn) for e in household_history(session.ws, hid)]
    assert kinds == [
        (K.moved_out, "王秀兰", False),
        (K.died, "刘建国", True),
        (K.death_undone, "刘建国", False),
        (K.birth, "刘小宝", False),
    ]
    assert screen.status.text() == "已登记，将随本户一起同步。"
