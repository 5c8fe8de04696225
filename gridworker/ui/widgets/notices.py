"""Notices in the window (docs/design.md §24): the unread ones shown at unlock and on
今日待办, each readable and marked read here (its receipt goes to the sender at the next
sync)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.clock import district_text
from gridworker.services import notices
from gridworker.services.attachments import SavedFiles
from gridworker.services.notices import NoticeView
from gridworker.ui.forms import error_label, error_text, hint_label
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

NOTICE_CHANGES = OpChanges(frozenset({"notice", "notice_read"}))


class NoticeReader(QWidget):
    """A list of notices and the selected one's text, with 标为已读."""

    read = Signal(str)  # publication id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.items: list[NoticeView] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMinimumWidth(220)
        layout.addWidget(self.list, 2)
        right = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("panel_title")
        self.heading.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setStyleSheet("color: #6b7280")
        self.body = QTextBrowser()
        self.mark = QPushButton(self.tr("Mark read"))
        self.mark.setObjectName("notice_mark_read")
        self.mark.clicked.connect(self.mark_read)
        self.save = QPushButton(self.tr("Save files…"))
        self.save.setObjectName("notice_save_files")
        self.save.clicked.connect(self.pick_folder)
        self.error = error_label("notice_error")
        self.saved = hint_label()
        self.saved.setObjectName("notice_saved")
        for widget in (self.heading, self.meta):
            right.addWidget(widget)
        right.addWidget(self.body, 1)
        right.addWidget(self.error)
        right.addWidget(self.saved)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        buttons.addWidget(self.mark)
        right.addLayout(buttons)
        layout.addLayout(right, 3)
        self.list.currentRowChanged.connect(self._show)

    def set_notices(self, items: list[NoticeView]) -> None:
        self.items = items
        self.list.clear()
        for n in items:
            text = ("【必读】" if n.must_read else "") + n.title
            item = QListWidgetItem(text if n.read else "● " + text)
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        n = self.items[row] if 0 <= row < len(self.items) else None
        self.heading.setText(n.title if n else "")
        self.body.setPlainText(n.body if n else "")
        if n is None:
            self.meta.setText("")
        else:
            when = district_text(n.published_at, self.session.zone)
            meta = self.tr("%1 · published by %2").replace("%1", when).replace("%2", n.published_by)
            if n.files:
                meta += " · " + self.tr("%1 files").replace("%1", str(n.files))
            self.meta.setText(meta)
        self.mark.setVisible(n is not None and not n.read)
        self.save.setVisible(n is not None and n.files > 0)
        self.saved.setText("")

    def current(self) -> NoticeView | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def mark_read(self) -> None:
        n = self.current()
        if n is None:
            return
        ws, publication = self.session.ws, n.publication_id
        self.session.tasks.run_db(
            lambda _s: notices.mark_read(ws, publication),
            done=lambda _n: self._marked(publication),
            failed=self._failed,
            changes=NOTICE_CHANGES,
        )

    def pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save the notice's files in"))
        if folder:
            self.save_files(Path(folder))

    def save_files(self, folder: Path) -> None:
        """Write the selected notice's files into `folder` (decrypted: the reader's choice)."""
        n = self.current()
        if n is None:
            return
        ws, notice_id = self.session.ws, n.id
        self.session.tasks.run_db(
            lambda _s: notices.save_files(ws, notice_id, folder),
            done=self._saved,
            failed=self._failed,
        )

    def _saved(self, result: SavedFiles) -> None:
        if not isValid(self):
            return
        text = self.tr("%1 files saved in %2").replace("%1", str(len(result.saved)))
        text = text.replace("%2", str(result.saved[0].parent) if result.saved else "")
        if result.waiting:
            waiting = self.tr("%1 not downloaded yet (the next sync brings them)")
            text += "；" + waiting.replace("%1", str(result.waiting))
        self.saved.setText(text)

    def _marked(self, publication: str) -> None:
        if not isValid(self):
            return
        self.items = [n if n.publication_id != publication else _as_read(n) for n in self.items]
        row = self.list.currentRow()
        self.set_notices(self.items)
        self.list.setCurrentRow(row)
        self.read.emit(publication)

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.error.setText(error_text(error))


def _as_read(n: NoticeView) -> NoticeView:
    from dataclasses import replace

    return replace(n, read=True)


class UnreadNoticesDialog(QDialog):
    """Shown after unlocking when notices are unread: read them now, or later."""

    def __init__(
        self, session: AppSession, items: list[NoticeView], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unread notices"))
        self.resize(760, 440)
        layout = QVBoxLayout(self)
        must = sum(1 for n in items if n.must_read)
        intro = self.tr("%1 unread notices").replace("%1", str(len(items)))
        if must:
            intro += self.tr(", %1 of them must be read").replace("%1", str(must))
        self.intro = QLabel(intro)
        layout.addWidget(self.intro)
        self.reader = NoticeReader(session)
        self.reader.set_notices(items)
        layout.addWidget(self.reader, 1)
        later = QPushButton(self.tr("Later"))
        later.clicked.connect(self.accept)
        layout.addWidget(later, 0, Qt.AlignmentFlag.AlignRight)


class UnreadNoticesPanel(QFrame):
    """今日待办's notices: the unread ones, read here."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(self.tr("Unread notices"))
        self.title.setObjectName("panel_title")
        layout.addWidget(self.title)
        self.reader = NoticeReader(session)
        self.reader.read.connect(lambda _p: self.refresh())
        layout.addWidget(self.reader, 1)

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: notices.list_notices(ws, unread_only=True), done=self.show_notices
        )

    def show_notices(self, items: list[NoticeView]) -> None:
        if not isValid(self):
            return
        self.reader.set_notices(items)
        self.title.setText(self.tr("Unread notices (%1)").replace("%1", str(len(items))))
        self.setVisible(bool(items))
