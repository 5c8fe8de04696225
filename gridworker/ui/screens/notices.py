"""通知公告 (docs/design.md §24): every notice held here, read and marked read; for
street supervisors and the admin also 发布通知 and, for the selected notice, how many
workers of each grid have read it (as far as their receipts have been synced)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.services import notices
from gridworker.services.notices import GridReceipts, NoticeView, Published
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.notices import NOTICE_CHANGES, NoticeReader


def may_publish(session: AppSession) -> bool:
    actor = session.ws.actor
    return actor.role is Role.admin or (
        actor.role is Role.supervisor and actor.supervisor_level is SupervisorLevel.street
    )


class NoticesScreen(Screen):
    watches = frozenset({"notice", "notice_read"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.publish_button = QPushButton(self.tr("Publish a notice…"))
        self.publish_button.clicked.connect(self.open_publish)
        self.publish_button.setVisible(may_publish(session))
        top.addWidget(self.publish_button)
        layout.addLayout(top)
        self.error = error_label("error")
        layout.addWidget(self.error)
        self.reader = NoticeReader(session)
        layout.addWidget(self.reader, 3)
        self.receipts_title = QLabel(self.tr("Read by grid"))
        self.receipts_title.setObjectName("panel_title")
        self.receipts = QTableWidget(0, 3)
        self.receipts.setHorizontalHeaderLabels(
            [self.tr("Grid"), self.tr("Read / workers"), self.tr("Not read yet")]
        )
        self.receipts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.receipts.verticalHeader().setVisible(False)
        header = self.receipts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for widget in (self.receipts_title, self.receipts):
            widget.setVisible(may_publish(session))
        layout.addWidget(self.receipts_title)
        layout.addWidget(self.receipts, 2)
        self.reader.list.currentRowChanged.connect(lambda _r: self.load_receipts())

    def title(self) -> str:
        return self.tr("Notices")

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: notices.list_notices(ws), done=self.show_notices, failed=self._failed
        )

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.error.setText(error_text(error))

    def show_notices(self, items: list[NoticeView]) -> None:
        if isValid(self):
            self.reader.set_notices(items)

    def load_receipts(self) -> None:
        n = self.reader.current()
        if n is None or self.session.locked or not self.receipts.isVisibleTo(self):
            return
        ws, publication = self.session.ws, n.publication_id
        self.session.tasks.run_db(
            lambda _s: notices.receipts(ws, publication), done=self.show_receipts
        )

    def show_receipts(self, rows: list[GridReceipts]) -> None:
        if not isValid(self):
            return
        self.receipts.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (r.grid_name, f"{r.read} / {r.workers}", "、".join(r.unread))
            for j, value in enumerate(values):
                self.receipts.setItem(i, j, QTableWidgetItem(value))

    def open_publish(self) -> PublishDialog:
        dialog = PublishDialog(self.session, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog


class PublishDialog(QDialog):
    """发布通知: to the publisher's area or one of its communities or grids."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.published: Published | None = None
        self.setWindowTitle(self.tr("Publish a notice"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.area = QLineEdit(session.ws.actor.area_code or "")
        self.area.setPlaceholderText(self.tr("district, street, community or grid code"))
        form.addRow(self.tr("Area"), self.area)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        form.addRow(self.tr("Title"), self.title_edit)
        self.body = QPlainTextEdit()
        form.addRow(self.tr("Text"), self.body)
        self.must_read = QCheckBox(self.tr("Must be read"))
        form.addRow("", self.must_read)
        self.files: list[Path] = []
        files_row = QHBoxLayout()
        self.add_files = QPushButton(self.tr("Add files…"))
        self.add_files.setObjectName("notice_add_files")
        self.add_files.clicked.connect(self.pick_files)
        self.clear_files = QPushButton(self.tr("Clear"))
        self.clear_files.clicked.connect(lambda: self.set_files([]))
        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        files_row.addWidget(self.add_files)
        files_row.addWidget(self.clear_files)
        files_row.addWidget(self.files_label, 1)
        form.addRow(self.tr("Files"), files_row)
        self.set_files([])
        layout.addLayout(form)
        self.error = error_label("publish_error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Publish"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def pick_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("Files of the notice"))
        self.set_files(self.files + [Path(p) for p in paths if Path(p) not in self.files])

    def set_files(self, files: list[Path]) -> None:
        """The files to attach (each copy of the notice gets them; read when publishing)."""
        self.files = list(files)
        self.files_label.setText("、".join(f.name for f in self.files) or self.tr("none"))
        self.clear_files.setVisible(bool(self.files))

    def submit(self) -> None:
        ws = self.session.ws
        area, title = self.area.text().strip(), self.title_edit.text()
        body, must = self.body.toPlainText(), self.must_read.isChecked()
        files = list(self.files)
        self.buttons.setEnabled(False)
        self.session.tasks.run_db(
            lambda _s: notices.publish_notice(
                ws, area_code=area, title=title, body=body, must_read=must, files=files
            ),
            done=self._done,
            failed=self._failed,
            changes=NOTICE_CHANGES,
        )

    def _done(self, published: Published) -> None:
        if isValid(self):
            self.published = published
            self.accept()

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.buttons.setEnabled(True)
            self.error.setText(error_text(error))
