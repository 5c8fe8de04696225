"""The main window: navigation on the left, one screen at a time, sync in the status bar."""

from __future__ import annotations

import gc
from collections.abc import Callable

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
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from gridworker.storage.profile import ProfileError
from gridworker.ui.forms import error_text
from gridworker.ui.screens import ScreenEntry, registry
from gridworker.ui.screens.base import Screen
from gridworker.ui.session import AppSession, StatusInfo
from gridworker.ui.tasks import REFUSALS

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
        self.setWindowTitle(self.tr("GridWorker — %1").replace("%1", session.username))
        self.resize(1280, 800)
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
        self.setCentralWidget(central)
        self.central = central
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
        session.status_changed.connect(self.show_status)
        session.sync_started.connect(self._sync_started)
        session.sync_progress.connect(self._sync_progress)
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
        self.stack.insertWidget(index, screen)
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
        bar = self.statusBar()
        self.online_label = QLabel()
        self.online_label.setObjectName("online")
        self.last_sync_label = QLabel()
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending")
        self.conflicts_label = QLabel()
        self.conflicts_label.setObjectName("conflicts")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.session.cancel_sync)
        for widget in (
            self.online_label,
            self.last_sync_label,
            self.pending_label,
            self.conflicts_label,
        ):
            bar.addWidget(widget)
        self.grid_filter_button = QPushButton()
        self.grid_filter_button.setObjectName("gridFilter")
        self.grid_filter_button.setFlat(True)
        self.grid_filter_button.setVisible(False)
        self.grid_filter_button.setToolTip(self.tr("Show all my grids again"))
        self.grid_filter_button.clicked.connect(lambda: self.session.set_grid_filter(None))
        self.session.grid_filter_changed.connect(self._grid_filter_changed)
        bar.addPermanentWidget(self.grid_filter_button)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)

    def show_status(self, info: StatusInfo) -> None:
        if info.server is None:
            self.online_label.setText(self.tr("● Not enrolled (offline profile)"))
            self.online_label.setStyleSheet("color: #6b7280")
        elif info.online:
            self.online_label.setText(self.tr("● Online"))
            self.online_label.setStyleSheet("color: #15803d")
        else:
            self.online_label.setText(self.tr("● Offline"))
            self.online_label.setStyleSheet("color: #b45309")
        self.last_sync_label.setText(
            self.tr("Last sync: %1").replace(
                "%1", (info.last_sync or self.tr("never")).replace("T", " ")[:16]
            )
        )
        self.pending_label.setText(self.tr("Pending changes: %1").replace("%1", str(info.pending)))
        self.conflicts_label.setText(
            self.tr("Open conflicts: %1").replace("%1", str(info.conflicts))
        )
        self.conflicts_label.setStyleSheet("color: #b3261e" if info.conflicts else "")

    def _grid_filter_changed(self, grid_code: str) -> None:
        self.grid_filter_button.setVisible(bool(grid_code))
        self.grid_filter_button.setText(self.tr("Grid: %1  ✕").replace("%1", grid_code))

    def _sync_started(self) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self.sync_action.setEnabled(False)

    def _sync_progress(self, phase: str, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{phase} {done}")

    def _sync_finished(self, report: object, error: object) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.sync_action.setEnabled(True)
        if error is not None:
            self.statusBar().showMessage(
                self.tr("Sync failed: %1").replace("%1", str(error)), 10_000
            )

    def show_task_failure(self, name: str, error: BaseException) -> None:
        """A background task failed and nothing else told the user: say so in the status
        bar (the log has the details). A refusal carries its own message."""
        if isinstance(error, REFUSALS):
            text = self.tr("Not done: %1").replace("%1", error_text(error))
        else:
            text = self.tr(
                "Something went wrong in the background (%1); the details are in the log."
            ).replace("%1", type(error).__name__)
        self.statusBar().showMessage(text, TASK_FAILURE_MS)

    # --- lock ------------------------------------------------------------------------

    def _locked_changed(self, locked: bool) -> None:
        if not locked:
            self.central.setEnabled(True)
            return
        self.central.setEnabled(False)
        QTimer.singleShot(0, self.ask_unlock)

    def ask_unlock(self) -> None:
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
            except ProfileError as exc:
                QMessageBox.warning(self, self.tr("Locked"), str(exc))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._heap_frozen:
            self._heap_frozen = True
            QTimer.singleShot(0, freeze_startup_heap)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.close()
        super().closeEvent(event)


__all__ = ["MainWindow"]
