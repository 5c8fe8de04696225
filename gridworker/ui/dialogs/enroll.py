"""First run: server address, username, password and a new local passphrase."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.errors import CodedError
from gridworker.services.errors import log_code
from gridworker.services.syncing import enroll
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.keyvault import KdfParams, passphrase_strength
from gridworker.storage.profile import profile_exists
from gridworker.sync.engine import Progress
from gridworker.ui.forms import error_label, error_text, hint_label
from gridworker.ui.i18n import current_language

log = logging.getLogger(__name__)
MIN_PASSPHRASE = 8


class EnrollDialog(QDialog):
    _finished = Signal(int, object, object)  # attempt, workspace or None, failure or None
    _progressed = Signal(str, int)

    def __init__(
        self, profile: Path, parent: QWidget | None = None, *, kdf_params: KdfParams | None = None
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.kdf_params = kdf_params
        self.workspace: Workspace | None = None
        self.password_used: str | None = None
        self.note = ""  # what to tell the person once the app opens (a stopped first pull)
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
        # Progress is news, not an error: grey words and a bar, with a way to stop.
        self.status = hint_label()
        self.status.setObjectName("status")
        layout.addWidget(self.status)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the size of the first pull is not known
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stop")
        self.stop_button.setToolTip(
            self.tr("Stop signing in; a download already started goes on at the next sync")
        )
        self.stop_button.clicked.connect(self.stop)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(progress_row)
        self.progress_row.setVisible(False)
        layout.addWidget(self.progress_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.accepted.connect(self.try_enroll)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self._running = False
        self._attempt = 0  # each sign-in; the answer of one the person walked away from is dropped
        self._pulling = False  # the first download has begun (the profile exists)
        self._cancel = threading.Event()
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
        self.error.clear()
        self.status.setText(self.tr("Signing in…"))
        self._cancel = threading.Event()
        self._attempt += 1
        self._pulling = False
        self._set_busy(True)
        attempt = self._attempt
        server_url = self.server.text().strip()
        username = self.username.text().strip()
        password = self.password.text()
        passphrase = self.passphrase.text()
        cancel = self._cancel

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
                    lang=current_language(),
                    cancel=cancel,
                )
            except CodedError as exc:  # refused (wrong password, unreachable…): said, logged
                log.warning("enrolment refused: %s %s", type(exc).__name__, log_code(exc))
                self._report(attempt, None, exc)
                return
            except Exception as exc:  # shown, never swallowed: the dialog stays usable
                log.error("enrolment failed", exc_info=exc)
                self._report(attempt, None, exc)
                return
            self._report(attempt, ws, None)

        threading.Thread(target=work, name="gw-enroll", daemon=True).start()

    def _report(self, attempt: int, ws: Workspace | None, error: BaseException | None) -> None:
        if shiboken6.isValid(self):
            self._finished.emit(attempt, ws, error)
        elif ws is not None:  # the dialog is gone (the app closed meanwhile)
            ws.close()

    def stop(self) -> None:
        """Stop signing in. While still signing in, the dialog is free again at once (the
        answer, when it comes, is dropped). Once the first download has begun, it stops
        after the page in hand: what arrived is kept and the app opens with it."""
        if not self._running:
            return
        self._cancel.set()
        if not self._pulling:
            self._attempt += 1  # walk away from this sign-in
            self._set_busy(False)
            self.status.setText(self.tr("Signing in was stopped. Nothing was kept."))
            return
        self.stop_button.setEnabled(False)
        self.status.setText(self.tr("Stopping…"))

    def _on_progress(self, p: Progress) -> None:
        self._progressed.emit(p.phase, p.done)

    def _show_progress(self, phase: str, done: int) -> None:
        self._pulling = True
        if phase == "pull":
            self.status.setText(
                self.tr("Downloading your grids' data: %1 records").replace("%1", str(done))
            )

    def _done(
        self, attempt: int, workspace: Workspace | None, error: BaseException | None
    ) -> None:
        if attempt != self._attempt:  # a sign-in the person stopped: nothing of it is used
            if workspace is not None:
                workspace.close()
            return
        self._set_busy(False)
        if workspace is None and self._cancel.is_set():
            self._stopped()
            return
        if workspace is None:
            self.status.clear()
            message = error_text(error) if error is not None else ""
            self.error.setText(self.tr("Could not sign in: %1").replace("%1", message))
            return
        self._open(workspace)

    def _stopped(self) -> None:
        if not profile_exists(self.profile):
            self.status.setText(self.tr("Signing in was stopped. Nothing was kept."))
            return
        try:  # signed in, part of the first download here: open with it
            workspace = open_workspace(self.profile, self.passphrase.text(), lock_timeout=5)
        except CodedError as exc:
            self.status.clear()
            self.error.setText(error_text(exc))
            return
        self.note = self.tr(
            "The first download was stopped. What arrived is on this laptop; "
            "the rest comes with the next sync."
        )
        self._open(workspace)

    def _open(self, workspace: Workspace) -> None:
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
        self.progress_row.setVisible(busy)
        self.stop_button.setEnabled(busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()

    def reject(self) -> None:
        if self._running:  # Esc or the close button while working: stop, never walk away
            self.stop()
            return
        super().reject()
