"""工作统计 (work statistics, docs/design.md §26): per grid and per person over a period, for
supervisors and the district admin, with an .xlsx export like the 台账.

The lines come in grid-code and person order (services.work_stats): nothing is ranked
unless the person clicks a column header, which sorts by that column (a second click
reverses it); 恢复默认顺序 puts the default order back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.services.ledger_rows import scope_choices
from gridworker.services.work_stats import FIGURE_LABELS, FIGURES, GRID_ONLY, WorkStats, work_stats
from gridworker.services.work_stats_export import write_stats
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.screens.task_desk import STYLE
from gridworker.ui.session import AppSession


class StatsTable(QTableView):
    """Lines of a WorkStats, unsorted until a header is clicked."""

    def __init__(self, first: list[str], figures: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures = figures
        self.source = QStandardItemModel(0, len(first) + len(figures), self)
        zh = current_language().startswith("zh")
        heads = first + [FIGURE_LABELS[f][0 if zh else 1] for f in figures]
        self.source.setHorizontalHeaderLabels(heads)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(self.proxy)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.unsort()
        self.setSortingEnabled(True)
        # setSortingEnabled sorts by the indicator: put "no sort" back.
        self.unsort()

    def unsort(self) -> None:
        """The service's order (grid code, person), no column sorted."""
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)

    def set_rows(self, rows: list[tuple[list[str], dict[str, int | None]]]) -> None:
        self.source.removeRows(0, self.source.rowCount())
        for texts, figures in rows:
            items = []
            for text in texts:
                item = QStandardItem(text)
                item.setData(text, Qt.ItemDataRole.UserRole)
                items.append(item)
            for f in self.figures:
                value = figures.get(f)
                item = QStandardItem("—" if value is None else str(value))
                item.setData(-1 if value is None else value, Qt.ItemDataRole.UserRole)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                items.append(item)
            self.source.appendRow(items)

    def column_texts(self, column: int) -> list[str]:
        """What the table shows in `column`, top to bottom (as sorted now)."""
        return [str(self.proxy.index(r, column).data()) for r in range(self.proxy.rowCount())]


class WorkStatsScreen(Screen):
    watches = frozenset({"visit", "task", "task_action", "inspection", "rectification"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.stats: WorkStats | None = None
        self.loading = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addSpacing(12)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.scope.setMinimumWidth(260)
        self.scope.addItem(self.tr("All my area"), "")
        top.addWidget(self.scope)
        day = session.ws.today()
        today = QDate(day.year, day.month, day.day)
        self.start = QDateEdit(QDate(today.year(), today.month(), 1))
        self.end = QDateEdit(today)
        for edit, name in ((self.start, "date_from"), (self.end, "date_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        top.addWidget(self.start)
        top.addWidget(QLabel("—"))
        top.addWidget(self.end)
        self.count_button = QPushButton(self.tr("Count"))
        self.count_button.setObjectName("count")
        self.count_button.clicked.connect(self.refresh)
        top.addWidget(self.count_button)
        top.addStretch(1)
        self.unsort_button = QPushButton(self.tr("Default order"))
        self.unsort_button.setToolTip(self.tr("By grid code and person, not ranked"))
        self.unsort_button.clicked.connect(self.unsort)
        top.addWidget(self.unsort_button)
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(self.ask_export)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        line = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        line.addWidget(self.summary, 1)
        self.saved = QLabel()
        self.saved.setObjectName("saved")
        self.saved.setStyleSheet("color: #15803d")
        line.addWidget(self.saved)
        layout.addLayout(line)
        self.error = error_label("error")
        layout.addWidget(self.error)
        self.by_grid = StatsTable([self.tr("Grid"), self.tr("Code")], list(FIGURES))
        self.by_person = StatsTable(
            [self.tr("Person"), self.tr("Username")], [f for f in FIGURES if f not in GRID_ONLY]
        )
        for title, table, stretch in (
            (self.tr("By grid"), self.by_grid, 3),
            (self.tr("By person"), self.by_person, 2),
        ):
            panel = QFrame()
            panel.setObjectName("panel")
            box = QVBoxLayout(panel)
            label = QLabel(title)
            label.setObjectName("panel_title")
            box.addWidget(label)
            box.addWidget(table, 1)
            layout.addWidget(panel, stretch)
        self._fill_scopes()

    def title(self) -> str:
        return self.tr("Work statistics")

    def _fill_scopes(self) -> None:
        for choice in scope_choices(self.session.ws):
            indent = {"street": "", "community": "  ", "grid": "    "}[choice.level]
            self.scope.addItem(
                f"{indent}{choice.name or choice.code}（{choice.code}）", choice.code
            )

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        scope = str(self.scope.currentData() or "") or None
        start, end = self.start.date().toPython(), self.end.date().toPython()
        self.loading = True
        self.session.tasks.run_db(
            lambda _s: work_stats(ws, scope=scope, start=start, end=end),  # type: ignore[arg-type]
            done=self.show_stats,
            failed=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.loading = False
            self.error.setText(error_text(error))

    def show_stats(self, stats: WorkStats) -> None:
        if not isValid(self):
            return
        self.loading = False
        self.stats = stats
        self.error.setText("")
        self.saved.setText("")
        period = (
            self.tr("%1 to %2, %3 working days.")
            .replace("%1", stats.start.isoformat())
            .replace("%2", stats.end.isoformat())
            .replace("%3", str(stats.working_days))
        )
        order = self.tr("In grid and name order, not ranked: click a column to sort by it.")
        self.summary.setText(f"{period} {order}")
        self.by_grid.set_rows(
            [([line.name or line.key, line.key], line.figures) for line in stats.by_grid]
        )
        self.by_person.set_rows([([line.name, line.key], line.figures) for line in stats.by_worker])
        self.unsort()

    def unsort(self) -> None:
        self.by_grid.unsort()
        self.by_person.unsort()

    def ask_export(self) -> None:
        if self.stats is None:
            return
        name = f"工作统计_{self.stats.start.isoformat()}_{self.stats.end.isoformat()}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export to Excel"), name, self.tr("Excel workbook (*.xlsx)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the statistics shown to `path` (.xlsx) in the background."""
        stats = self.stats
        if stats is None:
            return
        ws, lang = self.session.ws, current_language()
        self.session.tasks.run_db(
            lambda _s: write_stats(ws, stats, path, lang=lang),
            done=lambda out: self.saved.setText(self.tr("Saved %1").replace("%1", out.name)),
            failed=self._failed,
        )
