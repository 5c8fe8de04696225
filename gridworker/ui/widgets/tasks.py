"""Tasks in the window (docs/design.md §23): a table of tasks with their countdown on the
working-day calendar, and the buttons of what the person may do with the selected one.
Used by 今日待办 (the worker's open tasks) and by the task desk (every task in reach)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.enums_field import TaskActionKind
from gridworker.services import task_queries, tasks
from gridworker.services.task_queries import TaskView
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.photos import PhotoStrip

RED = "#b3261e"
AMBER = "#b45309"
GREEN = "#15803d"
GREY = "#6b7280"
TASK_CHANGES = OpChanges(frozenset({"task", "task_action"}))
NEEDS_REASON = frozenset({TaskActionKind.return_, TaskActionKind.redo})


class TaskModel(QAbstractTableModel):
    """Tasks as rows: title, kind, where, due date, countdown, state (and who, on the desk)."""

    def __init__(self, *, with_worker: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = current_language()
        self.rows: list[TaskView] = []
        self.columns: list[tuple[str, Callable[[TaskView], str]]] = [
            (self.tr("Task"), lambda t: t.title),
            (self.tr("Kind"), lambda t: t.kind.label(self.lang)),
            (self.tr("Grid / target"), self._where),
        ]
        if with_worker:
            self.columns.append((self.tr("Worker"), self._worker))
        self.columns += [
            (self.tr("Due"), lambda t: t.due_date.isoformat()),
            (self.tr("Countdown"), self.countdown),
            (self.tr("State"), self._state),
        ]

    def set_rows(self, rows: Sequence[TaskView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        task = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()][1](task)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() >= len(self.columns) - 2:
            color = self._color(task)
            return QBrush(QColor(color)) if color else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def texts(self) -> list[list[str]]:
        """What the table shows, row by row (tests, accessibility)."""
        return [[text(t) for _h, text in self.columns] for t in self.rows]

    # --- cells ---------------------------------------------------------------------------

    def _where(self, t: TaskView) -> str:
        if t.target_id is None:
            return t.grid_name
        target = t.target_label or self.tr("(target no longer here)")
        return f"{t.grid_name} · {target}"

    def _worker(self, t: TaskView) -> str:
        if t.assignee:
            return t.assignee_name or t.assignee
        if t.signed_by:
            return t.signed_by
        return self.tr("(whole grid)")

    def countdown(self, t: TaskView) -> str:
        if t.due is None:
            return ""
        if t.days_left < 0:
            return self.tr("%1 working days overdue").replace("%1", str(-t.days_left))
        if t.days_left <= 1:
            return self.tr("due today")
        return self.tr("%1 working days left").replace("%1", str(t.days_left))

    def _state(self, t: TaskView) -> str:
        text = t.state.label(self.lang)
        if t.remind_count and t.state.is_open:
            text += self.tr(" · reminded ×%1").replace("%1", str(t.remind_count))
        if t.reason:  # why it was returned, sent back or cancelled
            text += f"（{t.reason}）"
        return text

    @staticmethod
    def _color(t: TaskView) -> str | None:
        if t.due is None:
            return GREEN if t.state.code == "done" else GREY
        return RED if t.overdue else AMBER if t.due.value == "due_soon" else None


class TaskTable(QTableView):
    def __init__(self, model: TaskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def selected(self) -> TaskView | None:
        model = self.model()
        assert isinstance(model, TaskModel)
        row = self.currentIndex().row()
        return model.rows[row] if 0 <= row < len(model.rows) else None


def task_photos(session: AppSession, table: TaskTable) -> PhotoStrip:
    """The selected task's photos (sent with it when issued; a click opens the viewer),
    shown only when it has any; read only."""
    strip = PhotoStrip(session, compact=True, read_only=True)
    strip.setObjectName("task_photos")

    def shown() -> None:
        strip.setVisible(strip.count() > 0)
        table.scrollTo(table.currentIndex())  # the list may have lost height to the strip

    strip.changed.connect(shown)
    strip.setVisible(False)

    def follow() -> None:
        task = table.selected()
        if task is None:
            strip.bind(None, None)
        elif task.id != strip.owner_id:
            strip.bind("task", task.id)

    table.selectionModel().currentRowChanged.connect(lambda *_: follow())
    return strip


def photos_and_actions(photos: PhotoStrip, actions: QWidget) -> QHBoxLayout:
    """The selected task's photos beside its buttons (one row, so the list keeps its height)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(photos)
    row.addWidget(actions, 1)
    return row


class TaskActions(QWidget):
    """The buttons of what may be done with the selected task, a reason box, a result line."""

    acted = Signal()

    def __init__(self, session: AppSession, table: TaskTable, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.table = table
        self.lang = current_language()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason or note (退回 and 退回重办 need one)"))
        self.buttons: dict[TaskActionKind, QPushButton] = {}
        for kind in TaskActionKind:
            button = QPushButton(kind.label(self.lang))
            button.setObjectName(f"task_{kind.code}")
            button.clicked.connect(lambda _=False, k=kind: self.act(k))
            button.setVisible(False)
            self.buttons[kind] = button
            layout.addWidget(button)
        layout.addWidget(self.reason, 1)
        self.message = error_label("task_message")
        layout.addWidget(self.message, 1)
        table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        self.update_buttons()

    def update_buttons(self) -> None:
        task = self.table.selected()
        allowed = set(task.actions) if task is not None else set()
        for kind, button in self.buttons.items():
            button.setVisible(kind in allowed)
        self.reason.setVisible(bool(allowed))

    def act(self, kind: TaskActionKind) -> None:
        task = self.table.selected()
        if task is None:
            return
        note = self.reason.text().strip() or None
        if kind in NEEDS_REASON and note is None:
            text = self.tr("“%1” needs a reason").replace("%1", kind.label(self.lang))
            self.message.setText(text)
            self.reason.setFocus()
            return
        ws, task_id = self.session.ws, task.id
        self.session.tasks.run_db(
            lambda _s: tasks.act_on_task(ws, task_id, kind, note=note),
            done=self._done,
            failed=self._failed,
            changes=TASK_CHANGES,
        )

    def _done(self, state: Any) -> None:
        if not isValid(self):
            return
        self.reason.clear()
        self.message.setText("")
        self.acted.emit()

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.message.setText(error_text(error))


class MyTasksPanel(QFrame):
    """今日待办's tasks: the open tasks this worker is to do, soonest first."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(self.tr("Tasks"))
        self.title.setObjectName("panel_title")
        layout.addWidget(self.title)
        self.model = TaskModel(with_worker=False, parent=self)
        self.table = TaskTable(self.model)
        self.empty = QLabel(self.tr("No task has been sent to you."))
        self.empty.setObjectName("panel_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.photos = task_photos(session, self.table)
        self.task_actions = TaskActions(session, self.table)
        self.task_actions.acted.connect(self.refresh)
        layout.addLayout(photos_and_actions(self.photos, self.task_actions))

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: task_queries.list_tasks(ws, mine=True, open_only=True),
            done=self.show_tasks,
        )

    def show_tasks(self, rows: list[TaskView]) -> None:
        if not isValid(self):
            return
        self.model.set_rows(rows)
        overdue = sum(1 for t in rows if t.overdue)
        title = self.tr("Tasks (%1)").replace("%1", str(len(rows)))
        if overdue:
            title += " · " + self.tr("%1 overdue").replace("%1", str(overdue))
        self.title.setText(title)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.task_actions.update_buttons()
