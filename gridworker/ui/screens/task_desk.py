"""任务督办 (the task desk, docs/design.md §23): the tasks a supervisor or the admin has
sent, counted per grid and per worker (已下发, 已签收, 已完成, 已退回, 逾期); a click on
a count lists those tasks; 下发任务 issues one; the selected task's 催办, 退回重办, 重新下发
and 撤销 buttons act on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.services import task_queries
from gridworker.services.task_queries import DESK_COLUMNS, DeskLine, TaskDesk
from gridworker.ui.dialogs.task_create import TaskCreateDialog
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.tasks import (
    TaskActions,
    TaskModel,
    TaskTable,
    photos_and_actions,
    task_photos,
)

STYLE = """
QFrame#panel { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
QLabel#panel_title { font-size: 15px; font-weight: 600; color: #1f3b5a; }
QTableView, QTableWidget { border: none; }
QHeaderView::section { padding: 4px 5px; border: none; border-bottom: 1px solid #d8dee6;
    background: #f3f5f8; font-weight: 600; color: #374151; }
"""


class CountsTable(QTableWidget):
    """One line per grid or worker, one column per desk column; a cell lists its tasks."""

    def __init__(self, first: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[DeskLine] = []
        self.setColumnCount(1 + len(DESK_COLUMNS))
        self.setHorizontalHeaderLabels([first, *self.column_titles()])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def column_titles(self) -> list[str]:
        return [
            self.tr("Issued"),
            self.tr("Signed for"),
            self.tr("Done"),
            self.tr("Returned"),
            self.tr("Overdue"),
        ]

    def set_lines(self, lines: list[DeskLine]) -> None:
        self.lines = lines
        self.setRowCount(len(lines))
        for row, line in enumerate(lines):
            self.setItem(row, 0, QTableWidgetItem(line.name))
            for n, column in enumerate(DESK_COLUMNS, start=1):
                count = line.counts[column]
                item = QTableWidgetItem(str(count) if count else "·")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == "overdue" and count:
                    item.setForeground(Qt.GlobalColor.red)
                self.setItem(row, n, item)

    def ids_at(self, row: int, column: int) -> list[str] | None:
        if not (0 <= row < len(self.lines)):
            return None
        line = self.lines[row]
        if column == 0:
            return [i for ids in line.task_ids.values() for i in ids]
        return list(line.task_ids[DESK_COLUMNS[column - 1]])


class TaskDeskScreen(Screen):
    watches = frozenset({"task", "task_action"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.desk: TaskDesk | None = None
        self.only: set[str] | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.issue_button = QPushButton(self.tr("Issue a task…"))
        self.issue_button.clicked.connect(self.open_issue)
        top.addWidget(self.issue_button)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.error = error_label("error")
        layout.addWidget(self.error)
        counts = QHBoxLayout()
        self.by_grid = CountsTable(self.tr("Grid"))
        self.by_worker = CountsTable(self.tr("Worker"))
        for title, table in (
            (self.tr("By grid"), self.by_grid),
            (self.tr("By worker"), self.by_worker),
        ):
            panel = QFrame()
            panel.setObjectName("panel")
            box = QVBoxLayout(panel)
            label = QLabel(title)
            label.setObjectName("panel_title")
            box.addWidget(label)
            box.addWidget(table)
            table.cellClicked.connect(lambda r, c, t=table: self._filter(t, r, c))
            counts.addWidget(panel, 1)
        layout.addLayout(counts, 1)
        list_panel = QFrame()
        list_panel.setObjectName("panel")
        box = QVBoxLayout(list_panel)
        head = QHBoxLayout()
        self.list_title = QLabel(self.tr("All tasks"))
        self.list_title.setObjectName("panel_title")
        head.addWidget(self.list_title)
        head.addStretch(1)
        self.show_all = QPushButton(self.tr("Show all"))
        self.show_all.clicked.connect(self.clear_filter)
        self.show_all.setVisible(False)
        head.addWidget(self.show_all)
        box.addLayout(head)
        self.model = TaskModel(with_worker=True, parent=self)
        self.table = TaskTable(self.model)
        box.addWidget(self.table, 1)
        self.photos = task_photos(session, self.table)
        self.task_actions = TaskActions(session, self.table)
        self.task_actions.acted.connect(self.refresh)
        box.addLayout(photos_and_actions(self.photos, self.task_actions))
        layout.addWidget(list_panel, 3)

    def title(self) -> str:
        return self.tr("Task desk")

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: task_queries.task_desk(ws), done=self.show_desk, failed=self._failed
        )

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.error.setText(error_text(error))

    def show_desk(self, desk: TaskDesk) -> None:
        if not isValid(self):
            return
        self.desk = desk
        self.error.setText("")
        self.by_grid.set_lines(desk.by_grid)
        self.by_worker.set_lines(desk.by_worker)
        self._show_tasks()

    def _show_tasks(self) -> None:
        if self.desk is None:
            return
        rows = [t for t in self.desk.tasks if self.only is None or t.id in self.only]
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self.task_actions.update_buttons()
        self.show_all.setVisible(self.only is not None)
        if self.only is None:
            self.list_title.setText(self.tr("All tasks (%1)").replace("%1", str(len(rows))))

    def _filter(self, table: CountsTable, row: int, column: int) -> None:
        ids = table.ids_at(row, column)
        if ids is None:
            return
        self.only = set(ids)
        name, header = table.item(row, 0), table.horizontalHeaderItem(column)
        what = name.text() if name is not None else ""
        if column and header is not None:
            what += " · " + header.text()
        self.list_title.setText(f"{what}（{len(ids)}）")
        self._show_tasks()

    def clear_filter(self) -> None:
        self.only = None
        self._show_tasks()

    def open_issue(self) -> TaskCreateDialog:
        dialog = TaskCreateDialog(self.session, self)
        dialog.issued.connect(lambda _id: self.refresh())
        dialog.open()
        return dialog
