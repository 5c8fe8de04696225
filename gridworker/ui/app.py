"""Starting the desktop app: language, fonts, unlock or enroll, then the main window."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from gridworker.services.workspace import Workspace
from gridworker.storage.profile import profile_exists
from gridworker.ui.geometry import install_dialog_fitter
from gridworker.ui.gui_gc import collect_on_gui_thread
from gridworker.ui.i18n import current_language, install_translators
from gridworker.ui.tasks import TaskManager

if TYPE_CHECKING:
    from gridworker.ui.dialogs.enroll import EnrollDialog
    from gridworker.ui.dialogs.unlock import UnlockDialog
    from gridworker.ui.session import AppSession

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
)


def make_app(argv: list[str] | None = None, *, lang: str | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("GridWorker")
    app.setOrganizationName("GridWorker")
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            app.setFont(QFont(family, 10))
            break
    install_translators(app, lang or current_language())
    if not hasattr(app, "_gridworker_fitter"):
        app._gridworker_fitter = install_dialog_fitter(app)  # type: ignore[attr-defined]
    return app


def open_main_window(
    workspace: Workspace, *, password: str | None = None, background_sync: bool = True
) -> object:
    from gridworker.ui.main_window import MainWindow
    from gridworker.ui.session import AppSession

    tasks = TaskManager()
    session = AppSession(workspace, tasks, background_sync=background_sync)
    session.set_password(password)
    watch_network(session)
    window = MainWindow(session)
    window.show()
    return window


def watch_network(session: AppSession) -> None:
    """Feed the operating system's reachability changes to the sync scheduler.

    A change only triggers an attempt: "online" means the server answered (offscreen,
    Qt reports online with no network at all)."""
    from PySide6.QtNetwork import QNetworkInformation

    if not QNetworkInformation.loadDefaultBackend():
        return
    info = QNetworkInformation.instance()
    if info is None:
        return
    online = QNetworkInformation.Reachability.Online
    info.reachabilityChanged.connect(
        lambda reachability: session.network_changed(reachability == online)
    )


def close_on_signals(app: QApplication) -> None:
    """Ctrl+C, `kill` or a session logout (SIGINT/SIGTERM) close the windows the normal way:
    the session stops syncing and closes the profile, and `gridworker demo` stops its server.

    Python runs signal handlers only between bytecodes, so a timer lets it in while Qt waits.
    """
    import signal

    from PySide6.QtCore import QTimer

    def close(signum: int, frame: object) -> None:
        app.closeAllWindows()
        app.quit()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, close)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(200)


def run(
    profile: Path,
    *,
    workspace: Workspace | None = None,
    password: str | None = None,
    lang: str | None = None,
) -> int:
    """The desktop app on `profile`: unlock (or enroll on first run), then the main window.

    Every screen's module is imported while the dialog waits for the passphrase; one
    that cannot be imported stops the app here, with a message, before the window opens.
    """
    app = make_app(lang=lang)
    collector = collect_on_gui_thread(app)  # never on the database or sync thread
    try:
        return _run(app, profile, workspace, password)
    finally:
        collector.stop()


def _run(
    app: QApplication, profile: Path, workspace: Workspace | None, password: str | None
) -> int:
    note = ""
    if workspace is None:
        # The dialog's module first (only the one needed: enrolling loads the sync stack),
        # then the screens on their thread while the dialog waits for the passphrase.
        dialog: UnlockDialog | EnrollDialog
        if profile_exists(profile):
            from gridworker.ui.dialogs.unlock import UnlockDialog

            dialog = UnlockDialog(profile)
        else:
            from gridworker.ui.dialogs.enroll import EnrollDialog

            dialog = EnrollDialog(profile)
        screens = ScreenImports()
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.workspace is None:
            screens.wait()  # a daemon thread importing at exit can crash the interpreter
            return 1
        workspace = dialog.workspace
        password = getattr(dialog, "password_used", password)
        # What the enrolment has to say (e.g. the first download was stopped).
        note = getattr(dialog, "note", "")
    else:
        screens = ScreenImports()
    broken = screens.wait()
    if broken is not None:
        workspace.close()
        refuse_to_open(broken)
        return 1
    window = open_main_window(workspace, password=password)
    if note:  # e.g. the first download was stopped: the rest comes with the next sync
        window.statusBar().showMessage(note)  # type: ignore[attr-defined]
    close_on_signals(app)
    code = app.exec()
    del window
    return int(code)


class ScreenImports:
    """Imports every screen's module on a thread of its own (started at once; the unlock
    dialog's wait for a passphrase hides the second or so it takes)."""

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gridworker-screens", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from gridworker.ui.screens import import_all

        try:
            import_all()
        except BaseException as exc:  # handed to the GUI thread by wait()
            self.error = exc

    def wait(self) -> BaseException | None:
        """None when every screen imported, else what the first broken one raised."""
        self._thread.join()
        return self.error


def refuse_to_open(error: BaseException) -> None:
    """A part of the app is missing or broken: the log gets the traceback, the user a
    message saying so (the window does not open)."""
    log.critical("a screen cannot be loaded: the app does not open", exc_info=error)
    QMessageBox.critical(
        None,
        QCoreApplication.translate("App", "GridWorker cannot start"),
        QCoreApplication.translate(
            "App",
            "Part of GridWorker is missing or damaged (%1), so it does not open. "
            "Please reinstall it; the details are in the log.",
        ).replace("%1", type(error).__name__),
    )
