"""同步: the sync state, last sync, pending changes, progress (phase and count), errors
and a log of each cycle."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.clock import district_text
from gridworker.services.status import stored_failure, sync_failure_text
from gridworker.ui.forms import error_label
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession, StatusInfo

if TYPE_CHECKING:
    # Only a type here: sync.engine (and requests with it) loads with the first sync.
    from gridworker.sync.engine import CycleReport


class SyncScreen(Screen):
    watches = frozenset({"outbox"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.title()))
        form = QFormLayout()
        self.server = QLabel()
        self.state = QLabel()
        self.state.setObjectName("sync_state")
        self.last_sync = QLabel()
        self.pending = QLabel()
        self.pending.setObjectName("sync_pending")
        self.rejected = QLabel()
        self.conflicts = QLabel()
        self.error = error_label("error")
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("State"), self.state)
        form.addRow(self.tr("Last sync"), self.last_sync)
        form.addRow(self.tr("Pending changes"), self.pending)
        form.addRow(self.tr("Refused by the server"), self.rejected)
        form.addRow(self.tr("Open conflicts"), self.conflicts)
        form.addRow(self.tr("Last error"), self.error)
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("idle"))
        form.addRow(self.tr("Progress"), self.progress)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setObjectName("sync_now")
        self.sync_button.clicked.connect(session.sync_now)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(session.cancel_sync)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Log")))
        self.log = QPlainTextEdit()
        self.log.setObjectName("sync_log")
        self.log.setReadOnly(True)
        layout.addWidget(self.log, 1)
        session.status_changed.connect(self.show_status)
        session.sync_started.connect(self._started)
        session.sync_progress.connect(self._progressed)
        session.sync_finished.connect(self._finished)
        self._phase = ""
        self._failure: str | None = None  # the last failure of this session, said kindly

    def title(self) -> str:
        return self.tr("Sync")

    def refresh(self) -> None:
        self.session.refresh_status()

    def show_status(self, info: StatusInfo) -> None:
        self.server.setText(info.server or self.tr("not enrolled: this profile works offline"))
        online = self.session.online(info)
        self.state.setText(self.tr("online") if online else self.tr("offline"))
        when = district_text(info.last_sync, self.session.zone, "%Y-%m-%d %H:%M:%S")
        self.last_sync.setText(when or self.tr("never"))
        self.pending.setText(str(info.pending))
        self.rejected.setText(str(info.rejected))
        self.conflicts.setText(str(info.conflicts))
        if self._failure is None:  # since start-up, the engine's stored word (its code only)
            self.error.setText(stored_failure(info.last_error, current_language()))
        self.sync_button.setEnabled(info.server is not None)

    def _log(self, text: str) -> None:
        now = datetime.now(UTC)  # shown on the district's clock, whatever the laptop's zone
        self.log.appendPlainText(f"{district_text(now, self.session.zone, '%H:%M:%S')}  {text}")

    def _started(self) -> None:
        self.cancel_button.setEnabled(True)
        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.progress.setFormat(self.tr("connecting…"))
        self._phase = ""
        self._log(self.tr("sync started"))

    def phase_text(self, phase: str) -> str:
        return {
            "push": self.tr("sending changes"),
            "pull": self.tr("receiving changes"),
            "upload": self.tr("uploading photos"),
            "download": self.tr("downloading photos"),
            "done": self.tr("finishing"),
        }.get(phase, phase)

    def _progressed(self, phase: str, done: int, total: int) -> None:
        # Counts arrive throttled (TaskState-like, engine side); a phase change goes to the log.
        if phase != self._phase:
            self._phase = phase
            if phase != "done":
                self._log(self.phase_text(phase))
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            text = self.tr("%1: %2 of %3").replace("%2", str(done)).replace("%3", str(total))
        else:
            self.progress.setRange(0, 0)
            text = self.tr("%1: %2").replace("%2", str(done))
        self.progress.setFormat(text.replace("%1", self.phase_text(phase)))

    def _finished(self, report: CycleReport | None, error: BaseException | None) -> None:
        self.cancel_button.setEnabled(False)
        self.sync_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if error is None else 0)
        self.progress.setFormat(self.tr("done") if error is None else self.tr("failed"))
        if error is not None:
            self._failure = sync_failure_text(error, current_language())
            self.error.setText(self._failure)
            self._log(self._failure)
        elif report is not None:
            self._failure = None
            self.error.setText("")
            self._log(
                self.tr("sent %1, received %2, conflicts %3, refused %4")
                .replace("%1", str(report.pushed))
                .replace("%2", str(report.pulled))
                .replace("%3", str(report.conflicts))
                .replace("%4", str(report.rejected))
            )
