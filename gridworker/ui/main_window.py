"""The main window: navigation on the left, one screen at a time, sync in the status bar."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.errors import CodedError
from gridworker.ui.forms import error_text
from gridworker.ui.geometry import (
    fit_inside,
    place_main_window,
    remember_main_window,
    scrolling,
)
from gridworker.ui.screens import ScreenEntry, registry
from gridworker.ui.screens.base import Screen
from gridworker.ui.session import AppSession, StatusInfo
from gridworker.ui.tasks import REFUSALS
from gridworker.ui.widgets.status_bar import SyncStatusBar

STYLE = """
QListWidget#nav { background: #1f3b5a; color: #e8eef5; border: none; font-size: 15px; }
QListWidget#nav::item { padding: 12px 16px; }
QListWidget#nav::item:selected { background: #2f6ea5; color: white; }
QLabel#heading { font-size: 20px; font-weight: 600; margin: 4px 0 8px 0; }
QLabel#error { color: #b3261e; }
"""

TASK_FAILURE_MS = 20_000  # how long a background failure stays in the status bar


class ActivityFilter(QObject):
    """Any key or mouse input counts as activity for auto-lock."""

    def __init__(self, on_activity: Callable[[], None]) -> None:
        super().__init__()
        self.on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self.on_activity()
        return False


def default_screens(session: AppSession) -> list[ScreenEntry]:
    """The navigation entries the signed-in role sees, in order."""
    return registry(session.actor.role)


def freeze_startup_heap() -> None:
    """Move everything alive once the window is up (modules, SQLAlchemy's and Qt's objects)
    out of the garbage collector's sight. A full collection walks every tracked object
    while holding the GIL: with the start-up heap in view it froze the window for about
    100 ms during a sync; frozen, the longest stall is about 25 ms (bench/bench_ui.py)."""
    gc.freeze()


class MainWindow(QMainWindow):
    def __init__(self, session: AppSession, entries: list[ScreenEntry] | None = None) -> None:
        super().__init__()
        self.session = session
        self._title = self.tr("GridWorker — %1").replace("%1", session.username)
        self.setWindowTitle(self._title)
        self.setStyleSheet(STYLE)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        # The screens, or, while locked, a cover that shows nothing of them (a screen lock).
        self.shell = QStackedWidget()
        self.shell.addWidget(central)
        self.lock_cover = self._build_lock_cover()
        self.shell.addWidget(self.lock_cover)
        self.setCentralWidget(self.shell)
        self.central = central
        self._hidden_while_locked: list[QWidget] = []
        self._asking = False
        self._heap_frozen = False
        self.entries = entries if entries is not None else default_screens(session)
        self.keys = [entry.key for entry in self.entries]
        self.screens: dict[str, Screen] = {}  # built so far (a screen is built when first shown)
        for entry in self.entries:
            self.stack.addWidget(QWidget())  # stands in until the screen is built
            item = QListWidgetItem(entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)
        for entry in self.entries:
            if entry.eager:
                self.screen_for(entry.key)
        self._build_toolbar()
        self._build_status_bar()
        place_main_window(self)
        session.sync_started.connect(self._sync_started)
        session.sync_finished.connect(self._sync_finished)
        session.locked_changed.connect(self._locked_changed)
        session.tasks.task_failed.connect(self.show_task_failure)
        self._activity = ActivityFilter(session.user_activity)
        QApplication.instance().installEventFilter(self._activity)  # type: ignore[union-attr]
        QTimer.singleShot(0, session.refresh_status)

    def screen_for(self, key: str) -> Screen:
        """The screen for `key`, built now if it has not been shown yet."""
        built = self.screens.get(key)
        if built is not None:
            return built
        index = self.keys.index(key)
        screen = self.entries[index].build(self.session)
        stand_in = self.stack.widget(index)
        assert stand_in is not None
        current = self.stack.currentIndex()
        # In a scroll area: on a small screen (1366×768 at 125 %) a screen that needs more
        # room scrolls instead of pushing the window (and its status bar) off the screen.
        self.stack.insertWidget(index, scrolling(screen))
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.stack.setCurrentIndex(current)
        self.screens[key] = screen
        signal = getattr(screen, "navigate", None)
        if signal is not None:
            signal.connect(self.navigate)
        if self.session.grid_filter:
            screen.apply_grid_filter(self.session.grid_filter)
        return screen

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.screen_for(self.keys[row])
        self.stack.setCurrentIndex(row)
        self.statusBar().clearMessage()  # a message belongs to the page that showed it

    def current_screen(self) -> Screen | None:
        row = self.nav.currentRow()
        return self.screens.get(self.keys[row]) if 0 <= row < len(self.keys) else None

    def navigate(self, key: str, record_id: str) -> None:
        """Open a screen at a record (a screen that can select one has `select(record_id)`)."""
        if key not in self.keys:
            return
        screen = self.show_screen(key)
        select = getattr(screen, "select", None)
        if callable(select) and record_id:
            select(record_id)

    def show_screen(self, key: str) -> Screen:
        self.nav.setCurrentRow(self.keys.index(key))
        return self.screen_for(key)

    # --- toolbar and status bar ------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.sync_action = QAction(self.tr("Sync now"), self)
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.triggered.connect(self.session.sync_now)
        bar.addAction(self.sync_action)
        self.lock_action = QAction(self.tr("Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.session.lock)
        bar.addAction(self.lock_action)

    def _build_status_bar(self) -> None:
        bar = SyncStatusBar(self.session, self)
        self.setStatusBar(bar)
        self.status_bar = bar
        # The names tests and screens have used for these widgets.
        self.online_label = bar.online_label
        self.last_sync_label = bar.last_sync_label
        self.pending_label = bar.pending_label
        self.conflicts_label = bar.conflicts_label
        self.progress = bar.progress
        self.cancel_button = bar.cancel_button
        self.grid_filter_button = bar.grid_filter_button

    def show_status(self, info: StatusInfo) -> None:
        self.status_bar.show_status(info)

    def _sync_started(self) -> None:
        self.sync_action.setEnabled(False)

    def _sync_finished(self, report: object, error: object) -> None:
        self.sync_action.setEnabled(True)

    def show_task_failure(self, name: str, error: BaseException) -> None:
        """A background task failed and nothing else told the user: say so in the status
        bar (the log has the details). A refusal carries its own message."""
        # The catalogue's words either way (services/errors.py), never the raw text.
        if isinstance(error, REFUSALS):
            text = self.tr("Not done: %1").replace("%1", error_text(error))
        else:
            text = self.tr(
                "Something went wrong in the background: %1. The details are in the log."
            ).replace("%1", error_text(error))
        self.statusBar().showMessage(text, TASK_FAILURE_MS)

    # --- lock ------------------------------------------------------------------------

    def _build_lock_cover(self) -> QWidget:
        cover = QWidget()
        cover.setObjectName("lockCover")
        cover.setStyleSheet("QWidget#lockCover { background: #1f3b5a; } QLabel { color: white; }")
        column = QVBoxLayout(cover)
        column.addStretch(1)
        title = QLabel(self.tr("GridWorker is locked"))
        title.setStyleSheet("font-size: 22px; font-weight: 600")
        hint = QLabel(self.tr("Everything on screen is hidden until you enter your passphrase."))
        button = QPushButton(self.tr("Unlock…"))
        button.setObjectName("unlockButton")
        button.clicked.connect(self.ask_unlock)
        for widget in (title, hint, button):
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        return cover

    def _locked_changed(self, locked: bool) -> None:
        if not locked:
            self.shell.setCurrentWidget(self.central)
            self.central.setEnabled(True)
            for bar in self.findChildren(QToolBar):
                bar.setVisible(True)
            self.statusBar().setVisible(True)
            self.setWindowTitle(self._title)
            for window in self._hidden_while_locked:
                window.show()
            self._hidden_while_locked = []
            QTimer.singleShot(0, self.offer_unread_notices)
            return
        # Like a screen lock: nothing of the work stays readable, not even in a tooltip,
        # another open window (a household's form) or the title on the task bar.
        QToolTip.hideText()
        self.central.setEnabled(False)
        self.shell.setCurrentWidget(self.lock_cover)
        for bar in self.findChildren(QToolBar):
            bar.setVisible(False)
        self.statusBar().setVisible(False)
        self.setWindowTitle(self.tr("GridWorker (locked)"))
        app = QApplication.instance()
        others = app.topLevelWidgets() if isinstance(app, QApplication) else []
        self._hidden_while_locked = [w for w in others if w is not self and w.isVisible()]
        for window in self._hidden_while_locked:
            window.hide()
        QTimer.singleShot(0, self.ask_unlock)

    def offer_unread_notices(self) -> None:
        """Unread notices are shown when the profile opens or is unlocked (§24)."""
        if self.session.locked or not isValid(self):
            return
        from gridworker.services.notices import list_notices

        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: list_notices(ws, unread_only=True), done=self._show_unread_notices
        )

    def _show_unread_notices(self, items: list[Any]) -> None:
        if not items or not isValid(self) or self.session.locked:
            return
        from gridworker.ui.widgets.notices import UnreadNoticesDialog

        self.notices_dialog = UnreadNoticesDialog(self.session, items, self)
        self.notices_dialog.open()

    def ask_unlock(self) -> None:
        if self._asking:
            return
        self._asking = True
        try:
            self._ask_unlock()
        finally:
            self._asking = False

    def _ask_unlock(self) -> None:
        while self.session.locked:
            text, ok = QInputDialog.getText(
                self,
                self.tr("Locked"),
                self.tr("GridWorker is locked. Enter your passphrase:"),
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                self.close()
                return
            try:
                self.session.unlock(text)
            except CodedError as exc:
                QMessageBox.warning(self, self.tr("Locked"), error_text(exc))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._heap_frozen:
            self._heap_frozen = True
            QTimer.singleShot(0, freeze_startup_heap)
            # Once shown the window manager's frame is known: keep it all on the screen.
            QTimer.singleShot(0, lambda: fit_inside(self))
            QTimer.singleShot(0, self.offer_unread_notices)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_main_window(self)
        self.session.close()
        super().closeEvent(event)


__all__ = ["MainWindow"]
