"""First run: server address, username, password and a new local passphrase."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.syncing import enroll
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.keyvault import KdfParams, passphrase_strength
from gridworker.storage.profile import ProfileError
from gridworker.sync.client import InsecureServer, SyncError

MIN_PASSPHRASE = 8


class EnrollDialog(QDialog):
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
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.accepted.connect(self.try_enroll)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase.textChanged.connect(self._show_strength)

    def _show_strength(self, text: str) -> None:
        if not text:
            self.strength.clear()
            return
        score, _hint = passphrase_strength(text)
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
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            return
        self.error.setText(self.tr("Signing in…"))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.workspace, _report = enroll(
                self.profile,
                server_url=self.server.text().strip(),
                username=self.username.text().strip(),
                password=self.password.text(),
                passphrase=self.passphrase.text(),
                kdf_params=self.kdf_params,
            )
        except (SyncError, InsecureServer, ServiceError, ProfileError) as exc:
            self.error.setText(self.tr("Could not sign in: %1").replace("%1", str(exc)))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.password_used = self.password.text()
        self.accept()
