"""Run in a child process on a small screen: does every window of the app fit it?

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json [QT_SCALE_FACTOR=1.25] \
        python -m tests.ui.fit_check PROFILE PASSPHRASE

Opens the main window on the profile (as its role sees it), shows every screen and every
dialog, and prints one JSON object: the screen's available size and the problems found
(a window outside the screen, the status bar cut off, a dialog squeezed below the size
its content needs). The test (test_fit.py) runs it at 1366×768 and at 125 %.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget


def settle(tasks: Any, ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    tasks.shutdown_db_wait()
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def outside(widget: QWidget, area: QRect) -> bool:
    return not area.contains(widget.frameGeometry())


def check_dialog(name: str, dialog: QDialog, area: QRect, problems: list[str]) -> None:
    dialog.show()
    QApplication.processEvents()
    if outside(dialog, area):
        problems.append(f"{name}: {dialog.frameGeometry()} is outside {area}")
    need, got = dialog.minimumSizeHint(), dialog.size()
    if got.width() < need.width() or got.height() < need.height():
        problems.append(f"{name}: squeezed to {got.width()}×{got.height()}, needs {need}")
    dialog.close()


def main(profile: Path, passphrase: str) -> dict[str, Any]:
    import tempfile

    from PySide6.QtCore import QSettings

    from gridworker.services.workspace import open_workspace
    from gridworker.ui.app import make_app
    from gridworker.ui.geometry import remember_main_window
    from gridworker.ui.main_window import MainWindow
    from gridworker.ui.session import AppSession
    from gridworker.ui.tasks import TaskManager

    # A fresh place for QSettings: what the person's own app remembered is not tested.
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp()
    )
    app = make_app(["fit-check"], lang="zh_CN")
    screen = app.primaryScreen()
    assert screen is not None
    area = screen.availableGeometry()
    problems: list[str] = []
    ws = open_workspace(profile, passphrase)
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    # A window that a bigger screen remembered (1440×900): it must come back on this one.
    remembered = MainWindow(session)
    remembered.setGeometry(40, 40, 1440, 900)
    remember_main_window(remembered)
    remembered.deleteLater()
    window = MainWindow(session)
    window.show()
    settle(tasks)
    if outside(window, area):
        problems.append(f"main window: {window.frameGeometry()} is outside {area}")
    for key in window.keys:
        window.show_screen(key)
        settle(tasks)
        bar = window.statusBar()
        bottom = bar.mapTo(window, QPoint(0, bar.height())).y()
        if not bar.isVisible() or bottom > window.height() or outside(window, area):
            problems.append(f"{key}: the status bar is not on the screen")
        if window.minimumSizeHint().height() > area.height():
            problems.append(f"{key}: the window needs {window.minimumSizeHint()}")
    for name, make in dialogs(session, window).items():
        check_dialog(name, make(), area, problems)
    window.close()
    tasks.shutdown()
    return {"available": [area.width(), area.height()], "problems": problems}


def dialogs(session: Any, window: QWidget) -> dict[str, Callable[[], QDialog]]:
    """Every dialog the app opens, built as the app builds it."""
    from gridworker.domain.enums import CaseCategory
    from gridworker.services.case_queries import Choice
    from gridworker.services.household_file import HouseholdFile
    from gridworker.services.register_edit import EditView, editable_fields
    from gridworker.ui.dialogs.building_view import BuildingViewDialog
    from gridworker.ui.dialogs.enroll import EnrollDialog
    from gridworker.ui.dialogs.household import HouseholdDialog, ResidentDialog
    from gridworker.ui.dialogs.household_file import HouseholdFileDialog
    from gridworker.ui.dialogs.life_event import LifeEventDialog
    from gridworker.ui.dialogs.register_edit import RecordEditDialog
    from gridworker.ui.dialogs.unlock import UnlockDialog
    from gridworker.ui.screens.case_desk import CaseListDialog
    from gridworker.ui.widgets.hazard_site_dialog import NewSiteDialog
    from gridworker.ui.widgets.photo_viewer import PhotoViewer
    from gridworker.ui.widgets.visits import NeedCaseDialog

    grid = session.actor.grids[0] if session.actor.grids else "360302001001001"
    path = session.profile_path

    def file_dialog() -> QDialog:
        dialog = QFileDialog(window, "照片")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        return dialog

    def edit_resident() -> QDialog:
        values = {f.name: "" for f in editable_fields("resident")}
        values.update(name="张秀英", id_number="360302********0025", phone="139****1234")
        view = EditView(
            "resident", "fit-check", grid, "张秀英", values, frozenset({"id_number", "phone"})
        )
        return RecordEditDialog(session, view, window)

    return {
        "household": lambda: HouseholdDialog(session, [(grid, "网格")], window),
        "edit resident": edit_resident,
        "life event": lambda: LifeEventDialog(session, "fit-check", [], window),
        "photo": lambda: PhotoViewer(session, [], 0, window),
        "household file": lambda: HouseholdFileDialog(
            session,
            HouseholdFile(
                "fit-check", grid, None, "0001", "凤凰小区1栋101室", None, None, None, None,
                None, (), (), (),
            ),
            window,
        ),
        "resident": lambda: ResidentDialog(session, window),
        "buildings": lambda: BuildingViewDialog(session, window),
        "new site": lambda: NewSiteDialog([Choice(grid, "网格")], "zh_CN", window),
        "need to case": lambda: NeedCaseDialog(
            "楼道灯坏", CaseCategory.livelihood, "zh_CN", window
        ),
        "enroll": lambda: EnrollDialog(path.parent / "not-made-yet"),
        "unlock": lambda: UnlockDialog(path),
        "case list": lambda: CaseListDialog(session, "即将超时", [], window),
        "file": file_dialog,
        "question": lambda: QMessageBox(
            QMessageBox.Icon.Question, "销号", "确定销号吗？", parent=window
        ),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2]), ensure_ascii=False))
