"""Every screen of each role (grid worker, street supervisor, district admin) on laptops synced
from the seeded demo district, in zh_CN: a translation audit over the widget tree fails on
any visible string that is not Chinese (codes, numbers, names and addresses aside), every
screen is grabbed at 1366×768 (into build/screenshots, docs/screenshots with
GRIDWORKER_REFRESH_SCREENSHOTS=1), and the windows fit a 1366×768 screen at 100 % and 125 %
scaling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gridworker.services.workspace import open_workspace
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.cli.test_dashboard_cli import SEED_TIME, Seeded, seeded_server
from tests.ui.audit import foreign, untranslated
from tests.ui.conftest import enroll_demo, grab, wait_idle
from tests.ui.offscreen import desktop_screen

__all__ = ["seeded_server"]  # the module-scoped seeded demo district
# One seeded district and three enrolled laptops per module: all of it on one worker.
pytestmark = pytest.mark.xdist_group("walk")

PASSPHRASE = "walk passphrase"
ROLES = {"worker": "demo.worker", "street": "demo.street", "admin": "demo.admin"}
SIZE = (1366, 768)


@pytest.fixture(scope="module")
def profiles(seeded_server: Seeded, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    url = seeded_server.server.url
    return {
        role: enroll_demo(url, user, tmp_path_factory.mktemp(f"walk-{role}"), PASSPHRASE)
        for role, user in ROLES.items()
    }


@pytest.fixture
def window_of(
    qtbot: QtBot, qapp: Any, profiles: dict[str, Path]
) -> Iterator[Callable[[str], MainWindow]]:
    made: list[tuple[AppSession, TaskManager]] = []

    def make(role: str) -> MainWindow:
        ws = open_workspace(profiles[role], PASSPHRASE)
        ws.clock = lambda: SEED_TIME  # the day the district was seeded
        tasks = TaskManager()
        session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
        made.append((session, tasks))
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(*SIZE)
        window.show()
        return window

    yield make
    for session, tasks in made:
        session.close()
        tasks.shutdown()


def settle(qtbot: QtBot, window: MainWindow, ms: int = 400) -> None:
    wait_idle(qtbot, window.session)
    qtbot.wait(ms)
    wait_idle(qtbot, window.session)


def first_row(view: Any) -> None:
    if view.model().rowCount():
        view.selectRow(0)


# What each screen shows beyond its first look: a record opened, a form started. Each
# yields a name for each state it reaches (audited and grabbed there), and the dialogs to
# audit.
Extra = Callable[[QtBot, MainWindow, Any], Iterator["str | QWidget"]]


def _register(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
    first_row(screen.table)
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=10_000)
    settle(qtbot, window)
    yield "household"
    yield screen.new_household()


def _visits(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
    first_row(screen.picker)
    qtbot.waitUntil(lambda: screen.form.household_id is not None, timeout=10_000)
    settle(qtbot, window)
    yield "form"


def _hazards(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    view = screen.site_list.view
    qtbot.waitUntil(lambda: view.model().rowCount() > 0, timeout=10_000)
    first_row(view)
    qtbot.waitUntil(lambda: screen.panel.detail is not None, timeout=10_000)
    settle(qtbot, window)
    yield "site"
    screen.start_inspection()
    settle(qtbot, window)
    yield "inspection"


def _cases(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
    first_row(screen.view)
    qtbot.waitUntil(lambda: screen.case_id is not None, timeout=10_000)
    settle(qtbot, window)
    yield "case"
    screen.start_report()
    settle(qtbot, window)
    yield "report"


def _case_desk(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
    first_row(screen.table)
    settle(qtbot, window)
    yield "case"
    yield screen.open_list("即将超时", [r.id for r in screen.model.rows[:3]])


def _hazard_desk(qtbot: QtBot, window: MainWindow, screen: Any) -> Iterator[str | QWidget]:
    qtbot.waitUntil(lambda: screen.desk is not None, timeout=10_000)
    if screen.rects.rowCount():
        screen.rects.selectRow(0)
        qtbot.waitUntil(lambda: screen.panel.detail is not None, timeout=10_000)
    settle(qtbot, window)
    yield "item"


EXTRA: dict[str, Extra] = {
    "register": _register,
    "visits": _visits,
    "hazards": _hazards,
    "cases": _cases,
    "casedesk": _case_desk,
    "hazarddesk": _hazard_desk,
}
# The screenshots the README shows, by role, screen and state; the others are named
# role-screen[-state].
SHOTS = {
    ("worker", "today", ""): "today",
    ("worker", "register", "household"): "register",
    ("worker", "visits", "form"): "visit-form",
    ("worker", "hazards", "site"): "hazards",
    ("worker", "hazards", "inspection"): "hazards-inspection",
    ("worker", "cases", "case"): "cases-list",
    ("worker", "sync", ""): "sync",
    ("street", "dashboard", ""): "dashboard",
    ("street", "casedesk", "case"): "case-desk",
    ("street", "hazarddesk", "item"): "hazard-desk",
    ("street", "map", ""): "grid-map",
    ("street", "ledgers", ""): "ledgers",
    ("street", "cases", "case"): "case-detail",
    ("admin", "dashboard", ""): "admin-dashboard",
}


def shot_name(role: str, key: str, state: str = "") -> str | None:
    """Where to grab a screen: every screen's first look for the worker and the street
    supervisor (the admin sees the same screens, district-wide), and the states the README
    shows."""
    named = SHOTS.get((role, key, state))
    if named or state or role == "admin":
        return named
    return f"{role}-{key}"


@pytest.mark.parametrize("role", list(ROLES))
def test_every_screen_of_the_role_is_in_chinese(
    qtbot: QtBot, window_of: Callable[[str], MainWindow], role: str
) -> None:
    """Proves every screen the role sees, and the records, forms and dialogs opened from
    them, show no visible string that is not Chinese (labels, buttons, headers and cells,
    placeholders, tooltips, pick lists, tabs, the toolbar, the status bar, window titles),
    and grabs each at 1366×768."""
    window = window_of(role)
    settle(qtbot, window)
    assert (window.width(), window.height()) == SIZE
    problems: list[str] = []
    for key in window.keys:
        screen = window.show_screen(key)
        settle(qtbot, window)
        problems += untranslated(window, f"{role}/{key}")
        if name := shot_name(role, key):
            grab(window, name)
        extra = EXTRA.get(key)
        for state in extra(qtbot, window, screen) if extra is not None else ():
            if isinstance(state, str):
                problems += untranslated(window, f"{role}/{key}/{state}")
                if name := shot_name(role, key, state):
                    grab(window, name)
                continue
            settle(qtbot, window)
            problems += untranslated(state, f"{role}/{key} {type(state).__name__}")
            state.close()
    assert problems == []


def test_qt_own_dialogs_are_in_chinese(qtbot: QtBot, qapp: Any) -> None:
    """Proves Qt's own dialogs, loaded with Qt's qtbase translations (and ours where those
    lack a word), show no English: the file dialog ("Look in:"), a question's Yes/No, an
    input dialog's OK/Cancel, standard dialog buttons."""
    files = QFileDialog(None, "照片")
    files.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    question = QMessageBox(QMessageBox.Icon.Question, "销号", "确定吗？")
    question.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
    )
    asking = QInputDialog()
    asking.setWindowTitle("锁定")
    asking.setLabelText("请输入本机口令：")
    box = QDialog()
    box.setWindowTitle("对话框")
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Close
        | QDialogButtonBox.StandardButton.Save,
        box,
    )
    assert buttons.button(QDialogButtonBox.StandardButton.Ok) is not None
    problems: list[str] = []
    for dialog in (files, question, asking, box):
        qtbot.addWidget(dialog)
        dialog.show()
        problems += untranslated(dialog, type(dialog).__name__)
        dialog.close()
    assert problems == []


def test_the_audit_catches_english() -> None:
    """Proves the audit's rule: English words, an exception's name and the app's English
    name fail; codes, numbers, dates, addresses, user names and kept words pass."""
    for text in ("Look in:", "upload 1", "UNMASKED (logged)", "Sync failed",
                 "连不上服务器：ConnectionError", "GridWorker — 王伟"):  # fmt: skip
        assert foreign(text), text
    for text in ("360302001001001", "2026-11-25 10:30", "FS-ELEC-02", "demo.worker",
                 "http://127.0.0.1:8000", "凤凰小区3栋2单元501室", "C", "12 / 30", "PDF",
                 "—", "138****5678", "待同步的修改：0"):  # fmt: skip
        assert not foreign(text), text


def fit(profile: Path, scale: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": desktop_screen(1366, 768), "QT_SCALE_FACTOR": scale}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.fit_check", str(profile), PASSPHRASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("role", ["worker", "street"])
def test_windows_fit_1366x768_at_100_and_125_percent(profiles: dict[str, Path], role: str) -> None:
    """Proves on a 1366×768 screen at 100 % and at 125 % scaling (1093×614 logical) the main
    window, even one remembered from a larger screen, opens inside the screen with its
    status bar on it for every screen of the role, and every dialog fits unsqueezed."""
    for scale, size in (("1", [1366, 768]), ("1.25", [1093, 614])):
        result = fit(profiles[role], scale)
        assert result == {"available": size, "problems": []}, scale


def test_every_dialog_is_in_chinese(
    qtbot: QtBot, window_of: Callable[[str], MainWindow]
) -> None:
    """Proves each dialog the app opens (new household, resident, new hazard site, need to
    case, sign in, unlock, a figure's case list, the photo file dialog, a confirmation)
    shows no visible string that is not Chinese."""
    from tests.ui.fit_check import dialogs

    window = window_of("worker")
    settle(qtbot, window)
    problems: list[str] = []
    for name, make in dialogs(window.session, window).items():
        dialog = make()  # a child of the window (closed with it), or closed here
        dialog.show()
        settle(qtbot, window, 100)
        problems += untranslated(dialog, f"dialog {name}")
        dialog.close()
    assert problems == []
