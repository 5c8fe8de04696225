"""The main window: navigation, status bar, lock and unlock, driven as a person would."""

from __future__ import annotations

import contextlib

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog, QMessageBox, QWidget

from gridworker.domain.enums import TagKind
from gridworker.services import register
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from tests.conftest import GRID, PASSPHRASE
from tests.ui.conftest import grab, wait_idle


def test_navigation_and_status_bar(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a grid worker's navigation holds the field screens (no desks or ledgers),
    every entry opens its screen, and the status bar shows pending changes after an edit."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    register.register_household(session.ws, register.HouseholdInput(
        grid_code=GRID, household_no="0001", address="凤凰小区1栋"))
    session.refresh_status()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: "1" in window.pending_label.text(), timeout=5000)
    assert window.keys == [
        "today", "map", "register", "visits", "hazards", "community", "cases", "notices",
        "conflicts", "sync"]
    assert list(window.screens) == ["today", "sync"]  # the others are built when first shown
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        assert window.stack.currentIndex() == row
        assert window.current_screen() is window.screens[window.keys[row]]
        assert window.stack.currentWidget().widget() is window.screens[window.keys[row]]
    window.show_screen("sync")
    wait_idle(qtbot, session)


def test_lock_and_unlock(qtbot, session: AppSession, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves Lock drops the workspace (the key), disables the window, and the passphrase
    prompt unlocks it again offline; a wrong passphrase keeps it locked."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    answers = iter([("wrong passphrase", True), (PASSPHRASE, True), ("", False)])
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: next(answers))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window.lock_action.trigger()
    assert session.locked and not window.central.isEnabled()
    qtbot.waitUntil(lambda: not session.locked, timeout=10_000)
    assert window.central.isEnabled() and warnings == ["本机口令不正确，档案没有打开"]
    assert session.ws.actor.username == "wang.wei"


def test_idle_timer_locks(qtbot, session: AppSession, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves the idle timer locks the profile when it fires (auto-lock)."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    monkeypatch.setattr(MainWindow, "ask_unlock", lambda self: None)
    session.idle_timer.setInterval(50)
    session.idle_timer.start()
    qtbot.waitUntil(lambda: session.locked, timeout=5000)


def test_supervisor_sees_the_desks() -> None:
    """Proves navigation follows the role (docs/design.md §6): desks and ledgers for supervisors and
    the admin, field screens for workers, a department only its cases."""
    from gridworker.domain.enums import Role
    from gridworker.ui.screens import registry

    keys = {role: [entry.key for entry in registry(role)] for role in Role}
    assert keys[Role.supervisor][:3] == ["dashboard", "casedesk", "hazarddesk"]
    assert "ledgers" in keys[Role.admin] and "ledgers" not in keys[Role.adviser]
    assert keys[Role.department] == ["today", "cases", "conflicts", "sync"]
    assert "dashboard" not in keys[Role.grid_worker]


def test_grid_filter_reaches_every_screen(qtbot, session: AppSession, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves narrowing to one grid (a click on the map) reaches every screen's
    apply_grid_filter and shows a chip in the status bar that clears it again."""
    seen: list[tuple[str, str | None]] = []
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    for key in window.keys:  # record the calls, whichever class serves them
        screen = window.screen_for(key)
        monkeypatch.setattr(screen, "apply_grid_filter",
                            lambda code, key=key: seen.append((key, code)))
    session.set_grid_filter(GRID)
    assert window.grid_filter_button.isVisible() and GRID in window.grid_filter_button.text()
    assert {code for _, code in seen} == {GRID} and len(seen) == len(window.screens)
    window.grid_filter_button.click()
    assert session.grid_filter == "" and not window.grid_filter_button.isVisible()
    assert seen[-1][1] is None


def test_a_screen_built_later_gets_the_grid_filter(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a screen first opened after the map narrowed to a grid starts narrowed too."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    session.set_grid_filter(GRID)
    from gridworker.ui.screens.base import Screen

    calls: list[str | None] = []
    original = Screen.apply_grid_filter
    try:
        Screen.apply_grid_filter = lambda self, code: calls.append(code)  # type: ignore[method-assign]
        window.show_screen("conflicts")
    finally:
        Screen.apply_grid_filter = original  # type: ignore[method-assign]
    assert calls == [GRID]


def test_messages_do_not_carry_over_between_pages(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a page's passing message (住户's "select a resident first") and the status
    bar's message are gone once the person moves to another page and back."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    register_screen = window.show_screen("register")
    register_screen.reveal("id_number")  # type: ignore[attr-defined]  # nobody selected
    assert register_screen.status.text() == "请先选择居民。"  # type: ignore[attr-defined]
    window.statusBar().showMessage("同步没有完成")
    window.show_screen("visits")
    assert window.statusBar().currentMessage() == ""
    window.show_screen("register")
    assert register_screen.status.text() == ""  # type: ignore[attr-defined]


def test_the_window_remembers_its_place_and_settings_hold_nothing_personal(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves a closed window's size and position come back on the next start, and that
    QSettings then holds only the window geometry (and the language): no name, grid or
    server."""
    from gridworker.ui.i18n import settings

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(140, 90, 1100, 700)
    qtbot.wait(50)
    placed = window.geometry()
    window.close()  # closes the session as the app does
    from gridworker.services.workspace import open_workspace

    again_ws = open_workspace(session.profile_path, PASSPHRASE)
    again = AppSession(again_ws, session.tasks, idle_lock_minutes=0, background_sync=False)
    try:
        second = MainWindow(again)
        qtbot.addWidget(second)
        second.show()
        assert second.geometry() == placed
    finally:
        again.close()
    stored = settings()
    keys = set(stored.allKeys())
    assert keys <= {"mainWindow/geometry", "language"}, keys
    dump = repr([stored.value(k) for k in keys])
    for personal in ("wang.wei", "王伟", GRID):
        assert personal not in dump


def _readable(window: QWidget) -> list[str]:
    """Every text a person could read or hover in a visible window: its title, labels,
    buttons, fields, tooltips, and the cells (and cell tooltips) of visible tables."""
    texts = [window.windowTitle(), window.toolTip()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        texts.append(widget.toolTip())
        for getter in ("text", "placeholderText", "currentText", "title"):
            value = getattr(widget, getter, None)
            if callable(value):
                with contextlib.suppress(TypeError):
                    texts.append(str(value()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            columns = 1
            with contextlib.suppress(TypeError):  # a list model's columnCount is private
                columns = model.columnCount(root)
            for row in range(min(model.rowCount(root), 200)):
                for col in range(columns):
                    index = model.index(row, col)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        texts.append(str(model.data(index, role) or ""))
    return texts


@pytest.mark.parametrize("how", ["manual", "idle"])
def test_lock_hides_every_personal_detail(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, monkeypatch, how: str
) -> None:
    """Proves locking, by the Lock button or on idle, hides the whole screen like a screen
    lock: behind the passphrase prompt no resident's name, address or special-group tag is
    readable anywhere (window titles, labels, tables, tooltips, another open window such as
    a household's form), and unlocking brings the same screen and window back."""
    register.register_household(
        session.ws,
        register.HouseholdInput(
            grid_code=GRID, household_no="0009", address="幸福里七栋二单元", head_name="欧阳娜娜"
        ),
        [
            register.ResidentInput(
                name="欧阳娜娜", id_number="11010519491231002X", tags=[TagKind.community_correction]
            )
        ],
    )
    secrets = ("欧阳娜娜", "幸福里七栋", "社区矫正", "1101051949", "wang.wei")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_screen("register")
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: any("欧阳娜娜" in t for t in _readable(window)), timeout=5000)
    form = QWidget()
    form.setWindowTitle("住户：欧阳娜娜")
    qtbot.addWidget(form)
    form.show()
    seen: list[list[str]] = []

    def prompt(*_a: object, **_k: object) -> tuple[str, bool]:
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen.append([t for w in shown for t in _readable(w)])
        grab(window, f"locked-{how}")
        return PASSPHRASE, True

    monkeypatch.setattr(QInputDialog, "getText", prompt)
    if how == "manual":
        window.lock_action.trigger()
    else:
        session.idle_timer.setInterval(50)
        session.idle_timer.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    leaked = [t for t in seen[0] for s in secrets if s in t]
    assert not leaked, leaked
    assert not form.isVisible() or not session.locked
    qtbot.waitUntil(lambda: not session.locked, timeout=10_000)
    assert form.isVisible() and window.central.isVisible()
    assert "wang.wei" in window.windowTitle()
