"""The main window's status bar: online or offline, last sync (district time), what waits
to sync, conflicts, the grid filter chip, and a running sync's progress.

The lasting facts are permanent widgets on the right, so a passing message (a failed
sync, said kindly) never hides "离线". Times are the district's (domain/clock.py).
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from gridworker.domain.clock import district_text
from gridworker.services.status import phase_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession, StatusInfo

ONLINE, OFFLINE, NOT_ENROLLED = "#15803d", "#b45309", "#6b7280"


class SyncStatusBar(QStatusBar):
    """What the session reports, in words a grid worker reads at a glance."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.zone: tzinfo = session.zone
        self.info: StatusInfo | None = None
        self.online_label = QLabel()
        self.online_label.setObjectName("online")
        self.last_sync_label = QLabel()
        self.last_sync_label.setObjectName("lastSync")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending")
        self.conflicts_label = QLabel()
        self.conflicts_label.setObjectName("conflicts")
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setMaximumWidth(200)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(session.cancel_sync)
        self.grid_filter_button = QPushButton()
        self.grid_filter_button.setObjectName("gridFilter")
        self.grid_filter_button.setFlat(True)
        self.grid_filter_button.setVisible(False)
        self.grid_filter_button.setToolTip(self.tr("Show all my grids again"))
        self.grid_filter_button.clicked.connect(lambda: session.set_grid_filter(None))
        for widget in (
            self.grid_filter_button,
            self.progress,
            self.cancel_button,
            self.online_label,
            self.last_sync_label,
            self.pending_label,
            self.conflicts_label,
        ):
            self.addPermanentWidget(widget)
        session.status_changed.connect(self.show_status)
        session.reachability_changed.connect(lambda _reachable: self._show_online())
        session.grid_filter_changed.connect(self._grid_filter_changed)
        session.sync_started.connect(self._sync_started)
        session.sync_progress.connect(self._sync_progress)
        session.sync_finished.connect(self._sync_finished)

    # --- status ------------------------------------------------------------------------

    def show_status(self, info: StatusInfo) -> None:
        self.info = info
        self._show_online()
        when = district_text(info.last_sync, self.zone) if info.last_sync else self.tr("never")
        self.last_sync_label.setText(self.tr("Last sync: %1").replace("%1", when))
        self.pending_label.setText(self.tr("Pending changes: %1").replace("%1", str(info.pending)))
        self.conflicts_label.setText(
            self.tr("Open conflicts: %1").replace("%1", str(info.conflicts))
        )
        self.conflicts_label.setStyleSheet("color: #b3261e" if info.conflicts else "")

    def _show_online(self) -> None:
        info = self.info
        if info is None:
            return
        if info.server is None:
            text, color = self.tr("● Not enrolled (offline profile)"), NOT_ENROLLED
        elif self.session.online(info):
            text, color = self.tr("● Online"), ONLINE
        else:
            text, color = self.tr("● Offline"), OFFLINE
        self.online_label.setText(text)
        self.online_label.setStyleSheet(f"color: {color}")
        if info.server is not None and not self.session.online(info):
            self.online_label.setToolTip(
                self.tr("The server does not answer. Your work is kept on this laptop.")
            )
        else:
            self.online_label.setToolTip("")

    def _grid_filter_changed(self, grid_code: str) -> None:
        self.grid_filter_button.setVisible(bool(grid_code))
        self.grid_filter_button.setText(self.tr("Grid: %1  ✕").replace("%1", grid_code))

    # --- a running sync ----------------------------------------------------------------

    def _sync_started(self) -> None:
        self.clearMessage()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Syncing…"))
        self.cancel_button.setVisible(True)

    def _sync_progress(self, phase: str, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            counted = self.tr("%1 %2 of %3").replace("%2", str(done)).replace("%3", str(total))
        else:
            self.progress.setRange(0, 0)
            counted = self.tr("%1 %2").replace("%2", str(done))
        self.progress.setFormat(counted.replace("%1", phase_label(phase, current_language())))

    def _sync_finished(self, report: object, error: BaseException | None) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if error is not None:
            from gridworker.services.status import sync_failure_text

            self.showMessage(sync_failure_text(error, current_language()))
        else:
            self.clearMessage()
