"""Unlock with the local passphrase: works offline; a wrong one changes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.errors import CodedError
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.ui.forms import error_label, error_text


class UnlockDialog(QDialog):
    def __init__(
        self, profile: Path, parent: QWidget | None = None, *, username: str | None = None
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.workspace: Workspace | None = None
        self.setWindowTitle(self.tr("Unlock GridWorker"))
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Enter your local passphrase to open your data. No network is needed.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        form.addRow(self.tr("Passphrase"), self.passphrase)
        layout.addLayout(form)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Unlock"))
        buttons.accepted.connect(self.try_unlock)
        self.passphrase.returnPressed.connect(self.try_unlock)  # Enter unlocks
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def try_unlock(self) -> None:
        if self.workspace is not None:  # Enter may reach both the field and the default button
            return
        try:
            self.workspace = open_workspace(self.profile, self.passphrase.text(), lock_timeout=2)
        except CodedError as exc:
            self.error.setText(error_text(exc))
            self.adjustSize()  # room for the whole message, never a clipped one
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        self.accept()
