"""事件: report a case, follow cases by state with their deadline countdown, act on them.

The list is a paged model (models/cases.py over `search_cases`): 100,000 cases open as
fast as 100, narrowed by state tab, grid and a title/place search."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import CaseState
from gridworker.services import case_queries
from gridworker.services.case_queries import Choice
from gridworker.ui.forms import empty_hint, search_box
from gridworker.ui.i18n import current_language
from gridworker.ui.models.cases import CasesModel
from gridworker.ui.screens.base import Screen, heading, select_grid
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets import setup_table
from gridworker.ui.widgets.case_detail import CaseDetailView
from gridworker.ui.widgets.case_report import ReportForm

# Title, time left, deadline, category, urgency, place, state (reported stretches).
COLUMN_WIDTHS = {0: 200, 1: 120, 2: 128, 3: 150, 4: 64, 5: 160, 6: 72}
REPORT_CHANGES = OpChanges(frozenset({"case", "case_action", "attachment"}))
ALL_OPEN = "open"
TAB_STATES: tuple[CaseState, ...] = (
    CaseState.draft,
    CaseState.reported,
    CaseState.accepted,
    CaseState.dispatched,
    CaseState.in_progress,
    CaseState.suspended,
    CaseState.handled,
    CaseState.verified,
    CaseState.closed,
    CaseState.cancelled,
)


class CasesScreen(Screen):
    """Cases by state tab, a page at a time, narrowed by grid and by a title/place search."""

    watches = frozenset({"case", "case_action"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.case_id: str | None = None
        self.grids: list[Choice] | None = None
        self._grids_asked = False
        self._counts_generation = 0
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.grid_filter = QComboBox()
        self.grid_filter.setObjectName("grid_filter")
        self.grid_filter.addItem(self.tr("All my grids"), None)
        self.grid_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = search_box(self.tr("Search title or place"), self.apply_filter)
        self.search.setObjectName("search")
        self.search.setMinimumWidth(220)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.report_button = QPushButton(self.tr("Report a case"))
        self.report_button.setObjectName("report_case")
        self.report_button.clicked.connect(self.start_report)
        for widget in (self.grid_filter, self.search, self.count_label, self.report_button):
            top.addWidget(widget)
        layout.addLayout(top)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        self.tabs = QTabBar()
        self.tabs.setObjectName("state_tabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.addTab(self.tr("All open"))
        self.tabs.setTabData(0, ALL_OPEN)
        for state in TAB_STATES:
            index = self.tabs.addTab(state.label(self.lang))
            self.tabs.setTabData(index, state.code)
        self.tabs.currentChanged.connect(lambda _i: self.apply_filter())
        self.grid_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        layout.addWidget(self.tabs)
        splitter = QSplitter()
        self.model = CasesModel(session, session.ws.calendar.zone, self.lang, parent=self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.count_label.setText)
        self.view = QTableView()
        self.view.setObjectName("cases")
        self.view.setModel(self.model)
        setup_table(self.view)
        header = self.view.horizontalHeader()
        # Widths are set once, not from the contents: measuring every loaded row on each
        # page would cost more the further one scrolls.
        for column, width in COLUMN_WIDTHS.items():
            self.view.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._case_selected)
        empty_hint(self.view, self.tr("No case here."))
        splitter.addWidget(self.view)
        self.pages = QStackedWidget()
        self.hint = QLabel(self.tr("Pick a case to see its details and actions."))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = CaseDetailView(session, self.lang)
        self.form = ReportForm(session, self.lang)
        for page in (self.hint, self.detail, self.form):
            self.pages.addWidget(page)
        splitter.addWidget(self.pages)
        splitter.setSizes([560, 520])
        layout.addWidget(splitter, 1)
        self.form.reported.connect(self._reported)
        self.form.cancelled.connect(self._back)
        self.detail.acted.connect(lambda case_id, _state: self.show_case(case_id))

    def title(self) -> str:
        return self.tr("Cases")

    def current_filter(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()))

    def current_states(self) -> list[CaseState]:
        key = self.current_filter()
        return [s for s in CaseState if s.is_open] if key == ALL_OPEN else [CaseState.parse(key)]

    def show_tab(self, key: str) -> None:
        """Switch to the tab of a state code, or ALL_OPEN."""
        for index in range(self.tabs.count()):
            if self.tabs.tabData(index) == key:
                self.tabs.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.grids is None:
            if self._grids_asked:
                return  # _grids_loaded loads the list
            ws = self.session.ws
            self._grids_asked = True
            self.session.tasks.run_db(
                lambda _s: case_queries.my_grids(ws),
                done=self._grids_loaded,
                failed=lambda _e: self._grids_loaded([]),
            )
            return
        if self.model.started:
            self.model.reload()
            self._load_counts()
        else:
            self.apply_filter()
        if self.case_id is not None and self.pages.currentWidget() is self.detail:
            self.detail.load(self.case_id)

    def _grids_loaded(self, grids: list[Choice]) -> None:
        self.grids = grids
        with_signals = self.grid_filter.blockSignals(True)
        for grid in grids:
            self.grid_filter.addItem(
                f"{grid.name} {grid.code[-3:]}" if grid.name else grid.code, grid.code
            )
        self.grid_filter.blockSignals(with_signals)
        if self.session.grid_filter:  # a grid picked on the map before this screen loaded
            self.apply_grid_filter(self.session.grid_filter)
            return
        self.apply_filter()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        """Show the cases of one grid (the map's or the status chip's choice); None: all."""
        select_grid(
            self.grid_filter, grid_code, loaded=self.grids is not None, apply=self.apply_filter
        )

    def apply_filter(self) -> None:
        """Start the list again from its first page for the tab, grid and search text."""
        if self.session.locked:
            return
        self.view.setColumnHidden(CasesModel.STATE, self.current_filter() != ALL_OPEN)
        self.model.set_filter(
            states=self.current_states(),
            grid_code=self.grid_filter.currentData(),
            text=self.search.text(),
        )
        self._load_counts()

    def _load_counts(self) -> None:
        self._counts_generation += 1
        generation, ws = self._counts_generation, self.session.ws
        grid_code, text = self.model.grid_code, self.model.text
        self.session.tasks.run_db(
            lambda _s: case_queries.count_cases(ws, grid_code=grid_code, text=text),
            done=lambda counts: self._show_counts(generation, counts),
        )

    def _show_counts(self, generation: int, counts: dict[CaseState, int]) -> None:
        if generation != self._counts_generation:
            return
        for index in range(self.tabs.count()):
            code = self.tabs.tabData(index)
            if code == ALL_OPEN:
                n, text = sum(v for s, v in counts.items() if s.is_open), self.tr("All open")
            else:
                state = CaseState.parse(str(code))
                n, text = counts.get(state, 0), state.label(self.lang)
            self.tabs.setTabText(index, f"{text} ({n})" if n else text)

    def _loaded(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(
            (
                self.tr("%1 shown, scroll for more") if self.model.has_more else self.tr("%1 shown")
            ).replace("%1", str(n))
        )
        self._select_current()

    def _select_current(self) -> None:
        row = self.model.row_of(self.case_id) if self.case_id else None
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        if row is not None:
            self.view.selectRow(row)
        else:
            self.view.clearSelection()
        selection.blockSignals(False)
        self.view.viewport().update()

    def _case_selected(self, *_args: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.show_case(self.model.item(rows[0].row()).id)

    def show_case(self, case_id: str) -> None:
        if self.pages.currentWidget() is self.form:
            self.form.leave()  # what was typed stays as the report's draft
        self.case_id = case_id
        self.pages.setCurrentWidget(self.detail)
        self.detail.load(case_id)

    def select(self, case_id: str) -> None:
        """Open a case (navigation from another screen)."""
        self.show_case(case_id)
        self._select_current()

    # --- reporting ----------------------------------------------------------------------

    def start_report(self) -> None:
        self.form.reset()
        self.pages.setCurrentWidget(self.form)
        self.form.title.setFocus()

    def _reported(self, case_id: str, state: CaseState) -> None:
        self.case_id = case_id
        self.pages.setCurrentWidget(self.detail)
        if self.current_filter() != state.code:
            self.show_tab(state.code)  # reloads the list
        self.detail.load(case_id)

    def _back(self) -> None:
        self.pages.setCurrentWidget(self.detail if self.case_id else self.hint)
