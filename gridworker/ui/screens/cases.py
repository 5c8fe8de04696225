"""事件: report a case, follow cases by state with their deadline countdown, act on them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import CaseCategory, CaseState, Urgency
from gridworker.services import case_queries
from gridworker.services.case_queries import SUBCATEGORIES, CaseItem, Choice
from gridworker.services.cases import report_case
from gridworker.ui.i18n import current_language
from gridworker.ui.models.cases import CasesModel
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets import setup_table
from gridworker.ui.widgets.case_detail import CaseDetailView
from gridworker.ui.widgets.photos import PhotoStrip, error_text, store_photos

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


class ReportForm(QWidget):
    """事件上报: what, where, how urgent, photos; reported at once or kept as a draft."""

    reported = Signal(str, object)  # case id, CaseState
    cancelled = Signal()

    def __init__(self, session: AppSession, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(self.tr("Report a case")))
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setMaxLength(200)
        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("What happened, who is affected, since when"))
        self.category = QComboBox()
        self.category.setObjectName("category")
        for code, text in CaseCategory.choices(lang):
            self.category.addItem(text, code)
        self.subcategory = QComboBox()
        self.subcategory.setObjectName("subcategory")
        self.urgency = QComboBox()
        self.urgency.setObjectName("urgency")
        for code, text in Urgency.choices(lang):
            self.urgency.addItem(text, code)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.code))
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText(self.tr("Place or address"))
        self.grid = QComboBox()
        self.grid.setObjectName("grid")
        self.confidential = QCheckBox(self.tr("Confidential (保密)"))
        self.confidential.setObjectName("confidential")
        self.photos = PhotoStrip(session)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Subcategory"), self.subcategory)
        form.addRow(self.tr("Urgency"), self.urgency)
        form.addRow(self.tr("Place"), self.address)
        form.addRow(self.tr("Grid"), self.grid)
        form.addRow("", self.confidential)
        form.addRow(self.tr("Photos"), self.photos)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.draft_button = QPushButton(self.tr("Save as draft"))
        self.draft_button.setObjectName("save_draft")
        self.draft_button.clicked.connect(lambda: self.submit(draft=True))
        self.submit_button = QPushButton(self.tr("Report"))
        self.submit_button.setObjectName("submit_report")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(lambda: self.submit(draft=False))
        for button in (self.cancel_button, self.draft_button, self.submit_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.category.currentIndexChanged.connect(self._category_changed)
        self._category_changed()

    def reset(self) -> None:
        """An empty form, with the user's grids loaded."""
        self.title.clear()
        self.description.clear()
        self.address.clear()
        self.confidential.setChecked(False)
        self.category.setCurrentIndex(0)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.code))
        self.photos.bind(None, None)
        self.error.setText("")
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: case_queries.my_grids(ws), done=self._show_grids)

    def _show_grids(self, grids: list[Choice]) -> None:
        self.grid.clear()
        for grid in grids:
            self.grid.addItem(f"{grid.code} {grid.name}".strip(), grid.code)

    def _category_changed(self, *_args: object) -> None:
        category = CaseCategory.parse(str(self.category.currentData()))
        table = SUBCATEGORIES.get(category)
        self.subcategory.clear()
        if table is not None:
            self.subcategory.addItem("—", None)
            for code, text in table.choices(self.lang):
                self.subcategory.addItem(text, code)
        self.subcategory.setEnabled(table is not None)

    def submit(self, *, draft: bool) -> None:
        title = self.title.text().strip()
        if not title:
            self.error.setText(self.tr("Give the case a title"))
            self.title.setFocus()
            return
        if self.grid.currentData() is None:
            self.error.setText(self.tr("Choose the grid"))
            return
        values = {
            "grid_code": str(self.grid.currentData()),
            "title": title,
            "description": self.description.toPlainText().strip() or None,
            "category": CaseCategory.parse(str(self.category.currentData())),
            "subcategory": self.subcategory.currentData(),
            "urgency": Urgency.parse(str(self.urgency.currentData())),
            "address": self.address.text().strip() or None,
            "confidential": self.confidential.isChecked(),
        }
        photos, ws = self.photos.pending(), self.session.ws

        def work(_s: object) -> str:
            case_id = report_case(ws, submit=not draft, **values)
            store_photos(ws, "case", case_id, photos)
            return case_id

        def done(case_id: str) -> None:
            self.submit_button.setEnabled(True)
            self.reported.emit(case_id, CaseState.draft if draft else CaseState.reported)

        def failed(exc: BaseException) -> None:
            self.submit_button.setEnabled(True)
            self.error.setText(error_text(exc))

        self.submit_button.setEnabled(False)
        self.error.setText("")
        self.session.tasks.run_db(work, done=done, failed=failed, changes=REPORT_CHANGES)


class CasesScreen(Screen):
    watches = frozenset({"case", "case_action"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.case_id: str | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.report_button = QPushButton(self.tr("Report a case"))
        self.report_button.setObjectName("report_case")
        self.report_button.clicked.connect(self.start_report)
        top.addWidget(self.report_button)
        layout.addLayout(top)
        self.tabs = QTabBar()
        self.tabs.setObjectName("state_tabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.addTab(self.tr("All open"))
        self.tabs.setTabData(0, ALL_OPEN)
        for state in TAB_STATES:
            index = self.tabs.addTab(state.label(self.lang))
            self.tabs.setTabData(index, state.code)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        layout.addWidget(self.tabs)
        splitter = QSplitter()
        self.model = CasesModel(session.ws.calendar.zone, self.lang, self)
        self.view = QTableView()
        self.view.setObjectName("cases")
        self.view.setModel(self.model)
        setup_table(self.view)
        header = self.view.horizontalHeader()
        # The title and the countdown first, whole; the rest may scroll on a narrow screen.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._case_selected)
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

    def show_tab(self, key: str) -> None:
        """Switch to the tab of a state code, or ALL_OPEN."""
        for index in range(self.tabs.count()):
            if self.tabs.tabData(index) == key:
                self.tabs.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        key = self.current_filter()
        states = [s for s in CaseState if s.is_open] if key == ALL_OPEN else [CaseState.parse(key)]
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: (case_queries.list_cases(ws, states=states), case_queries.count_cases(ws)),
            done=lambda result: self._show_cases(key, *result),
        )
        if self.case_id is not None and self.pages.currentWidget() is self.detail:
            self.detail.load(self.case_id)

    def _show_cases(self, key: str, items: list[CaseItem], counts: dict[CaseState, int]) -> None:
        if key != self.current_filter():
            return
        self.model.set_items(items)
        self.view.setColumnHidden(CasesModel.STATE, key != ALL_OPEN)  # the tab says it
        for index in range(self.tabs.count()):
            code = self.tabs.tabData(index)
            if code == ALL_OPEN:
                n, text = sum(v for s, v in counts.items() if s.is_open), self.tr("All open")
            else:
                state = CaseState.parse(str(code))
                n, text = counts.get(state, 0), state.label(self.lang)
            self.tabs.setTabText(index, f"{text} ({n})" if n else text)
        self._select_current()

    def _select_current(self) -> None:
        row = self.model.row_of(self.case_id) if self.case_id else -1
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            self.view.selectRow(row)
        else:
            self.view.clearSelection()
        selection.blockSignals(False)

    def _case_selected(self, *_args: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.show_case(self.model.item(rows[0].row()).id)

    def show_case(self, case_id: str) -> None:
        self.case_id = case_id
        self.pages.setCurrentWidget(self.detail)
        self.detail.load(case_id)

    # --- reporting ----------------------------------------------------------------------

    def start_report(self) -> None:
        self.form.reset()
        self.pages.setCurrentWidget(self.form)
        self.form.title.setFocus()

    def _reported(self, case_id: str, state: CaseState) -> None:
        self.case_id = case_id
        self.pages.setCurrentWidget(self.detail)
        if self.current_filter() != state.code:
            self.show_tab(state.code)  # refreshes the list
        self.detail.load(case_id)

    def _back(self) -> None:
        self.pages.setCurrentWidget(self.detail if self.case_id else self.hint)
