"""First run: server address, username, password and a new local passphrase."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.syncing import enroll
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.keyvault import KdfParams, passphrase_strength
from gridworker.storage.profile import ProfileError
from gridworker.sync.client import InsecureServer, SyncError
from gridworker.sync.engine import Progress
from gridworker.ui.forms import error_label

log = logging.getLogger(__name__)
MIN_PASSPHRASE = 8


class EnrollDialog(QDialog):
    _finished = Signal(object, str)  # workspace or None, error message
    _progressed = Signal(str, int)

    def __init__(
        self, profile: Path, parent: QWidget | None = None, *, kdf_params: KdfParams | None = None
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.kdf_params = kdf_params
        self.workspace: Workspace | None = None
        self.password_used: str | None = None
        self.setWindowTitle(self.tr("Sign in to GridWorker"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Sign in once while online. Afterwards GridWorker works "
                "offline and opens with your local passphrase."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.server = QLineEdit("https://")
        self.server.setObjectName("server")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase2 = QLineEdit()
        self.passphrase2.setObjectName("passphrase2")
        self.passphrase2.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel()
        self.strength.setObjectName("strength")
        form.addRow(self.tr("Server address"), self.server)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Local passphrase"), self.passphrase)
        form.addRow("", self.strength)
        form.addRow(self.tr("Passphrase again"), self.passphrase2)
        layout.addLayout(form)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.accepted.connect(self.try_enroll)
        buttons.rejected.connect(self.reject)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the size of the first pull is not known
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)
        self.buttons = buttons
        self._running = False
        self._finished.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.passphrase.textChanged.connect(self._show_strength)

    def _show_strength(self, text: str) -> None:
        if not text:
            self.strength.clear()
            return
        # Words of this person make a passphrase guessable: the username, the server's host.
        personal = [self.username.text(), *re.split(r"[/:.]+", self.server.text())]
        score, _hint = passphrase_strength(text, [w for w in personal if len(w) >= 3])
        labels = [
            self.tr("very weak"),
            self.tr("weak"),
            self.tr("fair"),
            self.tr("good"),
            self.tr("strong"),
        ]
        self.strength.setText(self.tr("Strength: %1").replace("%1", labels[max(0, min(4, score))]))

    def validate(self) -> str | None:
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            return self.tr("The passphrase needs at least 8 characters.")
        if self.passphrase.text() != self.passphrase2.text():
            return self.tr("The two passphrases differ.")
        if not self.username.text().strip() or not self.password.text():
            return self.tr("Enter your username and password.")
        return None

    def try_enroll(self) -> None:
        """Sign in and pull the first data in the background; the dialog shows progress."""
        if self._running:
            return
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            return
        self.error.setText(self.tr("Signing in…"))
        self._set_busy(True)
        server_url = self.server.text().strip()
        username = self.username.text().strip()
        password = self.password.text()
        passphrase = self.passphrase.text()

        def work() -> None:
            try:
                ws, _report = enroll(
                    self.profile,
                    server_url=server_url,
                    username=username,
                    password=password,
                    passphrase=passphrase,
                    kdf_params=self.kdf_params,
                    progress=self._on_progress,
                )
            except (SyncError, InsecureServer, ServiceError, ProfileError) as exc:
                log.warning("enrolment refused: %s", getattr(exc, "code", type(exc).__name__))
                self._finished.emit(None, str(exc))
                return
            except Exception as exc:  # shown, never swallowed: the dialog stays usable
                log.error("enrolment failed", exc_info=exc)
                self._finished.emit(None, f"{type(exc).__name__}: {exc}")
                return
            self._finished.emit(ws, "")

        threading.Thread(target=work, name="gw-enroll", daemon=True).start()

    def _on_progress(self, p: Progress) -> None:
        self._progressed.emit(p.phase, p.done)

    def _show_progress(self, phase: str, done: int) -> None:
        if phase == "pull":
            self.error.setText(
                self.tr("Downloading your grids' data: %1 records").replace("%1", str(done))
            )

    def _done(self, workspace: Workspace | None, message: str) -> None:
        self._set_busy(False)
        if workspace is None:
            self.error.setText(self.tr("Could not sign in: %1").replace("%1", message))
            return
        self.workspace = workspace
        self.password_used = self.password.text()
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        self._running = busy
        for widget in (
            self.server,
            self.username,
            self.password,
            self.passphrase,
            self.passphrase2,
            self.buttons,
        ):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()

    def reject(self) -> None:
        if not self._running:  # never walk away from a profile half made
            super().reject()
