"""下发任务: the form a supervisor or the district admin issues a task with (docs/design.md
§23). To a grid, or to a named worker of one; the due date is a working day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.enums_field import TaskKind
from gridworker.services import tasks
from gridworker.services.tasks import IssueChoices
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.photos import PhotoStrip
from gridworker.ui.widgets.tasks import TASK_CHANGES


class TaskCreateDialog(QDialog):
    issued = Signal(str)  # the new task's id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.setWindowTitle(self.tr("Issue a task"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.to_grid = QRadioButton(self.tr("A grid"))
        self.to_worker = QRadioButton(self.tr("A named worker"))
        self.to_grid.setChecked(True)
        self.grid = QComboBox()
        self.worker = QComboBox()
        self.worker.setEnabled(False)
        self.to_grid.toggled.connect(self._switch)
        self.workers: dict[str, tuple[str, ...]] = {}
        form.addRow(self.to_grid, self.grid)
        form.addRow(self.to_worker, self.worker)
        self.kind = QComboBox()
        for kind in TaskKind:
            self.kind.addItem(kind.label(self.lang), kind.code)
        form.addRow(self.tr("Kind"), self.kind)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        form.addRow(self.tr("Title"), self.title_edit)
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        form.addRow(self.tr("Description"), self.description)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("Due (a working day)"), self.due)
        self.target = QLineEdit()
        self.target.setPlaceholderText(self.tr("optional: id of the household, site…"))
        form.addRow(self.tr("Target record"), self.target)
        self.photos = PhotoStrip(session, compact=True)
        self.photos.evidence.setVisible(False)  # a task's photos show what to do, not proof
        form.addRow(self.tr("Photos"), self.photos)
        layout.addLayout(form)
        self.error = error_label("task_create_error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Issue"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        ws = session.ws
        session.tasks.run_db(lambda _s: tasks.issue_choices(ws), done=self._loaded)

    def _loaded(self, choices: IssueChoices) -> None:
        if not isValid(self):
            return
        for code, name in choices.grids:
            self.grid.addItem(f"{name}（{code}）", code)
        for w in choices.workers:
            self.workers[w.username] = w.grids
            self.worker.addItem(f"{w.display_name}（{w.username}）", w.username)
        d = choices.default_due
        self.due.setDate(QDate(d.year, d.month, d.day))

    def _switch(self, to_grid: bool) -> None:
        # The grid stays choosable: a worker of several grids gets the task in the one chosen.
        self.worker.setEnabled(not to_grid)

    def submit(self) -> None:
        ws = self.session.ws
        to_grid = self.to_grid.isChecked()
        grid = self.grid.currentData()
        worker = None if to_grid else self.worker.currentData()
        if worker is not None and grid not in self.workers.get(worker, ()):
            grid = None  # the worker's own grid (the service refuses when it is ambiguous)
        kind = TaskKind.parse(str(self.kind.currentData()))
        title = self.title_edit.text()
        description = self.description.toPlainText().strip() or None
        q = self.due.date()
        due = date(q.year(), q.month(), q.day())
        target = self.target.text().strip() or None
        photos = [(p.data, p.caption) for p in self.photos.pending()]

        def work(_state: object) -> str:
            return tasks.create_task(
                ws,
                title=title,
                kind=kind,
                due=due,
                grid_code=grid,
                assignee=worker,
                description=description,
                target_id=target,
                photos=photos,
            )

        self.buttons.setEnabled(False)
        self.session.tasks.run_db(
            work, done=self._issued, failed=self._failed, changes=TASK_CHANGES
        )

    def _issued(self, task_id: str) -> None:
        if not isValid(self):
            return
        self.issued.emit(task_id)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.buttons.setEnabled(True)
            self.error.setText(error_text(error))
