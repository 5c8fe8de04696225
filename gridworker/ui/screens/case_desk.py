"""办件台 (case desk) for supervisors: queues by state, overdue first, batch workflow actions.

The queues and the batch logic live in services.case_desk (tested without Qt); this
screen lays them out. Several rows may be selected; an action button is enabled when
the workflow allows it for at least one of them, and after a batch each case gets its
own line: applied, or refused and why. Beside the queue the selected case is shown
whole (description, photos, coordinates, timeline: ui.widgets.case_detail, without its
own action buttons, the batch bar acts); double-clicking a case opens it in 事件.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.enums import CaseActionKind
from gridworker.services import case_desk, case_queries
from gridworker.services.case_desk import BatchResult, DeskCase, Queue
from gridworker.ui.forms import empty_hint, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.screens.today import AMBER, GREY, RED, STYLE, Column, RowsModel
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.case_detail import CaseDetailView

A = CaseActionKind
DESK_ACTIONS: tuple[CaseActionKind, ...] = (
    A.accept, A.return_, A.reject, A.dispatch, A.handle_directly, A.approve_extension,
    A.deny_extension, A.park, A.resume, A.report_done, A.close, A.escalate,
)  # fmt: skip
ACTION_CHANGES = OpChanges(frozenset({"case", "case_action"}))
OK_GREEN = "#15803d"


def format_left(seconds: float | None, per_day: float) -> str:
    """ "2 d 3 h left" / "5 h past deadline" in working time."""
    if seconds is None:
        return ""
    left = abs(seconds)
    days = int(left // per_day)
    hours = int((left - days * per_day) // 3600)
    if days:
        amount = (
            QCoreApplication.translate("CaseDesk", "%1 d %2 h")
            .replace("%1", str(days))
            .replace("%2", str(hours))
        )
    else:
        minutes = int(left % 3600 // 60)
        amount = (
            QCoreApplication.translate("CaseDesk", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", str(minutes))
        )
    template = (
        QCoreApplication.translate("CaseDesk", "%1 past deadline")
        if seconds < 0
        else QCoreApplication.translate("CaseDesk", "%1 left")
    )
    return template.replace("%1", amount)


def _moment(value: datetime | None, zone: tzinfo) -> str:
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M}" if value is not None else ""


def _status_color(item: DeskCase) -> str | None:
    if item.status is None:
        return GREY
    return {"overdue": RED, "due_soon": AMBER}.get(item.status.code)


def case_columns(lang: str, per_day: float, zone: tzinfo) -> list[Column]:
    """The columns of a list of desk cases (the desk and the dashboard's lists)."""
    return [
        Column(
            QCoreApplication.translate("CaseDesk", "Title"),
            lambda c: ("⚑ " if c.escalated else "") + c.title,
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("CaseDesk", "Grid"), lambda c: c.grid_name or c.grid_code
        ),
        Column(QCoreApplication.translate("CaseDesk", "State"), lambda c: c.state.label(lang)),
        Column(
            QCoreApplication.translate("CaseDesk", "Reported"),
            lambda c: _moment(c.reported_at, zone),
        ),
        Column(
            QCoreApplication.translate("CaseDesk", "Deadline"),
            lambda c: _moment(c.deadline_at, zone),
            _status_color,
        ),
        Column(
            QCoreApplication.translate("CaseDesk", "Working time left"),
            lambda c: format_left(c.working_seconds_left, per_day),
            _status_color,
        ),
        Column(QCoreApplication.translate("CaseDesk", "Department"), lambda c: c.department or ""),
    ]


def make_table(model: RowsModel, *, multi: bool) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for n, column in enumerate(model.columns):
        header.setSectionResizeMode(
            n,
            QHeaderView.ResizeMode.Stretch
            if column.stretch
            else QHeaderView.ResizeMode.ResizeToContents,
        )
    return table


class CaseListDialog(QDialog):
    """The cases behind a figure or chart bar; double-click opens one in 事件."""

    open_case = Signal(str)

    def __init__(
        self, session: AppSession, title: str, ids: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(STYLE)
        self.resize(900, 480)
        self.session = session
        self.loaded = False
        lang = current_language()
        per_day = session.ws.calendar.working_seconds_per_day
        layout = QVBoxLayout(self)
        self.caption = QLabel(
            self.tr("%1: %2 cases").replace("%1", title).replace("%2", str(len(ids)))
        )
        self.caption.setObjectName("panel_title")
        layout.addWidget(self.caption)
        self.model = RowsModel(case_columns(lang, per_day, session.ws.calendar.zone), self)
        self.table = make_table(self.model, multi=False)
        empty_hint(self.table, self.tr("No case."))
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        ws = session.ws
        wanted = list(ids)
        session.tasks.run_db(lambda _s: case_desk.cases_by_ids(ws, wanted), done=self._loaded)

    def _loaded(self, items: list[DeskCase]) -> None:
        if isValid(self):
            self.model.set_rows(items)
            self.loaded = True

    def _open(self, index: object) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows):
            self.open_case.emit(self.model.rows[row].id)
            self.accept()


class CaseDeskScreen(Screen):
    """Queues by state with counts; select cases and act on them, one or many at a time."""

    watches = frozenset({"case", "case_action", "department"})
    navigate = Signal(str, str)  # screen key, record id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.lang = current_language()
        self.scope: str | None = session.grid_filter or None
        self.counts: dict[Queue, int] = {}
        self.loading = False
        self.shown_queue: Queue | None = None  # the queue the table holds
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addSpacing(12)
        self.scope_label = QLabel()
        self.scope_label.setObjectName("day_date")
        top.addWidget(self.scope_label)
        top.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.tabs = QTabBar()
        self.tabs.setObjectName("queues")
        for queue in Queue:
            self.tabs.addTab(self._queue_label(queue))
            self.tabs.setTabData(self.tabs.count() - 1, queue.name)
        self.tabs.currentChanged.connect(lambda _n: self.refresh())
        layout.addWidget(self.tabs)
        per_day = session.ws.calendar.working_seconds_per_day
        self.model = RowsModel(case_columns(self.lang, per_day, session.ws.calendar.zone), self)
        self.table = make_table(self.model, multi=True)
        self.table.setObjectName("desk_table")
        empty_hint(self.table, self.tr("No case waits in this queue."))
        self.table.doubleClicked.connect(self._open_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        queue_side = QWidget()
        queue_box = QVBoxLayout(queue_side)
        queue_box.setContentsMargins(0, 0, 0, 0)
        queue_box.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("Nothing waiting in this queue."))
        self.empty.setObjectName("panel_empty")
        self.empty.setVisible(False)
        queue_box.addWidget(self.empty)
        queue_box.addStretch(0)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("desk_split")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(queue_side)
        self.split.addWidget(self._detail_side(session))
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout.addWidget(self.split, 1)
        layout.addLayout(self._action_bar())
        self.results = QListWidget()
        self.results.setObjectName("batch_results")
        self.results.setMaximumHeight(110)
        self.results.setVisible(False)
        layout.addWidget(self.results)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("Case desk")

    def _detail_side(self, session: AppSession) -> QWidget:
        side = QWidget()
        box = QVBoxLayout(side)
        box.setContentsMargins(6, 0, 0, 0)
        self.detail_hint = QLabel(
            self.tr("Select a case to see its description, photos, place and timeline here.")
        )
        self.detail_hint.setObjectName("panel_empty")
        self.detail_hint.setWordWrap(True)
        self.detail_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.detail_hint, 1)
        self.detail = CaseDetailView(session, self.lang, with_actions=False)
        self.detail.setObjectName("desk_detail")
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Only vertical scrolling: the timeline table scrolls sideways by itself.
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(self.detail)
        self.detail_scroll.setVisible(False)
        box.addWidget(self.detail_scroll, 1)
        side.setMinimumWidth(340)
        return side

    def _queue_label(self, queue: Queue) -> str:
        names = {
            Queue.reported: self.tr("Awaiting acceptance"),
            Queue.accepted: self.tr("Accepted"),
            Queue.in_progress: self.tr("In progress"),
            Queue.extension: self.tr("Extension requests"),
            Queue.suspended: self.tr("Parked"),
            Queue.verified: self.tr("Awaiting closing"),
        }
        count = self.counts.get(queue)
        return names[queue] if count is None else f"{names[queue]} ({count})"

    def _action_bar(self) -> QVBoxLayout:
        box = QVBoxLayout()
        row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Note (reason, instructions)"))
        row.addWidget(self.note, 2)
        row.addWidget(QLabel(self.tr("Department")))
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.setMinimumWidth(140)
        row.addWidget(self.department, 1)
        box.addLayout(row)
        buttons = QHBoxLayout()
        self.buttons: dict[CaseActionKind, QPushButton] = {}
        for action in DESK_ACTIONS:
            button = QPushButton(action.label(self.lang))
            button.setObjectName(f"act_{action.code}")
            button.clicked.connect(lambda _c=False, a=action: self.act(a))
            buttons.addWidget(button)
            self.buttons[action] = button
        buttons.addStretch(1)
        box.addLayout(buttons)
        return box

    # --- loading -----------------------------------------------------------------------

    def current_queue(self) -> Queue:
        return Queue[str(self.tabs.tabData(self.tabs.currentIndex()) or Queue.reported.name)]

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws, scope, queue = self.session.ws, self.scope, self.current_queue()

        def load(
            _state: object,
        ) -> tuple[dict[Queue, int], list[DeskCase], list[case_queries.Choice]]:
            return (
                case_desk.queue_counts(ws, scope=scope),
                case_desk.queue(ws, queue, scope=scope),
                case_queries.departments(ws),
            )

        self.session.tasks.run_db(load, done=lambda result: self._loaded(queue, result))

    def _loaded(
        self,
        queue: Queue,
        result: tuple[dict[Queue, int], list[DeskCase], list[case_queries.Choice]],
    ) -> None:
        if not isValid(self):
            return
        counts, items, departments = result
        self.loading = False
        same_queue = self.shown_queue is queue
        keep = {c.id for c in self.selected()} if same_queue else set()
        current = self.current_case() if same_queue else None
        self.shown_queue = queue
        self.counts = counts
        for n in range(self.tabs.count()):
            self.tabs.setTabText(n, self._queue_label(Queue[str(self.tabs.tabData(n))]))
        self.model.set_rows(items)
        # A refresh (a sync, a batch) keeps the cases still in the queue selected.
        self.select_rows(
            [n for n, c in enumerate(items) if c.id in keep],
            current=current.id if current is not None else None,
        )
        self._show_selected(reload=True)
        self.table.setVisible(bool(items))
        self.empty.setVisible(not items)
        chosen_department = self.department.currentData()
        self.department.clear()
        for choice in departments:
            self.department.addItem(choice.name, choice.code)
        if chosen_department is not None:
            self.department.setCurrentIndex(max(0, self.department.findData(chosen_department)))
        self.scope_label.setText(
            self.tr("Grid: %1").replace("%1", self.scope) if self.scope else ""
        )
        self._update_buttons()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        self.scope = grid_code
        if self.isVisible():
            self.refresh()

    # --- selection and actions ---------------------------------------------------------

    def selected(self) -> list[DeskCase]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows if r < len(self.model.rows)]

    def select_rows(self, rows: Sequence[int], *, current: str | None = None) -> None:
        """Select these rows (what a person does with Ctrl+click); the last one (or the
        case `current`) becomes the current row, whose case is shown beside the queue."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for r in rows:
            selection.select(self.model.index(r, 0), flags)
        ids = [self.model.rows[r].id for r in rows if r < len(self.model.rows)]
        if rows:
            last = ids.index(current) if current in ids else len(ids) - 1
            selection.setCurrentIndex(
                self.model.index(list(rows)[last], 0), selection.SelectionFlag.NoUpdate
            )

    def current_case(self) -> DeskCase | None:
        """The case shown beside the queue: the current row when selected, else the
        first selected one; None when nothing is selected."""
        chosen = self.selected()
        if not chosen:
            return None
        row = self.table.currentIndex().row()
        here: DeskCase | None = self.model.rows[row] if 0 <= row < len(self.model.rows) else None
        return here if here is not None and here in chosen else chosen[0]

    def _selection_changed(self) -> None:
        self._update_buttons()
        self._show_selected()

    def _show_selected(self, *, reload: bool = False) -> None:
        case = self.current_case()
        self.detail_hint.setVisible(case is None)
        self.detail_scroll.setVisible(case is not None)
        if case is not None and (reload or case.id != self.detail.case_id):
            self.detail.load(case.id)

    def _update_buttons(self) -> None:
        # Show what this queue's cases allow; enable what the selection allows.
        chosen = self.selected()
        allowed = {a for item in chosen for a in item.actions}
        offered = self._queue_actions() | allowed
        for action, button in self.buttons.items():
            button.setVisible(action in offered)
            button.setEnabled(action in allowed)
        self.department.setEnabled(A.dispatch in allowed)

    def _queue_actions(self) -> set[CaseActionKind]:
        return {a for item in self.model.rows for a in item.actions}

    def act(self, action: CaseActionKind) -> None:
        chosen = self.selected()
        if not chosen:
            return
        ws = self.session.ws
        ids = [c.id for c in chosen]
        note = self.note.text().strip() or None
        department = self.department.currentData() if action is A.dispatch else None
        lang = self.lang

        def work(_state: object) -> list[BatchResult]:
            return case_desk.batch_act(
                ws, ids, action, note=note, department_id=department, lang=lang
            )

        self.session.tasks.run_db(
            work, done=self.show_results, failed=self._failed, changes=ACTION_CHANGES
        )

    def show_results(self, results: list[BatchResult]) -> None:
        if not isValid(self):
            return
        self.results.clear()
        applied = sum(1 for r in results if r.ok)
        summary = self.tr("%1 of %2 cases done").replace("%1", str(applied))
        self.results.addItem(summary.replace("%2", str(len(results))))
        for r in results:
            if r.ok and r.state is not None:
                text = f"✓ {r.title} → {r.state.label(self.lang)}"
            else:
                text = f"✗ {r.title}：{r.message}"
            item = QListWidgetItem(text)
            item.setForeground(Qt.GlobalColor.darkGreen if r.ok else Qt.GlobalColor.darkRed)
            self.results.addItem(item)
        self.results.setVisible(True)
        if applied:
            self.note.clear()
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.results.clear()
            self.results.addItem(f"✗ {error_text(error)}")
            self.results.setVisible(True)

    def _open_selected(self, _index: object) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows):
            self.navigate.emit("cases", self.model.rows[row].id)

    def open_list(self, title: str, ids: Sequence[str]) -> CaseListDialog:
        """A list of cases (a dashboard figure's) in a dialog over this screen."""
        dialog = CaseListDialog(self.session, title, ids, self)
        dialog.open_case.connect(lambda case_id: self.navigate.emit("cases", case_id))
        return dialog
