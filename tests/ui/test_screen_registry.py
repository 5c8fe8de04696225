"""A screen whose module cannot be imported stops the app; it never becomes a placeholder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gridworker.domain.enums import Role
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.ui import app as ui_app
from gridworker.ui.main_window import MainWindow
from gridworker.ui.screens import ENTRIES, import_all, registry
from gridworker.ui.session import AppSession
from tests.conftest import PASSPHRASE

BROKEN = "gridworker.ui.screens.ledgers"


def test_every_screen_of_the_registry_imports() -> None:
    """Proves the check the app runs at start-up passes on this tree (every module and
    class named in ENTRIES exists)."""
    import_all()
    assert {key for key, *_ in ENTRIES} == {e.key for e in registry()}


def test_opening_a_screen_whose_module_is_missing_raises(
    session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves building a screen whose module cannot be imported raises that error (it used
    to show an empty placeholder page with the screen's title)."""
    monkeypatch.setitem(sys.modules, BROKEN, None)  # as if the file were missing
    entry = next(e for e in registry(Role.supervisor) if e.key == "ledgers")
    with pytest.raises(ModuleNotFoundError, match="ledgers"):
        entry.build(session)
    with pytest.raises(ModuleNotFoundError):
        import_all()


def test_a_broken_screen_stops_the_app_from_opening(
    qapp, ws: Workspace, profile_dir: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """Proves the desktop app does not open its window when a screen's module cannot be
    imported: it says so in zh_CN, closes the profile and returns 1."""
    monkeypatch.setitem(sys.modules, BROKEN, None)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: said.append((title, text)))
    # Were the window to open (the old behaviour), close it so the test ends and fails.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(qapp.closeAllWindows)
    guard.start(5_000)
    try:
        code = ui_app.run(profile_dir, workspace=ws)
    finally:
        guard.stop()
    assert code == 1
    assert said and said[0][0] == "网格通无法启动" and "ModuleNotFoundError" in said[0][1]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    open_workspace(profile_dir, PASSPHRASE).close()  # the app let go of the profile


def test_the_self_test_fails_when_a_screen_module_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Proves `--self-test`'s Qt check imports every screen: one left out of a build fails
    the check (it used to pass, and the screen would have been a placeholder)."""
    from gridworker.services.selftest import run_self_test

    assert {c.name: c.ok for c in run_self_test()}["qt+translations"]
    monkeypatch.setitem(sys.modules, BROKEN, None)
    qt = {c.name: c for c in run_self_test()}["qt+translations"]
    assert not qt.ok and "ledgers" in qt.detail


def test_a_broken_screen_found_while_the_unlock_dialog_waits_stops_the_app(
    qapp, profile_dir: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """Proves the start-up path a person takes: the unlock dialog opens, the passphrase is
    typed, and the screens checked meanwhile stop the app before its window opens (the
    profile is let go again)."""
    from gridworker.ui.dialogs.unlock import UnlockDialog

    monkeypatch.setitem(sys.modules, BROKEN, None)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _title, text: said.append(text))
    typed: list[UnlockDialog] = []

    def type_passphrase() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, UnlockDialog):
            QTimer.singleShot(50, type_passphrase)
            return
        typed.append(dialog)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.try_unlock()

    QTimer.singleShot(50, type_passphrase)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(qapp.closeAllWindows)
    guard.start(20_000)
    try:
        code = ui_app.run(profile_dir)
    finally:
        guard.stop()
    assert typed and code == 1 and said and "ModuleNotFoundError" in said[0]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    open_workspace(profile_dir, PASSPHRASE).close()
